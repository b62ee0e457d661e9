import type { LiveStatements, Statement, StatementEntry } from '../model/statement';
import { completeAccount, isValidIban, normalizeIban } from './accounts';
import { checkBalances } from './balance';
import { StatementParseError } from './errors';
import { boundedOrThrow, century, collapse, dateOrThrow } from './text';

const POSITIVE = '{ABCDEFGHI';
const NEGATIVE = '}JKLMNOPQR';

/** Qualifiers of 05 complements read as remittance text. */
const TEXT_QUALIFIERS = new Set(['LIB', 'LCC', 'LC2', 'LCS', 'LCZ', 'MMO']);

/** Calls `visit` with each record (exactly 120 characters) and its 1-based line. */
type Visit = (record: string, line: number) => void;

/** Trailing blanks and the DOS end-of-file mark are not part of a CFONB file. */
function isTail(text: string, i: number): boolean {
  return text.charCodeAt(i) === 0x1a || text[i].trim() === '';
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
  let line = 1;
  let broken = false;
  return {
    write(chunk: string) {
      pending += chunk;
      let solid = pending.length;
      while (solid > 0 && isTail(pending, solid - 1)) solid--;
      const lastBreak = Math.max(pending.lastIndexOf('\n', solid - 1), pending.lastIndexOf('\r', solid - 1));
      if (solid === 0 || lastBreak < 0) return;
      broken = true;
      line = lines(pending, lastBreak + 1, line, visit);
      pending = pending.slice(lastBreak + 1);
    },
    end() {
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
  let value = 0;
  for (let i = 0; i < 13; i++) {
    const digit = field.charCodeAt(i) - 48;
    if (!(digit >= 0 && digit <= 9))
      throw new StatementParseError('invalid_amount', `not a CFONB amount: "${field}"`, { line });
    value = value * 10 + digit;
  }
  const last = field[13] ?? '';
  let d = POSITIVE.indexOf(last);
  let sign = 1;
  if (d < 0) {
    d = NEGATIVE.indexOf(last);
    sign = -1;
  }
  if (d < 0 || last === '') throw new StatementParseError('invalid_amount', `not a CFONB amount: "${field}"`, { line });
  const dec = decimals.length === 1 ? decimals.charCodeAt(0) - 48 : -1;
  if (!(dec >= 0 && dec <= 3))
    throw new StatementParseError('invalid_amount', `number of decimals "${decimals}" is not 0 to 3`, { line });
  value = value * 10 + d;
  if (dec < 2) value *= 10 ** (2 - dec);
  if (dec === 3) {
    if (value % 10 !== 0)
      throw new StatementParseError('invalid_amount', `amount "${field}" has a third decimal`, { line });
    value /= 10;
  }
  return value === 0 ? 0 : boundedOrThrow(sign * value, { line });
}

/** DDMMYY already read, and their ISO dates: a statement has a few distinct days and many entries each. */
const knownDates = new Map<string, string>();

function cfonbDate(s: string, line: number): string | undefined {
  const known = knownDates.get(s);
  if (known) return known;
  if (s.trim() === '' || /^0+$/.test(s)) return undefined;
  if (!/^\d{6}$/.test(s)) throw new StatementParseError('invalid_date', `not a date DDMMYY: "${s}"`, { line });
  const iso = dateOrThrow(`${century(s.slice(4, 6))}-${s.slice(2, 4)}-${s.slice(0, 2)}`, s, { line });
  if (knownDates.size > 10_000) knownDates.clear();
  knownDates.set(s, iso);
  return iso;
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
  const periodStart = cfonbDate(r.slice(34, 40), line);
  state.open = {
    startLine: line,
    statement: {
      format: 'cfonb120',
      account: completeAccount(account),
      currency,
      periodStart,
      openingBalanceCents: cfonbAmount(r.slice(90, 104), r[19], line),
      entries: [],
      balanceCheck: { status: 'ok' },
    },
  };
  state.current = undefined;
}

function entry(state: State, r: string, line: number): void {
  const open = state.open;
  if (!open) throw new StatementParseError('corrupt', 'an entry (04) outside a statement (no 01 before it)', { line });
  const bookingDate = cfonbDate(r.slice(34, 40), line);
  if (!bookingDate) throw new StatementParseError('invalid_date', 'entry without a booking date', { line });
  const interbank = r.slice(32, 34).trim();
  const rejection = r.slice(40, 42).trim();
  const reference = r.slice(104, 120).trim();
  const currency = r.slice(16, 19);
  state.current = {
    index: state.index++,
    bookingDate,
    valueDate: cfonbDate(r.slice(42, 48), line),
    amountCents: cfonbAmount(r.slice(90, 104), r[19], line),
    currency: currency === open.statement.currency || CURRENCY.test(currency) ? currency : open.statement.currency,
    bankCodes: interbank ? [interbank] : [],
    bankReference: reference || undefined,
    label: collapse(r.slice(48, 79)),
    remittance: { unstructured: [], structured: [] },
    reversal: rejection !== '' && rejection !== '00',
    raw: [r],
  };
  open.statement.entries.push(state.current);
}

function complement(state: State, r: string, line: number): void {
  const current = state.current;
  if (!state.open || !current)
    throw new StatementParseError('corrupt', 'a complement (05) with no entry (04) before it', { line });
  current.raw.push(r);
  applyComplement(current, r.slice(45, 48), r.slice(48, 118), state);
  const last = r.charCodeAt(117);
  state.previousFull = last !== 32 && r[117].trim() !== '';
}

function closing(state: State, r: string, line: number): void {
  if (!state.open)
    throw new StatementParseError('corrupt', 'a closing balance (07) with no statement open (01)', { line });
  const st = state.open.statement;
  st.periodEnd = cfonbDate(r.slice(34, 40), line);
  st.closingBalanceCents = cfonbAmount(r.slice(90, 104), r[19], line);
  st.balanceCheck = checkBalances(st.openingBalanceCents, st.closingBalanceCents, st.entries);
  state.statements.push(st);
  state.open = undefined;
  state.current = undefined;
}

function applyComplement(
  e: StatementEntry,
  qualifierRaw: string,
  valueRaw: string,
  state: { previousFull: boolean },
): void {
  const qualifier = qualifierRaw.toUpperCase();
  const value = collapse(valueRaw);
  if (!value) return;
  const credit = e.amountCents >= 0;
  const lines = e.remittance.unstructured;
  if (qualifier === 'LC2' && lines.length > 0) {
    // continuation of the previous text line: glued when that line filled its 70 characters (a word cut in two)
    lines[lines.length - 1] += (state.previousFull && !/^\s/.test(valueRaw) ? '' : ' ') + value;
  } else if (TEXT_QUALIFIERS.has(qualifier)) {
    if (!e.remittance.unstructured.includes(value)) e.remittance.unstructured.push(value);
  } else if (qualifier === 'RCN') {
    if (!e.remittance.structured.includes(value)) e.remittance.structured.push(value);
  } else if (qualifier === 'REF') {
    e.endToEndId ??= value;
  } else if ((qualifier === 'NPY' && credit) || (qualifier === 'NBE' && !credit)) {
    e.counterpartyName ??= value;
  } else if ((qualifier === 'IPY' && credit) || (qualifier === 'IBE' && !credit)) {
    const token = value.split(' ')[0];
    if (isValidIban(token)) e.counterpartyIban ??= normalizeIban(token);
  }
}
