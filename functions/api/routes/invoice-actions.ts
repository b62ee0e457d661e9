import { z } from 'zod';
import { clock } from '../../adapters/clock';
import { type InvoiceDossier, readInvoiceDossier } from '../../adapters/db/api-reads';
import { isFinanceWriteOff } from '../../adapters/db/events';
import { getInvoice, saveInvoice, VersionConflictError } from '../../adapters/db/invoices';
import { resumeDunning, startDunning, stopDunning } from '../../adapters/workflows';
import { addDays, IsoDate, toIsoDate } from '../../core/dates';
import { approvalStepOf } from '../../core/dunning/state';
import { reduceOpenAmount } from '../../core/invoices';
import { AmountCents, freeText, Invoice, openStatuses } from '../../core/model';
import { HttpProblem, notFound, stateConflict, toChange, versionConflict } from '../http';
import { route } from '../route';
import { common, Id } from '../schemas';

/** The changes finance makes to one invoice: dispute, promise, pause and resume, write-off, credit note, restart. */
export const InvoiceParams = z.object({ invoiceId: Id });

const ActionResult = z.object({
  invoice: Invoice,
  workflow: z
    .object({ action: z.enum(['none', 'stopped', 'resumed', 'not_paused', 'token_expired', 'no_execution']) })
    .optional(),
});

/** Finance's note on a change, and the reason of a write-off or credit note: free text (`freeText`). */
const note = freeText(2000).optional();
/** The furthest a payment promise may be dated. */
const MAX_PROMISE_DAYS = 365;

async function loadForChange(invoiceId: string, ifMatch: number | undefined): Promise<Invoice> {
  return toChange(`invoice ${invoiceId}`, await getInvoice(invoiceId), ifMatch);
}

async function save(
  current: Invoice,
  next: Omit<Invoice, 'version'>,
  kind: string,
  actor: string,
  detail: Record<string, unknown>,
): Promise<Invoice> {
  try {
    return await saveInvoice(current, next, { at: clock().now().toISOString(), kind, actor, detail });
  } catch (err) {
    if (err instanceof VersionConflictError) throw versionConflict(`invoice ${current.invoiceId}`);
    throw err;
  }
}

function stripVersion(i: Invoice): Omit<Invoice, 'version'> {
  const { version: _v, ...rest } = i;
  return rest;
}

/**
 * Saves an invoice's reduced open amount (write-off or credit note) with its history event, and stops its dunning
 * when nothing is left owed.
 */
async function reduce(
  current: Invoice,
  decision: { openCents: number; status: Invoice['status']; closes: boolean },
  kind: 'write_off' | 'credit_note',
  actor: string,
  detail: Record<string, unknown>,
) {
  const { openCents, status } = decision;
  const saved = await save(current, { ...stripVersion(current), openCents, status }, kind, actor, detail);
  const action = decision.closes
    ? await stopWhenClosed(saved, kind === 'write_off' ? 'written off' : 'credited')
    : 'none';
  return { status: 200 as const, body: { invoice: saved, workflow: { action } }, version: saved.version };
}

function requireOwed(invoice: Invoice, action: string): void {
  if (!openStatuses.includes(invoice.status)) {
    throw stateConflict(`invoice ${invoice.invoiceId} is ${invoice.status}: cannot ${action}`);
  }
}

/**
 * The pause asked for is already in place (a call sent again after a timeout, a double click): nothing to record. A
 * second write would move its date (a dispute's age) and add a history line reading as a second dispute.
 */
function samePause(invoice: Invoice, asked: { reason: string; until?: string; note?: string }): boolean {
  const p = invoice.pause;
  return p !== undefined && p.reason === asked.reason && p.until === asked.until && p.note === asked.note;
}

/** A retried write-off is taken for a new one after this long. */
const WRITE_OFF_RETRY_MS = 15 * 60_000;

/**
 * A write-off sent again after its answer was lost (a timeout, a 503 while stopping the reminders): the last change to
 * the invoice is a write-off by the same person, of the same amount (or of the whole open amount when none is named),
 * for the same reason, a few minutes ago, and If-Match, when sent, names the version it was applied to. A client that
 * read the invoice after it and names that version wants a second one.
 */
