import type { Statement, StatementEntry } from '../../model/statement';
import { balancesOf, ddmmyy, oneLine, periodOf, ribOf } from './common';

const POSITIVE = '{ABCDEFGHI';
const NEGATIVE = '}JKLMNOPQR';

/** 14 characters: 13 digits then the last digit overpunched with the sign. */
export function cfonbAmount(cents: number): string {
  const digits = String(Math.abs(cents)).padStart(14, '0');
  if (digits.length > 14) throw new RangeError(`amount too large for CFONB 120: ${cents}`);
  const last = Number(digits[13]);
  return digits.slice(0, 13) + (cents < 0 ? NEGATIVE[last] : POSITIVE[last]);
}

function field(s: string, width: number): string {
  return s.length >= width ? s.slice(0, width) : s + ' '.repeat(width - s.length);
}

function record(parts: Array<[string, number]>): string {
  const line = parts.map(([s, w]) => field(s, w)).join('');
  if (line.length !== 120) throw new Error(`CFONB record of ${line.length} characters`);
  return line;
}

/**
 * Writes a CFONB 120 "relevé de compte": per statement a 01 (opening balance), for each entry a 04 and its 05
 * complements
 * (LIB per remittance line, NPY/NBE counterparty, IPY/IBE its IBAN, RCN per structured reference, REF the end-to-end
 * id),
 * then a 07 (closing balance). Records are joined by CRLF. The label is cut at 31 characters, the bank reference at 16,
 * each complement at 70 (longer remittance lines continue on further LIB records).
 */
export function writeCfonb120(statements: readonly Statement[]): string {
  const lines: string[] = [];
  for (const st of statements) {
    const rib = ribOf(st.account);
    const ccy = st.currency;
    const { opening, closing } = balancesOf(st);
    const period = periodOf(st);
    const head = (code: string, opCode: string): Array<[string, number]> => [
      [code, 2],
      [rib.bank, 5],
      [opCode, 4],
      [rib.branch, 5],
      [ccy, 3],
      ['2', 1],
      [' ', 1],
      [rib.account, 11],
    ];
    lines.push(
      record([...head('01', ''), ['', 2], [ddmmyy(period.start), 6], ['', 50], [cfonbAmount(opening), 14], ['', 16]]),
    );
    for (const [i, e] of st.entries.entries()) lines.push(...entryRecords(e, i, head, st.entries.length));
    lines.push(
      record([...head('07', ''), ['', 2], [ddmmyy(period.end), 6], ['', 50], [cfonbAmount(closing), 14], ['', 16]]),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * Cuts text in pieces of at most `width` characters at spaces (the space is dropped), or mid-word when a word is
 * longer.
 */
export function wrapWords(text: string, width: number): string[] {
  const out: string[] = [];
  let rest = text.replace(/\s+/g, ' ').trim();
  while (rest.length > width) {
    const cut = rest.lastIndexOf(' ', width - 1);
    if (cut > 0) {
      out.push(rest.slice(0, cut));
      rest = rest.slice(cut + 1);
    } else {
      out.push(rest.slice(0, width));
      rest = rest.slice(width);
    }
  }
  if (rest) out.push(rest);
  return out;
}

function entryRecords(
  e: StatementEntry,
  i: number,
  head: (code: string, opCode: string) => Array<[string, number]>,
  _count: number,
): string[] {
  const interbank = e.bankCodes.find((c) => /^[0-9A-Z]{2}$/.test(c)) ?? (e.amountCents >= 0 ? '18' : 'B1');
  const booking = ddmmyy(e.bookingDate);
  const value = ddmmyy(e.valueDate ?? e.bookingDate);
  const reason = e.reversal ? '01' : '';
  const entryNumber = String((i % 9_999_999) + 1).padStart(7, '0');
  const out = [
    record([
      ...head('04', '0005'),
      [interbank, 2],
      [booking, 6],
      [reason, 2],
      [value, 6],
      [oneLine(e.label), 31],
      ['', 2],
      [entryNumber, 7],
      [' ', 1],
      [' ', 1],
      [cfonbAmount(e.amountCents), 14],
      [oneLine(e.bankReference), 16],
    ]),
  ];
  const complement = (qualifier: string, text: string, continuation = qualifier) => {
    wrapWords(text, 70).forEach((part, n) => {
      out.push(
        record([
          ...head('05', '0005'),
          [interbank, 2],
          [booking, 6],
          ['', 5],
          [n === 0 ? qualifier : continuation, 3],
          [part, 70],
          ['', 2],
        ]),
      );
    });
  };
  for (const line of e.remittance.unstructured) if (oneLine(line)) complement('LIB', oneLine(line), 'LC2');
  const credit = e.amountCents >= 0;
  if (e.counterpartyName) complement(credit ? 'NPY' : 'NBE', oneLine(e.counterpartyName));
  if (e.counterpartyIban) complement(credit ? 'IPY' : 'IBE', oneLine(e.counterpartyIban));
  for (const ref of e.remittance.structured) if (oneLine(ref)) complement('RCN', oneLine(ref));
  if (e.endToEndId) complement('REF', oneLine(e.endToEndId));
  return out;
}
