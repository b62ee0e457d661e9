import type { ParsedStatementFile } from '../model';
import { formatCents } from '../money';
import {
  type OpenBytes,
  parseStatementFile,
  parseStatementStream,
  StatementParseError,
  StatementSourceError,
} from '../statements';
import { accountLabel } from './summary';

/** Why a statement file is refused; kept in its rejection report and on its statement record. */
export interface StatementProblem {
  code: string;
  message: string;
  line?: number;
  element?: string;
}

export interface IngestLimits {
  /** Files larger than this are rejected without being read. */
  maxBytes: number;
  /** Files holding more entries than this (all statements together) are rejected. */
  maxEntries: number;
}

export type ReadOutcome =
  | { parsed: ParsedStatementFile; problem?: undefined }
  | { parsed?: undefined; problem: StatementProblem };

/**
 * Reads and checks a statement file. Whatever goes wrong in here is a property of the file (the code is pure: no AWS
 * call can fail), so every error, a parser's StatementParseError or any other exception a reader or formatter throws
 * (a RangeError on an absurd amount...), becomes a problem that rejects the file with its report. It never escapes,
 * so a bad file can never leave its statement `processing` or be retried forever.
 */
export function readStatement(bytes: Uint8Array, fileName: string, limits: IngestLimits): ReadOutcome {
  let parsed: ParsedStatementFile;
  try {
    parsed = parseStatementFile(bytes, { fileName });
  } catch (err) {
    return { problem: problemOf(err) };
  }
  return checked(parsed, limits);
}

/**
 * readStatement for a file read as a stream (parseStatementStream): the same outcome, and the same problems. Only a
 * failure of the source itself (the bytes stopped coming) escapes, as the fault of the source it is.
 */
export async function readStatementStream(
  open: OpenBytes,
  fileName: string,
  limits: IngestLimits,
): Promise<ReadOutcome> {
  try {
    // past the entry limit, entries are only counted: a file refused for its count never holds memory for them
    const streamed = await parseStatementStream(open, { fileName, maxEntries: limits.maxEntries });
    const { omittedEntries, ...file } = streamed;
    return checked(file, limits, omittedEntries);
  } catch (err) {
    if (err instanceof StatementSourceError) throw err.cause;
    return { problem: problemOf(err) };
  }
}

function problemOf(err: unknown): StatementProblem {
  if (err instanceof StatementParseError) return err.toJSON();
  return { code: 'unreadable', message: `the file could not be read: ${errorText(err)}` };
}

function checked(parsed: ParsedStatementFile, limits: IngestLimits, omittedEntries = 0): ReadOutcome {
  try {
    const problem = statementProblem(parsed, limits, omittedEntries);
    return problem ? { problem } : { parsed };
  } catch (err) {
    return { problem: { code: 'unreadable', message: `the file could not be checked: ${errorText(err)}` } };
  }
}

function errorText(err: unknown): string {
  const text = err instanceof Error ? `${err.name === 'Error' ? '' : `${err.name}: `}${err.message}` : String(err);
  return text.slice(0, 500);
}

/** A file over the size limit: refused before anything is read. */
export function tooLargeProblem(sizeBytes: number, limits: IngestLimits): StatementProblem | undefined {
  if (sizeBytes <= limits.maxBytes) return undefined;
  return {
    code: 'file_too_large',
    message:
      `the file is ${sizeBytes} bytes, over the limit of ${limits.maxBytes} bytes: it was not read (split ` +
      `it, or raise statementMaxBytes)`,
  };
}

/**
 * Amounts must be exact integer cents, and so must every sum made of them (balances, totals, reports): an amount or a
 * running total beyond 2^53 cents (about 90 000 billion euros) is no bank's, and would lose precision.
 */
export function amountProblem(parsed: ParsedStatementFile): StatementProblem | undefined {
  for (const [i, s] of parsed.statements.entries()) {
    let total = Math.abs(s.openingBalanceCents ?? 0) + Math.abs(s.closingBalanceCents ?? 0);
    for (const e of s.entries) {
      total += Math.abs(e.amountCents);
      if (!Number.isSafeInteger(e.amountCents) || !Number.isSafeInteger(total)) {
        return {
          code: 'invalid_amount',
          element: `statement ${i + 1}, entry ${e.index + 1}`,
          message:
            `amounts beyond what can be counted exactly (2^53 cents): ${e.amountCents} cents, running total ` +
            `${total}`,
        };
      }
    }
    if (!Number.isSafeInteger(total))
      return {
        code: 'invalid_amount',
        element: `statement ${i + 1}`,
        message: 'balances beyond what can be counted exactly (2^53 cents)',
      };
  }
  return undefined;
}

/**
 * No statement, too many entries, an amount no bank would book, or balances that do not add up: the whole file is
 * refused.
 */
function statementProblem(
  parsed: ParsedStatementFile,
  limits: IngestLimits,
  omittedEntries: number,
): StatementProblem | undefined {
  if (parsed.statements.length === 0) return { code: 'empty', message: 'no statement in the file' };
  const entries = parsed.statements.reduce((n, s) => n + s.entries.length, omittedEntries);
  if (entries > limits.maxEntries) {
    return {
      code: 'too_many_entries',
      message:
        `the file holds ${entries} entries, over the limit of ${limits.maxEntries} (split it, or raise ` +
        `statementMaxEntries)`,
    };
  }
  const amounts = amountProblem(parsed);
  if (amounts) return amounts;
  for (const [i, s] of parsed.statements.entries()) {
    if (s.balanceCheck.status !== 'mismatch') continue;
    const c = s.balanceCheck;
    return {
      code: 'balance_mismatch',
      element: `statement ${i + 1} (account ${accountLabel(s)})`,
      message:
        `balances do not add up: opening + entries = ${formatCents(c.expectedClosingCents)}, stated closing ` +
        `${formatCents(c.statedClosingCents)} (difference ${formatCents(c.differenceCents)})`,
    };
  }
  return undefined;
}
