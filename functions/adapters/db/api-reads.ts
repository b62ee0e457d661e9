import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { localDate } from '../../core/calendar/time-zone';
import { mapLimited } from '../../core/concurrency';
import type { Customer, DunningLevel, Invoice, InvoiceStatus } from '../../core/model';
import type { SettledInvoice } from '../../core/reports';
import { dynamo } from '../aws-clients';
import { InvoiceEvent } from './events';
import { customerFromItem, invoiceFromItem, stripKeys } from './items';
import { keys } from './keys';
import { batchGet, InvalidCursorError, type Page, queryAll, tableName } from './table';
import { transactionFromItem } from './transactions';
import { type DunningWorkflow, workflowFromItem } from './workflow-markers';

/**
 * The reads the admin API needs beyond the shared repositories: filtered invoice lists across statuses with one cursor,
 * an invoice with everything stored under it, batch reads for imports, and settled invoices with their payment date.
 * Item shapes and keys come from items.ts and keys.ts; nothing here decides a business rule.
 */

export const AllocationRecord = z.object({
  invoiceId: z.string(),
  transactionId: z.string(),
  amountCents: z.number().int(),
  writeOffCents: z.number().int().default(0),
  bookingDate: z.string().optional(),
  at: z.string().optional(),
  actor: z.string().optional(),
});
export type AllocationRecord = z.infer<typeof AllocationRecord>;

/**
 * The cash allocated to an invoice with its booking dates (an undone allocation is deleted): when each amount stopped
 * being owed, for the penalties. Bank fees written off with a payment were owed until the same day.
 */
export async function paymentsOf(invoiceId: string): Promise<{ on: string; cents: number }[]> {
  const items = await queryAll({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :a)',
    ExpressionAttributeValues: { ':pk': keys.invoice(invoiceId).pk, ':a': 'ALLOC#' },
    ConsistentRead: true,
  });
  return items
    .map((i) => AllocationRecord.parse(stripKeys(i)))
    .map((a) => ({ on: paidOn(a.bookingDate, a.at), cents: a.amountCents + a.writeOffCents }))
    .filter((p) => /^\d{4}-\d{2}-\d{2}$/.test(p.on) && p.cents > 0);
}

export interface InvoiceDossier {
  invoice: Invoice;
  allocations: AllocationRecord[];
  history: InvoiceEvent[];
  /** The dunning workflow waits on a task token (dispute, promise, manual pause, approval). */
  pausedWorkflow: boolean;
  /** The WORKFLOW marker: the current dunning generation (absent when dunning never started). */
  workflow?: DunningWorkflow;
}

/** The invoice item, its allocations, its history and its pause token: one partition, one query. */
export async function readInvoiceDossier(invoiceId: string): Promise<InvoiceDossier | undefined> {
  const items = await queryAll({
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.invoice(invoiceId).pk },
    ConsistentRead: true,
  });
  const main = items.find((i) => i.sk === 'INVOICE');
  if (!main) return undefined;
  return {
    invoice: invoiceFromItem(main),
    allocations: items
      .filter((i) => String(i.sk).startsWith('ALLOC#'))
      .map((i) => AllocationRecord.parse(stripKeys(i))),
    history: items.filter((i) => String(i.sk).startsWith('EVENT#')).map((i) => InvoiceEvent.parse(stripKeys(i))),
    pausedWorkflow: items.some((i) => i.sk === 'PAUSE'),
    workflow: ((w) => (w ? workflowFromItem(w) : undefined))(items.find((i) => i.sk === 'WORKFLOW')),
  };
}

// --- cursors over several partitions ---------------------------------------------------------------------------------

interface MultiCursor {
  /** Index of the partition being read. */
  p: number;
  k?: Record<string, unknown>;
}
function encodeMulti(c: MultiCursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}
function decodeMulti(cursor: string | undefined): MultiCursor {
  if (!cursor) return { p: 0 };
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      v &&
      typeof v === 'object' &&
      Number.isInteger(v.p) &&
      v.p >= 0 &&
      (v.k === undefined || typeof v.k === 'object')
    )
      return v as MultiCursor;
  } catch {
    /* fall through */
  }
  throw new InvalidCursorError();
}

const keyAttributes: Record<string, string[]> = {
  table: ['pk', 'sk'],
  gsi1: ['pk', 'sk', 'gsi1pk', 'gsi1sk'],
  gsi2: ['pk', 'sk', 'gsi2pk', 'gsi2sk'],
};

