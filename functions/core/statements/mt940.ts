import type { BankAccount, LiveStatements, Statement, StatementEntry } from '../model/statement';
import { completeAccount, isValidIban, normalizeIban } from './accounts';
import { checkBalances } from './balance';
import { StatementParseError } from './errors';
import { amountOrThrow, century, collapse, dateOrThrow } from './text';

interface Field {
  tag: string;
  value: string;
  line: number;
  /** Offsets of the field in the file text (from its tag to the end of its last line), for `raw`. */
  start: number;
  end: number;
}

interface Message {
  fields: Field[];
  ended: boolean;
}

const TAG = /^:(\d{2}[A-Z]?):(.*)$/;

/**
 * Splits the text into messages of tagged fields, one chunk of text at a time; a field continues on the lines that do
 * not start a tag. Each message is handed to `done` once it is over (the next :20:, its '-' line, or the end of the
 * text), with the text its fields' offsets point into: only the text of the message being read is kept.
 */
function messageReader(done: (msg: Message, text: string) => void): { write(text: string): void; end(): number } {
  let text = '';
  let pos = 0;
  let msg: Message | undefined;
  let field: Field | undefined;
  let lineNo = 0;
  let count = 0;
  const finish = () => {
    if (msg && !msg.ended) done(msg, text);
    if (msg) msg.ended = true;
  };
  const line = (eol: number) => {
    const lineStart = pos;
    const lineEnd = eol > pos && text.charCodeAt(eol - 1) === 13 ? eol - 1 : eol;
    pos = eol + 1;
    lineNo++;
    const rawLine = text.slice(lineStart, lineEnd);
    let line = rawLine.trimEnd();
    let offset = lineStart;
    // SWIFT envelope: {1:...}{2:...}{4: then fields, closed by -} (with {5:...} after it)
    if (line.startsWith('{')) {
      const at = line.indexOf('{4:');
      if (at < 0) return;
      line = line.slice(at + 3);
      offset = lineStart + at + 3;
      if (!line) return;
    }
    if (/^-(\}.*)?$/.test(line)) {
      finish();
      msg = undefined;
      field = undefined;
      return;
    }
    const m = TAG.exec(line);
    if (m) {
      if (m[1] === '20' || !msg) {
        finish();
        msg = { fields: [], ended: false };
        count++;
      }
      field = { tag: m[1], value: m[2], line: lineNo, start: offset, end: offset + line.length };
      msg.fields.push(field);
      return;
    }
    if (line.trim() === '') return;
    // continuation lines keep their spaces: a :86: wrapped after a space must not lose it
    if (field) {
      field.value += `\n${rawLine.startsWith('{') ? line : rawLine}`;
      field.end = lineEnd;
    }
    // lines before the first tag (bank headers such as "ABNANL2A" / "940") are ignored
  };
  return {
    write(chunk: string) {
      // only the text of the message being read is kept (its fields' offsets move with it)
      const keep = msg && !msg.ended ? msg.fields[0].start : pos;
      if (keep > 0) {
        text = text.slice(keep);
        pos -= keep;
        for (const f of msg && !msg.ended ? msg.fields : []) {
          f.start -= keep;
          f.end -= keep;
        }
      }
      text += chunk;
      for (let eol = text.indexOf('\n', pos); eol >= 0; eol = text.indexOf('\n', pos)) line(eol);
    },
    end() {
      while (pos <= text.length) line(text.length);
      finish();
      return count;
    },
  };
}

/** SWIFT amounts: a decimal comma, no digit grouping (a point is tolerated as the decimal mark). */
const MT_AMOUNT = { grouping: false } as const;

