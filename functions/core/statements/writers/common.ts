import type { BankAccount, Statement, StatementEntry } from '../../model/statement';

/** "2024-01-13" -> "130124" (CFONB). */
export function ddmmyy(iso: string): string {
  return `${iso.slice(8, 10)}${iso.slice(5, 7)}${iso.slice(2, 4)}`;
}

/** "2024-01-13" -> "240113" (MT940). */
export function yymmdd(iso: string): string {
  return `${iso.slice(2, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}`;
}

/** "2024-01-13" -> "20240113" (OFX). */
export function yyyymmdd(iso: string): string {
  return iso.replace(/-/g, '');
}

/** "2024-01-13" -> "13/01/2024" (French CSV). */
export function ddmmyyyySlash(iso: string): string {
  return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
}

/** Absolute amount with a decimal separator and always two decimals: 1234,56. */
export function decimal(cents: number, separator: '.' | ','): string {
  const abs = Math.abs(cents);
  return `${Math.floor(abs / 100)}${separator}${String(abs % 100).padStart(2, '0')}`;
}

/** One line of text: no line breaks, no control characters, trimmed. */
export function oneLine(s: string | undefined): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: bank formats forbid control characters
  return (s ?? '').replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

/** Splits text into chunks of at most `size` characters. */
export function chunk(s: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.length; i += size) out.push(s.slice(i, i + size));
  return out;
}

export function sumEntries(entries: readonly StatementEntry[]): number {
  let total = 0;
  for (const e of entries) total += e.amountCents;
  return total;
}

/** Opening and closing balances that agree with the entries when the statement leaves one or both out. */
export function balancesOf(st: Statement): { opening: number; closing: number } {
  const sum = sumEntries(st.entries);
  if (st.openingBalanceCents !== undefined && st.closingBalanceCents !== undefined) {
    return { opening: st.openingBalanceCents, closing: st.closingBalanceCents };
  }
  if (st.openingBalanceCents !== undefined)
    return { opening: st.openingBalanceCents, closing: st.openingBalanceCents + sum };
  if (st.closingBalanceCents !== undefined)
    return { opening: st.closingBalanceCents - sum, closing: st.closingBalanceCents };
  return { opening: 0, closing: sum };
}

export function periodOf(st: Statement): { start: string; end: string } {
  const dates = st.entries.map((e) => e.bookingDate).sort();
  const start = st.periodStart ?? dates[0] ?? st.periodEnd ?? '2000-01-01';
  const end = st.periodEnd ?? dates[dates.length - 1] ?? start;
  return { start, end };
}

/** French bank/branch/account from the account, deriving them from a French IBAN when needed. */
export function ribOf(account: BankAccount): { bank: string; branch: string; account: string } {
  const iban = account.iban?.replace(/\s+/g, '').toUpperCase();
  if (iban && /^(FR|MC)\d{2}\d{5}\d{5}[0-9A-Z]{11}\d{2}$/.test(iban)) {
    return {
      bank: account.bankCode ?? iban.slice(4, 9),
      branch: account.branchCode ?? iban.slice(9, 14),
      account: account.accountNumber ?? iban.slice(14, 25),
    };
  }
  return {
    bank: account.bankCode ?? '00000',
    branch: account.branchCode ?? '00000',
    account: account.accountNumber ?? (iban ? iban.slice(-11) : '00000000000'),
  };
}

export function xmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}
