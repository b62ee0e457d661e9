import { z } from 'zod';
import { clock } from '../adapters/clock';
import { readEnv, settings } from '../adapters/config';
import { listLiveAliases } from '../adapters/db/aliases';
import {
  AllocationRefusedError,
  applyCandidate,
  recordVerdict,
  undoTransactionAllocations,
} from '../adapters/db/allocations';
import { listAllCustomers } from '../adapters/db/customers';
import { listPayableInvoices } from '../adapters/db/invoices';
import { claimStatement, getStatement, type StatementRecord } from '../adapters/db/statements';
import { getTransaction, listTransactions, type StoredTransaction } from '../adapters/db/transactions';
import type { Logger } from '../adapters/logger';
import { statementObjectInfo } from '../adapters/statement-files';
import { startDunning } from '../adapters/workflows';
import { addDays } from '../core/dates';
import { fileNameOf, requeuedUnreadId, unreadFileId } from '../core/ingest/files';
import { type IngestLimits, tooLargeProblem } from '../core/ingest/read';
import { type IngestSummary, type ReconciledEntry, summarizeIngest } from '../core/ingest/summary';
import {
  givenBackResult,
  type LetteredPayment,
  looksLikeReturnedPayment,
  matchTransactions,
  type UnletteredPayment,
  withAliases,
} from '../core/matching';
import type { MatchResult, ParsedStatementFile } from '../core/model';
import { stopDunningOfPaid } from '../use-cases/dunning/notice-claims';
import { sendPendingIngestAlerts } from './alerts';
import { fileDuplicate, fileProcessed, fileRejected, type InboxFile } from './file-statement';
import type { IngestNotifier, RejectionReport } from './notifier';
import { readInboxFile } from './read-inbox-file';
import { storeTransactions } from './store-transactions';

/** Another delivery of the same file is being ingested right now: the message is retried later, nothing is lost. */
export class StatementInProgressError extends Error {
  constructor(key: string) {
    super(`statement ${key} is being ingested by another run`);
    this.name = 'StatementInProgressError';
  }
}

export type IngestOutcome =
  | { outcome: 'processed'; summary: IngestSummary }
  | { outcome: 'rejected'; report: RejectionReport }
  | { outcome: 'duplicate_file'; checksum: string }
  | { outcome: 'gone' };

/** The ingest's size and entry limits (settings STATEMENT_MAX_BYTES, STATEMENT_MAX_ENTRIES, checked at cold start). */
export function ingestLimits(): IngestLimits {
  const env = readEnv({
    STATEMENT_MAX_BYTES: settings.STATEMENT_MAX_BYTES,
    STATEMENT_MAX_ENTRIES: settings.STATEMENT_MAX_ENTRIES,
  });
  return { maxBytes: env.STATEMENT_MAX_BYTES, maxEntries: env.STATEMENT_MAX_ENTRIES };
}

/**
 * Reads one statement file from the inbox (streamed: its checksum computed on the way, never held whole), stores each
 * bank transaction once, reconciles the credits against the open invoices, and files the statement under processed/
 * or rejected/ (file-statement.ts). A file over the size limit is rejected unread; anything wrong with the file itself
 * (unreadable, too many entries, balances that do not add up, whatever a parser throws) rejects it with its report
 * before anything is written (the file is read before it is claimed: its checksum is known only at its end). Only an
 * AWS fault escapes,
 * for SQS to retry the message; every step is safe to run again.
 */
