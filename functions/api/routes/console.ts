import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { clock } from '../../adapters/clock';
import { readEnv, settings } from '../../adapters/config';
import { pagedTransactions } from '../../adapters/db/api-reads';
import { listAllCustomers } from '../../adapters/db/customers';
import { listAllInvoices } from '../../adapters/db/invoices';
import { loadRateTable } from '../../adapters/db/rates';
import { listBouncedContacts } from '../../adapters/db/sends';
import { listStatements } from '../../adapters/db/statements';
import { listFailedWorkflows } from '../../adapters/db/workflow-markers';
import { presignedLink } from '../../adapters/documents';
import { statementUploadForm } from '../../adapters/statement-files';
import { localDate } from '../../core/calendar/time-zone';
import { mapLimited } from '../../core/concurrency';
import { addDays } from '../../core/dates';
import { missingRates } from '../../core/dunning/rates';
import { approvalStepOf } from '../../core/dunning/state';
import { isPlainKeyPath } from '../../core/model';
import { route } from '../route';
import { common } from '../schemas';
import { MissingRates, RATES_CHECKED_FROM } from './rates';

/**
 * Reads the finance console needs and the admin API had no route for: what needs a person today, and a presigned
 * POST to drop a statement file into the inbox from the browser. Read-only for the data; the upload goes through S3.
 */
const tag = 'Console';

/** Largest statement file the console may upload (the ingest Lambda parses 20 MB files under a 400 MB heap). */
export const STATEMENT_UPLOAD_MAX_BYTES = 20 * 1024 * 1024;
/** Promises due within this many days are listed. */
const PROMISE_HORIZON_DAYS = 3;
/** How many review lines are counted at most (the page says "200+"). */
const REVIEW_COUNT_LIMIT = 200;

const InvoiceLine = z.object({
  invoiceId: z.string(),
  customerId: z.string(),
  since: z.string().optional(),
  note: z.string().optional(),
});

export const TodayView = z.object({
  asOf: z.string(),
  review: z.object({ suggested: z.number().int(), unmatched: z.number().int(), more: z.boolean() }),
  approvals: z.array(InvoiceLine.extend({ stepId: z.string() })),
  disputes: z.array(InvoiceLine),
  promisesDue: z.array(InvoiceLine.extend({ until: z.string() })),
  bounces: z.array(
    z.object({
      customerId: z.string(),
      customerName: z.string(),
      email: z.string(),
      at: z.string(),
      kind: z.enum(['hard_bounce', 'complaint']),
    }),
  ),
  failedWorkflows: z.array(InvoiceLine.extend({ at: z.string(), error: z.string().optional() })),
  rejectedStatements: z.array(
    z.object({
      checksum: z.string(),
      sourceKey: z.string(),
      receivedAt: z.string(),
      code: z.string().optional(),
      message: z.string().optional(),
    }),
  ),
  missingRates: MissingRates,
});
export type TodayView = z.infer<typeof TodayView>;

const UploadRequest = z.object({
  fileName: z
    .string()
    .min(1)
    .max(200)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: rejects control characters in a file name on purpose
    .regex(/^[^/\\\u0000-\u001f]+$/, 'a file name without a folder'),
  sizeBytes: z.number().int().positive().max(STATEMENT_UPLOAD_MAX_BYTES, `at most ${STATEMENT_UPLOAD_MAX_BYTES} bytes`),
});
const UploadForm = z.object({
  /** POST the file here as multipart/form-data: every field below, then `file` last. */
  url: z.string(),
  fields: z.record(z.string(), z.string()),
  key: z.string(),
  maxBytes: z.number().int(),
  expiresAt: z.string(),
});

/**
 * The failed workflows of owed, unpaused invoices: the generations that failed or timed out and were not followed by
 * another (one read of the sparse DUNNING#FAILED index, not one history read per owed invoice: the answer must come
 * within API Gateway's 30 s whatever the size of the book).
 */
async function failedWorkflows(owed: Map<string, { invoiceId: string; customerId: string }>) {
  const ended = await listFailedWorkflows();
  return ended.flatMap((w) => {
    const inv = owed.get(w.invoiceId);
    if (!inv || w.running) return [];
    return [{ ...inv, at: w.endedAt ?? '', ...(w.endReason ? { error: w.endReason } : {}) }];
  });
}

