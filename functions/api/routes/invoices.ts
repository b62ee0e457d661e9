import { z } from 'zod';
import { clock } from '../../adapters/clock';
import { listInvoices, readInvoiceDossier } from '../../adapters/db/api-reads';
import { createCustomer, getCustomer } from '../../adapters/db/customers';
import { appendInvoiceEvent } from '../../adapters/db/events';
import { getInvoice, saveInvoice, VersionConflictError } from '../../adapters/db/invoices';
import type { DunningWorkflow } from '../../adapters/db/workflow-markers';
import { describeExecution, executionArnOf, resumeDunning, startDunning, stopDunning } from '../../adapters/workflows';
import { addDays, IsoDate, toIsoDate } from '../../core/dates';
import { invoiceExecutionName } from '../../core/dunning/executions';
import { reduceOpenAmount } from '../../core/invoices';
import {
  AmountCents,
  Customer,
  DunningLevel,
  Invoice,
  InvoiceStatus,
  lineProblem,
  openStatuses,
  singleLine,
} from '../../core/model';
import { HttpProblem, notFound, stateConflict, versionConflict } from '../http';
import { csvEnum, pageQuery, route } from '../route';
import { AllocationRecord, common, HistoryEvent, Id, Page, problemResponses, WorkflowView } from '../schemas';

const InvoiceParams = z.object({ invoiceId: Id });

export const InvoiceCreate = z
  .object({
    invoiceId: Id,
    customerId: Id,
    /** Creates the customer when unknown. */
    customerName: singleLine(200).min(1).optional(),
    amountCents: AmountCents.describe('Amount in cents (integer, at most 10^13)'),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/)
      .default('EUR'),
    issueDate: IsoDate,
    dueDate: IsoDate,
    /** Where the invoice PDF lies in the documents bucket; reminders link it, so it must be under invoices/. */
    pdfKey: z
      .string()
      .max(1024)
      .regex(/^invoices\/[^/].*\.pdf$/i, 'expected a key under invoices/ ending in .pdf')
      .refine((key) => !lineProblem(key), 'control characters (CR, LF, tab...) are not allowed')
      .optional(),
    contractRateBp: z
      .number()
      .int()
      .positive()
      .max(10_000)
      .optional()
      .describe('Contract late-payment rate in basis points, at most 100 %'),
  })
  .refine((b) => b.dueDate >= b.issueDate, { path: ['dueDate'], message: 'before issueDate' });

export const InvoiceDetail = z.object({
  invoice: Invoice,
  allocations: z.array(AllocationRecord),
  history: z.array(HistoryEvent),
  workflow: WorkflowView,
});

const ActionResult = z.object({
  invoice: Invoice,
  workflow: z
    .object({ action: z.enum(['none', 'stopped', 'resumed', 'not_paused', 'token_expired', 'no_execution']) })
    .optional(),
});

const note = z.string().max(2000).optional();
/** The furthest a payment promise may be dated. */
const MAX_PROMISE_DAYS = 365;

const listQuery = z.object({
  status: csvEnum(InvoiceStatus.options as [InvoiceStatus, ...InvoiceStatus[]])
    .optional()
    .describe('Comma-separated statuses, e.g. open,partially_paid'),
  customerId: Id.optional(),
  dueFrom: IsoDate.optional().describe('Due on or after (YYYY-MM-DD)'),
  dueTo: IsoDate.optional().describe('Due on or before (YYYY-MM-DD)'),
  level: z
    .enum([...DunningLevel.options, 'none'])
    .optional()
    .describe('Highest dunning level sent so far; none: no reminder sent yet'),
  ...pageQuery,
});

