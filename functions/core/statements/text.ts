import { isAscii, isUtf8 } from 'node:buffer';
import { BoundedMap } from '../bounded-map';
import { isValidIsoDate } from '../dates';
import { MAX_AMOUNT_CENTS } from '../model/fields';
import { type AmountSyntax, MoneyFormatError, parseAmountToCents } from '../money';
import { StatementParseError } from './errors';

export type TextEncoding = 'utf-8' | 'windows-1252' | 'utf-16le' | 'utf-16be';

/**
 * Decodes a statement file: UTF-16 with BOM, UTF-8 (BOM dropped), else windows-1252 (the superset of latin-1 that
 * French banks actually write) when the bytes are not valid UTF-8. NUL bytes mean a binary file or UTF-16 without BOM.
 *
 * `viewFor`: for a file of valid UTF-8 that is not ASCII, asked with the text of its first 64 KB (without BOM)
 * whether the caller reads the latin-1 view of the bytes instead of their text (see utf8FromView): then `text` is
 * that view (BOM dropped) and `utf8View` is true. A copy of the bytes where decoding took twice as long.
 */
export function decodeStatementBytes(
  bytes: Uint8Array,
  viewFor?: (head: string) => boolean,
): { text: string; encoding: TextEncoding; utf8View?: boolean } {
  let text: string;
  let encoding: TextEncoding;
  if (isAscii(bytes)) {
    // the common case (CFONB, MT940, most XML): one native scan, then a one-byte string copied as is
    const nul = bytes.indexOf(0);
    if (nul >= 0) throw binary(lineOfByte(bytes, nul));
    return { text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1'), encoding: 'utf-8' };
  }
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) {
    text = new TextDecoder('utf-16le').decode(bytes);
    encoding = 'utf-16le';
  } else if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    text = new TextDecoder('utf-16be').decode(bytes);
    encoding = 'utf-16be';
  } else if (isUtf8(bytes)) {
    // validated natively, then decoded natively (TextDecoder's fatal mode was a slow JS-visible path); BOM dropped
    const hasBom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
    if (viewFor?.(utf8Head(buf, hasBom ? 3 : 0))) return utf8ViewOf(buf, hasBom ? 3 : 0);
    text = buf.toString('utf8', hasBom ? 3 : 0);
    encoding = 'utf-8';
  } else {
    text = decodeWindows1252(bytes);
    encoding = 'windows-1252';
  }
  const nul = text.indexOf('\u0000');
  if (nul >= 0) throw binary(lineOf(text, nul));
  return { text, encoding };
}

/**
 * The text of the first 64 KB of valid UTF-8 bytes from `start` (cut before a sequence the limit would split), one
 * BOM dropped: at least the 16 K characters detectFormat reads, or the whole file.
 */
function utf8Head(buf: Buffer, start: number): string {
  let end = Math.min(buf.length, start + 65536);
  while (end > start && end < buf.length && (buf[end] & 0xc0) === 0x80) end--;
  return buf.toString('utf8', start, end).replace(/^\uFEFF/, '');
}

function utf8ViewOf(buf: Buffer, start: number): { text: string; encoding: TextEncoding; utf8View: boolean } {
  const nul = buf.indexOf(0);
  if (nul >= 0) throw binary(lineOfByte(buf, nul));
  const view = buf.toString('latin1', start);
  return { text: view.startsWith('\xef\xbb\xbf') ? view.slice(3) : view, encoding: 'utf-8', utf8View: true };
}

/** The 32 characters where windows-1252 differs from latin-1 (0x80-0x9F; undefined bytes map to themselves). */
const CP1252_HIGH =
  '\u20ac\x81\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\x8d\u017d\x8f' +
  '\x90\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\x9d\u017e\u0178';

/**
 * windows-1252 as TextDecoder('windows-1252') reads it, natively: latin-1 (a copy of the bytes), then the few
 * characters of 0x80-0x9F replaced (TextDecoder's own windows-1252 ran at ~16 MB/s).
 */
export function decodeWindows1252(bytes: Uint8Array): string {
  const latin = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
  return /[\x80-\x9f]/.test(latin) ? latin.replace(/[\x80-\x9f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]) : latin;
}

function binary(line: number): StatementParseError {
  return new StatementParseError(
    'encoding',
    'binary content (NUL byte): not a text statement file, or UTF-16 without a byte order mark',
    { line },
  );
}

function lineOfByte(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 10) line++;
  return line;
}

/** 1-based line number of a character offset. */
export function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
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

/**
 * `s` as a string of its own: V8 makes a cut of 13 characters or more a slice, which keeps alive the whole text it was
 * cut from (a file, or a text joined from pieces); a copy lets that text go.
 */
export function ownCopy(s: string): string {
  return s.length < 13 ? s : [s.slice(0, 1), s.slice(1)].join('');
}