function mtDate(yymmdd: string, line: number): string {
  return dayOf(century(yymmdd.slice(0, 2)), yymmdd.slice(2, 4), yymmdd.slice(4, 6), yymmdd, line);
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

function balanceOf(f: Field): { cents: number; date: string; currency: string } {
  const m = /^([CD])(\d{6})([A-Z]{3})(\d[\d,.]*)\s*$/.exec(f.value.trim());
  if (!m) throw new StatementParseError('corrupt', `not a balance :${f.tag}:${f.value.slice(0, 40)}`, { line: f.line });
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

const SEPA_KEYWORDS = /(EREF|KREF|MREF|CRED|DEBT|SVWZ|ABWA|ABWE|IBAN|BIC|COAM|OAMT|SQTP|PURP|RREF)\+/g;

const isDigit = (c: number) => c >= 48 && c <= 57;

/** Where the next "?NN" sub-field mark starts at or after `from`, or -1. */
function nextMark(s: string, from: number): number {
  for (let q = s.indexOf('?', from); q >= 0; q = s.indexOf('?', q + 1)) {
    if (q + 2 < s.length && isDigit(s.charCodeAt(q + 1)) && isDigit(s.charCodeAt(q + 2))) return q;
  }
  return -1;
}

/**
 * ?NN sub-fields (French and German banks): ?00 label, ?20-?29 and ?60-?63 remittance (with SEPA keywords EREF+,
 * KREF+, SVWZ+, IBAN+), ?31 counterparty IBAN, ?32/?33 its name. Read by scanning, one slice per sub-field.
 */
function readSubFields(flat: string, info: Info86): void {
  let at = 0;
  if (flat.charCodeAt(0) !== 63) {
    info.code = flat.slice(0, 3);
    at = 3;
  }
  let label = '';
  let name32 = '';
  let name33 = '';
  let iban = '';
  let joined = '';
  for (let q = nextMark(flat, at); q >= 0; ) {
    const n = (flat.charCodeAt(q + 1) - 48) * 10 + flat.charCodeAt(q + 2) - 48;
    const next = nextMark(flat, q + 3);
    const v = flat.slice(q + 3, next < 0 ? flat.length : next);
    if ((n >= 20 && n <= 29) || (n >= 60 && n <= 63)) joined += v;
    else if (n === 0) label += v;
    else if (n === 31) iban += v;
    else if (n === 32) name32 += v;
    else if (n === 33) name33 += v;
    q = next;
  }
  info.label = collapse(label) || undefined;
  const who = collapse(name32 + name33);
  if (who) info.counterpartyName = who;
  iban = iban.trim();
  if (iban && isValidIban(iban)) info.counterpartyIban = normalizeIban(iban);
  readSepaKeywords(joined, info);
}

/** The remittance text of ?20-?29 split at its SEPA keywords; text before the first keyword is free text. */
function readSepaKeywords(joined: string, info: Info86): void {
  SEPA_KEYWORDS.lastIndex = 0;
  let k = SEPA_KEYWORDS.exec(joined);
  if (k?.index !== 0) {
    const head = collapse(k ? joined.slice(0, k.index) : joined);
    if (head) info.unstructured.push(head);
  }
  while (k) {
    const key = k[1];
    const start = k.index + k[0].length;
    const next = SEPA_KEYWORDS.exec(joined);
    const v = collapse(joined.slice(start, next ? next.index : joined.length));
    if (v) {
      if (key === 'EREF') {
        if (v.toUpperCase() !== 'NOTPROVIDED') info.endToEndId ??= v;
      } else if (key === 'KREF') info.structured.push(v);
      else if (key === 'SVWZ') info.unstructured.push(v);
      else if (key === 'IBAN' && !info.counterpartyIban && isValidIban(v)) info.counterpartyIban = normalizeIban(v);
    }
    k = next;
  }
}

interface Info86 {
  label?: string;
  unstructured: string[];
  structured: string[];
  endToEndId?: string;
  counterpartyName?: string;
  counterpartyIban?: string;
  code?: string;
}

/** :86: in its three common shapes: ?NN sub-fields (French/German banks), /TAG/ fields (Dutch banks), or free text. */
export function parse86(value: string): Info86 {
  const info: Info86 = { unstructured: [], structured: [] };
  const flat = value.includes('\n') ? value.replace(/\n/g, '') : value;
  if (/^(\d{3})?\?\d{2}/.test(flat)) {
    readSubFields(flat, info);
    return info;
  }
  if (/^\/[A-Z]{2,4}\//.test(flat) && /\/(TRTP|REMI|NAME|EREF|CNTP|IBAN)\//.test(flat)) {
    const tokens = flat.split('/');
    const known = new Set([
      'TRTP',
      'IBAN',
      'BIC',
      'NAME',
      'REMI',
      'EREF',
      'CNTP',
      'MARF',
      'CSID',
      'ORDP',
      'BENM',
      'ID',
      'ADDR',
      'RTRN',
      'PREF',
      'USTD',
      'STRD',
      'ISR',
      'CUR',
    ]);
    const fields = new Map<string, string[]>();
    let key: string | undefined;
    for (const t of tokens.slice(1)) {
      if (known.has(t) && !['USTD', 'STRD', 'ISR', 'CUR'].includes(t)) {
        key = t;
        fields.set(key, []);
      } else if (key) fields.get(key)!.push(t);
    }
    const get = (k: string) => (fields.get(k) ?? []).filter((s) => s !== '');
    const cntp = fields.get('CNTP');
    if (cntp) {
      if (cntp[0] && isValidIban(cntp[0])) info.counterpartyIban = normalizeIban(cntp[0]);
      if (cntp[2]) info.counterpartyName = collapse(cntp[2]);
    }
    const iban = get('IBAN')[0];
    if (!info.counterpartyIban && iban && isValidIban(iban)) info.counterpartyIban = normalizeIban(iban);
    const name = get('NAME').join('/');
    if (!info.counterpartyName && name) info.counterpartyName = collapse(name);
    const remi = fields.get('REMI') ?? [];
    const r = remi.filter((s) => s !== '' && !['USTD', 'STRD', 'ISR', 'CUR'].includes(s));
    if (flat.includes('/REMI/STRD/') || flat.includes('/REMI/CUR/'))
      info.structured.push(...r.map(collapse).filter(Boolean));
    else if (r.length) info.unstructured.push(collapse(r.join('/')));
    const eref = get('EREF')[0];
    if (eref && eref.toUpperCase() !== 'NOTPROVIDED') info.endToEndId = collapse(eref);
    const trtp = get('TRTP').join('/');
    if (trtp) info.label = collapse(trtp);
    return info;
  }
  const lines = value.split('\n').map(collapse).filter(Boolean);
  info.unstructured = lines;
  if (lines[0]) info.label = lines[0];
  return info;
}

/**
 * value date, entry date (MMDD, or four blanks), mark (C, D, RC/RD reversals, EC/ED expected), funds code, amount
 * (sometimes wrapped onto the next line), type (letters, digits or blanks), references, supplementary details.
 */
const LINE61 =
  /^(\d{6})(\d{4}| {4})?(RC|RD|EC|ED|C|D)([A-Z])?\n?(\d[\d,]*)([NSF][A-Z0-9 ]{3})([^\n]*?)(?:\n([\s\S]*))?$/;

function entryOf(f: Field, info: Field | undefined, index: number, currency: string, text: string): StatementEntry {
  const m = LINE61.exec(f.value.trim());
  if (!m)
    throw new StatementParseError('corrupt', `not a :61: statement line: "${f.value.split('\n')[0].slice(0, 60)}"`, {
      line: f.line,
    });
  const [, value, booking, mark, , amountRaw, type, refs, supplementary] = m;
  const valueDate = mtDate(value, f.line);
  let bookingDate = valueDate;
  if (booking?.trim()) {
    let year = Number(valueDate.slice(0, 4));
    const vm = Number(valueDate.slice(5, 7));
    const bm = Number(booking.slice(0, 2));
    if (bm === 12 && vm === 1) year -= 1;
    if (bm === 1 && vm === 12) year += 1;
    bookingDate = dayOf(String(year), booking.slice(0, 2), booking.slice(2, 4), booking, f.line);
  }
  const cents = amountOrThrow(amountRaw, { line: f.line }, MT_AMOUNT);
  // RC: reversal of a credit, so a debit; RD: reversal of a debit, so a credit; EC/ED: expected credit/debit
  const debit = mark === 'D' || mark === 'RC' || mark === 'ED';
  const [customerRef, bankRef] = refs.split('//');
  const i86 = info ? parse86(info.value) : ({ unstructured: [], structured: [] } as Info86);
  const customer = customerRef?.trim();
  const extra = collapse(supplementary ?? '');
  const codes = [type];
  if (i86.code) codes.push(i86.code);
  return {
    index,
    bookingDate,
    valueDate,
    amountCents: debit ? -cents : cents,
    currency,
    bankCodes: codes,
    bankReference: bankRef?.trim() || undefined,
    endToEndId: i86.endToEndId ?? (customer && customer.toUpperCase() !== 'NONREF' ? customer : undefined),
    label: i86.label ?? (extra || customer || ''),
    counterpartyName: i86.counterpartyName,
    counterpartyIban: i86.counterpartyIban,
    remittance: { unstructured: i86.unstructured, structured: i86.structured },
    reversal: mark === 'RC' || mark === 'RD',
    raw: [text.slice(f.start, (info ?? f).end)],
  };
}

/** The :86: after a :61:, several :86: in a row read as one (some banks write one per line). */
function infoAfter(fields: Field[], i: number): Field | undefined {
  const first = fields[i + 1];
  if (first?.tag !== '86') return undefined;
  let j = i + 2;
  while (fields[j]?.tag === '86') j++;
  if (j === i + 2) return first;
  const more = fields.slice(i + 1, j);
  return { ...first, value: more.map((m) => m.value).join('\n'), end: more[more.length - 1].end };
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
  const open = balanceOf(opening);
  const close = balanceOf(closing);
  const entries: StatementEntry[] = [];
  msg.fields.forEach((f, i) => {
    if (f.tag === '61') entries.push(entryOf(f, infoAfter(msg.fields, i), index++, open.currency, text));
  });
  const number = get(/^28C?$/)?.value.trim();
  const st: Statement = {
    format: 'mt940',
    account: accountOf(acct.value),
    currency: open.currency,
    statementId: number || get(/^20$/)?.value.trim() || undefined,
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
