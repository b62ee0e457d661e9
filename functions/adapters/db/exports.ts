import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import {
  BOOKS_CURRENCY,
  type Booking,
  type BooksAccounts,
  type Encaissement,
  ExportOrderError,
  encaissementsIn,
  type LetteredReceipt,
  type Period,
  PeriodExport,
  periodEnd,
  periodStart,
  planPeriodExport,
  receiptBookings,
  type SkippedBooking,
  type WrittenOff,
  writeOffBooking,
} from '../../core/books';
import { localDate } from '../../core/calendar';
import { addDays } from '../../core/dates';
import { dynamo } from '../aws-clients';
import { listAllCustomers } from './customers';
import { type InvoiceEvent, listWriteOffEvents } from './events';
import { listAllInvoices } from './invoices';
import { stripKeys } from './items';
import { keys } from './keys';
import { batchGet, isConditionFailure, queryAll, tableName } from './table';
import { transactionFromItem } from './transactions';

/**
 * The export ledger: what each frozen month of the books export contained, entry by entry, so that exporting a month
 * again gives the same file and a change after export becomes a reversing entry of the next month. A month is stored as
 * BOOKS#<month>/PART#<run>#n items (at most PART_BYTES of entries each) then BOOKS#<month>/EXPORT naming the run,
 * written
 * last and only once: a month whose EXPORT item exists is complete, and only its run's parts are read (two runs at once
 * cannot mix their parts; a run that died leaves unread parts behind).
 */
/**
 * DynamoDB items hold 400 KB: a part holds entries up to 300 kB of JSON (a batch payment of many invoices is one big
 * entry).
 */
const PART_BYTES = 300_000;

function partsOf(entries: PeriodExport['entries']): PeriodExport['entries'][] {
  const parts: PeriodExport['entries'][] = [];
  let size = Infinity;
  for (const e of entries) {
    const bytes = Buffer.byteLength(JSON.stringify(e));
    if (size + bytes > PART_BYTES) {
      parts.push([]);
      size = 0;
    }
    parts[parts.length - 1].push(e);
    size += bytes;
  }
  return parts;
}

async function readMonth(period: Period): Promise<PeriodExport | undefined> {
  const items = await queryAll({
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.booksExport(period).pk },
    ConsistentRead: true,
  });
  const head = items.find((i) => i.sk === 'EXPORT');
  if (!head) return undefined;
  const parts = items
    .filter((i) => String(i.sk).startsWith(`PART#${String(head.run)}#`))
    .sort((a, b) => String(a.sk).localeCompare(String(b.sk)));
  return PeriodExport.parse({ period, status: 'closed', entries: parts.flatMap((p) => p.entries as unknown[]) });
}

/** Every frozen month, oldest first. */
async function closedMonths(): Promise<Period[]> {
  const items = await queryAll({
    IndexName: 'gsi2',
    KeyConditionExpression: 'gsi2pk = :pk',
    ExpressionAttributeValues: { ':pk': 'BOOKSEXPORTS' },
  });
  return items.map((i) => String(i.gsi2sk)).sort();
}

/** Freezes a month; if another run froze it first, what that run stored wins. */
async function freeze(exp: PeriodExport, at: string): Promise<PeriodExport> {
  const run = randomUUID().slice(0, 8);
  const chunks = partsOf(exp.entries);
  for (const [i, entries] of chunks.entries()) {
    await dynamo().send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...keys.booksExportPart(exp.period, run, i + 1), type: 'books_export_part', entries },
      }),
    );
  }
  try {
    await dynamo().send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          ...keys.booksExport(exp.period),
          ...keys.booksExportList(exp.period),
          type: 'books_export',
          period: exp.period,
          run,
          parts: chunks.length,
          entryCount: exp.entries.length,
          exportedAt: at,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return exp;
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
    return (await readMonth(exp.period)) ?? exp;
  }
}

/**
 * Write-off events (their WRITEOFFS index) as bookable write-offs dated with their day in Paris, where finance
 * recorded them (a write-off at 00:30 on 1 December, Paris time, is December's); `customerOf` maps each invoice to its
 * customer.
 */
function writeOffsOf(events: InvoiceEvent[], customerOf: ReadonlyMap<string, string>): WrittenOff[] {
  return events
    .map((e) => ({
      sourceId: `WO#${e.invoiceId}#${e.at}`,
      invoiceId: e.invoiceId,
      customerId: customerOf.get(e.invoiceId) ?? '',
      date: localDate(Date.parse(e.at), BOOKS_TIME_ZONE),
      amountCents: Number(e.detail.amountCents),
    }))
    .filter((w) => Number.isSafeInteger(w.amountCents) && w.amountCents > 0);
}

/** The books are kept on the days of Paris. */
const BOOKS_TIME_ZONE = 'Europe/Paris';

/**
 * The bookings standing now: lettered (matched) bank transactions booked, and write-offs recorded (full or partial),
 * between the two dates; those in another currency than the books' left out and listed.
 */
