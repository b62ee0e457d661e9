import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Allocation, Candidate, Invoice, InvoiceStatus, MatchResult } from '../../core/model';
import { formatCents } from '../../core/money';
import { dynamo } from '../aws-clients';
import { clock } from '../clock';
import { invoiceEventPut } from './events';
import { getInvoice, invoicePut } from './invoices';
import { keys } from './keys';
import { tableName } from './table';
import { getTransaction, type StoredTransaction, transactionPut } from './transactions';

/**
 * Lettrage in DynamoDB. An allocation, the invoice's open balance and status, the transaction's status and the
 * history events change together in ONE conditional transaction on the versions that were read: two statements
 * processed at once can never allocate more than an invoice's open amount, and a retry never allocates twice
 * (the allocation item exists only once per transaction and invoice).
 */

export class AllocationRefusedError extends Error {
  constructor(
    readonly transactionId: string,
    readonly reason: string,
  ) {
    super(`transaction ${transactionId}: ${reason}`);
    this.name = 'AllocationRefusedError';
  }
}

export interface ApplyOutcome {
  transaction: StoredTransaction;
  invoices: Invoice[];
  /** Invoices this change fully paid: their dunning workflows are to be stopped. */
  paidInvoiceIds: string[];
  /** Invoices this change made owed again: their dunning is to be restarted. */
  reopenedInvoiceIds: string[];
}

const MAX_ATTEMPTS = 5;

/** DynamoDB writes at most this many items in one transaction. */
const MAX_TRANSACTION_ITEMS = 100;
/**
 * A match is one DynamoDB transaction (exactly once, never beyond what is owed): per invoice its balance, its
 * allocation and its history line, then the bank transaction and a customer credit: 32 × 3 + 2 = 98 items (a
 * write-off adds a history line to each invoice it settles, checked when the items are built). Undoing it writes as
 * many.
 */
export const MAX_INVOICES_PER_MATCH = 32;

function statusFor(invoice: Invoice, openCents: number): InvoiceStatus {
  if (invoice.status === 'in_collection') return openCents === 0 ? 'paid' : 'in_collection';
  if (openCents === 0) return 'paid';
  return openCents === invoice.amountCents ? 'open' : 'partially_paid';
}

/**
 * Applies a candidate (the matcher's best or a person's choice) to a transaction. Bank-fee short payments within the
 * candidate's `writeOffCents` are written off and audited as such; an overpayment is kept as customer credit on the
 * transaction. If an invoice no longer has the open amount the candidate needs (another payment got there first),
 * nothing is written and AllocationRefusedError says why: the transaction goes back to review instead.
 */
