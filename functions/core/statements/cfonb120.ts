import { BoundedMap } from '../bounded-map';
import type { LiveStatements, Statement, StatementEntry } from '../model/statement';
import { completeAccount } from './accounts';
import { checkBalances } from './balance';
import { cfonbRecords } from './cfonb-records';
import { ibanIn } from './compact-iban';
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

/** "0000010173118I" with 2 decimals -> 101731189 cents. The last character carries the sign and the last digit. */
export function cfonbAmount(field: string, decimals: string, line: number): number {
  return amountAt(field, 0, decimals, line);
}

/**
 * The amount of 14 characters at `at` of a record, its number of decimals in the character at position 19 (or
 * `decimals`), read by char codes: { A-I positive, } J-R negative.
 */
function amountAt(r: string, at: number, decimals: string | undefined, line: number): number {
  let value = 0;
  for (let i = at; i < at + 13; i++) {
    const digit = r.charCodeAt(i) - 48;
    if (!(digit >= 0 && digit <= 9)) throw notAmount(r, at, line);
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
  } else throw notAmount(r, at, line);
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

/** No closure per amount: one created per call was a quarter of `amountAt`'s time under tsx (keepNames). */
function notAmount(r: string, at: number, line: number): StatementParseError {
  return new StatementParseError('invalid_amount', `not a CFONB amount: "${r.slice(at, at + 14)}"`, { line });
}

/** DDMMYY already read (as the number they write), and their ISO dates: a statement has a few distinct days. */
const knownDates = new BoundedMap<number, string>(10_000);

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
  knownDates.set(key, iso);
  return iso;
}

function notDigits(s: string, line: number): undefined {
  if (s.trim() === '') return undefined;
  throw new StatementParseError('invalid_date', `not a date DDMMYY: "${s}"`, { line });
}

/**
 * What is read so far: the open statement, and the entry being read (its 04 fields, then what its 05 complements
 * add), built into one entry object, with arrays of their final size, at the next 04 or 07: no property set and no
 * array grown after the entry is made (each grown array was copied again, and the copies kept by the scavenges).
 */
interface State {
  statements: Statement[];
  open: { statement: Statement; startLine: number } | undefined;
  index: number;
  /** The previous text complement filled its 70 characters (an LC2 after it may continue a cut word). */
  previousFull: boolean;
  /** An entry (04) is being read. */
  reading: boolean;
  bookingDate: string;
  valueDate: string | undefined;
  amountCents: number;
  currency: string;
  bankCode: string;
  bankReference: string;
  endToEndId: string | undefined;
  label: string;
  counterpartyName: string | undefined;
  counterpartyIban: string | undefined;
  reversal: boolean;
  /** The entry's records, remittance lines and structured references: the first `rawCount`, ... of each. */
  raw: string[];
  rawCount: number;
  unstructured: string[];
  unstructuredCount: number;
  structured: string[];
  structuredCount: number;
}

function initialState(firstIndex: number): State {
  return {
    statements: [],
    open: undefined,
    index: firstIndex,
    previousFull: false,
    reading: false,
    bookingDate: '',
    valueDate: undefined,
    amountCents: 0,
    currency: '',
    bankCode: '',
    bankReference: '',
    endToEndId: undefined,
    label: '',
    counterpartyName: undefined,
    counterpartyIban: undefined,
    reversal: false,
    raw: [],
    rawCount: 0,
    unstructured: [],
    unstructuredCount: 0,
    structured: [],
    structuredCount: 0,
  };
}

/**
 * CFONB 120 "relevé de compte": 01 (previous balance) starts a statement, 04 is an entry, 05 a complement of the entry
 * before it (whatever its internal code), 07 (new balance) ends the statement. Several accounts and statements per
 * file. `utf8View`: the text is the latin-1 view of UTF-8 bytes (see cfonbRecords).
 */
export function parseCfonb120(text: string, firstIndex = 0, utf8View = false): Statement[] {
  const reader = cfonbReader(firstIndex);
  reader.write(text, utf8View);
  return reader.end();
}

/** parseCfonb120 one chunk of text at a time (the same statements, the same errors). */
export function cfonbReader(firstIndex = 0): {
  write(text: string, utf8View?: boolean): void;
  end(): Statement[];
  live(): LiveStatements;
} {
  const state = initialState(firstIndex);
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
    write: (chunk, utf8View) => records.write(chunk, utf8View),
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
}

function entry(state: State, r: string, line: number): void {
  const open = state.open;
  if (!open) throw new StatementParseError('corrupt', 'an entry (04) outside a statement (no 01 before it)', { line });
  flush(state, open.statement);
  // fields read in place by char codes: a substring only for the texts kept
  const bookingDate = dateAt(r, 34, line);
  if (!bookingDate) throw new StatementParseError('invalid_date', 'entry without a booking date', { line });
  state.bookingDate = bookingDate;
  state.valueDate = dateAt(r, 42, line);
  state.amountCents = amountAt(r, 90, undefined, line);
  state.currency = entryCurrency(r, open.statement.currency);
  state.bankCode = bankCodeAt(r);
  state.bankReference = trimmedRange(r, 104, 120);
  state.endToEndId = undefined;
  state.label = collapseRange(r, 48, 79);
  state.counterpartyName = undefined;
  state.counterpartyIban = undefined;
  state.reversal = isRejection(r);
  state.raw[0] = r;
  state.rawCount = 1;
  state.unstructuredCount = 0;
  state.structuredCount = 0;
  state.reading = true;
}

