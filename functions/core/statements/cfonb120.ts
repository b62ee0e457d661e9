import type { LiveStatements, Statement, StatementEntry } from '../model/statement';
import { completeAccount, isValidIban, normalizeIban } from './accounts';
import { checkBalances } from './balance';
import { StatementParseError } from './errors';
import { boundedOrThrow, century, collapseRange, dateOrThrow, isBlank, trimmedRange } from './text';

/** A 05 qualifier (three characters, upper-cased) as one number, so that it is compared without a substring. */
function qualifierKey(q: string): number {
  return (q.charCodeAt(0) << 16) | (q.charCodeAt(1) << 8) | q.charCodeAt(2);
}

const LC2 = qualifierKey('LC2');
const RCN = qualifierKey('RCN');
const REF = qualifierKey('REF');
const NPY = qualifierKey('NPY');
const NBE = qualifierKey('NBE');
const IPY = qualifierKey('IPY');
const IBE = qualifierKey('IBE');
/** Qualifiers of 05 complements read as remittance text. */
const TEXT_QUALIFIERS = new Set(['LIB', 'LCC', 'LC2', 'LCS', 'LCZ', 'MMO'].map(qualifierKey));

/** Calls `visit` with each record (exactly 120 characters) and its 1-based line. */
type Visit = (record: string, line: number) => void;

/** Trailing blanks and the DOS end-of-file mark are not part of a CFONB file. */
function isTail(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c === 0x1a || isBlank(c);
}

/**
 * Fixed 120-character records: one per line (CRLF, LF or CR, short lines padded), or back to back with no line breaks.
 * One pass over the text: each record is a slice of it (no array of lines).
 */
export function forEachCfonbRecord(text: string, visit: Visit): void {
  const records = cfonbRecords(visit);
  records.write(text);
  records.end();
}

/**
 * forEachCfonbRecord one chunk of text at a time: the lines that end before the last non-blank character seen are
 * cut into records at once, the rest waits for the next chunk (or the end, where trailing blanks and the DOS
 * end-of-file mark are dropped). A file without any line break is held whole until its end (records back to back).
 */
export function cfonbRecords(visit: Visit): { write(text: string): void; end(): void } {
  let pending = '';
  /** Chunks with no line break after a pending text with none: joined once a break comes (no copy per chunk). */
  let parts: string[] = [];
  let line = 1;
  let broken = false;
  const hasBreak = (t: string) => t.indexOf('\n') >= 0 || t.indexOf('\r') >= 0;
  return {
    write(chunk: string) {
      if (!hasBreak(chunk) && !hasBreak(pending)) {
        parts.push(chunk);
        return;
      }
      pending = parts.length ? pending + parts.join('') + chunk : pending + chunk;
      parts = [];
      let solid = pending.length;
      while (solid > 0 && isTail(pending, solid - 1)) solid--;
      const lastBreak = solid === 0 ? -1 : lastBreakBefore(pending, solid);
      if (lastBreak < 0) return;
      broken = true;
      line = lines(pending, lastBreak + 1, line, visit);
      pending = pending.slice(lastBreak + 1);
    },
    end() {
      pending += parts.join('');
      parts = [];
      let end = pending.length;
      while (end > 0 && isTail(pending, end - 1)) end--;
      if (!broken && end === 0) throw new StatementParseError('empty', 'empty CFONB file');
      if (!broken && indexOrEnd(pending, '\n', 0, end) === end && indexOrEnd(pending, '\r', 0, end) === end)
        blocks(pending.slice(0, end), visit);
      else lines(pending, end, line, visit);
      pending = '';
    },
  };
}

/** Visits the records of the lines of text[0, end), the first being line `line`; returns the next line's number. */
function lines(text: string, end: number, line: number, visit: Visit): number {
  let pos = 0;
  let lf = -1;
  let cr = -1;
  while (pos < end) {
    // native searches for the next LF and the next CR (a file may mix them); a full record is a slice of the text
    if (lf < pos) lf = indexOrEnd(text, '\n', pos, end);
    if (cr < pos) cr = indexOrEnd(text, '\r', pos, end);
    const stop = Math.min(lf, cr);
    if (stop - pos === 120) visit(text.slice(pos, stop), line);
    else shortOrLong(text.slice(pos, stop), line, visit);
    pos = stop === cr && lf === cr + 1 ? stop + 2 : stop + 1;
    line++;
  }
  return line;
}

