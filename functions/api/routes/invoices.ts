import { z } from 'zod';
import { clock } from '../../adapters/clock';
import { listInvoices, readInvoiceDossier } from '../../adapters/db/api-reads';
import { createCustomer, getCustomer } from '../../adapters/db/customers';
import { getInvoice, saveInvoice, VersionConflictError } from '../../adapters/db/invoices';
import type { DunningWorkflow } from '../../adapters/db/workflow-markers';
import { describeExecution, executionArnOf } from '../../adapters/workflows';
import { IsoDate } from '../../core/dates';
import { invoiceExecutionName } from '../../core/dunning/executions';
import {
  AmountCents,
  Customer,
  DunningLevel,
  Invoice,
  InvoiceStatus,
  isPlainKeyPath,
  lineProblem,
  singleLine,
} from '../../core/model';
import { HttpProblem, notFound } from '../http';
import { csvEnum, pageQuery, route } from '../route';
import { AllocationRecord, common, HistoryEvent, Id, Page, problemResponses, WorkflowView } from '../schemas';
import { InvoiceParams, invoiceActionRoutes } from './invoice-actions';

/** Invoices read, listed and created; the changes finance makes to one are in invoice-actions.ts. */
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
      .refine(isPlainKeyPath, 'expected a key under invoices/ ending in .pdf')
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
  ...invoiceActionRoutes,
];

export { problemResponses };