/** The entry being read, made and added to its statement: every field set at once (one object shape). */
function flush(state: State, statement: Statement): void {
  if (!state.reading) return;
  state.reading = false;
  const e: StatementEntry = {
    index: state.index++,
    bookingDate: state.bookingDate,
    valueDate: state.valueDate,
    amountCents: state.amountCents,
    currency: state.currency,
    bankCodes: state.bankCode ? [state.bankCode] : [],
    bankReference: state.bankReference || undefined,
    endToEndId: state.endToEndId,
    label: state.label,
    counterpartyName: state.counterpartyName,
    counterpartyIban: state.counterpartyIban,
    remittance: {
      unstructured: state.unstructured.slice(0, state.unstructuredCount),
      structured: state.structured.slice(0, state.structuredCount),
    },
    reversal: state.reversal,
    raw: state.raw.slice(0, state.rawCount),
  };
  statement.entries.push(e);
}

/** The entry's currency code when it is one, else the statement's (the same string when they are equal). */
function entryCurrency(r: string, statement: string): string {
  if (r.startsWith(statement, 16)) return statement;
  const currency = r.slice(16, 19);
  return CURRENCY.test(currency) ? currency : statement;
}

/** Interbank operation codes (32-33) already read, by their two characters: one string each. */
const bankCodes = new BoundedMap<number, string>(10_000);

/** The interbank operation code (32-33), trimmed; '' when blank. */
function bankCodeAt(r: string): string {
  const key = r.charCodeAt(32) * 0x10000 + r.charCodeAt(33);
  const known = bankCodes.get(key);
  if (known !== undefined) return known;
  const code = trimmedRange(r, 32, 34);
  bankCodes.set(key, code);
  return code;
}

/** A rejection code (positions 40-41) other than blank or 00. */
function isRejection(r: string): boolean {
  const a = r.charCodeAt(40);
  const b = r.charCodeAt(41);
  return !(isBlank(a) && isBlank(b)) && !(a === 48 && b === 48);
}

function complement(state: State, r: string, line: number): void {
  if (!state.open || !state.reading)
    throw new StatementParseError('corrupt', 'a complement (05) with no entry (04) before it', { line });
  state.raw[state.rawCount++] = r;
  applyComplement(state, r);
  state.previousFull = !isBlank(r.charCodeAt(117));
}

function closing(state: State, r: string, line: number): void {
  if (!state.open)
    throw new StatementParseError('corrupt', 'a closing balance (07) with no statement open (01)', { line });
  const st = state.open.statement;
  flush(state, st);
  st.periodEnd = dateAt(r, 34, line);
  st.closingBalanceCents = amountAt(r, 90, undefined, line);
  st.balanceCheck = checkBalances(st.openingBalanceCents, st.closingBalanceCents, st.entries);
  state.statements.push(st);
  state.open = undefined;
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

/** The 05 complement's qualifier (45-47) and text (48-117) applied to the entry being read. */
function applyComplement(state: State, r: string): void {
  const value = collapseRange(r, 48, 118);
  if (!value) return;
  const qualifier = qualifierAt(r);
  const credit = state.amountCents >= 0;
  if (qualifier === LC2 && state.unstructuredCount > 0) {
    // continuation of the previous text line: glued when that line filled its 70 characters (a word cut in two)
    state.unstructured[state.unstructuredCount - 1] +=
      (state.previousFull && !isBlank(r.charCodeAt(48)) ? '' : ' ') + value;
  } else if (TEXT_QUALIFIERS.has(qualifier)) {
    if (!includes(state.unstructured, state.unstructuredCount, value))
      state.unstructured[state.unstructuredCount++] = value;
  } else if (qualifier === RCN) {
    if (!includes(state.structured, state.structuredCount, value)) state.structured[state.structuredCount++] = value;
  } else if (qualifier === REF) {
    state.endToEndId ??= value;
  } else if ((qualifier === NPY && credit) || (qualifier === NBE && !credit)) {
    state.counterpartyName ??= value;
  } else if ((qualifier === IPY && credit) || (qualifier === IBE && !credit)) {
    const space = value.indexOf(' ');
    state.counterpartyIban ??= ibanIn(space < 0 ? value : value.slice(0, space));
  }
}

/** `value` among the first `count` strings of `list`. */
function includes(list: string[], count: number, value: string): boolean {
  for (let i = 0; i < count; i++) if (list[i] === value) return true;
  return false;
}
