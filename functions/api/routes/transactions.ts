import { z } from 'zod';
import { clock, wallClock } from '../../adapters/clock';
import { CustomerAlias, learnFromCorrection } from '../../adapters/db/aliases';
import {
  AllocationRefusedError,
  type ApplyOutcome,
  acceptSuggestion,
  applyManualMatch,
  MAX_INVOICES_PER_MATCH,
  rejectMatch,
  undoMatch,
} from '../../adapters/db/allocations';
import { pagedTransactions } from '../../adapters/db/api-reads';
import { getInvoice } from '../../adapters/db/invoices';
import { clearStopCheck, writeStopChecks } from '../../adapters/db/stop-checks';
import { getTransaction, StoredTransaction, TransactionStatus } from '../../adapters/db/transactions';
import { createLogger } from '../../adapters/logger';
import { startDunning } from '../../adapters/workflows';
import { IsoDate } from '../../core/dates';
import {
  type Allocation,
  AmountCents,
  EntityId,
  Invoice,
  idOf,
  isOwed,
  NonNegativeAmountCents,
} from '../../core/model';
import { stopDunningOfPaid } from '../../use-cases/dunning/notice-claims';
import { HttpProblem, notFound, stateConflict } from '../http';
import { csvEnum, pageQuery, route } from '../route';
import { common, Page } from '../schemas';

const Params = z.object({ transactionId: idOf(200) });
const tag = 'Transactions';

const MatchOutcome = z.object({
  transaction: StoredTransaction,
  invoices: z.array(Invoice),
  /** Invoices this change fully paid; their reminders were stopped. */
  paidInvoiceIds: z.array(z.string()),
  /** Invoices made owed again; their reminders were restarted (a new workflow generation when the last one ended). */
  reopenedInvoiceIds: z.array(z.string()),
  /** Payer identities (IBAN, name) this correction taught as aliases of the one customer it paid. */
  learnedAliases: z.array(CustomerAlias).optional(),
});

async function guarded<T>(transactionId: string, fn: () => Promise<T>): Promise<T> {
  if (!(await getTransaction(transactionId))) throw notFound(`transaction ${transactionId}`);
  try {
    return await fn();
  } catch (err) {
    if (err instanceof AllocationRefusedError) throw stateConflict(err.reason);
    throw err;
  }
}

const log = createLogger('api');

/**
 * The match asked for is the one already applied (a call sent again after its answer was lost): its outcome as it
 * stands, the reminders of what it paid stopped again (the first call may have failed on that). Undefined otherwise:
 * another match of a matched transaction is refused ("undo the match first").
 */
async function alreadyApplied(
  transactionId: string,
  asked: (txn: StoredTransaction) => { allocations: Allocation[]; writeOffCents?: number } | undefined,
): Promise<ApplyOutcome | undefined> {
  const txn = await getTransaction(transactionId);
  const candidate = txn?.status === 'matched' ? asked(txn) : undefined;
  if (!txn || !candidate) return undefined;
  const same =
    candidate.allocations.length === txn.applied.length &&
    candidate.allocations.every((a) =>
      txn.applied.some((x) => x.invoiceId === a.invoiceId && x.amountCents === a.amountCents),
    ) &&
    txn.applied.reduce((s, a) => s + a.writeOffCents, 0) === (candidate.writeOffCents ?? 0);
  if (!same) return undefined;
  const invoices = (await Promise.all(txn.applied.map((a) => getInvoice(a.invoiceId)))).filter(
    (i): i is Invoice => i !== undefined,
  );
  const paidInvoiceIds = invoices.filter((i) => i.status === 'paid').map((i) => i.invoiceId);
  await stopDunningOfPaid({ invoices, paidInvoiceIds }, 'paid', log);
  return { transaction: txn, invoices, paidInvoiceIds, reopenedInvoiceIds: [] };
}

/**
 * Before finance's match is applied: a stop check for each invoice it may pay (adapters/db/stop-checks.ts), so that a
 * request failing after the match (its workflow stop refused, a timeout) and never sent again still gets the workflow
 * stopped, by the daily sweep. Returns the checks, cleared by afterMatch once the stops are done.
 */