/**
 * A pool of the short strings a reader makes again and again (dates, codes, currencies): each value kept once, so that
 * entries share one instance instead of holding a copy each; bounded as BoundedMap is. Only strings of their own may
 * go in (made by a join, or slices of under 13 characters): a longer slice of a text would keep that whole text alive
 * as long as the pool, from one file to the next.
 */
export function stringPool(max: number): (s: string) => string {
  const pool = new BoundedMap<string, string>(max);
  return (s) => {
    const known = pool.get(s);
    if (known !== undefined) return known;
    pool.set(s, s);
    return s;
  };
}

const validDates = new Set<string>();

export function dateOrThrow(iso: string, raw: string, where: { line?: number; element?: string }): string {
  if (validDates.has(iso)) return iso;
  if (!isValidIsoDate(iso)) throw new StatementParseError('invalid_date', `not a date: "${raw.slice(0, 40)}"`, where);
  if (validDates.size > 50_000) validDates.clear();
  validDates.add(iso);
  return iso;
}

/** Two-digit years: 70-99 are 19xx, 00-69 are 20xx. */
export function century(yy: string): string {
  return Number(yy) >= 70 ? `19${yy}` : `20${yy}`;
}

/** Runs of blanks (any white space) as one space, trimmed. Most texts have none but single spaces: only trimmed. */
export function collapse(s: string): string {
  const t = s.trim();
  return MORE_THAN_SPACES.test(t) ? t.replace(/\s+/g, ' ') : t;
}

const MORE_THAN_SPACES = /\s\s|[^\S ]/;

/**
 * A character String.prototype.trim removes (and /\s/ matches): ASCII blanks and line ends, then the Unicode spaces.
 * For single characters of fixed-width fields; whole fields are trimmed natively (trimmedRange, collapseRange: a
 * char-code loop over each padded field measured slower in a cold process than the native trim).
 */
export function isBlank(c: number): boolean {
  if (c === 32 || (c >= 9 && c <= 13)) return true;
  if (c < 0xa0) return false;
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** The field s[from, to) trimmed. */
export function trimmedRange(s: string, from: number, to: number): string {
  return s.slice(from, to).trim();
}

/** The field s[from, to) collapsed. */
export function collapseRange(s: string, from: number, to: number): string {
  return collapse(s.slice(from, to));
}

/**
 * The text of UTF-8 bytes given as their latin-1 view (one character per byte, as `Buffer#toString('latin1')` gives
 * them, a one-byte string copied at memory speed): the view itself when it is ASCII. The bytes must be valid UTF-8
 * (checked with `isUtf8` before the view is made). Gives what `Buffer.from(view, 'latin1').toString('utf8')` gives,
 * without a buffer per call: the parsers that read a view decode only the lines (or fields) that hold such bytes.
 */
export function utf8FromView(view: string): string {
  HIGH_BYTE.lastIndex = 0;
  if (!HIGH_BYTE.test(view)) return view;
  let at = HIGH_BYTE.lastIndex - 1;
  let out = view.slice(0, at);
  while (at < view.length) {
    const size = sequenceSize(view.charCodeAt(at));
    out += sequenceAt(view, at, size);
    at += size;
    HIGH_BYTE.lastIndex = at;
    const next = HIGH_BYTE.test(view) ? HIGH_BYTE.lastIndex - 1 : view.length;
    out += view.slice(at, next);
    at = next;
  }
  return out;
}

const HIGH_BYTE = /[\x80-\xff]/g;

/** The text of a view holds nothing but white space (as `text.trim() === ''`): decoded only when it holds no ASCII. */
export function isBlankView(view: string): boolean {
  if (/[^\s\x80-\xff]/.test(view)) return false;
  return !/[\x80-\xff]/.test(view) || utf8FromView(view).trim() === '';
}

/** The length of the UTF-8 sequence a lead byte (0xC0 and above) starts. */
export function sequenceSize(lead: number): number {
  return lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
}

/** The character(s) of the UTF-8 sequence of `size` bytes at `at` of a latin-1 view (see utf8FromView). */
export function sequenceAt(view: string, at: number, size: number): string {
  const c = view.charCodeAt(at);
  const c1 = view.charCodeAt(at + 1) & 0x3f;
  if (size === 2) return String.fromCharCode(((c & 0x1f) << 6) | c1);
  const c2 = view.charCodeAt(at + 2) & 0x3f;
  if (size === 3) return String.fromCharCode(((c & 0x0f) << 12) | (c1 << 6) | c2);
  const cp = ((c & 0x07) << 18) | (c1 << 12) | (c2 << 6) | (view.charCodeAt(at + 3) & 0x3f);
  return String.fromCharCode(0xd7c0 + (cp >> 10), 0xdc00 | (cp & 0x3ff));
}
