import type { MatchResult, Statement, StatementEntry } from '../model';
import { formatCents } from '../money';

/** What finance is told after a statement was read and reconciled. */
export interface IngestSummary {
  fileName: string;
  format: string;
  accounts: string[];
  period: { from?: string; to?: string };
  counts: {
    entries: number;
    newTransactions: number;
    duplicates: number;
    matched: number;
    suggested: number;
    unmatched: number;
    ignored: number;
    reversals: number;
  };
  autoMatchRate: number;
  anomalies: Anomaly[];
}

export type Anomaly =
  | { kind: 'unknown_credit'; transactionId: string; date: string; amount: string; label: string }
  | {
      kind: 'returned_payment';
      transactionId: string;
      date: string;
      amount: string;
      label: string;
      reopened: string[];
      candidates?: string[];
      /**
       * Its one candidate, a credit left unlettered, is now marked returned (`reversed`, see ReconciledEntry); or,
       * without candidates, the payment it gives back, found unlettered meanwhile.
       */
      withdrawn?: true;
    }
  | { kind: 'to_review'; transactionId: string; date: string; amount: string; label: string; suggestions: number }
  | { kind: 'allocation_refused'; transactionId: string; reason: string }
  /**
   * A stored transaction came back under the same id with a different amount, date or account: kept as stored,
   * to check.
   */
  | { kind: 'identity_conflict'; transactionId: string; date: string; amount: string; stored: string }
  /** An entry whose texts were cut to be stored (core/ingest/storable.ts): `cutChars` characters left out. */
  | { kind: 'texts_cut'; transactionId: string; date: string; amount: string; cutChars: number }
  /** A booking day of this file disagrees with what earlier files held for it (an export cut inside a day?). */
  | {
      kind: 'day_inconsistent';
      account: string;
      date: string;
      reason: string;
      /** this file's movements of the day and their total; the earlier file's; how many of this file's were new */
      figures?: {
        entries: number;
        totalCents: number;
        earlierEntries: number;
        earlierTotalCents: number;
        newEntries: number;
      };
    };

export interface ReconciledEntry {
  entry: StatementEntry;
  transactionId: string;
  isNew: boolean;
  result?: MatchResult;
  reopened?: string[];
  refusal?: string;
  /**
   * For a return: the credit left unlettered that it gives back (or the payment it reopens, unlettered meanwhile) is
   * now stored `reversed` (never to be lettered).
   */
  withdrawn?: boolean;
}

export function accountLabel(s: Pick<Statement, 'account'>): string {
  const a = s.account;
  return a.iban ?? [a.bankCode, a.branchCode, a.accountNumber].filter(Boolean).join(' ');
}

/**
 * Builds the summary and the anomalies (unknown credits, returned payments, items to review) of one ingest run;
 * `storeAnomalies` are those found while storing the transactions (identity conflicts, inconsistent days).
 */
export function summarizeIngest(
  fileName: string,
  format: string,
  statements: Statement[],
  entries: ReconciledEntry[],
  storeAnomalies: Anomaly[] = [],
): IngestSummary {
  const counts = {
    entries: entries.length,
    newTransactions: 0,
    duplicates: 0,
    matched: 0,
    suggested: 0,
    unmatched: 0,
    ignored: 0,
    reversals: 0,
  };
  const anomalies: Anomaly[] = [...storeAnomalies];
  for (const e of entries) {
    if (e.isNew) counts.newTransactions++;
    else counts.duplicates++;
    if (!e.result) continue;
    const label = [e.entry.label, e.entry.counterpartyName, ...e.entry.remittance.unstructured]
      .filter(Boolean)
      .join(' · ');
    const base = {
      transactionId: e.transactionId,
      date: e.entry.bookingDate,
      amount: formatCents(e.entry.amountCents),
      label,
    };
    if (e.result.returned || e.result.reversalOf !== undefined || (e.entry.reversal && e.entry.amountCents < 0)) {
      counts.reversals++;
      // not identified: the payments it may give back, for finance to choose (nothing was undone)
      const candidates =
        e.result.reversalOf === undefined
          ? e.result.reasons.filter((r) => r.startsWith('candidate: ')).map((r) => r.slice('candidate: '.length))
          : [];
      anomalies.push({
        kind: 'returned_payment',
        ...base,
        reopened: e.reopened ?? [],
        ...(e.result.reversalOf === undefined ? { candidates } : {}),
        ...(e.withdrawn ? { withdrawn: true as const } : {}),
      });
    }
    if (e.refusal) anomalies.push({ kind: 'allocation_refused', transactionId: e.transactionId, reason: e.refusal });
    switch (e.result.status) {
      case 'matched':
        counts.matched++;
        break;
      case 'suggested':
        counts.suggested++;
        anomalies.push({ kind: 'to_review', ...base, suggestions: e.result.suggestions.length });
        break;
      case 'unmatched':
        counts.unmatched++;
        if (e.entry.amountCents > 0) anomalies.push({ kind: 'unknown_credit', ...base });
        break;
      case 'ignored':
        counts.ignored++;
        break;
    }
  }
  const matchable = counts.matched + counts.suggested + counts.unmatched;
  const dates = statements
    .flatMap((s) => [s.periodStart, s.periodEnd, ...s.entries.map((x) => x.bookingDate)])
    .filter((d): d is string => !!d)
    .sort();
  return {
    fileName,
    format,
    accounts: [...new Set(statements.map(accountLabel))],
    period: { from: dates[0], to: dates[dates.length - 1] },
    counts,
    autoMatchRate: matchable === 0 ? 0 : counts.matched / matchable,
    anomalies,
  };
}
