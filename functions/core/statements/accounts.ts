import { frenchIbanFromRib, normalizeIban } from '../iban';
import type { BankAccount } from '../model/statement';

/** The IBAN and RIB helpers live in core/iban; re-exported for the statement parsers that import them from here. */
export { frenchIbanFromRib, isValidIban, normalizeIban, ribKey } from '../iban';

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
