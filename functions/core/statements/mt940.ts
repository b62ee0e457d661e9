import { BoundedMap } from '../bounded-map';
import type { BankAccount, LiveStatements, Statement, StatementEntry } from '../model/statement';
import { parseAmountToCents } from '../money';
import { completeAccount, isValidIban, normalizeIban } from './accounts';
import { checkBalances } from './balance';
import { StatementParseError } from './errors';
import { type Info86, isDigit, newInfo, parse86, subFields86 } from './mt940-86';
import { type Field, fieldText, type Message, messageReader } from './mt940-reader';
import { amountOrThrow, century, collapse, dateOrThrow, MAX_STATEMENT_AMOUNT_CENTS, ownCopy, stringPool } from './text';

export { parse86 } from './mt940-86';

/** SWIFT amounts: a decimal comma, no digit grouping (a point is tolerated as the decimal mark). */
const MT_AMOUNT = { grouping: false } as const;

const mtDates = new BoundedMap<string, string>(10_000);

function mtDate(yymmdd: string, line: number): string {
  const known = mtDates.get(yymmdd);
  if (known) return known;
  const date = dayOf(century(yymmdd.slice(0, 2)), yymmdd.slice(2, 4), yymmdd.slice(4, 6), yymmdd, line);
  mtDates.set(yymmdd, date);
  return date;
}

/**
 * An ISO date; a day past the end of its month (German banks book interest on 30 February, the 30-day month of
 * interest arithmetic) is read as the month's last day. Anything else that is not a date is an error.
 */
function dayOf(year: string, mm: string, dd: string, raw: string, line: number): string {
  const month = Number(mm);
  const day = Number(dd);
  if (month >= 1 && month <= 12 && day > 28 && day <= 31) {
    const last = new Date(Date.UTC(Number(year), month, 0)).getUTCDate();
    if (day > last) dd = String(last);
  }
  return dateOrThrow(`${year}-${mm}-${dd}`, raw, { line });
}

function balanceOf(f: Field, value: string): { cents: number; date: string; currency: string } {
  const m = /^([CD])(\d{6})([A-Z]{3})(\d[\d,.]*)\s*$/.exec(value.trim());
  if (!m) throw new StatementParseError('corrupt', `not a balance :${f.tag}:${value.slice(0, 40)}`, { line: f.line });
  const cents = amountOrThrow(m[4], { line: f.line }, MT_AMOUNT);
  return { cents: m[1] === 'D' ? -cents : cents, date: mtDate(m[2], f.line), currency: m[3] };
}

function accountOf(value: string): BankAccount {
  const v = value.trim().split('\n')[0].trim();
  const compact = v.replace(/\s+/g, '');
  const account: BankAccount = {};
  const slash = compact.split('/');
  const last = slash[slash.length - 1];
  if (isValidIban(last)) {
    account.iban = normalizeIban(last);
    if (slash.length > 1 && /^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$/.test(slash[0])) account.bic = slash[0];
  } else if (slash.length > 1) {
    if (/^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$/.test(slash[0])) account.bic = slash[0];
    else account.bankCode = slash[0];
    account.accountNumber = slash.slice(1).join('/');
  } else {
    account.accountNumber = compact;
  }
  return completeAccount(account);
}

/**
 * value date, entry date (MMDD, or four blanks), mark (C, D, RC/RD reversals, EC/ED expected), funds code, amount
 * (sometimes wrapped onto the next line), type (letters, digits or blanks), references, supplementary details.
 */
const LINE61 =
  /^(\d{6})(\d{4}| {4})?(RC|RD|EC|ED|C|D)([A-Z])?\n?(\d[\d,]*)([NSF][A-Z0-9 ]{3})([^\n]*?)(?:\n([\s\S]*))?$/;

interface Line61 {
  value: string;
  booking?: string;
  mark: string;
  amount: string;
  type: string;
  refs: string;
  supplementary?: string;
}

const MARKS: Record<string, string> = { C: 'C', D: 'D', RC: 'RC', RD: 'RD', EC: 'EC', ED: 'ED' };

/**
 * LINE61 read by character codes (the profile's top item was its regular expression): the same groups, or undefined
 * when the line is not in the common shape (the regular expression then decides).
 */