/**
 * A cursor's start key must be a key of the index the query reads, in the partition it reads (else DynamoDB fails the
 * call).
 */
function fitsQuery(k: Record<string, unknown>, q: QueryCommandInput): boolean {
  const index = q.IndexName ?? 'table';
  const allowed = keyAttributes[index] ?? [];
  const entries = Object.entries(k);
  if (
    entries.length !== allowed.length ||
    !entries.every(([name, v]) => allowed.includes(name) && typeof v === 'string' && v.length > 0 && v.length <= 1024)
  )
    return false;
  const partition = index === 'table' ? 'pk' : `${index}pk`;
  return k[partition] === q.ExpressionAttributeValues?.[':pk'];
}

/**
 * Reads pages from a list of queries in order, as one list with one cursor: fills `limit` items from the first query,
 * then the next, and so on.
 */
async function pagedAcross<T>(
  queries: QueryCommandInput[],
  map: (item: Record<string, unknown>) => T,
  limit: number,
  cursor?: string,
): Promise<Page<T>> {
  const c = decodeMulti(cursor);
  if (c.p >= queries.length || (c.k && !fitsQuery(c.k, queries[c.p]))) throw new InvalidCursorError();
  const items: T[] = [];
  let p = c.p;
  let start = c.k;
  while (p < queries.length && items.length < limit) {
    const res = await dynamo().send(
      new QueryCommand({ ...queries[p], Limit: limit - items.length, ExclusiveStartKey: start }),
    );
    items.push(...(res.Items ?? []).map(map));
    if (res.LastEvaluatedKey) start = res.LastEvaluatedKey;
    else {
      p++;
      start = undefined;
    }
  }
  const nextCursor = p < queries.length ? encodeMulti({ p, k: start }) : undefined;
  return { items, nextCursor };
}

export interface InvoiceFilter {
  statuses?: InvoiceStatus[];
  customerId?: string;
  dueFrom?: string;
  dueTo?: string;
  /** The invoice's dunning level ('none': no reminder sent yet). */
  level?: DunningLevel | 'none';
  limit: number;
  cursor?: string;
}

export const allStatuses: InvoiceStatus[] = [
  'open',
  'partially_paid',
  'paid',
  'in_collection',
  'written_off',
  'credited',
];

/**
 * Invoices by status and/or customer, due date range and dunning level, oldest due first; one cursor across statuses.
 */
export async function listInvoices(f: InvoiceFilter): Promise<Page<Invoice>> {
  const range = f.dueFrom || f.dueTo;
  const from = f.dueFrom ?? '0000-00-00';
  const to = `${f.dueTo ?? '9999-99-99'}#\uffff`;
  if (f.customerId) {
    const query: QueryCommandInput = {
      TableName: tableName(),
      IndexName: 'gsi1',
      KeyConditionExpression: range
        ? 'gsi1pk = :pk AND gsi1sk BETWEEN :from AND :to'
        : 'gsi1pk = :pk AND begins_with(gsi1sk, :inv)',
      ExpressionAttributeValues: {
        ':pk': keys.customer(f.customerId).pk,
        ...(range ? { ':from': `INVOICE#${from}`, ':to': `INVOICE#${to}` } : { ':inv': 'INVOICE#' }),
      },
    };
    return pagedAcross([withFilter(query, f.statuses, f.level)], invoiceFromItem, f.limit, f.cursor);
  }
  const queries = (f.statuses ?? allStatuses).map<QueryCommandInput>((s) =>
    withFilter(
      {
        TableName: tableName(),
        IndexName: 'gsi2',
        KeyConditionExpression: range ? 'gsi2pk = :pk AND gsi2sk BETWEEN :from AND :to' : 'gsi2pk = :pk',
        ExpressionAttributeValues: { ':pk': `INVSTATUS#${s}`, ...(range ? { ':from': from, ':to': to } : {}) },
      },
      undefined,
      f.level,
    ),
  );
  return pagedAcross(queries, invoiceFromItem, f.limit, f.cursor);
}

