import type { BankAccount } from '../model/statement';

function mod97(digits: string): number {
  let r = 0;
  for (let i = 0; i < digits.length; i += 7) r = Number(String(r) + digits.slice(i, i + 7)) % 97;
  return r;
}

function lettersToDigits(s: string): string {
  return s.toUpperCase().replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
}

/** ISO 13616 check: country, two check digits, 11 to 30 alphanumerics, mod 97 = 1. */
export function isValidIban(candidate: string): boolean {
  const iban = candidate.replace(/\s+/g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return false;
  return mod97(lettersToDigits(iban.slice(4) + iban.slice(0, 4))) === 1;
}

export function normalizeIban(candidate: string): string {
  return candidate.replace(/\s+/g, '').toUpperCase();
}

/** The French RIB key of bank/branch/account (letters of the account map to digits the French way). */
export function ribKey(bank: string, branch: string, account: string): string {
  const acc = account.toUpperCase().replace(/[A-Z]/g, (c) => String('12345678912345678923456789'.charAt(c.charCodeAt(0) - 65)));
  const n = (89 * Number(bank) + 15 * Number(branch) + 3 * Number(acc)) % 97;
  return String(97 - n).padStart(2, '0');
}

/** FRkk + bank + branch + account + RIB key, from a French RIB (5 + 5 + 11 characters). */
export function frenchIbanFromRib(bank: string, branch: string, account: string): string | undefined {
  if (!/^\d{5}$/.test(bank) || !/^\d{5}$/.test(branch) || !/^[0-9A-Z]{11}$/i.test(account)) return undefined;
  const bban = `${bank}${branch}${account.toUpperCase()}${ribKey(bank, branch, account)}`;
  const check = 98 - mod97(lettersToDigits(`${bban}FR00`));
  return `FR${String(check).padStart(2, '0')}${bban}`;
}

/** Completes an account with what can be derived: the IBAN of a French RIB, the RIB of a French IBAN. */
export function completeAccount(account: BankAccount): BankAccount {
  const out: BankAccount = { ...account };
  if (out.iban) {
    out.iban = normalizeIban(out.iban);
    if (/^FR\d{2}\d{10}[0-9A-Z]{11}\d{2}$/.test(out.iban)) {
      out.bankCode ??= out.iban.slice(4, 9);
      out.branchCode ??= out.iban.slice(9, 14);
      out.accountNumber ??= out.iban.slice(14, 25);
    }
  } else if (out.bankCode && out.branchCode && out.accountNumber) {
    const iban = frenchIbanFromRib(out.bankCode, out.branchCode, out.accountNumber);
    if (iban) out.iban = iban;
  }
  return out;
}

/** One string per account, for ids and grouping: the IBAN, else bank/branch/account. */
export function accountKey(account: BankAccount): string {
  if (account.iban) return normalizeIban(account.iban);
  const parts = [account.bankCode, account.branchCode, account.accountNumber].filter((p) => p && p.length > 0);
  return parts.length ? parts.join('-') : 'UNKNOWN-ACCOUNT';
}