export async function applyCandidate(
  transactionId: string,
  candidate: Candidate,
  actor: string,
  why: string[],
): Promise<ApplyOutcome> {
  for (let attempt = 1; ; attempt++) {
    const txn = await getTransaction(transactionId);
    if (!txn) throw new AllocationRefusedError(transactionId, 'unknown transaction');
    if (txn.status === 'matched')
      throw new AllocationRefusedError(transactionId, 'already matched: undo the match first');
    // a person who knows better (the bank did not return this one) rejects it first, then letters it
    if (txn.status === 'reversed')
      throw new AllocationRefusedError(
        transactionId,
        'returned by the bank (impayé / rejet): it pays nothing (if it was not returned, reject it first)',
      );
    if (txn.amountCents <= 0) throw new AllocationRefusedError(transactionId, 'a debit pays no invoice');
    if (candidate.allocations.length > MAX_INVOICES_PER_MATCH)
      throw new AllocationRefusedError(
        transactionId,
        `a match letters at most ${MAX_INVOICES_PER_MATCH} invoices (${candidate.allocations.length} asked)`,
      );
    const allocated = candidate.allocations.reduce((s, a) => s + a.amountCents, 0);
    if (allocated > txn.amountCents)
      throw new AllocationRefusedError(
        transactionId,
        `allocations (${formatCents(allocated)}) exceed the credit (${formatCents(txn.amountCents)})`,
      );

    const invoices = await Promise.all(candidate.allocations.map((a) => getInvoice(a.invoiceId)));
    const now = clock().now().toISOString();
    const items: Record<string, unknown>[] = [];
    const next: Invoice[] = [];
    const applied: StoredTransaction['applied'] = [];
    let writeOffLeft = candidate.writeOffCents ?? 0;
    candidate.allocations.forEach((a, i) => {
      const inv = invoices[i];
      if (!inv) throw new AllocationRefusedError(transactionId, `unknown invoice ${a.invoiceId}`);
      if (!['open', 'partially_paid', 'in_collection'].includes(inv.status))
        throw new AllocationRefusedError(transactionId, `invoice ${inv.invoiceId} is ${inv.status}`);
      if (a.amountCents > inv.openCents)
        throw new AllocationRefusedError(
          transactionId,
          `invoice ${inv.invoiceId} has only ${formatCents(inv.openCents)} open, ${formatCents(a.amountCents)} asked`,
        );
      const writeOff = Math.min(writeOffLeft, inv.openCents - a.amountCents);
      writeOffLeft -= writeOff;
      const openCents = inv.openCents - a.amountCents - writeOff;
      // Bank fees are written off to settle an invoice: one that would still owe something owes more than when the
      // match was decided (a payment undone meanwhile), and the write-off is no longer what was decided.
      if (writeOff > 0 && openCents > 0) {
        const [open, fee] = [formatCents(inv.openCents), formatCents(writeOff)];
        throw new AllocationRefusedError(
          transactionId,
          `invoice ${inv.invoiceId} has ${open} open: a write-off of ${fee} would not settle it`,
        );
      }
      const status = statusFor(inv, openCents);
      const receivedCents = (inv.receivedCents ?? 0) + a.amountCents;
      const collected = status === 'paid' ? { on: txn.bookingDate, amountCents: receivedCents } : undefined;
      const updated: Invoice = { ...inv, openCents, status, receivedCents, collected, version: inv.version + 1 };
      next.push(updated);
      applied.push({ invoiceId: inv.invoiceId, amountCents: a.amountCents, writeOffCents: writeOff });
      items.push(invoicePut(updated, inv.version));
      items.push({
        Put: {
          TableName: tableName(),
          Item: {
            ...keys.allocation(inv.invoiceId, transactionId),
            type: 'allocation',
            invoiceId: inv.invoiceId,
            transactionId,
            amountCents: a.amountCents,
            writeOffCents: writeOff,
            bookingDate: txn.bookingDate,
            at: now,
            actor,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
      items.push(
        invoiceEventPut({
          invoiceId: inv.invoiceId,
          at: now,
          kind: 'allocation',
          actor,
          detail: { transactionId, amountCents: a.amountCents, bookingDate: txn.bookingDate, reasons: why },
        }),
      );
      if (writeOff > 0) {
        items.push(
          invoiceEventPut({
            invoiceId: inv.invoiceId,
            at: now,
            kind: 'write_off',
            actor,
            detail: { transactionId, amountCents: writeOff, reason: 'bank fees within tolerance' },
          }),
        );
      }
    });
    // An overpayment stays the customer's money: kept as a credit line finance can apply or refund. Only once the
    // invoices it pays are settled: one still owing means the open amount grew since the match was decided.
    const creditCents = candidate.customerCreditCents ?? 0;
    const stillOwed = next.find((inv) => inv.openCents > 0);
    if (creditCents > 0 && stillOwed) {
      const [owed, over] = [formatCents(stillOwed.openCents), formatCents(creditCents)];
      throw new AllocationRefusedError(
        transactionId,
        `invoice ${stillOwed.invoiceId} would still owe ${owed}: the overpayment (${over}) pays it before any credit`,
      );
    }
    const creditCustomer = candidate.customerId ?? next[0]?.customerId;
    const customerCredit =
      creditCents > 0 && creditCustomer ? { customerId: creditCustomer, amountCents: creditCents } : undefined;
    if (customerCredit) {
      items.push({
        Put: {
          TableName: tableName(),
          Item: {
            ...keys.customerCredit(customerCredit.customerId, transactionId),
            type: 'customer_credit',
            ...customerCredit,
            transactionId,
            bookingDate: txn.bookingDate,
            at: now,
            actor,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
    }
    const updatedTxn: StoredTransaction = {
      ...txn,
      status: 'matched',
      applied,
      customerCredit,
      match: {
        ...(txn.match ?? emptyMatch(transactionId)),
        status: 'matched',
        best: candidate,
        confidence: candidate.confidence,
        reasons: why,
      },
      version: txn.version + 1,
    };
    items.push(transactionPut(updatedTxn, txn.version));
    if (items.length > MAX_TRANSACTION_ITEMS)
      throw new AllocationRefusedError(
        transactionId,
        `the write-off spreads over too many invoices: ${items.length} records to write at once, at most ` +
          `${MAX_TRANSACTION_ITEMS} (fewer invoices, or a write-off on fewer of them)`,
      );
    try {
      await dynamo().send(new TransactWriteCommand({ TransactItems: items as never }));
      return {
        transaction: updatedTxn,
        invoices: next,
        paidInvoiceIds: next.filter((i) => i.status === 'paid').map((i) => i.invoiceId),
        reopenedInvoiceIds: [],
      };
    } catch (err) {
      // someone changed an invoice or the transaction: read again
      if (isConditionFailure(err) && attempt < MAX_ATTEMPTS) continue;
      throw err;
    }
  }
}

/** Unlettering: takes back every allocation of a transaction (a person's undo, or a returned payment). */
export async function undoTransactionAllocations(
  transactionId: string,
  actor: string,
  kind: 'allocation_undone' | 'payment_returned',
  nextStatus: StoredTransaction['status'],
): Promise<ApplyOutcome> {
  for (let attempt = 1; ; attempt++) {
    const txn = await getTransaction(transactionId);
    if (!txn) throw new AllocationRefusedError(transactionId, 'unknown transaction');
    if (txn.status !== 'matched' || txn.applied.length === 0)
      throw new AllocationRefusedError(transactionId, 'nothing is allocated from this transaction');
    const now = clock().now().toISOString();
    const items: Record<string, unknown>[] = [];
    const next: Invoice[] = [];
    for (const a of txn.applied) {
      const inv = await getInvoice(a.invoiceId);
      if (!inv) continue;
      const openCents = Math.min(inv.amountCents, inv.openCents + a.amountCents + a.writeOffCents);
      const status: InvoiceStatus =
        inv.status === 'in_collection' ? 'in_collection' : openCents === inv.amountCents ? 'open' : 'partially_paid';
      const receivedCents = Math.max(0, (inv.receivedCents ?? 0) - a.amountCents);
      const updated: Invoice = {
        ...inv,
        openCents,
        status,
        receivedCents,
        collected: undefined,
        version: inv.version + 1,
      };
      next.push(updated);
      items.push(invoicePut(updated, inv.version));
      items.push({
        Delete: {
          TableName: tableName(),
          Key: keys.allocation(inv.invoiceId, transactionId),
          ConditionExpression: 'attribute_exists(pk)',
        },
      });
      items.push(
        invoiceEventPut({
          invoiceId: inv.invoiceId,
          at: now,
          kind,
          actor,
          detail: { transactionId, amountCents: a.amountCents, writeOffCents: a.writeOffCents },
        }),
      );
    }
    if (txn.customerCredit) {
      items.push({
        Delete: {
          TableName: tableName(),
          Key: keys.customerCredit(txn.customerCredit.customerId, transactionId),
          ConditionExpression: 'attribute_exists(pk)',
        },
      });
    }
    const updatedTxn: StoredTransaction = {
      ...txn,
      status: nextStatus,
      applied: [],
      customerCredit: undefined,
      version: txn.version + 1,
    };
    items.push(transactionPut(updatedTxn, txn.version));
    try {
      await dynamo().send(new TransactWriteCommand({ TransactItems: items as never }));
      return {
        transaction: updatedTxn,
        invoices: next,
        paidInvoiceIds: [],
        reopenedInvoiceIds: next.map((i) => i.invoiceId),
      };
    } catch (err) {
      if (isConditionFailure(err) && attempt < MAX_ATTEMPTS) continue;
      throw err;
    }
  }
}

/** Records the matcher's verdict on a transaction that is not auto-applied (suggested, unmatched, ignored). */
export async function recordVerdict(
  txn: StoredTransaction,
  match: MatchResult,
  status: StoredTransaction['status'],
): Promise<StoredTransaction> {
  const updated: StoredTransaction = { ...txn, status, match, version: txn.version + 1 };
  await dynamo().send(new TransactWriteCommand({ TransactItems: [transactionPut(updated, txn.version)] as never }));
  return updated;
}

/** Review queue: a person accepts one of the ranked suggestions. */
export async function acceptSuggestion(
  transactionId: string,
  suggestionIndex: number,
  actor: string,
): Promise<ApplyOutcome> {
  const txn = await getTransaction(transactionId);
  const suggestion = txn?.match?.suggestions[suggestionIndex];
  if (!txn || !suggestion) throw new AllocationRefusedError(transactionId, `no suggestion #${suggestionIndex}`);
  return applyCandidate(transactionId, suggestion, actor, [...suggestion.reasons, `accepted by ${actor}`]);
}

/** Review queue: a person allocates the transaction to invoices of their choosing. */
export async function applyManualMatch(
  transactionId: string,
  allocations: Allocation[],
  actor: string,
  writeOffCents = 0,
): Promise<ApplyOutcome> {
  return applyCandidate(
    transactionId,
    { allocations, confidence: 1, reasons: [`manual match by ${actor}`], writeOffCents, customerCreditCents: 0 },
    actor,
    [`manual match by ${actor}`],
  );
}

/** Review queue: none of the suggestions is right; the credit stays unallocated, out of the queue. */
export async function rejectMatch(transactionId: string, actor: string): Promise<StoredTransaction> {
  const txn = await getTransaction(transactionId);
  if (!txn) throw new AllocationRefusedError(transactionId, 'unknown transaction');
  if (txn.status === 'matched') throw new AllocationRefusedError(transactionId, 'matched: undo the match instead');
  // Already rejected (a call sent again after its answer was lost): a second "rejected by" would read as two decisions.
  if (txn.status === 'rejected') return txn;
  const match = {
    ...(txn.match ?? emptyMatch(transactionId)),
    reasons: [...(txn.match?.reasons ?? []), `suggestions rejected by ${actor}`],
  };
  return recordVerdict(txn, match, 'rejected');
}

/** Review queue: undo a match (unlettering); the transaction goes back to the review queue. */
export async function undoMatch(transactionId: string, actor: string): Promise<ApplyOutcome> {
  return undoTransactionAllocations(transactionId, actor, 'allocation_undone', 'suggested');
}

function emptyMatch(transactionId: string): MatchResult {
  return { transactionId, status: 'unmatched', suggestions: [], confidence: 0, reasons: [] };
}

function isConditionFailure(err: unknown): boolean {
  return (
    err instanceof TransactionCanceledException &&
    (err.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed')
  );
}
