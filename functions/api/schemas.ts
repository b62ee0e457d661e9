import { z } from 'zod';
import { AllocationRecord } from '../adapters/db/api-reads';
import { InvoiceEvent } from '../adapters/db/events';
import { EntityId } from '../core/model';
import { EInvoiceImportReport } from '../use-cases/einvoice-import';
import { Problem } from './http';

/** Shared pieces of the API contract (request and response bodies). Domain records come from core/model. */
export const Page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().optional() });

/** Invoice, customer, policy and credit-note ids: the core model's rule (no control characters, 64 at most). */
export const Id = EntityId;
export const HistoryEvent = InvoiceEvent;
export { AllocationRecord, Problem };

export const WorkflowStatus = z.enum([
  'not_started',
  'running',
  'paused',
  'succeeded',
  'failed',
  'timed_out',
  'aborted',
  'unknown',
]);
export const WorkflowView = z.object({
  /** The current generation's execution (a reopened invoice gets a new one: inv-<id>-g2-...). */
  executionName: z.string(),
  /** 1 for the first run, 2 after the invoice was reopened once, ... (absent when dunning never started). */
  generation: z.number().int().min(1).optional(),
  status: WorkflowStatus,
  startedAt: z.string().optional(),
  stoppedAt: z.string().optional(),
});

/**
 * API Gateway's JWT authorizer answers a missing or invalid token itself, before the Lambda:
 * {"message":"Unauthorized"}.
 */
const GatewayUnauthorized = z.object({ message: z.string() });

export const problemResponses = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((s) => [
      s,
      {
        description: problemDescriptions[s] ?? 'Problem',
        schema: Problem,
        contentType: 'application/problem+json',
        ...(s === 401 ? { extraContent: { 'application/json': GatewayUnauthorized } } : {}),
      },
    ]),
  );

const problemDescriptions: Record<number, string> = {
  400: 'Invalid input; `errors` names each field (path, query, header or body)',
  401: 'No or unknown credentials',
  403: 'Role not allowed (read-only)',
  404: 'Unknown resource',
  409: 'Version conflict (If-Match) or not possible in the current state',
  413: 'Body larger than the route limit (`limitBytes`)',
  428: 'If-Match missing on a change to a versioned resource: read it, then send its ETag',
  415: 'Unsupported content type',
  500: 'Unexpected failure (logged); never caused by client input',
  503: 'A backing service is throttling; retry later',
};

/** Problems every authenticated route may return. */
export const common = (...more: number[]) => problemResponses(400, 401, 403, 500, 503, ...more);

/** One row of an invoice import (CSV, FEC or one e-invoice) and what became of it. */
export const ImportRowReport = z.object({
  line: z.number().int(),
  invoiceId: z.string().optional(),
  outcome: z.enum(['created', 'updated', 'unchanged', 'rejected']),
  reason: z.string().optional(),
  /** The same reason in French. */
  reasonFr: z.string().optional(),
  /** What to check though the row was not refused: an IBAN of another customer, a customer without e-mail contact. */
  warnings: z.array(z.string()).optional(),
  /** The same warnings in French. */
  warningsFr: z.array(z.string()).optional(),
});
export const ImportReport = z.object({
  format: z.enum(['csv', 'fec', 'einvoice']),
  summary: z.object({
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    rejected: z.number().int(),
  }),
  rows: z.array(ImportRowReport),
  /** FEC lines that are not open receivables (other accounts, lettered lines). */
  skippedLines: z.number().int().optional(),
  /** E-invoices (Factur-X, CII, UBL): what was read from the file. */
  einvoice: EInvoiceImportReport.optional(),
});
export type ImportReport = z.infer<typeof ImportReport>;
