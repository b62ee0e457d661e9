import { z } from 'zod';
import { clock } from '../../adapters/clock';
import { getCustomers, getInvoices } from '../../adapters/db/api-reads';
import { createCustomer, listAllCustomers, replaceCustomer } from '../../adapters/db/customers';
import { createInvoices, getInvoice, saveInvoice, VersionConflictError } from '../../adapters/db/invoices';
import { mapLimited } from '../../core/concurrency';
import {
  customerFromImport,
  type ImportedInvoice,
  importWarnings,
  type ParsedImport,
  type PlannedRow,
  parseFec,
  parseInvoiceCsv,
  planImport,
  type RowOutcome,
  reasonInFrench,
  summarize,
} from '../../core/imports';
import type { Customer } from '../../core/model';
import { HttpProblem } from '../http';
import { route } from '../route';
import { common, ImportReport } from '../schemas';
import { einvoiceImport, isEInvoiceUpload } from './einvoice-upload';

const MAX_ATTEMPTS = 3;

async function parse(format: 'csv' | 'fec', text: string, defaultTerms: number): Promise<ParsedImport> {
  if (format === 'csv') return parseInvoiceCsv(text);
  const first = parseFec(text, { defaultPaymentTermsDays: defaultTerms });
  if (first.fatal) return first;
  const ids = first.rows.flatMap((r) => (r.ok ? [r.record.customerId] : []));
  const customers = ids.length ? await getCustomers(ids) : new Map<string, Customer>();
  if (customers.size === 0) return first;
  return parseFec(text, {
    defaultPaymentTermsDays: defaultTerms,
    paymentTermsDays: (id) => customers.get(id)?.paymentTermsDays,
  });
}

/**
 * New customers are created once; a newly seen IBAN is added to a known one (a concurrent edit wins, the import does
 * not insist).
 */
async function upsertCustomers(records: ImportedInvoice[]): Promise<void> {
  const byCustomer = new Map<string, ImportedInvoice[]>();
  for (const r of records) byCustomer.set(r.customerId, [...(byCustomer.get(r.customerId) ?? []), r]);
  if (byCustomer.size === 0) return;
  const known = await getCustomers([...byCustomer.keys()]);
  await mapLimited([...byCustomer.entries()], 8, async ([customerId, recs]) => {
    let current = known.get(customerId);
    let changed = false;
    for (const rec of recs) {
      const next = customerFromImport(current, rec);
      if (next) {
        if (!current) {
          if (!(await createCustomer(next))) return; // created meanwhile by another import
          current = next;
        } else {
          current = next;
          changed = true;
        }
      }
    }
    if (changed && current) {
      await replaceCustomer(current, known.get(customerId)?.version); // undefined when edited meanwhile: the edit wins
    }
  });
}

/** Rows per transaction when creating new invoices (2 items each: the invoice and its event; DynamoDB allows 100). */
const CREATE_CHUNK = 25;
/**
 * The most invoice rows one import request takes. A 1 MB file of short rows holds over 20,000: their report with one
 * warning a row in two languages is 5.1 MB (22,000 rows), near API Gateway's 6 MB answer, and 20,000 new customers
 * or updates written one by one (8 at a time) take longer than its 30 s. 5,000 rows stay well within both.
 */
export const MAX_IMPORT_ROWS = 5000;

/**
 * New invoices are written in transactions of CREATE_CHUNK rows (each conditional on the invoice not existing);
 * when one row of a chunk loses a race the chunk is written again row by row, each deciding on what is stored.
 */
async function writeCreatedChunk(rows: PlannedRow[], format: 'csv' | 'fec', actor: string): Promise<PlannedRow[]> {
  if (rows.length === 1) return [await write(rows[0], format, actor)];
  const at = clock().now().toISOString();
  const created = rows.map((r) => ({
    invoice: { ...(r.next as NonNullable<PlannedRow['next']>), version: 0 },
    event: { at, kind: 'imported', actor, detail: { source: format, line: r.line } },
  }));
  if (await createInvoices(created)) return rows;
  return mapLimited(rows, 8, (r) => write(r, format, actor));
}

async function write(row: PlannedRow, format: 'csv' | 'fec', actor: string): Promise<PlannedRow> {
  let planned = row;
  for (let attempt = 1; ; attempt++) {
    if ((planned.outcome !== 'created' && planned.outcome !== 'updated') || !planned.next) return planned;
    try {
      await saveInvoice(planned.current, planned.next, {
        at: clock().now().toISOString(),
        kind: planned.outcome === 'created' ? 'imported' : 'import_updated',
        actor,
        detail: {
          source: format,
          line: planned.line,
          ...(planned.current
            ? {
                previous: {
                  amountCents: planned.current.amountCents,
                  issueDate: planned.current.issueDate,
                  dueDate: planned.current.dueDate,
                },
              }
            : {}),
        },
      });
      return planned;
    } catch (err) {
      if (!(err instanceof VersionConflictError) || attempt >= MAX_ATTEMPTS || !planned.record) {
        if (err instanceof VersionConflictError)
          return { ...planned, outcome: 'rejected', reason: 'changed by someone else during the import: import again' };
        throw err;
      }
      // Another writer (a payment, a concurrent import of the same file) got there first: decide again on what is
      // stored now.
      const stored = await getInvoice(planned.record.invoiceId);
      [planned] = planImport(
        { format, rows: [{ line: row.line, ok: true, record: planned.record }] },
        new Map(stored ? [[stored.invoiceId, stored]] : []),
      );
    }
  }
}