/**
 * The last LF or CR before `end`. The last LF is found backwards (near the end); a CR is then looked for only after it
 * (a backward search for a CR absent from an LF file would read the whole text).
 */
function lastBreakBefore(text: string, end: number): number {
  const lf = text.lastIndexOf('\n', end - 1);
  if (lf < 0) return text.lastIndexOf('\r', end - 1);
  let last = lf;
  for (let cr = text.indexOf('\r', lf + 1); cr >= 0 && cr < end; cr = text.indexOf('\r', cr + 1)) last = cr;
  return last;
}

function indexOrEnd(text: string, char: string, from: number, end: number): number {
  const i = text.indexOf(char, from);
  return i < 0 || i > end ? end : i;
}

function shortOrLong(raw: string, line: number, visit: Visit): void {
  if (raw.trim().length === 0) return;
  const t = raw.trimEnd();
  if (t.length > 120)
    throw new StatementParseError('corrupt', `a CFONB record is ${t.length} characters long (120 expected)`, { line });
  visit(t.padEnd(120, ' '), line);
}

/** No line breaks at all: records back to back (a cut last record is refused before anything is read). */
function blocks(body: string, visit: Visit): void {
  const whole = body.length - (body.length % 120);
  const last = body.slice(whole);
  // trailing blanks of the last record may have been trimmed away; a record cut before its amount is truncated
  if (last.length > 0 && (last.length < 104 || !/^0[1457]/.test(last))) {
    throw new StatementParseError('truncated', `the file ends with a partial record of ${last.length} characters`, {
      line: whole / 120 + 1,
    });
  }
  for (let i = 0; i < whole; i += 120) visit(body.slice(i, i + 120), i / 120 + 1);
  if (last.length > 0) visit(last.padEnd(120, ' '), whole / 120 + 1);
}

/** "0000010173118I" with 2 decimals -> 101731189 cents. The last character carries the sign and the last digit. */
export function cfonbAmount(field: string, decimals: string, line: number): number {
  return amountAt(field, 0, decimals, line);
}

/**
 * The amount of 14 characters at `at` of a record, its number of decimals in the character at position 19 (or
 * `decimals`), read by char codes: { A-I positive, } J-R negative.
 */
function amountAt(r: string, at: number, decimals: string | undefined, line: number): number {
  const bad = () =>
    new StatementParseError('invalid_amount', `not a CFONB amount: "${r.slice(at, at + 14)}"`, { line });
  let value = 0;
  for (let i = at; i < at + 13; i++) {
    const digit = r.charCodeAt(i) - 48;
    if (!(digit >= 0 && digit <= 9)) throw bad();
    value = value * 10 + digit;
  }
  const last = r.charCodeAt(at + 13);
  let d: number;
  let sign = 1;
  if (last === 0x7b) d = 0;
  else if (last >= 0x41 && last <= 0x49) d = last - 0x40;
  else if (last === 0x7d) {
    d = 0;
    sign = -1;
  } else if (last >= 0x4a && last <= 0x52) {
    d = last - 0x49;
    sign = -1;
  } else throw bad();
  const decimalsCode = decimals === undefined ? r.charCodeAt(19) : decimals.length === 1 ? decimals.charCodeAt(0) : -1;
  const dec = decimalsCode - 48;
  if (!(dec >= 0 && dec <= 3))
    throw new StatementParseError('invalid_amount', `number of decimals "${decimals ?? r[19]}" is not 0 to 3`, {
      line,
    });
  value = value * 10 + d;
  if (dec < 2) value *= 10 ** (2 - dec);
  if (dec === 3) {
    if (value % 10 !== 0)
      throw new StatementParseError('invalid_amount', `amount "${r.slice(at, at + 14)}" has a third decimal`, { line });
    value /= 10;
  }
  return value === 0 ? 0 : boundedOrThrow(sign * value, { line });
}

/** DDMMYY already read (as the number they write), and their ISO dates: a statement has a few distinct days. */
const knownDates = new Map<number, string>();