function retriedWriteOff(
  dossier: InvoiceDossier,
  asked: { amountCents?: number; reason: string },
  actor: string,
  ifMatch: number | undefined,
): boolean {
  const { invoice, history } = dossier;
  // If-Match names the version the write-off was applied to (a retry) or, read after it, the current one (a repeat).
  if (ifMatch !== undefined && ifMatch !== invoice.version - 1) return false;
  const last = history.filter(isFinanceWriteOff).at(-1);
  if (!last || last.detail.invoiceVersion !== invoice.version) return false;
  if (clock().now().getTime() - Date.parse(last.at) > WRITE_OFF_RETRY_MS) return false;
  const amount = asked.amountCents ?? (invoice.openCents === 0 ? last.detail.amountCents : undefined);
  return last.actor === actor && last.detail.reason === asked.reason && last.detail.amountCents === amount;
}

/**
 * The reminders of an invoice nothing is owed on any more are stopped (again, for a retried call); one still owing
 * (open, partially paid, with the agency) keeps them.
 */
async function stopWhenClosed(invoice: Invoice, why: string): Promise<'none' | 'stopped' | 'no_execution'> {
  if (invoice.openCents > 0) return 'none';
  return (await stopDunning(invoice.invoiceId, why)).stopped ? 'stopped' : 'no_execution';
}

const tag = 'Invoices';
const actionResponses = (extra: number[] = []) => ({
  200: { description: 'The invoice after the change', schema: ActionResult, etag: true },
  ...common(404, 409, 413, ...extra),
});

/** A pause finance opens with an optional note (a dispute, or a pause by hand): reminders wait until resumed. */
function pauseWithNote(o: {
  path: string;
  operationId: string;
  summary: string;
  reason: 'dispute' | 'manual';
  action: string;
  event: string;
}) {
  return route({
    method: 'POST',
    path: o.path,
    operationId: o.operationId,
    tag,
    access: 'finance',
    ifMatch: 'optional',
    summary: o.summary,
    params: InvoiceParams,
    body: z.object({ note }),
    responses: actionResponses(),
    handle: async ({ params, body, principal, ifMatch }) => {
      const stored = await getInvoice(params.invoiceId);
      // Before If-Match: a retry sends the version it read before its first call, and nothing is to be written.
      if (stored && samePause(stored, { reason: o.reason, note: body.note }))
        return { status: 200, body: { invoice: stored }, version: stored.version };
      const current = toChange(`invoice ${params.invoiceId}`, stored, ifMatch);
      requireOwed(current, o.action);
      const next = {
        ...stripVersion(current),
        pause: { reason: o.reason, since: clock().now().toISOString(), note: body.note },
      };
      const saved = await save(current, next, o.event, principal.actor, { note: body.note });
      return { status: 200, body: { invoice: saved }, version: saved.version };
    },
  });
}

