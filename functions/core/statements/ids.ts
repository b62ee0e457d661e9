import { hash } from 'node:crypto';
import type { BankAccount, Statement, StatementEntry } from '../model/statement';
import { accountKey } from './accounts';

/**
 * Identity of a bank transaction, stable across files.
 *
 * A movement is known by its account, booking date, amount, what the bank says about it (its reference when it gives a
 * real one, else its label, counterparty and remittance text: its "fingerprint") and its rank among the movements of
 * the file that share all of these (identical movements: two equal direct debits on one day, NONREF on every line).
 * The bank reference alone is not an identity: banks reuse references across days, some write NONREF everywhere.
 *
 * The rank is computed per (account, booking date, amount, fingerprint) group, so it only depends on the movements of
 * that one day: two exports that both hold the whole day give every movement the same id, whatever else they hold.
 *
 * Assumption: a statement holds whole booking days. Bank exports are cut at day boundaries (a daily statement, a
 * monthly one, an export "from D1 to D2"); a file cut in the middle of a day whose identical movements straddle the
 * cut would give the second one rank 0, taken for the first one. That case cannot be told from the ids alone: the
 * ingest compares each day of a file with what earlier files held for that day (count and total of its movements,
 * see dayFingerprints) and reports any difference to finance as a `partial_day` anomaly.
 */

/** References banks write when they have none: never an identity. */
const PLACEHOLDER_REFERENCES = new Set(['', 'NONREF', 'NOREF', 'NONE', 'NOTPROVIDED', 'N/A', 'NA', '0', '-']);

/** Printable ASCII words with one space between them: what `normalized` would only upper-case. */
const PLAIN = /^[\x21-\x7e]+(?: [\x21-\x7e]+)*$/;

function normalized(text: string | undefined): string {
  if (!text) return '';
  if (PLAIN.test(text)) return text.toUpperCase(); // most bank texts: no accent to drop, no space to collapse
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toUpperCase();
}

/** The bank's reference when it is a real one (not NONREF, NOTPROVIDED, blank...). */
export function usableBankReference(reference: string | undefined): string | undefined {
  const ref = normalized(reference);
  return PLACEHOLDER_REFERENCES.has(ref) ? undefined : ref;
}

type IdentityFields = Pick<StatementEntry, 'bookingDate' | 'amountCents' | 'label' | 'bankReference'> &
  Partial<Pick<StatementEntry, 'counterpartyName' | 'counterpartyIban' | 'endToEndId' | 'remittance'>>;

/** What the bank says about a movement, besides date and amount: its reference, else its texts. */
export function fingerprint(entry: IdentityFields): string {
  const ref = usableBankReference(entry.bankReference);
  if (ref) return `R:${ref}`;
  const texts = [
    entry.label,
    entry.counterpartyName,
    entry.counterpartyIban,
    entry.endToEndId,
    ...(entry.remittance?.unstructured ?? []),
    ...(entry.remittance?.structured ?? []),
  ];
  return `T:${texts.map(normalized).join('|')}`;
}

/**
 * Deterministic id of a bank transaction: "<account>:<booking date>:<first 32 hex digits of the sha-256 of account,
 * booking date, amount, fingerprint and rank>".
 */
export function transactionId(account: BankAccount | string, entry: IdentityFields, occurrenceRank: number): string {
  return idOf(typeof account === 'string' ? account : accountKey(account), entry, fingerprint(entry), occurrenceRank);
}

/** `transactionId` with the account key and the fingerprint already computed (one sha-256, in one call). */
function idOf(key: string, entry: IdentityFields, print: string, occurrenceRank: number): string {
  const digest = hash(
    'sha256',
    [key, entry.bookingDate, String(entry.amountCents), print, String(occurrenceRank)].join('\u001f'),
    'hex',
  );
  return `${key}:${entry.bookingDate}:${digest.slice(0, 32)}`;
}

export interface IdentifiedEntry {
  transactionId: string;
  /** 0-based rank among the statement's entries with the same booking date, amount and fingerprint. */
  occurrenceRank: number;
  entry: StatementEntry;
}

/** Ids for every entry of a statement, in entry order. */
export function assignTransactionIds(statement: Pick<Statement, 'account' | 'entries'>): IdentifiedEntry[] {
  const key = accountKey(statement.account);
  const seen = new Map<string, number>();
  return statement.entries.map((entry) => {
    const print = fingerprint(entry);
    const group = [entry.bookingDate, entry.amountCents, print].join('\u001f');
    const rank = seen.get(group) ?? 0;
    seen.set(group, rank + 1);
    return { transactionId: idOf(key, entry, print, rank), occurrenceRank: rank, entry };
  });
}

/** What one file says about one booking day of one account: how many movements, and their total. */
export interface DayFingerprint {
  account: string;
  bookingDate: string;
  entries: number;
  totalCents: number;
}

/** Per account and booking day, the number and total of a statement's movements (to detect a day cut by an export). */
export function dayFingerprints(statement: Pick<Statement, 'account' | 'entries'>): DayFingerprint[] {
  const account = accountKey(statement.account);
  const days = new Map<string, DayFingerprint>();
  for (const e of statement.entries) {
    const day = days.get(e.bookingDate) ?? { account, bookingDate: e.bookingDate, entries: 0, totalCents: 0 };
    day.entries++;
    day.totalCents += e.amountCents;
    days.set(e.bookingDate, day);
  }
  return [...days.values()];
}