/** The date DDMMYY at `at` of a record, read by char codes; blank or zeros: none. */
function dateAt(r: string, at: number, line: number): string | undefined {
  let key = 0;
  for (let i = at; i < at + 6; i++) {
    const digit = r.charCodeAt(i) - 48;
    if (!(digit >= 0 && digit <= 9)) return notDigits(r.slice(at, at + 6), line);
    key = key * 10 + digit;
  }
  if (key === 0) return undefined;
  const known = knownDates.get(key);
  if (known) return known;
  const s = r.slice(at, at + 6);
  const iso = dateOrThrow(`${century(s.slice(4, 6))}-${s.slice(2, 4)}-${s.slice(0, 2)}`, s, { line });
  if (knownDates.size > 10_000) knownDates.clear();
  knownDates.set(key, iso);
  return iso;
}

function notDigits(s: string, line: number): undefined {
  if (s.trim() === '') return undefined;
  throw new StatementParseError('invalid_date', `not a date DDMMYY: "${s}"`, { line });
}

interface State {
  statements: Statement[];
  open?: { statement: Statement; startLine: number };
  current?: StatementEntry;
  index: number;
  /** The previous text complement filled its 70 characters (an LC2 after it may continue a cut word). */
  previousFull: boolean;
}

/**
 * CFONB 120 "relevé de compte": 01 (previous balance) starts a statement, 04 is an entry, 05 a complement of the entry
 * before it (whatever its internal code), 07 (new balance) ends the statement. Several accounts and statements per
 * file.
 */
export function parseCfonb120(text: string, firstIndex = 0): Statement[] {
  const reader = cfonbReader(firstIndex);
  reader.write(text);
  return reader.end();
}

/** parseCfonb120 one chunk of text at a time (the same statements, the same errors). */
export function cfonbReader(firstIndex = 0): { write(text: string): void; end(): Statement[]; live(): LiveStatements } {
  const state: State = { statements: [], index: firstIndex, previousFull: false };
  const records = cfonbRecords((r, line) => {
    // the record code from its two characters, without a substring per record
    const code = r.charCodeAt(0) === 48 ? r.charCodeAt(1) - 48 : -1;
    if (code === 5) complement(state, r, line);
    else if (code === 4) entry(state, r, line);
    else if (code === 1) opening(state, r, line);
    else if (code === 7) closing(state, r, line);
    else throw new StatementParseError('corrupt', `unknown CFONB record code "${r.slice(0, 2)}"`, { line });
  });
  return {
    write: (chunk) => records.write(chunk),
    live: () => ({ done: state.statements, open: state.open?.statement }),
    end() {
      records.end();
      if (state.open) {
        throw new StatementParseError('truncated', 'the file ends before the closing balance (07) of the statement', {
          line: state.open.startLine,
        });
      }
      if (state.statements.length === 0) throw new StatementParseError('empty', 'no statement in the CFONB file');
      return state.statements;
    },
  };
}

const CURRENCY = /^[A-Z]{3}$/;

function opening(state: State, r: string, line: number): void {
  if (state.open)
    throw new StatementParseError('corrupt', 'a new statement (01) starts before the previous one ended (07)', {
      line,
    });
  const currency = r.slice(16, 19);
  if (!CURRENCY.test(currency))
    throw new StatementParseError('corrupt', `not a currency code: "${currency}"`, { line });
  const account = {
    bankCode: r.slice(2, 7).trim(),
    branchCode: r.slice(11, 16).trim(),
    accountNumber: r.slice(21, 32).trim(),
  };
  const periodStart = dateAt(r, 34, line);
  state.open = {
    startLine: line,
    statement: {
      format: 'cfonb120',
      account: completeAccount(account),
      currency,
      periodStart,
      openingBalanceCents: amountAt(r, 90, undefined, line),
      entries: [],
      balanceCheck: { status: 'ok' },
    },
  };
  state.current = undefined;
}

function entry(state: State, r: string, line: number): void {
  const open = state.open;
  if (!open) throw new StatementParseError('corrupt', 'an entry (04) outside a statement (no 01 before it)', { line });
  if (state.current) finish(state.current);
  // fields read in place by char codes: a substring only for the texts kept
  const bookingDate = dateAt(r, 34, line);
  if (!bookingDate) throw new StatementParseError('invalid_date', 'entry without a booking date', { line });
  const interbank = trimmedRange(r, 32, 34);
  const reference = trimmedRange(r, 104, 120);
  state.current = {
    index: state.index++,
    bookingDate,
    valueDate: dateAt(r, 42, line),
    amountCents: amountAt(r, 90, undefined, line),
    currency: entryCurrency(r, open.statement.currency),
    bankCodes: interbank ? [interbank] : [],
    bankReference: reference || undefined,
    // every field of the entry from the start: one object shape, no property added later
    endToEndId: undefined,
    label: collapseRange(r, 48, 79),
    counterpartyName: undefined,
    counterpartyIban: undefined,
    remittance: { unstructured: [], structured: [] },
    reversal: isRejection(r),
    raw: [r],
  };
  open.statement.entries.push(state.current);
}