export const invoiceActionRoutes = [
  pauseWithNote({
    path: '/invoices/{invoiceId}/dispute',
    operationId: 'disputeInvoice',
    summary: 'Record a dispute ("litige"): reminders stop until it is resolved (resume)',
    reason: 'dispute',
    action: 'open a dispute',
    event: 'dispute_opened',
  }),
  route({
    method: 'POST',
    path: '/invoices/{invoiceId}/promise',
    operationId: 'recordPaymentPromise',
    tag,
    access: 'finance',
    ifMatch: 'optional',
    summary: 'Record a promise to pay: reminders wait until the promised date (plus the policy grace days)',
    params: InvoiceParams,
    body: z.object({ until: IsoDate.describe('Promised payment date'), note }),
    responses: actionResponses(),
    handle: async ({ params, body, principal, ifMatch }) => {
      const stored = await getInvoice(params.invoiceId);
      if (stored && samePause(stored, { reason: 'promise', until: body.until, note: body.note }))
        return { status: 200, body: { invoice: stored }, version: stored.version };
      const current = toChange(`invoice ${params.invoiceId}`, stored, ifMatch);
      requireOwed(current, 'record a payment promise');
      const today = toIsoDate(clock().now());
      if (body.until < today) {
        throw new HttpProblem('validation', `until: ${body.until} is in the past`, {
          errors: [{ in: 'body', field: 'until', message: 'in the past' }],
        });
      }
      // A workflow waits for the promised date: past a year it would outlive its Standard execution (one year at most).
      if (body.until > addDays(today, MAX_PROMISE_DAYS)) {
        throw new HttpProblem('validation', `until: ${body.until} is more than ${MAX_PROMISE_DAYS} days away`, {
          errors: [{ in: 'body', field: 'until', message: `more than ${MAX_PROMISE_DAYS} days away` }],
        });
      }
      const next = {
        ...stripVersion(current),
        pause: { reason: 'promise' as const, since: clock().now().toISOString(), until: body.until, note: body.note },
      };
      const saved = await save(current, next, 'payment_promised', principal.actor, {
        until: body.until,
        note: body.note,
      });
      return { status: 200, body: { invoice: saved }, version: saved.version };
    },
  }),
  pauseWithNote({
    path: '/invoices/{invoiceId}/pause',
    operationId: 'pauseInvoice',
    summary: 'Pause the reminders of an invoice by hand',
    reason: 'manual',
    action: 'pause',
    event: 'paused',
  }),
  route({
    method: 'POST',
    path: '/invoices/{invoiceId}/resume',
    operationId: 'resumeInvoice',
    tag,
    access: 'finance',
    ifMatch: 'optional',
    summary:
      'Resolve a dispute, promise or pause and resume the reminders; lifting the pause of a step waiting for ' +
      'approval approves it',
    params: InvoiceParams,
    body: z.object({ note }),
    responses: actionResponses(),
    handle: async ({ params, body, principal, ifMatch }) => {
      let invoice = await loadForChange(params.invoiceId, ifMatch);
      const wasPaused = invoice.pause !== undefined;
      // Only lifting the approval pause itself approves the awaited step: a dispute or a promise recorded over it
      // (the customer's page, finance) is resolved without approving an agency handoff nobody decided; the step then
      // asks for its approval again. So does a retried call, which can no longer tell what it lifted.
      const approve = approvalStepOf(invoice.pause) !== undefined;
      if (wasPaused) {
        const { pause, ...rest } = stripVersion(invoice);
        invoice = await save(invoice, rest, 'resumed', principal.actor, { note: body.note, pausedFor: pause?.reason });
      }
      // The workflow is resumed after the pause is cleared, else its re-check would pause again. A retried call
      // (pause already cleared, workflow still waiting) only resumes the workflow.
      const res = await resumeDunning(params.invoiceId, {}, { approve });
      if (!wasPaused && !res.resumed) throw stateConflict(`invoice ${params.invoiceId} is not paused`);
      return {
        status: 200,
        body: { invoice, workflow: { action: res.resumed ? 'resumed' : res.reason } },
        version: invoice.version,
      };
    },
  }),
  route({
    method: 'POST',
    path: '/invoices/{invoiceId}/write-off',
    operationId: 'writeOffInvoice',
    tag,
    access: 'finance',
    ifMatch: 'optional',
    summary:
      'Write off all or part of the open amount ("passage en perte"); a full write-off stops the reminders; the ' +
      'same write-off sent again right after (no If-Match, or the one of the first call) is a retry, not applied twice',
    params: InvoiceParams,
    body: z.object({
      amountCents: AmountCents.optional().describe('Default: the whole open amount'),
      reason: freeText(2000).min(1),
    }),
    responses: actionResponses(),
    handle: async ({ params, body, principal, ifMatch }) => {
      const dossier = await readInvoiceDossier(params.invoiceId);
      if (!dossier) throw notFound(`invoice ${params.invoiceId}`);
      if (retriedWriteOff(dossier, body, principal.actor, ifMatch)) {
        const action = await stopWhenClosed(dossier.invoice, 'written off');
        return {
          status: 200,
          body: { invoice: dossier.invoice, workflow: { action } },
          version: dossier.invoice.version,
        };
      }
      const current = toChange(`invoice ${params.invoiceId}`, dossier.invoice, ifMatch);
      const amount = body.amountCents ?? current.openCents;
      const decision = reduceOpenAmount(current, 'write_off', amount);
      if (!decision.ok && decision.reason === 'not_reducible')
        throw stateConflict(`invoice ${current.invoiceId} is ${current.status}: nothing to write off`);
      if (!decision.ok) throw stateConflict(`amountCents ${amount} exceeds the open amount ${current.openCents}`);
      return reduce(current, decision, 'write_off', principal.actor, {
        amountCents: amount,
        reason: body.reason,
        // what tells a retry of this write-off (nothing changed the invoice since) from a new one
        invoiceVersion: current.version + 1,
      });
    },
  }),
  route({
    method: 'POST',
    path: '/invoices/{invoiceId}/credit-note',
    operationId: 'recordCreditNote',
    tag,
    access: 'finance',
    ifMatch: 'optional',
    summary:
      'Record a credit note ("avoir") against the invoice; idempotent on creditNoteId; a full credit stops the ' +
      'reminders',
    params: InvoiceParams,
    body: z.object({ creditNoteId: Id, amountCents: AmountCents, reason: freeText(2000).optional() }),
    responses: actionResponses(),
    handle: async ({ params, body, principal, ifMatch }) => {
      const dossier = await readInvoiceDossier(params.invoiceId);
      if (!dossier) throw notFound(`invoice ${params.invoiceId}`);
      const current = dossier.invoice;
      const already = dossier.history.find(
        (e) => e.kind === 'credit_note' && e.detail.creditNoteId === body.creditNoteId,
      );
      if (already) {
        if (already.detail.amountCents !== body.amountCents)
          throw new HttpProblem('already-exists', `credit note ${body.creditNoteId} was recorded with another amount`);
        const action = await stopWhenClosed(current, 'credited');
        return { status: 200, body: { invoice: current, workflow: { action } }, version: current.version };
      }
      toChange(`invoice ${current.invoiceId}`, current, ifMatch);
      const decision = reduceOpenAmount(current, 'credit_note', body.amountCents);
      if (!decision.ok && decision.reason === 'not_reducible')
        throw stateConflict(`invoice ${current.invoiceId} is ${current.status}: nothing to credit`);
      if (!decision.ok)
        throw stateConflict(
          `amountCents ${body.amountCents} exceeds the open amount ${current.openCents} (refunds are out of scope)`,
        );
      return reduce(current, decision, 'credit_note', principal.actor, {
        creditNoteId: body.creditNoteId,
        amountCents: body.amountCents,
        reason: body.reason,
      });
    },
  }),
  // Issue 11 (dunning helper): finance brings back the dunning of an invoice whose workflow failed or was stopped.
  route({
    method: 'POST',
    path: '/invoices/{invoiceId}/restart-dunning',
    operationId: 'restartDunning',
    tag,
    access: 'finance',
    summary:
      'Bring back the reminders of an owed invoice whose workflow failed, timed out or was stopped (a new ' +
      'generation); a no-op while one runs',
    params: InvoiceParams,
    body: z.object({ note }),
    responses: {
      200: {
        description: 'The invoice and what happened to its workflow',
        schema: z.object({
          invoice: Invoice,
          workflow: z.object({
            action: z.enum(['started', 'already_running']),
            generation: z.number().int().positive(),
          }),
        }),
        etag: true,
      },
      ...common(404, 409, 413),
    },
    handle: async ({ params, body, principal }) => {
      const invoice = await loadForChange(params.invoiceId, undefined);
      requireOwed(invoice, 'restart its reminders');
      // The history line is written with the claim, before the start (adapters/workflows.ts): never lost, never twice.
      const restart = { by: 'finance' as const, actor: principal.actor, ...(body.note ? { note: body.note } : {}) };
      const res = await startDunning(invoice.invoiceId, clock().now(), restart);
      // Claimed by an attempt that failed a moment ago (or is still starting it): not running yet, say so.
      if (!res.started && res.reason === 'starting')
        throw new HttpProblem(
          'service-unavailable',
          'its reminders are being started and do not run yet: try again in a minute',
          {},
          { 'retry-after': '60' },
        );
      return {
        status: 200,
        body: {
          invoice,
          workflow: { action: res.started ? 'started' : 'already_running', generation: res.generation },
        },
        version: invoice.version,
      };
    },
  }),
];