export async function ingestStatementFile(
  bucket: string,
  key: string,
  notify: IngestNotifier,
  log: Logger,
): Promise<IngestOutcome> {
  const limits = ingestLimits();
  const info = await statementObjectInfo(bucket, key);
  if (!info) return gone(key, notify, log);
  const fileName = fileNameOf(key);
  const receivedAt = clock().now().toISOString();
  const tooLarge = tooLargeProblem(info.sizeBytes, limits);
  if (tooLarge) {
    const record: StatementRecord = {
      // refused again after a re-processing: the same record as the first time
      checksum: requeuedUnreadId(key) ?? unreadFileId(info.etag),
      sourceKey: key,
      receivedAt,
      status: 'processing',
      accounts: [],
      sizeBytes: info.sizeBytes,
    };
    log.warn('statement over the size limit: rejected unread', {
      key,
      sizeBytes: info.sizeBytes,
      maxBytes: limits.maxBytes,
    });
    return {
      outcome: 'rejected',
      report: await fileRejected({ bucket, key, etag: info.etag, fileName, record }, tooLarge, notify),
    };
  }
  const inbox = await readInboxFile(bucket, key, info.etag, fileName, limits);
  if (!inbox) return gone(key, notify, log);
  const { checksum, read } = inbox;
  const record: StatementRecord = {
    checksum,
    sourceKey: key,
    receivedAt,
    status: 'processing',
    accounts: [],
    sizeBytes: inbox.sizeBytes,
  };
  const claim = await claimStatement(record);
  if (claim.claim === 'in_progress') throw new StatementInProgressError(key);
  const supersedes = claim.claim === 'claimed' ? await refusedUnread(key, info.etag) : undefined;
  const file: InboxFile = { bucket, key, etag: info.etag, fileName, record, ...(supersedes ? { supersedes } : {}) };
  if (claim.claim === 'already_processed') {
    const storedKey = await fileDuplicate(file, claim.current, notify);
    log.info('same statement file already processed: nothing stored twice', { key, storedKey, checksum });
    return { outcome: 'duplicate_file', checksum };
  }

  if (read.problem) {
    const report = await fileRejected(file, read.problem, notify);
    log.warn('statement rejected', {
      key,
      code: read.problem.code,
      line: read.problem.line,
      element: read.problem.element,
    });
    return { outcome: 'rejected', report };
  }
  const { parsed } = read;
  const stored = await storeTransactions(parsed, checksum, receivedAt);
  const reconciled = await reconcile(parsed, stored.entries, stored.pending, log);
  await withdrawnAgain(reconciled, log);
  const summary = summarizeIngest(fileName, parsed.format, parsed.statements, reconciled, stored.anomalies);
  await fileProcessed(file, summary, statementFigures(parsed), claim.previous, notify);
  log.info('statement processed', { key, format: parsed.format, ...summary.counts });
  return { outcome: 'processed', summary };
}

/**
 * This file's earlier refusal unread (over the size limit of then), now read: found by the inbox folder its
 * re-processing put it under (`inbox/etag-…/`), or by its ETag when it was dropped again. Its record is replaced by
 * this run's, as a rejected record of the same checksum is by a claim.
 */
async function refusedUnread(key: string, etag: string): Promise<StatementRecord | undefined> {
  for (const id of new Set([requeuedUnreadId(key), unreadFileId(etag)])) {
    if (!id) continue;
    const earlier = await getStatement(id);
    if (earlier?.status === 'rejected' && earlier.error?.code === 'file_too_large') return earlier;
  }
  return undefined;
}

/** The file left the inbox already (a redelivery after the run finished): what finance was not told yet goes now. */
async function gone(key: string, notify: IngestNotifier, log: Logger): Promise<IngestOutcome> {
  log.info('statement already moved out of the inbox (repeated event)', { key });
  const alerts = await sendPendingIngestAlerts({ notify, log, ownKey: key });
  if (alerts.failed) throw new Error(`${alerts.failed} finance alert(s) of the ingest still pending`);
  return { outcome: 'gone' };
}

function statementFigures(parsed: ParsedStatementFile): Partial<StatementRecord> {
  const first = parsed.statements[0];
  const last = parsed.statements[parsed.statements.length - 1];
  return {
    format: parsed.format,
    accounts: parsed.statements.map((s) => s.account),
    periodStart: first?.periodStart,
    periodEnd: last?.periodEnd,
    openingBalanceCents: parsed.statements.length === 1 ? first?.openingBalanceCents : undefined,
    closingBalanceCents: parsed.statements.length === 1 ? first?.closingBalanceCents : undefined,
  };
}

/** How short of an invoice a payment may be and still settle it, the gap written off as bank fees (default 15 €). */
const matchingSettings = () =>
  readEnv({ FEE_TOLERANCE_CENTS: z.coerce.number().int().min(0).max(100_00).default(15_00) });