/**
 * The entry's arrays at their exact size once its complements are read: an array grown by push keeps room for 16 more
 * elements, kept (and copied by the garbage collector) with each of the many entries of a file.
 */
function finish(e: StatementEntry): void {
  if (e.raw.length > 1) e.raw = e.raw.slice();
  const { unstructured, structured } = e.remittance;
  if (unstructured.length > 0) e.remittance.unstructured = unstructured.slice();
  if (structured.length > 0) e.remittance.structured = structured.slice();
}

/** The entry's currency code when it is one, else the statement's (the same string when they are equal). */
function entryCurrency(r: string, statement: string): string {
  if (r.startsWith(statement, 16)) return statement;
  const currency = r.slice(16, 19);
  return CURRENCY.test(currency) ? currency : statement;
}

/** A rejection code (positions 40-41) other than blank or 00. */
function isRejection(r: string): boolean {
  const rejection = trimmedRange(r, 40, 42);
  return rejection !== '' && rejection !== '00';
}

function complement(state: State, r: string, line: number): void {
  const current = state.current;
  if (!state.open || !current)
    throw new StatementParseError('corrupt', 'a complement (05) with no entry (04) before it', { line });
  current.raw.push(r);
  applyComplement(current, r, state);
  state.previousFull = !isBlank(r.charCodeAt(117));
}

function closing(state: State, r: string, line: number): void {
  if (!state.open)
    throw new StatementParseError('corrupt', 'a closing balance (07) with no statement open (01)', { line });
  const st = state.open.statement;
  if (state.current) finish(state.current);
  st.periodEnd = dateAt(r, 34, line);
  st.closingBalanceCents = amountAt(r, 90, undefined, line);
  st.balanceCheck = checkBalances(st.openingBalanceCents, st.closingBalanceCents, st.entries);
  state.statements.push(st);
  state.open = undefined;
  state.current = undefined;
}

/** The qualifier at 45-47 of a 05 record, upper-cased, as a qualifierKey (a substring only for non-ASCII text). */
function qualifierAt(r: string): number {
  const a = r.charCodeAt(45);
  const b = r.charCodeAt(46);
  const c = r.charCodeAt(47);
  if ((a | b | c) < 0x80) return (upper(a) << 16) | (upper(b) << 8) | upper(c);
  const q = r.slice(45, 48).toUpperCase();
  const ascii = q.length === 3 && (q.charCodeAt(0) | q.charCodeAt(1) | q.charCodeAt(2)) < 0x80;
  return ascii ? qualifierKey(q) : -1;
}

function upper(c: number): number {
  return c >= 0x61 && c <= 0x7a ? c - 0x20 : c;
}

/** The 05 complement's qualifier (45-47) and text (48-117) applied to its entry. */
function applyComplement(e: StatementEntry, r: string, state: { previousFull: boolean }): void {
  const value = collapseRange(r, 48, 118);
  if (!value) return;
  const qualifier = qualifierAt(r);
  const credit = e.amountCents >= 0;
  const lines = e.remittance.unstructured;
  if (qualifier === LC2 && lines.length > 0) {
    // continuation of the previous text line: glued when that line filled its 70 characters (a word cut in two)
    lines[lines.length - 1] += (state.previousFull && !isBlank(r.charCodeAt(48)) ? '' : ' ') + value;
  } else if (TEXT_QUALIFIERS.has(qualifier)) {
    if (!lines.includes(value)) lines.push(value);
  } else if (qualifier === RCN) {
    if (!e.remittance.structured.includes(value)) e.remittance.structured.push(value);
  } else if (qualifier === REF) {
    e.endToEndId ??= value;
  } else if ((qualifier === NPY && credit) || (qualifier === NBE && !credit)) {
    e.counterpartyName ??= value;
  } else if ((qualifier === IPY && credit) || (qualifier === IBE && !credit)) {
    const space = value.indexOf(' ');
    const token = space < 0 ? value : value.slice(0, space);
    if (isValidIban(token)) e.counterpartyIban ??= normalizeIban(token);
  }
}