function read61(s: string): Line61 | undefined {
  for (let k = 0; k < 6; k++) if (!isDigit(s.charCodeAt(k))) return undefined;
  let i = 6;
  let booking: string | undefined;
  if (isDigit(s.charCodeAt(6)) && isDigit(s.charCodeAt(7)) && isDigit(s.charCodeAt(8)) && isDigit(s.charCodeAt(9))) {
    booking = s.slice(6, 10);
    i = 10;
  }
  const c = s.charCodeAt(i);
  const c2 = s.charCodeAt(i + 1);
  let mark: string | undefined;
  if (c === 67 || c === 68) mark = c === 67 ? 'C' : 'D';
  else if ((c === 82 || c === 69) && (c2 === 67 || c2 === 68)) mark = MARKS[s.slice(i, i + 2)];
  if (!mark) return undefined;
  i += mark.length;
  const funds = s.charCodeAt(i);
  if (funds >= 65 && funds <= 90) i++;
  if (s.charCodeAt(i) === 10) i++;
  const amountStart = i;
  if (!isDigit(s.charCodeAt(i))) return undefined;
  while (isDigit(s.charCodeAt(i)) || s.charCodeAt(i) === 44) i++;
  const t = s.charCodeAt(i);
  if (t !== 78 && t !== 83 && t !== 70) return undefined;
  for (let k = 1; k <= 3; k++) {
    const x = s.charCodeAt(i + k);
    if (!((x >= 65 && x <= 90) || isDigit(x) || x === 32)) return undefined;
  }
  const nl = s.indexOf('\n', i + 4);
  return {
    value: s.slice(0, 6),
    booking,
    mark,
    amount: s.slice(amountStart, i),
    type: s.slice(i, i + 4),
    refs: s.slice(i + 4, nl < 0 ? s.length : nl),
    supplementary: nl < 0 ? undefined : s.slice(nl + 1),
  };
}

function line61(f: Field, text61: string): Line61 {
  const s = text61.trim();
  const fast = read61(s);
  if (fast) return fast;
  const m = LINE61.exec(s);
  if (!m)
    throw new StatementParseError('corrupt', `not a :61: statement line: "${text61.split('\n')[0].slice(0, 60)}"`, {
      line: f.line,
    });
  const [, value, booking, mark, , amount, type, refs, supplementary] = m;
  return { value, booking, mark, amount, type, refs, supplementary };
}

/** MT940 amounts, with the error amountOrThrow words (made only on failure). */
function mtAmount(raw: string, line: number): number {
  let cents: number | undefined;
  try {
    cents = parseAmountToCents(raw, MT_AMOUNT);
  } catch {
    // worded below
  }
  if (cents !== undefined && Math.abs(cents) <= MAX_STATEMENT_AMOUNT_CENTS) return cents;
  return amountOrThrow(raw, { line }, MT_AMOUNT);
}

const isNonref = (s: string) => s.length === 6 && s.toUpperCase() === 'NONREF';

const bookingDates = new BoundedMap<number, string>(10_000);

const digit = (s: string, i: number) => s.charCodeAt(i) - 48;

/** The booking date (MMDD) of a value date: in the year that puts it nearest (December and January cross it). */
function bookingDateOf(valueDate: string, booking: string, line: number): string {
  // year and month of the value date and the booking MMDD, as one small integer (no string made to look it up)
  const v = valueDate;
  const key =
    ((digit(v, 0) * 1000 + digit(v, 1) * 100 + digit(v, 2) * 10 + digit(v, 3)) * 16 + digit(v, 5) * 10 + digit(v, 6)) *
      1e4 +
    digit(booking, 0) * 1000 +
    digit(booking, 1) * 100 +
    digit(booking, 2) * 10 +
    digit(booking, 3);
  const known = bookingDates.get(key);
  if (known) return known;
  let year = Number(valueDate.slice(0, 4));
  const vm = Number(valueDate.slice(5, 7));
  const bm = Number(booking.slice(0, 2));
  if (bm === 12 && vm === 1) year -= 1;
  if (bm === 1 && vm === 12) year += 1;
  const date = dayOf(String(year), booking.slice(0, 2), booking.slice(2, 4), booking, line);
  bookingDates.set(key, date);
  return date;
}

/** Short strings read on every entry (types, codes), one instance each: the entries keep no copies of them. */
const interned = stringPool(1_000);

/**
 * A string of the entry as a slice of the source text when its characters stand there together (a slice holds no
 * copy, the entry's `raw` keeps the source anyway), else a copy of its own: not a slice of the temporary joined
 * texts of the :86: reader, which the entry would otherwise keep whole (the profile's garbage collector copied them).
 * Strings shorter than 13 characters are copies already.
 */
function own(s: string, source: string, owned: boolean): string {
  if (owned || s.length < 13) return s;
  const at = source.indexOf(s);
  return at >= 0 ? source.slice(at, at + s.length) : ownCopy(s);
}

function ownAll(list: string[], source: string, owned: boolean): string[] {
  if (!owned) for (let k = 0; k < list.length; k++) list[k] = own(list[k], source, false);
  return list;
}