export async function standingBookings(
  from: string,
  to: string,
  accounts: BooksAccounts,
): Promise<{ bookings: Booking[]; skipped: SkippedBooking[]; invoiceAmounts: Map<string, number> }> {
  const [items, writeOffEvents] = await Promise.all([
    queryAll({
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': 'TXNSTATUS#matched', ':from': from, ':to': `${to}#\uffff` },
    }),
    // indexed by their UTC timestamp: a Paris day starts the evening before in UTC
    listWriteOffEvents(addDays(from, -1), to),
  ]);
  const txns = items.map(transactionFromItem).filter((t) => t.applied.length > 0 || t.customerCredit);
  const invoiceIds = new Set([
    ...txns.flatMap((t) => t.applied.map((a) => a.invoiceId)),
    ...writeOffEvents.map((e) => e.invoiceId),
  ]);
  const invoices = (await batchGet([...invoiceIds].map((id) => keys.invoice(id)))).map(stripKeys);
  const customerOf = new Map(invoices.map((i) => [String(i.invoiceId), String(i.customerId)]));
  const currencyOf = new Map(invoices.map((i) => [String(i.invoiceId), String(i.currency ?? BOOKS_CURRENCY)]));
  const names = new Map((await listAllCustomers()).map((c) => [c.customerId, c.name]));
  const receipts = txns.map(
    (t): LetteredReceipt => ({
      transactionId: t.transactionId,
      bookingDate: t.bookingDate,
      bankReference: t.bankReference,
      amountCents: t.amountCents,
      currency: t.currency,
      allocations: t.applied.map((a) => ({
        invoiceId: a.invoiceId,
        customerId: customerOf.get(a.invoiceId) ?? '',
        amountCents: a.amountCents,
        writeOffCents: a.writeOffCents,
      })),
      ...(t.customerCredit ? { credit: t.customerCredit } : {}),
    }),
  );
  const { bookings, skipped } = receiptBookings(receipts, accounts, names);
  const writeOffs: Booking[] = [];
  for (const w of writeOffsOf(writeOffEvents, customerOf).filter((w) => w.date >= from && w.date <= to)) {
    const currency = currencyOf.get(w.invoiceId) ?? BOOKS_CURRENCY;
    if (currency === BOOKS_CURRENCY) writeOffs.push(writeOffBooking(w, accounts, names));
    else
      skipped.push({
        sourceId: w.sourceId,
        date: w.date,
        currency,
        amountCents: w.amountCents,
        reason: 'foreign_currency',
      });
  }
  const invoiceAmounts = new Map(invoices.map((i) => [String(i.invoiceId), Number(i.amountCents)]));
  return { bookings: [...bookings, ...writeOffs], skipped, invoiceAmounts };
}

/**
 * The books export of a month: the frozen one when the month was exported before; else planned from what stands now
 * and what earlier months exported, and frozen when the month is over (`today` after its last day). A month before the
 * last frozen one and never exported is refused (ExportOrderError).
 */
export async function exportMonth(
  period: Period,
  today: string,
  accounts: BooksAccounts,
  now: string,
): Promise<PeriodExport & { skipped: SkippedBooking[] }> {
  const frozen = await readMonth(period);
  if (frozen) return { ...frozen, skipped: [] };
  const months = await closedMonths();
  const later = months.find((m) => m > period);
  if (later) throw new ExportOrderError(period, later); // before reading: the transactions' date range would be empty
  const previous = await Promise.all(months.map(async (m) => (await readMonth(m)) as PeriodExport));
  const from = periodStart(months[0] ?? period);
  const { bookings: current, skipped, invoiceAmounts } = await standingBookings(from, periodEnd(period), accounts);
  const exp = planPeriodExport({
    period,
    today,
    journalCode: accounts.journalCode,
    current,
    previous: previous.filter(Boolean),
    invoiceAmounts,
  });
  const inPeriod = skipped.filter((k) => k.date >= periodStart(period));
  return { ...(exp.status === 'closed' ? await freeze(exp, now) : exp), skipped: inPeriod };
}

/**
 * What was collected between two dates: invoices fully paid ("encaissées") with their date and amount, customer names.
 */
export async function encaissementsBetween(from: string, to: string): Promise<Encaissement[]> {
  const [paid, customers] = await Promise.all([listAllInvoices(['paid']), listAllCustomers()]);
  const names = new Map(customers.map((c) => [c.customerId, c.name]));
  const list = paid.flatMap((i) =>
    i.collected
      ? [
          {
            invoiceId: i.invoiceId,
            customerId: i.customerId,
            customerName: names.get(i.customerId),
            currency: i.currency,
            invoiceAmountCents: i.amountCents,
            collectedOn: i.collected.on,
            collectedCents: i.collected.amountCents,
          },
        ]
      : [],
  );
  return encaissementsIn(list, from, to);
}
