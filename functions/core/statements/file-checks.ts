import type { Statement, StatementFormat } from '../model/statement';
import type { CsvMapping } from './csv';
import { StatementParseError } from './errors';

/** What every reader of a file checks: shared by the whole-file parse (index.ts) and the streamed one (stream.ts). */
export interface ParseOptions {
  /** Skip detection and read the file as this format. */
  format?: StatementFormat;
  /** For messages only: the format is always read from the content. */
  fileName?: string;
  /** Column mapping for a CSV export the auto-detection does not read (implies format 'csv'). */
  csvMapping?: CsvMapping;
}

/**
 * The formats whose reader, in parseStatementFile, takes a UTF-8 file that is not ASCII as the latin-1 view of its
 * bytes (one character per byte, a copy at memory speed, where decoding the whole file took about twice as long) and
 * decodes only the parts that hold bytes at 0x80 or above (see utf8FromView); the others get the decoded text.
 * parseStatementStream gives decoded text to every reader: there, each chunk decodes natively into a small one-byte
 * string, and a CFONB stream read as views measured 10 % slower (the lines decoded one by one).
 */
export const UTF8_VIEW_FORMATS: ReadonlySet<StatementFormat> = new Set<StatementFormat>(['cfonb120']);

/** No format fits the content. */
export function unknownFormat(fileName: string | undefined): StatementParseError {
  const name = fileName ? ` "${fileName}"` : '';
  return new StatementParseError(
    'unknown_format',
    `unknown statement format${name}: not CFONB 120, camt.053/054, MT940, OFX nor a recognizable CSV export`,
    { line: 1 },
  );
}

/**
 * Every sum a reader of the file may take (balances plus every entry, in any order and any subset) stays an exact
 * integer: the file is refused when the magnitudes add up beyond 2^53 cents.
 */
export function checkTotals(statements: Statement[], omittedCents = 0): void {
  let total = omittedCents;
  for (const st of statements) {
    total += Math.abs(st.openingBalanceCents ?? 0) + Math.abs(st.closingBalanceCents ?? 0);
    for (const e of st.entries) total += Math.abs(e.amountCents);
    if (total > Number.MAX_SAFE_INTEGER) {
      throw new StatementParseError(
        'invalid_amount',
        'the amounts of the file add up beyond 2^53 cents: not a real statement',
      );
    }
  }
}