function entryOf(f: Field, info: Field | undefined, index: number, currency: string, text: string): StatementEntry {
  const { value, booking, mark, amount, type, refs, supplementary } = line61(f, fieldText(f, text));
  const valueDate = mtDate(value, f.line);
  const bookingDate = booking?.trim() ? bookingDateOf(valueDate, booking, f.line) : valueDate;
  const cents = mtAmount(amount, f.line);
  // RC: reversal of a credit, so a debit; RD: reversal of a debit, so a credit; EC/ED: expected credit/debit
  const debit = mark === 'D' || mark === 'RC' || mark === 'ED';
  const cut = refs.indexOf('//');
  const customerRef = cut < 0 ? refs : refs.slice(0, cut);
  const end = cut < 0 ? -1 : refs.indexOf('//', cut + 2);
  const bankRef = cut < 0 ? undefined : refs.slice(cut + 2, end < 0 ? refs.length : end);
  const source = info ? text.slice(info.valueStart, info.end) : '';
  // a :86: read from the text itself gives strings to keep as they are; one joined from other lines, to own
  const read = info?.value === undefined ? subFields86(source) : undefined;
  const i86: Info86 = read ?? (info ? parse86(fieldText(info, text)) : newInfo());
  const owned = read !== undefined || info === undefined;
  const customer = customerRef.trim();
  const extra = supplementary ? collapse(supplementary) : '';
  const e2e = i86.endToEndId;
  return {
    index,
    bookingDate,
    valueDate,
    amountCents: debit ? -cents : cents,
    currency,
    bankCodes: i86.code ? [interned(type), interned(i86.code)] : [interned(type)],
    bankReference: bankRef?.trim() || undefined,
    endToEndId: e2e !== undefined ? own(e2e, source, owned) : customer && !isNonref(customer) ? customer : undefined,
    label: i86.label !== undefined ? own(i86.label, source, owned) : extra || customer || '',
    counterpartyName: i86.counterpartyName && own(i86.counterpartyName, source, owned),
    counterpartyIban: i86.counterpartyIban && own(i86.counterpartyIban, source, owned),
    remittance: {
      unstructured: ownAll(i86.unstructured, source, owned),
      structured: ownAll(i86.structured, source, owned),
    },
    reversal: mark === 'RC' || mark === 'RD',
    raw: [text.slice(f.start, (info ?? f).end)],
  };
}

/** The :86: after a :61:, several :86: in a row read as one (some banks write one per line). */
function infoAfter(fields: Field[], i: number, text: string): Field | undefined {
  const first = fields[i + 1];
  if (first?.tag !== '86') return undefined;
  let j = i + 2;
  while (fields[j]?.tag === '86') j++;
  if (j === i + 2) return first;
  const more = fields.slice(i + 1, j);
  return { ...first, value: more.map((m) => fieldText(m, text)).join('\n'), end: more[more.length - 1].end };
}

/**
 * SWIFT MT940: one statement per message (:20: starts it, '-' ends it), :25: account, :28C: statement number,
 * :60F:/:60M:
 * opening, :61: entries each followed by an optional multi-line :86:, :62F:/:62M: closing. Amounts with a decimal comma
 * ("9," is 9.00). Header lines before the first tag and the SWIFT {1:}{2:}{4: envelope are skipped.
 */
export function parseMt940(text: string, firstIndex = 0): Statement[] {
  const reader = mt940Reader(firstIndex);
  reader.write(text);
  return reader.end();
}

/** parseMt940 one chunk of text at a time: each message becomes its statement once it is over. */
export function mt940Reader(firstIndex = 0): { write(text: string): void; end(): Statement[]; live(): LiveStatements } {
  const statements: Statement[] = [];
  let index = firstIndex;
  const messages = messageReader((msg, text) => {
    const st = statementOf(msg, text, index);
    index += st.entries.length;
    statements.push(st);
  });
  return {
    write: (chunk) => messages.write(chunk),
    live: () => ({ done: statements }),
    end() {
      if (messages.end() === 0)
        throw new StatementParseError('empty', 'no MT940 field (:20:, :25:, :60F: ...) in the file');
      return statements;
    },
  };
}

function statementOf(msg: Message, text: string, firstIndex: number): Statement {
  let index = firstIndex;
  const first = msg.fields[0];
  const get = (tag: RegExp) => msg.fields.find((f) => tag.test(f.tag));
  const acct = get(/^25[P]?$/);
  if (!acct)
    throw new StatementParseError('missing_field', 'statement without an account (:25:)', { line: first.line });
  const opening = get(/^60[FM]$/);
  const closing = get(/^62[FM]$/);
  if (!opening)
    throw new StatementParseError('missing_field', 'statement without an opening balance (:60F:)', {
      line: first.line,
    });
  if (!closing) {
    const last = msg.fields[msg.fields.length - 1];
    throw new StatementParseError('truncated', 'statement without its closing balance (:62F:)', { line: last.line });
  }
  const open = balanceOf(opening, fieldText(opening, text));
  const close = balanceOf(closing, fieldText(closing, text));
  const entries: StatementEntry[] = [];
  msg.fields.forEach((f, i) => {
    if (f.tag === '61') entries.push(entryOf(f, infoAfter(msg.fields, i, text), index++, open.currency, text));
  });
  const value = (f: Field | undefined) => (f ? fieldText(f, text) : undefined);
  const number = value(get(/^28C?$/))?.trim();
  const st: Statement = {
    format: 'mt940',
    account: accountOf(fieldText(acct, text)),
    currency: open.currency,
    statementId: number || value(get(/^20$/))?.trim() || undefined,
    periodStart: open.date,
    periodEnd: close.date,
    openingBalanceCents: open.cents,
    closingBalanceCents: close.cents,
    entries,
    balanceCheck: { status: 'ok' },
  };
  st.balanceCheck = checkBalances(st.openingBalanceCents, st.closingBalanceCents, entries);
  return st;
}