export async function runImport(
  format: 'csv' | 'fec',
  text: string,
  actor: string,
  defaultTerms = 30,
): Promise<ImportReport> {
  const parsed = await parse(format, text, defaultTerms);
  if (parsed.fatal) throw new HttpProblem('invalid-import', parsed.fatal);
  if (parsed.rows.length > MAX_IMPORT_ROWS)
    throw new HttpProblem(
      'payload-too-large',
      `the file holds ${parsed.rows.length} invoice rows; at most ${MAX_IMPORT_ROWS} a request: split it into files ` +
        `of ${MAX_IMPORT_ROWS} rows`,
    );
  const records = parsed.rows.flatMap((r) => (r.ok ? [r.record] : []));
  const existing = records.length ? await getInvoices(records.map((r) => r.invoiceId)) : new Map();
  const plan = planImport(parsed, existing);
  const warnings = records.length ? importWarnings(parsed, await listAllCustomers()) : new Map<number, string[]>();
  await upsertCustomers(
    plan.filter((p) => p.outcome === 'created' || p.outcome === 'updated').flatMap((p) => (p.record ? [p.record] : [])),
  );
  const created = plan.filter((p) => p.outcome === 'created' && p.next);
  const chunks: PlannedRow[][] = [];
  for (let i = 0; i < created.length; i += CREATE_CHUNK) chunks.push(created.slice(i, i + CREATE_CHUNK));
  const written = new Map<PlannedRow, PlannedRow>();
  await mapLimited(chunks, 4, async (chunk) => {
    const out = await writeCreatedChunk(chunk, format, actor);
    for (const [i, r] of chunk.entries()) written.set(r, out[i]);
  });
  const others = await mapLimited(plan, 8, (row) =>
    written.has(row) ? Promise.resolve(written.get(row) as PlannedRow) : write(row, format, actor),
  );
  const done = others;
  const rows = done.map((r) => ({
    line: r.line,
    invoiceId: r.invoiceId,
    outcome: r.outcome as RowOutcome,
    ...(r.reason ? { reason: r.reason, reasonFr: reasonInFrench(r.reason) } : {}),
    ...(warnings.has(r.line) && r.outcome !== 'rejected'
      ? { warnings: warnings.get(r.line), warningsFr: warnings.get(r.line)?.map(reasonInFrench) }
      : {}),
  }));
  return {
    format,
    summary: summarize(rows),
    rows,
    ...(parsed.skippedLines !== undefined ? { skippedLines: parsed.skippedLines } : {}),
  };
}

export const importRoutes = [
  route({
    method: 'POST',
    path: '/invoices/import',
    operationId: 'importInvoices',
    tag: 'Invoices',
    access: 'finance',
    summary:
      'Bulk import from the recon CSV or a FEC, or one e-invoice (Factur-X PDF, CII or UBL XML); idempotent on ' +
      'invoice id; reports per row what was created, updated or rejected and why',
    query: z.object({
      format: z
        .enum(['csv', 'fec'])
        .optional()
        .describe('csv (recon CLI columns) or fec; default from the content type (text/csv: csv), else csv'),
      paymentTermsDays: z.coerce
        .number()
        .int()
        .min(0)
        .max(365)
        .default(30)
        .describe('FEC only: due date = piece date + the customer terms, else this'),
    }),
    textBody: {
      contentTypes: [
        'text/csv',
        'text/plain',
        'text/tab-separated-values',
        'application/octet-stream',
        'application/pdf',
        'application/xml',
        'text/xml',
      ],
      description:
        'The file: invoice_id,customer_id,customer_name,customer_iban,amount,currency,issue_date,due_date or a FEC ' +
        '(18 columns, tab or pipe)',
    },
    responses: { 200: { description: 'Per-row report', schema: ImportReport }, ...common(413, 415) },
    handle: async ({ query, body, headers, principal }) => {
      if (isEInvoiceUpload(String(body ?? '')))
        return { status: 200, body: await einvoiceImport(String(body), principal.actor, query.paymentTermsDays) };
      const type = (headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      const format = query.format ?? (type === 'text/tab-separated-values' ? 'fec' : 'csv');
      return {
        status: 200,
        body: await runImport(format, String(body ?? ''), principal.actor, query.paymentTermsDays),
      };
    },
  }),
];