async function checkStops(invoiceIds: string[]): Promise<StopChecks> {
  const at = wallClock().now().toISOString();
  await writeStopChecks(invoiceIds, at);
  return { invoiceIds, at };
}

type StopChecks = { invoiceIds: string[]; at: string };
const clearStopChecks = (checks: StopChecks) =>
  Promise.all(checks.invoiceIds.map((invoiceId) => clearStopCheck({ invoiceId, at: checks.at })));

/** Finance's match applied between its stop checks and its stops; a match refused (4xx) letters nothing: checks go. */
async function letter(transactionId: string, invoiceIds: string[], apply: () => Promise<ApplyOutcome>, actor: string) {
  const checks = await checkStops(invoiceIds);
  const outcome = await guarded(transactionId, apply).catch(async (err: unknown) => {
    if (err instanceof HttpProblem && err.status < 500) await clearStopChecks(checks);
    throw err;
  });
  return afterMatch(outcome, actor, checks);
}

/**
 * After finance's match: reminders of what it paid stop (then its stop checks go), and a payer the matcher did not
 * know becomes an alias. The match is committed by then: an alias that could not be saved is logged, never turned
 * into an error for the match.
 */
async function afterMatch(outcome: ApplyOutcome, actor: string, checks: StopChecks) {
  await stopDunningOfPaid(outcome, 'paid', log);
  await clearStopChecks(checks);
  const learnedAliases = await learnFromCorrection(outcome, actor).catch((error: unknown) => {
    log.warn('payer alias not learned', { transactionId: outcome.transaction.transactionId, error });
    return [];
  });
  return { status: 200, body: { ...outcome, learnedAliases } };
}

/**
 * After an undo the invoices are owed again: their dunning comes back (a no-op while their workflow still runs, e.g.
 * a partial payment undone). The daily sweep also restarts a stopped one should this start fail.
 */
async function afterUndo(outcome: ApplyOutcome) {
  const reopened = outcome.invoices.filter((i) => outcome.reopenedInvoiceIds.includes(i.invoiceId) && isOwed(i));
  await Promise.all(reopened.map((i) => startDunning(i.invoiceId, clock().now())));
  return { status: 200, body: outcome };
}

/**
 * A manual match: at most MAX_INVOICES_PER_MATCH invoices (one DynamoDB transaction), each invoice at most once (the
 * same invoice twice would be two allocation items with one key: a misleading 409 on DynamoDB Local, a
 * ValidationException, so a 500, on DynamoDB), amounts bounded like every money input.
 */
const ManualMatch = z.object({
  allocations: z
    .array(z.object({ invoiceId: EntityId, amountCents: AmountCents }))
    .min(1)
    .max(MAX_INVOICES_PER_MATCH, `at most ${MAX_INVOICES_PER_MATCH} invoices in one match`)
    .superRefine((allocations, ctx) => {
      const first = new Map<string, number>();
      allocations.forEach((a, i) => {
        const at = first.get(a.invoiceId);
        if (at !== undefined)
          ctx.addIssue({
            code: 'custom',
            path: [i, 'invoiceId'],
            message: `invoice ${a.invoiceId} is already at allocations.${at}: list it once, with the total amount`,
          });
        else first.set(a.invoiceId, i);
      });
    }),
  writeOffCents: NonNegativeAmountCents.default(0).describe('Bank fees to write off on the short payment'),
});

const reviewStatuses: TransactionStatus[] = ['suggested', 'unmatched'];

