import type { Statement, StatementEntry } from '../../model/statement';
import { balancesOf, chunk, decimal, oneLine, periodOf, yymmdd } from './common';

/** SWIFT text: no '?' (subfield separator) nor line breaks inside a value; a leading ':' or '-' would read as a tag. */
function swiftText(s: string | undefined): string {
  return oneLine(s)
    .replace(/\?/g, '.')
    .replace(/^[:-]+/, '');
}

function balanceField(tag: string, cents: number, date: string, ccy: string): string {
  return `:${tag}:${cents < 0 ? 'D' : 'C'}${yymmdd(date)}${ccy}${decimal(cents, ',')}`;
}

/**
 * Writes SWIFT MT940 customer statements (block 4 only, as banks deliver them to customers), one per statement, each
 * ending with '-'. :61: carries value date, booking date, D/C (RD/RC for a reversal), amount with a decimal comma,
 * transaction type, customer reference (end-to-end id) and //bank reference (each cut at 16). :86: uses the structured
 * sub-fields of French and German banks: ?00 label, ?20-?29 remittance (EREF+ end-to-end, KREF+ structured reference,
 * SVWZ+ free text, 27 characters per sub-field), ?31 counterparty IBAN, ?32/?33 counterparty name.
 */
export function writeMt940(statements: readonly Statement[]): string {
  const lines: string[] = [];
  statements.forEach((st, n) => {
    const period = periodOf(st);
    const { opening, closing } = balancesOf(st);
    const account =
      st.account.iban ??
      [st.account.bankCode, st.account.branchCode, st.account.accountNumber].filter(Boolean).join('/');
    lines.push(`:20:${swiftText(st.statementId ?? `STMT${n + 1}`).slice(0, 16) || 'NONREF'}`);
    lines.push(`:25:${account || 'UNKNOWN'}`);
    lines.push(`:28C:${String(n + 1).padStart(5, '0')}/1`);
    lines.push(balanceField('60F', opening, period.start, st.currency));
    for (const e of st.entries) lines.push(...entryLines(e));
    lines.push(balanceField('62F', closing, period.end, st.currency));
    lines.push('-');
  });
  return `${lines.join('\r\n')}\r\n`;
}

function entryLines(e: StatementEntry): string[] {
  const value = e.valueDate ?? e.bookingDate;
  // a reversed credit is a debit (RC), a reversed debit a credit (RD)
  const mark = e.reversal ? (e.amountCents < 0 ? 'RC' : 'RD') : e.amountCents < 0 ? 'D' : 'C';
  const type = e.bankCodes.map((c) => c.replace(/^N/, '')).find((c) => /^[A-Z0-9]{3}$/.test(c)) ?? 'TRF';
  const customerRef = swiftText(e.endToEndId).replace(/\/\//g, '/').slice(0, 16) || 'NONREF';
  const bankRef = swiftText(e.bankReference).slice(0, 16);
  const line61 =
    `:61:${yymmdd(value)}${e.bookingDate.slice(5, 7)}${e.bookingDate.slice(8, 10)}${mark}` +
    `${decimal(e.amountCents, ',')}N${type}${customerRef}${bankRef ? `//${bankRef}` : ''}`;

  const sub: string[] = [];
  sub.push(`?00${swiftText(e.label).slice(0, 27)}`);
  const remittance: string[] = [];
  if (e.endToEndId) remittance.push(`EREF+${swiftText(e.endToEndId)}`);
  for (const ref of e.remittance.structured) if (swiftText(ref)) remittance.push(`KREF+${swiftText(ref)}`);
  const text = e.remittance.unstructured.map(swiftText).filter(Boolean).join(' ');
  if (text) remittance.push(`SVWZ+${text}`);
  const pieces = remittance.flatMap((r) => chunk(r, 27));
  const codes = [20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 60, 61, 62, 63];
  for (const [i, p] of pieces.slice(0, codes.length).entries()) sub.push(`?${codes[i]}${p}`);
  if (e.counterpartyIban) sub.push(`?31${swiftText(e.counterpartyIban)}`);
  if (e.counterpartyName) {
    const name = chunk(swiftText(e.counterpartyName), 27);
    sub.push(`?32${name[0]}`);
    if (name[1]) sub.push(`?33${name[1]}`);
  }
  const gvc = e.amountCents < 0 ? '116' : '166';
  const body = gvc + sub.join('');
  const wrapped = chunk(body, 65);
  // a continuation line must not read as a tag (":61:") or as the end of the message ("-"): start it one character
  // earlier
  for (let i = 1; i < wrapped.length; i++) {
    while ((/^[:-]/.test(wrapped[i]) || /\s$/.test(wrapped[i - 1])) && wrapped[i - 1].length > 1) {
      wrapped[i] = wrapped[i - 1].slice(-1) + wrapped[i];
      wrapped[i - 1] = wrapped[i - 1].slice(0, -1);
    }
  }
  return [line61, `:86:${wrapped[0]}`, ...wrapped.slice(1)];
}