async function loadForChange(invoiceId: string, ifMatch: number | undefined): Promise<Invoice> {
  const invoice = await getInvoice(invoiceId);
  if (!invoice) throw notFound(`invoice ${invoiceId}`);
  if (ifMatch !== undefined && ifMatch !== invoice.version)
    throw versionConflict(`invoice ${invoiceId}`, invoice.version);
  return invoice;
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

function requireOwed(invoice: Invoice, action: string): void {
  if (!openStatuses.includes(invoice.status)) {
    throw stateConflict(`invoice ${invoice.invoiceId} is ${invoice.status}: cannot ${action}`);
  }
}

async function workflowOf(
  invoiceId: string,
  paused: boolean,
  marker: DunningWorkflow | undefined,
): Promise<z.infer<typeof WorkflowView>> {
  // The current generation (a reopened invoice runs a new execution); generation 1 when no marker was left.
  const executionName = marker?.executionName ?? invoiceExecutionName(invoiceId);
  const generation = marker?.generation;
  // The invoice stays readable when Step Functions is unreachable.
  const res = await describeExecution(marker?.executionArn ?? executionArnOf(invoiceId)).catch(
    () => 'unreachable' as const,
  );
  if (res === undefined) return { executionName, status: 'not_started' };
  if (res === 'unreachable')
    return { executionName, ...(generation ? { generation } : {}), status: paused ? 'paused' : 'unknown' };
  const map: Record<string, z.infer<typeof WorkflowView>['status']> = {
    RUNNING: 'running',
    SUCCEEDED: 'succeeded',
    FAILED: 'failed',
    TIMED_OUT: 'timed_out',
    ABORTED: 'aborted',
  };
  const status = paused && res.status === 'RUNNING' ? 'paused' : (map[res.status ?? ''] ?? 'unknown');
  return {
    executionName,
    ...(generation ? { generation } : {}),
    status,
    startedAt: res.startedAt,
    stoppedAt: res.stoppedAt,
  };
}

const tag = 'Invoices';
const actionResponses = (extra: number[] = []) => ({
  200: { description: 'The invoice after the change', schema: ActionResult, etag: true },
  ...common(404, 409, 413, ...extra),
});

export const invoiceRoutes = [
  route({
    method: 'GET',
    path: '/invoices',
    operationId: 'listInvoices',
    tag,
    access: 'read',
    summary: 'List invoices by status, customer, due-date range and dunning level',
    query: listQuery,
    responses: { 200: { description: 'A page of invoices, oldest due first', schema: Page(Invoice) }, ...common() },
    handle: async ({ query }) => ({
      status: 200,
      body: await listInvoices({
        statuses: query.status,
        customerId: query.customerId,
        dueFrom: query.dueFrom,
        dueTo: query.dueTo,
        level: query.level,
        limit: query.limit,
        cursor: query.cursor,
      }),
    }),
  }),
  route({
    method: 'POST',
    path: '/invoices',
    operationId: 'createInvoice',
    tag,
    access: 'finance',
    summary: 'Create one invoice (idempotent: the same invoice again returns it unchanged)',
    body: InvoiceCreate,
    responses: {
      201: { description: 'Created', schema: Invoice, etag: true },
      200: { description: 'Already recorded with the same values', schema: Invoice, etag: true },
      ...common(409, 413, 415),
    },
    handle: async ({ body, principal }) => {
      const existing = await getInvoice(body.invoiceId);
      if (existing) {
        const same =
          existing.customerId === body.customerId &&
          existing.amountCents === body.amountCents &&
          existing.currency === body.currency &&
          existing.issueDate === body.issueDate &&
          existing.dueDate === body.dueDate;
        if (same) return { status: 200, body: existing, version: existing.version };
        throw new HttpProblem(
          'already-exists',
          `invoice ${body.invoiceId} is already recorded with other values (change it through an import or a credit ` +
            `note)`,
        );
      }
      const customer = await getCustomer(body.customerId);
      if (!customer) {
        if (!body.customerName) {
          throw new HttpProblem(
            'validation',
            `customerId: unknown customer ${body.customerId} (create it first, or give customerName)`,
            {
              errors: [
                {
                  in: 'body',
                  field: 'customerId',
                  message: 'unknown customer (create it first, or give customerName)',
                },
              ],
            },
          );
        }
        await createCustomer(Customer.parse({ customerId: body.customerId, name: body.customerName }));
      }
      const { customerName: _n, ...fields } = body;
      try {
        const saved = await saveInvoice(
          undefined,
          { ...fields, openCents: body.amountCents, status: 'open' },
          { at: clock().now().toISOString(), kind: 'created', actor: principal.actor, detail: { source: 'api' } },
        );
        return {
          status: 201,
          body: saved,
          version: saved.version,
          headers: { location: `/invoices/${encodeURIComponent(saved.invoiceId)}` },
        };
      } catch (err) {
        if (err instanceof VersionConflictError)
          throw new HttpProblem(
            'already-exists',
            `invoice ${body.invoiceId} was created at the same moment by another request`,
          );
        throw err;
      }
    },
  }),
  route({
    method: 'GET',
    path: '/invoices/{invoiceId}',
    operationId: 'getInvoice',
    tag,
    access: 'read',
    summary: 'One invoice with its allocations, dunning workflow state and full history',
    params: InvoiceParams,
    responses: { 200: { description: 'The invoice', schema: InvoiceDetail, etag: true }, ...common(404) },
    handle: async ({ params }) => {
      const dossier = await readInvoiceDossier(params.invoiceId);
      if (!dossier) throw notFound(`invoice ${params.invoiceId}`);
      const workflow = await workflowOf(params.invoiceId, dossier.pausedWorkflow, dossier.workflow);
      return {
        status: 200,
        body: { invoice: dossier.invoice, allocations: dossier.allocations, history: dossier.history, workflow },
        version: dossier.invoice.version,
      };
    },
  }),
  route({
    method: 'POST',
    path: '/invoices/{invoiceId}/dispute',
    operationId: 'disputeInvoice',
    tag,
    access: 'finance',
    ifMatch: 'optional',
    summary: 'Record a dispute ("litige"): reminders stop until it is resolved (resume)',
    params: InvoiceParams,
    body: z.object({ note }),
    responses: actionResponses(),
    handle: async ({ params, body, principal, ifMatch }) => {
      const current = await loadForChange(params.invoiceId, ifMatch);
      requireOwed(current, 'open a dispute');
      const next = {
        ...stripVersion(current),
        pause: { reason: 'dispute' as const, since: clock().now().toISOString(), note: body.note },
      };
      const saved = await save(current, next, 'dispute_opened', principal.actor, { note: body.note });
      return { status: 200, body: { invoice: saved }, version: saved.version };
    },
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
      const current = await loadForChange(params.invoiceId, ifMatch);
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
  route({
    method: 'POST',
    path: '/invoices/{invoiceId}/pause',
    operationId: 'pauseInvoice',
    tag,
    access: 'finance',
    ifMatch: 'optional',
    summary: 'Pause the reminders of an invoice by hand',
    params: InvoiceParams,
    body: z.object({ note }),
    responses: actionResponses(),
    handle: async ({ params, body, principal, ifMatch }) => {
      const current = await loadForChange(params.invoiceId, ifMatch);
      requireOwed(current, 'pause');
      const next = {
        ...stripVersion(current),
        pause: { reason: 'manual' as const, since: clock().now().toISOString(), note: body.note },
      };
      const saved = await save(current, next, 'paused', principal.actor, { note: body.note });
      return { status: 200, body: { invoice: saved }, version: saved.version };
    },
  }),
  route({
    method: 'POST',
    path: '/invoices/{invoiceId}/resume',
    operationId: 'resumeInvoice',
    tag,
    access: 'finance',
    ifMatch: 'optional',
    summary: 'Resolve a dispute, promise or pause and resume the reminders (also approves a step waiting for approval)',
    params: InvoiceParams,
    body: z.object({ note }),
    responses: actionResponses(),
    handle: async ({ params, body, principal, ifMatch }) => {
      let invoice = await loadForChange(params.invoiceId, ifMatch);
      const wasPaused = invoice.pause !== undefined;
      if (wasPaused) {
        const { pause, ...rest } = stripVersion(invoice);
        invoice = await save(invoice, rest, 'resumed', principal.actor, { note: body.note, pausedFor: pause?.reason });
      }
      // The workflow is resumed after the pause is cleared, else its re-check would pause again. A retried call
      // (pause already cleared, workflow still waiting) only resumes the workflow.
      const res = await resumeDunning(params.invoiceId);
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
    summary: 'Write off all or part of the open amount ("passage en perte"); a full write-off stops the reminders',
    params: InvoiceParams,
    body: z.object({
      amountCents: AmountCents.optional().describe('Default: the whole open amount'),
      reason: z.string().min(1).max(2000),
    }),
    responses: actionResponses(),
    handle: async ({ params, body, principal, ifMatch }) => {
      const current = await loadForChange(params.invoiceId, ifMatch);
      const amount = body.amountCents ?? current.openCents;
      const decision = reduceOpenAmount(current, 'write_off', amount);
      if (!decision.ok && decision.reason === 'not_reducible')
        throw stateConflict(`invoice ${current.invoiceId} is ${current.status}: nothing to write off`);
      if (!decision.ok) throw stateConflict(`amountCents ${amount} exceeds the open amount ${current.openCents}`);
      const { openCents, status } = decision;
      const saved = await save(current, { ...stripVersion(current), openCents, status }, 'write_off', principal.actor, {
        amountCents: amount,
        reason: body.reason,
      });
      const action = decision.closes
        ? (await stopDunning(saved.invoiceId, 'written off')).stopped
          ? 'stopped'
          : 'no_execution'
        : 'none';
      return { status: 200, body: { invoice: saved, workflow: { action } }, version: saved.version };
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
    body: z.object({ creditNoteId: Id, amountCents: AmountCents, reason: z.string().max(2000).optional() }),
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
        return { status: 200, body: { invoice: current, workflow: { action: 'none' } }, version: current.version };
      }
      if (ifMatch !== undefined && ifMatch !== current.version)
        throw versionConflict(`invoice ${current.invoiceId}`, current.version);
      const decision = reduceOpenAmount(current, 'credit_note', body.amountCents);
      if (!decision.ok && decision.reason === 'not_reducible')
        throw stateConflict(`invoice ${current.invoiceId} is ${current.status}: nothing to credit`);
      if (!decision.ok)
        throw stateConflict(
          `amountCents ${body.amountCents} exceeds the open amount ${current.openCents} (refunds are out of scope)`,
        );
      const { openCents, status } = decision;
      const saved = await save(
        current,
        { ...stripVersion(current), openCents, status },
        'credit_note',
        principal.actor,
        { creditNoteId: body.creditNoteId, amountCents: body.amountCents, reason: body.reason },
      );
      const action = decision.closes
        ? (await stopDunning(saved.invoiceId, 'credited')).stopped
          ? 'stopped'
          : 'no_execution'
        : 'none';
      return { status: 200, body: { invoice: saved, workflow: { action } }, version: saved.version };
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
      const now = clock().now();
      const res = await startDunning(invoice.invoiceId, now);
      if (res.started) {
        await appendInvoiceEvent({
          invoiceId: invoice.invoiceId,
          at: now.toISOString(),
          kind: 'dunning_restarted',
          actor: principal.actor,
          detail: { generation: res.generation, note: body.note, by: 'finance' },
        });
      }
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

export { problemResponses };