export const transactionRoutes = [
  route({
    method: 'GET',
    path: '/transactions',
    operationId: 'listTransactions',
    tag,
    access: 'read',
    summary:
      'Bank transactions by match status; by default the review queue (suggested, then unmatched) with candidates ' +
      'and reasons',
    query: z.object({
      status: csvEnum(TransactionStatus.options as [TransactionStatus, ...TransactionStatus[]])
        .optional()
        .describe('Comma-separated; default suggested,unmatched'),
      from: IsoDate.optional().describe('Booked on or after'),
      to: IsoDate.optional().describe('Booked on or before'),
      ...pageQuery,
    }),
    responses: {
      200: { description: 'A page of transactions, oldest booking first', schema: Page(StoredTransaction) },
      ...common(),
    },
    handle: async ({ query }) => ({
      status: 200,
      body: await pagedTransactions(query.status ?? reviewStatuses, query.from, query.to, query.limit, query.cursor),
    }),
  }),
  route({
    method: 'GET',
    path: '/transactions/{transactionId}',
    operationId: 'getTransaction',
    tag,
    access: 'read',
    summary: 'One transaction with the matcher verdict, its candidates and reasons, and what is allocated',
    params: Params,
    responses: { 200: { description: 'The transaction', schema: StoredTransaction }, ...common(404) },
    handle: async ({ params }) => {
      const txn = await getTransaction(params.transactionId);
      if (!txn) throw notFound(`transaction ${params.transactionId}`);
      return { status: 200, body: txn, version: txn.version };
    },
  }),
  route({
    method: 'POST',
    path: '/transactions/{transactionId}/accept',
    operationId: 'acceptSuggestion',
    tag,
    access: 'finance',
    summary: 'Accept one of the ranked suggestions (0 = best); audited',
    params: Params,
    body: z.object({ suggestionIndex: z.number().int().min(0).max(50).default(0) }),
    responses: { 200: { description: 'Applied', schema: MatchOutcome }, ...common(404, 409, 413, 415) },
    handle: async ({ params, body, principal }) => {
      const retried = await alreadyApplied(params.transactionId, (t) => t.match?.suggestions[body.suggestionIndex]);
      if (retried) return { status: 200, body: retried };
      const suggested = (await getTransaction(params.transactionId))?.match?.suggestions[body.suggestionIndex];
      return letter(
        params.transactionId,
        suggested?.allocations.map((a) => a.invoiceId) ?? [],
        () => acceptSuggestion(params.transactionId, body.suggestionIndex, principal.actor),
        principal.actor,
      );
    },
  }),
  route({
    method: 'POST',
    path: '/transactions/{transactionId}/match',
    operationId: 'matchManually',
    tag,
    access: 'finance',
    summary: 'Change the match: allocate the credit to invoices of your choosing; audited',
    params: Params,
    body: ManualMatch,
    responses: { 200: { description: 'Applied', schema: MatchOutcome }, ...common(404, 409, 413, 415) },
    handle: async ({ params, body, principal }) => {
      const retried = await alreadyApplied(params.transactionId, () => body);
      if (retried) return { status: 200, body: retried };
      return letter(
        params.transactionId,
        body.allocations.map((a) => a.invoiceId),
        () => applyManualMatch(params.transactionId, body.allocations, principal.actor, body.writeOffCents),
        principal.actor,
      );
    },
  }),
  route({
    method: 'POST',
    path: '/transactions/{transactionId}/reject',
    operationId: 'rejectMatch',
    tag,
    access: 'finance',
    summary: 'None of the suggestions is right: the credit leaves the review queue unallocated; audited',
    params: Params,
    responses: { 200: { description: 'Rejected', schema: StoredTransaction }, ...common(404, 409) },
    handle: async ({ params, principal }) => ({
      status: 200,
      body: await guarded(params.transactionId, () => rejectMatch(params.transactionId, principal.actor)),
    }),
  }),
  route({
    method: 'POST',
    path: '/transactions/{transactionId}/undo',
    operationId: 'undoMatch',
    tag,
    access: 'finance',
    summary:
      'Undo a match (unlettering): the invoices are owed again, their reminders restart, and the transaction goes ' +
      'back to review; audited',
    params: Params,
    responses: { 200: { description: 'Undone', schema: MatchOutcome }, ...common(404, 409) },
    handle: async ({ params, principal }) =>
      afterUndo(await guarded(params.transactionId, () => undoMatch(params.transactionId, principal.actor))),
  }),
];