/** Adds the filters a key condition cannot express: statuses (on the customer index) and the dunning level. */
function withFilter(
  query: QueryCommandInput,
  statuses: InvoiceStatus[] | undefined,
  level: InvoiceFilter['level'],
): QueryCommandInput {
  const clauses: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ...query.ExpressionAttributeValues };
  if (statuses) {
    clauses.push(`#st IN (${statuses.map((_, i) => `:s${i}`).join(', ')})`);
    names['#st'] = 'status';
    for (const [i, st] of statuses.entries()) values[`:s${i}`] = st;
  }
  if (level) {
    names['#lv'] = 'dunningLevel';
    if (level === 'none') clauses.push('attribute_not_exists(#lv)');
    else {
      clauses.push('#lv = :lv');
      values[':lv'] = level;
    }
  }
  if (clauses.length === 0) return query;
  return {
    ...query,
    FilterExpression: clauses.join(' AND '),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

export async function customerInvoices(customerId: string): Promise<Invoice[]> {
  const items = await queryAll({
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :inv)',
    ExpressionAttributeValues: { ':pk': keys.customer(customerId).pk, ':inv': 'INVOICE#' },
  });
  return items.map(invoiceFromItem);
}

export async function getInvoices(ids: string[]): Promise<Map<string, Invoice>> {
  const items = await batchGet(
    [...new Set(ids)].map((id) => keys.invoice(id)),
    { consistent: true },
  );
  return new Map(items.map((i) => invoiceFromItem(i)).map((inv) => [inv.invoiceId, inv]));
}

export async function getCustomers(ids: string[]): Promise<Map<string, Customer>> {
  const items = await batchGet(
    [...new Set(ids)].map((id) => keys.customer(id)),
    { consistent: true },
  );
  return new Map(items.map((i) => customerFromItem(i)).map((c) => [c.customerId, c]));
}

/**
 * The day a payment counts from: its booking date, or, for one recorded without (a timestamp), that instant's day in
 * Paris, as the reports and the penalties count days (not the UTC date, a day early from 22:00/23:00).
 */
function paidOn(bookingDate: unknown, at: unknown): string {
  if (bookingDate !== undefined && bookingDate !== null) return String(bookingDate).slice(0, 10);
  const instant = typeof at === 'string' ? new Date(at) : undefined;
  return instant && !Number.isNaN(instant.getTime()) ? localDate(instant, 'Europe/Paris') : '';
}

/**
 * Paid invoices with the day they became paid: the payment history a payer score and a forecast read. The day is the
 * invoice's own `collected.on` (the booking date of the payment that settled it); only an invoice paid before that was
 * kept is read again, its allocations' last booking date (one query each: a year of paid invoices read that way would
 * not fit in API Gateway's 30 s).
 */
export async function settledInvoices(paid: readonly Invoice[]): Promise<(SettledInvoice & { customerId: string })[]> {
  const rows = await mapLimited(paid, 16, async (inv) => {
    if (inv.collected)
      return {
        invoiceId: inv.invoiceId,
        customerId: inv.customerId,
        dueDate: inv.dueDate,
        paidDate: inv.collected.on,
        amountCents: inv.amountCents,
      };
    const allocs = await queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :a)',
      ExpressionAttributeValues: { ':pk': keys.invoice(inv.invoiceId).pk, ':a': 'ALLOC#' },
    });
    const dates = allocs
      .map((a) => paidOn(a.bookingDate, a.at))
      .filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d))
      .sort();
    const paidDate = dates.at(-1);
    return paidDate
      ? {
          invoiceId: inv.invoiceId,
          customerId: inv.customerId,
          dueDate: inv.dueDate,
          paidDate,
          amountCents: inv.amountCents,
        }
      : undefined;
  });
  return rows.filter((r): r is SettledInvoice & { customerId: string } => r !== undefined);
}

/** Transactions of several match statuses, booking date range, one cursor. */
export async function pagedTransactions(
  statuses: string[],
  from: string | undefined,
  to: string | undefined,
  limit: number,
  cursor?: string,
) {
  const range = from || to;
  const queries = statuses.map<QueryCommandInput>((s) => ({
    TableName: tableName(),
    IndexName: 'gsi2',
    KeyConditionExpression: range ? 'gsi2pk = :pk AND gsi2sk BETWEEN :from AND :to' : 'gsi2pk = :pk',
    ExpressionAttributeValues: {
      ':pk': `TXNSTATUS#${s}`,
      ...(range ? { ':from': from ?? '0000', ':to': `${to ?? '9999'}#\uffff` } : {}),
    },
  }));
  return pagedAcross(queries, transactionFromItem, limit, cursor);
}
