import {
  getTransaction,
  insertTransactionIfNew,
  recordStatementDay,
  type StoredTransaction,
} from '../adapters/db/transactions';
import { mapLimited } from '../core/concurrency';
import { dayAnomaly } from '../core/ingest/days';
import { storableEntry } from '../core/ingest/storable';
import type { Anomaly, ReconciledEntry } from '../core/ingest/summary';
import type { MatchResult, ParsedStatementFile, Statement, StatementEntry } from '../core/model';
import { formatCents } from '../core/money';
import { accountKey } from '../core/statements/accounts';
import { assignTransactionIds, dayFingerprints } from '../core/statements/ids';

export interface StoredEntries {
  entries: ReconciledEntry[];
  /** Stored transactions not yet through the matcher: new ones, or left pending by a run that crashed. */
  pending: StoredTransaction[];
  /** Identity conflicts, inconsistent days, texts cut to be stored: reported to finance, never silently dropped. */
  anomalies: Anomaly[];
}

/**
 * Conditional puts in flight at once. Each movement is stored under its own id, whatever the others do (two movements
 * of one statement never share an id: see the rank in ids.ts), so they need not wait for each other: one at a time,
 * a 10,000-entry statement waited for 10,000 to 20,000 round trips in a row.
 */
const STORE_WIDTH = 16;

/**
 * Stores every movement of the file once, by its identity (core/statements/ids.ts) and a conditional put: a movement
 * already stored (an overlapping export, the same file again, a retry) is not stored twice. A stored transaction
 * that comes back under the same id with another amount, date or account is an anomaly. Movements an earlier attempt
 * of this very file stored (a crash, then the redelivery) count as new in the summary, and what that attempt decided
 * for them is reported again (finance was not told yet: a return, an unknown credit must not go unsaid). The movements
 * of a statement are stored `STORE_WIDTH` at a time; what is reported keeps their order.
 */
export async function storeTransactions(
  parsed: ParsedStatementFile,
  checksum: string,
  ingestedAt: string,
): Promise<StoredEntries> {
  const out: StoredEntries = { entries: [], pending: [], anomalies: [] };
  for (const statement of parsed.statements) {
    // texts within what one item holds, before the ids are computed from them (the same file gives the same ids)
    const cut = new Map<StatementEntry, number>();
    statement.entries = statement.entries.map((e) => {
      const storable = storableEntry(e);
      if (storable.cutChars > 0) cut.set(storable.entry, storable.cutChars);
      return storable.entry;
    });
    const movements = await mapLimited(
      assignTransactionIds(statement),
      STORE_WIDTH,
      async ({ entry, transactionId }) => {
        const txn: StoredTransaction = {
          ...entry,
          transactionId,
          statementChecksum: checksum,
          account: statement.account,
          status: 'pending',
          applied: [],
          version: 0,
          ingestedAt,
        };
        const inserted = await insertTransactionIfNew(txn);
        return { entry, txn, inserted, stored: inserted ? txn : await getTransaction(transactionId) };
      },
    );
    const newByDay = new Map<string, number>();
    for (const { entry, txn, stored, inserted } of movements) {
      const conflict = stored && !inserted ? identityConflict(txn, stored) : undefined;
      if (conflict) out.anomalies.push(conflict);
      const cutChars = cut.get(entry);
      if (cutChars)
        out.anomalies.push({
          kind: 'texts_cut',
          transactionId: txn.transactionId,
          date: entry.bookingDate,
          amount: formatCents(entry.amountCents),
          cutChars,
        });
      const isNew = inserted || stored?.statementChecksum === checksum;
      if (isNew) newByDay.set(entry.bookingDate, (newByDay.get(entry.bookingDate) ?? 0) + 1);
      const decidedBefore = isNew && !inserted && stored?.status !== 'pending' ? stored?.match : undefined;
      out.entries.push({
        entry,
        transactionId: txn.transactionId,
        isNew,
        ...(decidedBefore && recovered(decidedBefore)),
      });
      if (stored?.status === 'pending') out.pending.push(stored);
    }
    out.anomalies.push(...(await checkDays(statement, checksum, newByDay)));
  }
  return out;
}

/**
 * What an interrupted attempt of this file decided for a movement, as the summary reports it: the verdict, and for a
 * return the invoices its verdict reopens (as the verdict names them).
 */
function recovered(result: MatchResult): Pick<ReconciledEntry, 'result' | 'reopened'> {
  return { result, ...(result.reversalOf ? { reopened: (result.reopens ?? []).map((a) => a.invoiceId) } : {}) };
}

function identityConflict(incoming: StoredTransaction, stored: StoredTransaction): Anomaly | undefined {
  const same =
    stored.amountCents === incoming.amountCents &&
    stored.bookingDate === incoming.bookingDate &&
    accountKey(stored.account) === accountKey(incoming.account);
  if (same) return undefined;
  return {
    kind: 'identity_conflict',
    transactionId: incoming.transactionId,
    date: incoming.bookingDate,
    amount: formatCents(incoming.amountCents),
    stored: `${stored.bookingDate} ${formatCents(stored.amountCents)} (${accountKey(stored.account)})`,
  };
}

/** Compares each booking day of the statement with what earlier files held for it (see dayAnomaly). */
async function checkDays(statement: Statement, checksum: string, newByDay: Map<string, number>): Promise<Anomaly[]> {
  const anomalies: Anomaly[] = [];
  for (const day of dayFingerprints(statement)) {
    const earlier = await recordStatementDay({ ...day, statementChecksum: checksum });
    const anomaly = dayAnomaly(day, earlier, checksum, newByDay.get(day.bookingDate) ?? 0);
    if (anomaly) anomalies.push(anomaly);
  }
  return anomalies;
}