/** Matches the stored transactions not yet through the matcher and records each verdict. */
async function reconcile(
  parsed: ParsedStatementFile,
  entries: ReconciledEntry[],
  pending: StoredTransaction[],
  log: Logger,
): Promise<ReconciledEntry[]> {
  if (pending.length === 0) return entries;

  const [invoices, customers, aliases, payments, unlettered] = await Promise.all([
    listPayableInvoices(),
    listAllCustomers(),
    listLiveAliases(),
    paymentsReturnsMayUndo(pending),
    creditsReturnsMayGiveBack(pending),
  ]);
  const ownIbans = parsed.statements.map((s) => s.account.iban).filter((x): x is string => !!x);
  const results = matchTransactions({
    transactions: pending,
    invoices,
    payments,
    unlettered,
    customers: withAliases(customers, aliases),
    options: { ownIbans, feeToleranceCents: matchingSettings().FEE_TOLERANCE_CENTS },
  });
  const byId = new Map(entries.map((e) => [e.transactionId, e]));
  const pendingById = new Map(pending.map((t) => [t.transactionId, t]));
  for (const result of results) {
    const txn = pendingById.get(result.transactionId)!;
    const slot = byId.get(result.transactionId)!;
    slot.result = result;
    if (result.returned) {
      const back = await reopenReturnedPayment(txn, result.reversalOf, log);
      slot.reopened = back.reopened;
      if (back.withdrawn) slot.withdrawn = true;
    }
    // the credit it gives back, left unlettered: this file's is recorded with its own verdict (returnedBy)
    if (result.givesBack !== undefined)
      slot.withdrawn = pendingById.has(result.givesBack) || (await withdrawGivenBack(result.givesBack, txn, log));
    if (result.status === 'matched' && result.best) {
      try {
        const applied = await applyCandidate(txn.transactionId, result.best, 'system:ingest', result.reasons);
        await stopDunningOfPaid(applied, `paid by transaction ${txn.transactionId}`, log);
        continue;
      } catch (err) {
        if (!(err instanceof AllocationRefusedError)) throw err;
        const current = await getTransaction(txn.transactionId);
        // settled meanwhile (a person, or a retried run): leave it as it is
        if (current?.status !== 'pending') continue;
        // Another payment got there first: never over-allocate, hand it to a person instead.
        slot.refusal = err.reason;
        slot.result = {
          ...result,
          status: 'suggested',
          suggestions: [result.best, ...result.suggestions],
          reasons: [...result.reasons, err.reason],
        };
        await recordVerdict(current, slot.result, 'suggested');
        continue;
      }
    }
    await recordVerdict(txn, result, storedStatus(result));
  }
  return entries;
}

/**
 * Where a verdict not applied leaves the transaction: a credit that a return of the same run gives back is `reversed`
 * (out of the review queue, never lettered); a match that could not be applied goes to review.
 */
function storedStatus(result: MatchResult): StoredTransaction['status'] {
  if (result.returnedBy !== undefined) return 'reversed';
  return result.status === 'matched' ? 'suggested' : result.status;
}

/**
 * A returned payment (IMPAYE, REJET): the allocations of the payment the matcher found it gives back are taken back,
 * and dunning resumes. When the matcher could not tell which payment it was, nothing is undone (the return waits in
 * the review queue, and finance is told in the summary). `withdrawn`: the payment had been unlettered meanwhile, and
 * is now marked returned instead (the summary says so).
 */
async function reopenReturnedPayment(
  returnTxn: StoredTransaction,
  original: string | undefined,
  log: Logger,
): Promise<{ reopened: string[]; withdrawn?: boolean }> {
  if (!original) {
    log.warn('returned payment: original payment not identified, finance must look it up', {
      transactionId: returnTxn.transactionId,
    });
    return { reopened: [] };
  }
  try {
    const undone = await undoTransactionAllocations(original, 'system:ingest', 'payment_returned', 'reversed');
    for (const invoiceId of undone.reopenedInvoiceIds) await startDunning(invoiceId);
    return { reopened: undone.reopenedInvoiceIds };
  } catch (err) {
    if (!(err instanceof AllocationRefusedError)) throw err;
    log.warn('returned payment names no allocated transaction', {
      originalTransactionId: original,
      reason: err.reason,
    });
    // Unlettered meanwhile (a person's undo at the same moment, or its own match refused in this run): it pays
    // nothing all the same, and leaves the review queue instead of waiting there to be lettered again.
    return { reopened: [], withdrawn: await withdrawGivenBack(original, returnTxn, log) };
  }
}

