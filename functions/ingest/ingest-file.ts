import { createHash } from 'node:crypto';
import { z } from 'zod';
import { readEnv } from '../adapters/config';
import { formatCents } from '../core/money';
import { addDays } from '../core/dates';
import { accountLabel, IngestSummary, ReconciledEntry, summarizeIngest } from '../core/ingest/summary';
import { ParsedStatementFile } from '../core/model';
import { parseStatementFile, StatementParseError, assignTransactionIds } from '../core/statements';
import { LetteredPayment, looksLikeReturnedPayment, matchTransactions } from '../core/matching';
import { clock } from '../adapters/clock';
import { Logger } from '../adapters/logger';
import { listAllCustomers } from '../adapters/db/customers';
import { listOwedInvoices } from '../adapters/db/invoices';
import { AllocationRefusedError, applyCandidate, recordVerdict, undoTransactionAllocations } from '../adapters/db/allocations';
import { claimStatement, putStatement, StatementRecord } from '../adapters/db/statements';
import { getTransaction, insertTransactionIfNew, listTransactions, StoredTransaction } from '../adapters/db/transactions';
import { moveStatementFile, putJson, readStatementFile } from '../adapters/statement-files';
import { startDunning, stopDunning } from '../adapters/workflows';

/** Another delivery of the same file is being ingested right now: the message is retried later, nothing is lost. */
export class StatementInProgressError extends Error {
  constructor(key: string) {
    super(`statement ${key} is being ingested by another run`);
    this.name = 'StatementInProgressError';
  }
}

/** What finance hears about an ingest run. */
export interface IngestNotifier {
  statementRejected(report: RejectionReport): Promise<void>;
  statementProcessed(summary: IngestSummary): Promise<void>;
}

export interface RejectionReport {
  fileName: string;
  sourceKey: string;
  rejectedKey: string;
  checksum: string;
  error: { code: string; message: string; line?: number; element?: string };
}

export type IngestOutcome =
  | { outcome: 'processed'; summary: IngestSummary }
  | { outcome: 'rejected'; report: RejectionReport }
  | { outcome: 'duplicate_file'; checksum: string }
  | { outcome: 'gone' };

/**
 * Reads one statement file from the inbox, stores each bank transaction once, reconciles the credits against the
 * open invoices, and files the statement under processed/ or rejected/. Nothing is written before the whole file
 * is read and its balances check: a corrupt file leaves no partial trace, only its rejection report.
 */
