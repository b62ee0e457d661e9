import { createHash } from 'node:crypto';
import type { BankAccount, Statement, StatementEntry } from '../model/statement';
import { accountKey } from './accounts';

function normalizedLabel(label: string): string {
  return label.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/\s+/g, ' ').trim().toUpperCase();
}

/**
 * Deterministic id of a bank transaction, the same however often the file or an overlapping statement is read:
 * "<account>:<bank reference>" when the bank's reference is unique for the account (say so with `bankReferenceUnique`,
 * which assignTransactionIds computes), else "<account>:h:<sha-256 of account, booking date, amount, label and the
 * occurrence rank among identical entries>" (first 32 hex digits).
 */
export function transactionId(
  account: BankAccount | string,
  entry: Pick<StatementEntry, 'bookingDate' | 'amountCents' | 'label' | 'bankReference'>,
  occurrenceRank: number,
  bankReferenceUnique = entry.bankReference !== undefined,
): string {
  const key = typeof account === 'string' ? account : accountKey(account);
  if (entry.bankReference && bankReferenceUnique) return `${key}:${entry.bankReference}`;
  const hash = createHash('sha256')
    .update([key, entry.bookingDate, String(entry.amountCents), normalizedLabel(entry.label), String(occurrenceRank)].join('\u001f'))
    .digest('hex')
    .slice(0, 32);
  return `${key}:h:${hash}`;
}

export interface IdentifiedEntry {
  transactionId: string;
  /** 0-based rank among entries of the statement with the same booking date, amount and label. */
  occurrenceRank: number;
  entry: StatementEntry;
}

/** Ids for every entry of a statement, in entry order: ranks identical entries and checks the uniqueness of bank references. */
export function assignTransactionIds(statement: Pick<Statement, 'account' | 'entries'>): IdentifiedEntry[] {
  const key = accountKey(statement.account);
  const refCount = new Map<string, number>();
  for (const e of statement.entries) if (e.bankReference) refCount.set(e.bankReference, (refCount.get(e.bankReference) ?? 0) + 1);
  const seen = new Map<string, number>();
  return statement.entries.map((entry) => {
    const identity = [entry.bookingDate, entry.amountCents, normalizedLabel(entry.label)].join('\u001f');
    const rank = seen.get(identity) ?? 0;
    seen.set(identity, rank + 1);
    const unique = entry.bankReference !== undefined && refCount.get(entry.bankReference) === 1;
    return { transactionId: transactionId(key, entry, rank, unique), occurrenceRank: rank, entry };
  });
}