async function today(): Promise<TodayView> {
  const now = clock().now();
  const asOf = localDate(now, 'Europe/Paris');
  const [owed, customers, suggested, unmatched, statements, table] = await Promise.all([
    listAllInvoices(['open', 'partially_paid', 'in_collection']),
    listAllCustomers(),
    pagedTransactions(['suggested'], undefined, undefined, REVIEW_COUNT_LIMIT),
    pagedTransactions(['unmatched'], undefined, undefined, REVIEW_COUNT_LIMIT),
    listStatements({ limit: 50 }),
    loadRateTable(),
  ]);
  const line = (i: (typeof owed)[number]) => ({
    invoiceId: i.invoiceId,
    customerId: i.customerId,
    ...(i.pause?.since ? { since: i.pause.since } : {}),
    ...(i.pause?.note ? { note: i.pause.note } : {}),
  });
  const approvals = owed.flatMap((i) => {
    const stepId = approvalStepOf(i.pause);
    return stepId ? [{ ...line(i), stepId }] : [];
  });
  const horizon = addDays(asOf, PROMISE_HORIZON_DAYS);
  const bounces = (await mapLimited(customers, 8, (c) => listBouncedContacts(c.customerId))).flat();
  const names = new Map(customers.map((c) => [c.customerId, c.name]));
  return {
    asOf,
    review: {
      suggested: suggested.items.length,
      unmatched: unmatched.items.length,
      more: Boolean(suggested.nextCursor || unmatched.nextCursor),
    },
    approvals,
    disputes: owed.filter((i) => i.pause?.reason === 'dispute').map(line),
    promisesDue: owed
      .filter((i) => i.pause?.reason === 'promise' && i.pause.until && i.pause.until <= horizon)
      .map((i) => ({ ...line(i), until: i.pause?.until as string })),
    bounces: bounces.map((b) => ({
      customerId: b.customerId,
      customerName: names.get(b.customerId) ?? b.customerId,
      email: b.email,
      at: b.at,
      kind: b.kind,
    })),
    failedWorkflows: await failedWorkflows(
      new Map(
        owed
          .filter((i) => !i.pause)
          .map((i) => [i.invoiceId, { invoiceId: i.invoiceId, customerId: i.customerId }] as const),
      ),
    ),
    rejectedStatements: statements.items
      .filter((s) => s.status === 'rejected')
      .map((s) => ({
        checksum: s.checksum,
        sourceKey: s.sourceKey,
        receivedAt: s.receivedAt,
        ...(s.error ? { code: s.error.code, message: s.error.message } : {}),
      })),
    missingRates: missingRates(table, RATES_CHECKED_FROM, asOf),
  };
}

/**
 * Documents the console links to: formal-notice letters, agency case files and the files customers attach to a
 * dispute (what the api function may read).
 */
const DocumentKey = z
  .string()
  .max(1024)
  .regex(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: rejects control characters in an S3 key on purpose
    /^(letters|case-files|disputes)\/[^/][^\u0000-\u001f]*$/,
    'expected a key under letters/, case-files/ or disputes/',
  )
  .refine(isPlainKeyPath, 'expected a key under letters/, case-files/ or disputes/');
const DocumentLink = z.object({ url: z.string(), expiresAt: z.string() });

export const consoleRoutes = [
  route({
    method: 'GET',
    path: '/console/today',
    operationId: 'today',
    tag,
    access: 'read',
    summary:
      'What needs a person now: review queue size, approvals, disputes, promises falling due, bounced addresses, ' +
      'failed workflows, rejected statements, missing late-payment rates',
    responses: { 200: { description: 'Today’s to-do list', schema: TodayView }, ...common() },
    handle: async () => ({ status: 200, body: await today() }),
  }),
  route({
    method: 'POST',
    path: '/console/statement-upload',
    operationId: 'statementUploadForm',
    tag: 'Statements',
    access: 'finance',
    summary:
      'A presigned POST to drop one statement file into the inbox from the browser (size-limited, valid 5 minutes)',
    body: UploadRequest,
    responses: { 200: { description: 'The form to POST the file with', schema: UploadForm }, ...common(413, 415) },
    handle: async ({ body }) => {
      const bucket = readEnv({ STATEMENTS_BUCKET: settings.STATEMENTS_BUCKET }).STATEMENTS_BUCKET;
      // A unique folder per upload: two files of the same name never overwrite each other in the inbox.
      const key = `inbox/console-${randomUUID()}/${body.fileName}`;
      const expiresSeconds = 300;
      const form = await statementUploadForm(bucket, key, STATEMENT_UPLOAD_MAX_BYTES, expiresSeconds);
      const expiresAt = new Date(clock().now().getTime() + expiresSeconds * 1000).toISOString();
      return {
        status: 200,
        body: { url: form.url, fields: form.fields, key, maxBytes: STATEMENT_UPLOAD_MAX_BYTES, expiresAt },
      };
    },
  }),
  route({
    method: 'GET',
    path: '/console/document-link',
    operationId: 'documentLink',
    tag,
    access: 'read',
    summary:
      'A link valid 5 minutes to a PDF the dunning sent (a formal notice under letters/, an agency case file under ' +
      'case-files/) or to a file a customer attached to a dispute (disputes/, downloaded as an attachment, never ' +
      'shown in the browser)',
    query: z.object({ key: DocumentKey }),
    responses: { 200: { description: 'The link', schema: DocumentLink }, ...common() },
    handle: async ({ query }) => {
      const attachment = query.key.startsWith('disputes/');
      const url = await presignedLink(query.key, 300, undefined, { attachment });
      return { status: 200, body: { url, expiresAt: new Date(clock().now().getTime() + 300_000).toISOString() } };
    },
  }),
];