export async function ingestStatementFile(bucket: string, key: string, notify: IngestNotifier, log: Logger): Promise<IngestOutcome> {
  const bytes = await readStatementFile(bucket, key);
  if (!bytes) {
    log.info('statement already moved out of the inbox (repeated event)', { key });
    return { outcome: 'gone' };
  }
  const fileName = key.replace(/^inbox\//, '');
  const checksum = createHash('sha256').update(bytes).digest('hex');
  const receivedAt = clock().now().toISOString();
  const record: StatementRecord = { checksum, sourceKey: key, receivedAt, status: 'processing', accounts: [], sizeBytes: bytes.byteLength };

  const claim = await claimStatement(record);
  if (claim === 'in_progress') throw new StatementInProgressError(key);
  if (claim === 'already_processed') {
    const storedKey = await moveStatementFile(bucket, key, 'processed', bytes);
    log.info('same statement file already processed: nothing stored twice', { key, storedKey, checksum });
    return { outcome: 'duplicate_file', checksum };
  }

  let parsed: ParsedStatementFile | undefined;
  let problem: RejectionReport['error'] | undefined;
  try {
    parsed = parseStatementFile(bytes, { fileName });
    problem = balanceProblem(parsed);
  } catch (err) {
    if (!(err instanceof StatementParseError)) throw err;
    problem = err.toJSON();
  }
  if (problem || !parsed) {
    problem ??= { code: 'empty', message: 'no statement in the file' };
    const rejectedKey = await moveStatementFile(bucket, key, 'rejected', bytes);
    const report: RejectionReport = { fileName, sourceKey: key, rejectedKey, checksum, error: problem };
    await putJson(bucket, `${rejectedKey}.error.json`, report);
    await putStatement({ ...record, status: 'rejected', storedKey: rejectedKey, reportKey: `${rejectedKey}.error.json`, error: problem });
    await notify.statementRejected(report);
    log.warn('statement rejected', { key, code: problem.code, line: problem.line, element: problem.element });
    return { outcome: 'rejected', report };
  }

  const reconciled = await storeAndReconcile(parsed, checksum, receivedAt, log);
  const summary = summarizeIngest(fileName, parsed.format, parsed.statements, reconciled);
  const storedKey = await moveStatementFile(bucket, key, 'processed', bytes);
  await putJson(bucket, `${storedKey}.summary.json`, summary);
  await putStatement({ ...record, ...statementFigures(parsed), status: 'processed', storedKey, reportKey: `${storedKey}.summary.json`, counts: summary.counts });
  await notify.statementProcessed(summary);
  log.info('statement processed', { key, format: parsed.format, ...summary.counts });
  return { outcome: 'processed', summary };
}

/** A statement whose balances do not add up is suspect: the whole file is rejected, never half written. */
function balanceProblem(parsed: ParsedStatementFile): RejectionReport['error'] | undefined {
  for (const [i, s] of parsed.statements.entries()) {
    if (s.balanceCheck.status !== 'mismatch') continue;
    const c = s.balanceCheck;
    return {
      code: 'balance_mismatch',
      element: `statement ${i + 1} (account ${accountLabel(s)})`,
      message: `balances do not add up: opening + entries = ${formatCents(c.expectedClosingCents)}, stated closing ${formatCents(c.statedClosingCents)} (difference ${formatCents(c.differenceCents)})`,
    };
  }
  return undefined;
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
const matchingSettings = () => readEnv({ FEE_TOLERANCE_CENTS: z.coerce.number().int().min(0).max(100_00).default(15_00) });

/** Stores every transaction once, then matches those not yet through the matcher (new ones, or left pending by a crash). */
async function storeAndReconcile(parsed: ParsedStatementFile, checksum: string, ingestedAt: string, log: Logger): Promise<ReconciledEntry[]> {
  const entries: ReconciledEntry[] = [];
  const pending: StoredTransaction[] = [];
  for (const statement of parsed.statements) {
    for (const { entry, transactionId } of assignTransactionIds(statement)) {
      const txn: StoredTransaction = { ...entry, transactionId, statementChecksum: checksum, account: statement.account, status: 'pending', applied: [], version: 0, ingestedAt };
      const isNew = await insertTransactionIfNew(txn);
      const stored = isNew ? txn : await getTransaction(transactionId);
      entries.push({ entry, transactionId, isNew });
      if (stored?.status === 'pending') pending.push(stored);
    }
  }
  if (pending.length === 0) return entries;

  const [invoices, customers, payments] = await Promise.all([listOwedInvoices(), listAllCustomers(), paymentsReturnsMayUndo(pending)]);
  const ownIbans = parsed.statements.map((s) => s.account.iban).filter((x): x is string => !!x);
  const results = matchTransactions({
    transactions: pending,
    invoices,
    payments,
    customers: customers.map((c) => ({ customerId: c.customerId, name: c.name, ibans: c.ibans })),
    options: { ownIbans, feeToleranceCents: matchingSettings().FEE_TOLERANCE_CENTS },
  });
  const byId = new Map(entries.map((e) => [e.transactionId, e]));
  const pendingById = new Map(pending.map((t) => [t.transactionId, t]));
  for (const result of results) {
    const txn = pendingById.get(result.transactionId)!;
    const slot = byId.get(result.transactionId)!;
    slot.result = result;
    if (result.returned) slot.reopened = await reopenReturnedPayment(txn, result.reversalOf, log);
    if (result.status === 'matched' && result.best) {
      try {
        const applied = await applyCandidate(txn.transactionId, result.best, 'system:ingest', result.reasons);
        for (const invoiceId of applied.paidInvoiceIds) await stopDunning(invoiceId, `paid by transaction ${txn.transactionId}`);
        continue;
      } catch (err) {
        if (!(err instanceof AllocationRefusedError)) throw err;
        const current = await getTransaction(txn.transactionId);
        if (current?.status !== 'pending') continue; // settled meanwhile (a person, or a retried run): leave it as it is
        // Another payment got there first: never over-allocate, hand it to a person instead.
        slot.refusal = err.reason;
        slot.result = { ...result, status: 'suggested', suggestions: [result.best, ...result.suggestions], reasons: [...result.reasons, err.reason] };
        await recordVerdict(current, slot.result, 'suggested');
        continue;
      }
    }
    await recordVerdict(txn, result, result.status === 'matched' ? 'suggested' : result.status);
  }
  return entries;
}

/**
 * A returned payment (IMPAYE, REJET): the allocations of the payment the matcher found it gives back are taken back,
 * and dunning resumes. When the matcher could not tell which payment it was, nothing is undone (the return waits in
 * the review queue, and finance is told in the summary).
 */
async function reopenReturnedPayment(returnTxn: StoredTransaction, original: string | undefined, log: Logger): Promise<string[]> {
  if (!original) {
    log.warn('returned payment: original payment not identified, finance must look it up', { transactionId: returnTxn.transactionId });
    return [];
  }
  try {
    const undone = await undoTransactionAllocations(original, 'system:ingest', 'payment_returned', 'reversed');
    for (const invoiceId of undone.reopenedInvoiceIds) await startDunning(invoiceId);
    return undone.reopenedInvoiceIds;
  } catch (err) {
    if (!(err instanceof AllocationRefusedError)) throw err;
    log.warn('returned payment names no allocated transaction', { originalTransactionId: original, reason: err.reason });
    return [];
  }
}

/** Lettered payments of the 120 days before each returned payment, of its amount: what the returns may give back. */
async function paymentsReturnsMayUndo(pending: StoredTransaction[]): Promise<LetteredPayment[]> {
  const returns = pending.filter(looksLikeReturnedPayment);
  if (returns.length === 0) return [];
  const amounts = new Set(returns.map((t) => -t.amountCents));
  const dates = returns.map((t) => t.bookingDate).sort();
  const from = addDays(dates[0], -120);
  const out: LetteredPayment[] = [];
  let cursor: string | undefined;
  do {
    const page = await listTransactions({ status: 'matched', from, to: dates[dates.length - 1], cursor });
    for (const t of page.items) {
      const allocations = t.applied.filter((a) => a.amountCents > 0).map((a) => ({ invoiceId: a.invoiceId, amountCents: a.amountCents }));
      if (amounts.has(t.amountCents) && allocations.length > 0) out.push({ ...t, allocations });
    }
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}
