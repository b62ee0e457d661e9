import { isValidIsoDate } from '../dates';
import { MAX_AMOUNT_CENTS } from '../model/fields';
import { type AmountSyntax, MoneyFormatError, parseAmountToCents } from '../money';
import { StatementParseError } from './errors';

export type TextEncoding = 'utf-8' | 'windows-1252' | 'utf-16le' | 'utf-16be';

/**
 * Decodes a statement file: UTF-16 with BOM, UTF-8 (BOM dropped), else windows-1252 (the superset of latin-1 that
 * French
 * banks actually write) when the bytes are not valid UTF-8. NUL bytes mean a binary file or UTF-16 without BOM.
 */
export function decodeStatementBytes(bytes: Uint8Array): { text: string; encoding: TextEncoding } {
  let text: string;
  let encoding: TextEncoding;
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) {
    text = new TextDecoder('utf-16le').decode(bytes);
    encoding = 'utf-16le';
  } else if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    text = new TextDecoder('utf-16be').decode(bytes);
    encoding = 'utf-16be';
  } else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      encoding = 'utf-8';
    } catch {
      text = new TextDecoder('windows-1252').decode(bytes);
      encoding = 'windows-1252';
    }
  }
  const nul = text.indexOf('\u0000');
  if (nul >= 0) {
    throw new StatementParseError(
      'encoding',
      'binary content (NUL byte): not a text statement file, or UTF-16 without a byte order mark',
      {
        line: lineOf(text, nul),
      },
    );
  }
  return { text, encoding };
}

/** 1-based line number of a character offset. */
export function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Splits on CRLF, LF or CR. */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\n|\r/);
}

/**
 * The largest amount a statement may carry, in cents: 10^13 cents is 100 billion euros, far above any single booking
 * or balance of the companies this product serves, yet 900 times below 2^53, so sums of many such amounts stay exact
 * integers (and the file total is checked as well). A bigger figure is a corrupt or hostile file.
 */
export const MAX_STATEMENT_AMOUNT_CENTS = MAX_AMOUNT_CENTS;

export function amountOrThrow(
  input: string,
  where: { line?: number; element?: string },
  syntax?: AmountSyntax,
): number {
  let cents: number;
  try {
    cents = parseAmountToCents(input, syntax);
  } catch (e) {
    if (e instanceof MoneyFormatError)
      throw new StatementParseError('invalid_amount', `not an amount: "${input.slice(0, 40)}"`, where);
    throw e;
  }
  return boundedOrThrow(cents, where);
}

/** The amount itself when within MAX_STATEMENT_AMOUNT_CENTS, else an `invalid_amount` error saying where. */
export function boundedOrThrow(cents: number, where: { line?: number; element?: string }): number {
  if (Math.abs(cents) <= MAX_STATEMENT_AMOUNT_CENTS) return cents;
  throw new StatementParseError(
    'invalid_amount',
    `amount beyond ${MAX_STATEMENT_AMOUNT_CENTS / 100} (100 billion): not a real booking`,
    where,
  );
}

const validDates = new Set<string>();

export function dateOrThrow(iso: string, raw: string, where: { line?: number; element?: string }): string {
  if (validDates.has(iso)) return iso;
  if (isValidIsoDate(iso)) {
    if (validDates.size > 50_000) validDates.clear();
    validDates.add(iso);
    return iso;
  }
  if (!isValidIsoDate(iso)) throw new StatementParseError('invalid_date', `not a date: "${raw.slice(0, 40)}"`, where);
  return iso;
}

/** Two-digit years: 70-99 are 19xx, 00-69 are 20xx. */
export function century(yy: string): string {
  return Number(yy) >= 70 ? `19${yy}` : `20${yy}`;
}

/** Runs of blanks (any white space) as one space, trimmed. Most texts have none but single spaces: only trimmed. */
export function collapse(s: string): string {
  return MORE_THAN_SPACES.test(s) ? s.replace(/\s+/g, ' ').trim() : s.trim();
}

const MORE_THAN_SPACES = /\s\s|[^\S ]/;