/**
 * The returns an interrupted attempt of this file decided (their verdict read back, see storeTransactions): whether the
 * credit each gives back is out of the review queue, as the summary must say.
 */
async function withdrawnAgain(entries: ReconciledEntry[], log: Logger): Promise<void> {
  for (const e of entries)
    if (e.result?.givesBack !== undefined && e.withdrawn === undefined)
      e.withdrawn = await withdrawGivenBack(e.result.givesBack, { ...e.entry, transactionId: e.transactionId }, log);
}

/**
 * An earlier statement's credit, left unlettered, that a return gives back: stored `reversed` (out of the review queue,
 * never to be lettered). A person who lettered it meanwhile (between the matcher's read and this write) raced the
 * return: its lettering is undone as the return's would have been had it been lettered when the matcher read it.
 */
async function withdrawGivenBack(
  transactionId: string,
  by: { transactionId: string; bookingDate: string },
  log: Logger,
): Promise<boolean> {
  const credit = await getTransaction(transactionId);
  // given back already, by a run of this file that stopped half-way
  if (credit?.status === 'reversed' && credit.match?.returnedBy === by.transactionId) return true;
  if (credit?.status === 'matched') {
    log.warn('returned payment: the credit it gives back was lettered meanwhile, the lettering is undone', {
      transactionId,
    });
    const undone = await undoTransactionAllocations(transactionId, 'system:ingest', 'payment_returned', 'reversed');
    for (const invoiceId of undone.reopenedInvoiceIds) await startDunning(invoiceId);
    return true;
  }
  if (credit?.status !== 'suggested' && credit?.status !== 'unmatched' && credit?.status !== 'rejected') {
    log.warn('returned payment: the credit it gives back is no longer unlettered', {
      transactionId,
      status: credit?.status,
    });
    return false;
  }
  // conditional on the version read: a person acting at the same moment makes this run fail and start again
  await recordVerdict(credit, givenBackResult(credit, by), 'reversed');
  return true;
}

/** Lettered payments of the 120 days before each returned payment, of its amount: what the returns may give back. */
async function paymentsReturnsMayUndo(pending: StoredTransaction[]): Promise<LetteredPayment[]> {
  return (await beforeReturns(pending, ['matched'])).flatMap((t) => {
    const allocations = t.applied
      .filter((a) => a.amountCents > 0)
      .map((a) => ({ invoiceId: a.invoiceId, amountCents: a.amountCents }));
    return allocations.length > 0 ? [{ ...t, allocations }] : [];
  });
}

/**
 * Credits left unlettered (in the review queue, or whose suggestions a person rejected), of a return's amount in the
 * 120 days before it: what it may give back; and those a return of this batch gave back already (a run that stopped
 * half-way and starts again decides the same).
 */
async function creditsReturnsMayGiveBack(pending: StoredTransaction[]): Promise<UnletteredPayment[]> {
  const ids = new Set(pending.map((t) => t.transactionId));
  return (await beforeReturns(pending, ['suggested', 'unmatched', 'rejected', 'reversed'])).filter(
    (t) => t.status !== 'reversed' || ids.has(t.match?.returnedBy ?? ''),
  );
}

/** Stored transactions in these statuses of the amount of a returned payment in `pending`, up to 120 days before it. */
async function beforeReturns(
  pending: StoredTransaction[],
  statuses: StoredTransaction['status'][],
): Promise<StoredTransaction[]> {
  const returns = pending.filter(looksLikeReturnedPayment);
  if (returns.length === 0) return [];
  const amounts = new Set(returns.map((t) => -t.amountCents));
  const dates = returns.map((t) => t.bookingDate).sort();
  const from = addDays(dates[0], -120);
  const out: StoredTransaction[] = [];
  for (const status of statuses) {
    let cursor: string | undefined;
    do {
      const page = await listTransactions({ status, from, to: dates[dates.length - 1], cursor });
      for (const t of page.items) if (amounts.has(t.amountCents)) out.push(t);
      cursor = page.nextCursor;
    } while (cursor);
  }
  return out;
}
