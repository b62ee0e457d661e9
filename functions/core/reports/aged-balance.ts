import { z } from 'zod';
import { type CsvCell, frenchSpreadsheet, writeCsv } from '../csv';
import { daysBetween, IsoDate } from '../dates';
import type { Invoice } from '../model';

/** The buckets of the aged balance ("balance âgée"), by days past the due date on the report date. */
export const AgingBucket = z.enum(['not_due', 'd1_30', 'd31_60', 'd61_90', 'over_90']);
export type AgingBucket = z.infer<typeof AgingBucket>;
export const agingBuckets = AgingBucket.options;

export const AgedBalanceLine = z.object({
  customerId: z.string(),
  customerName: z.string().optional(),
  invoiceCount: z.number().int().nonnegative(),
  buckets: z.object({
    not_due: z.number().int(),
    d1_30: z.number().int(),
    d31_60: z.number().int(),
    d61_90: z.number().int(),
    over_90: z.number().int(),
  }),
  totalCents: z.number().int(),
  /**
   * Of the total, what is disputed ("en litige": dunning paused for a dispute): still owed and aged in its bucket,
   * shown apart so that finance sees it rather than finds it mixed with what can be chased.
   */
  disputedCents: z.number().int(),
});
export type AgedBalanceLine = z.infer<typeof AgedBalanceLine>;

export const AgedBalance = z.object({
  asOf: IsoDate,
  currency: z.string().length(3),
  customers: z.array(AgedBalanceLine),
  total: AgedBalanceLine.omit({ customerId: true, customerName: true }),
  /** The other currencies something is owed in on `asOf` (never summed with this one): each has its own balance. */
  otherCurrencies: z.array(z.string().length(3)),
});
export type AgedBalance = z.infer<typeof AgedBalance>;

export function bucketOf(dueDate: IsoDate, asOf: IsoDate): AgingBucket {
  const late = daysBetween(dueDate, asOf);
  if (late <= 0) return 'not_due';
  if (late <= 30) return 'd1_30';
  if (late <= 60) return 'd31_60';
  if (late <= 90) return 'd61_90';
  return 'over_90';
}

/** Still owed by the customer, whatever the dunning does: open, partially paid, or handed to the agency. */
export function isReceivable(invoice: Pick<Invoice, 'status' | 'openCents'>): boolean {
  return (
    (invoice.status === 'open' || invoice.status === 'partially_paid' || invoice.status === 'in_collection') &&
    invoice.openCents > 0
  );
}

const emptyBuckets = (): AgedBalanceLine['buckets'] => ({ not_due: 0, d1_30: 0, d31_60: 0, d61_90: 0, over_90: 0 });

/**
 * The aged balance on `asOf` of one currency: every receivable's open amount in the bucket of its days past due, per
 * customer (largest total first) and in total. Invoices issued after `asOf` are left out.
 */
export function agedBalance(input: {
  invoices: Iterable<Invoice>;
  customerNames?: ReadonlyMap<string, string>;
  asOf: IsoDate;
  currency?: string;
}): AgedBalance {
  const currency = input.currency ?? 'EUR';
  const lines = new Map<string, AgedBalanceLine>();
  const total = { invoiceCount: 0, buckets: emptyBuckets(), totalCents: 0, disputedCents: 0 };
  const otherCurrencies = new Set<string>();
  for (const inv of input.invoices) {
    if (!isReceivable(inv) || inv.issueDate > input.asOf) continue;
    if (inv.currency !== currency) {
      otherCurrencies.add(inv.currency);
      continue;
    }
    let line = lines.get(inv.customerId);
    if (!line) {
      line = {
        customerId: inv.customerId,
        customerName: input.customerNames?.get(inv.customerId),
        invoiceCount: 0,
        buckets: emptyBuckets(),
        totalCents: 0,
        disputedCents: 0,
      };
      lines.set(inv.customerId, line);
    }
    const b = bucketOf(inv.dueDate, input.asOf);
    for (const target of [line, total]) {
      target.invoiceCount++;
      target.buckets[b] += inv.openCents;
      target.totalCents += inv.openCents;
      if (inv.pause?.reason === 'dispute') target.disputedCents += inv.openCents;
    }
  }
  const customers = [...lines.values()].sort(
    (a, b) => b.totalCents - a.totalCents || a.customerId.localeCompare(b.customerId),
  );
  return { asOf: input.asOf, currency, customers, total, otherCurrencies: [...otherCurrencies].sort() };
}

/** The columns as a French accountant reads them ("1 à 30 jours", never "1-30", which Excel turns into a date). */
const csvHeader = [
  'Client',
  'Nom du client',
  'Factures',
  'Non échu',
  '1 à 30 jours',
  '31 à 60 jours',
  '61 à 90 jours',
  'Plus de 90 jours',
  'Total',
  'Dont en litige',
  'Devise',
  'Date de la balance',
];

/**
 * The aged balance as CSV for a French spreadsheet (semicolons, decimal comma, UTF-8 BOM; amounts in units with two
 * decimals, French column names), one line per customer then TOTAL, each with its disputed share, the currency and
 * the report date in their own columns.
 * Written by the shared CSV writer: a customer name like `=HYPERLINK(...)` comes out as text, not a formula.
 */
export function agedBalanceCsv(report: AgedBalance): string {
  const row = (
    id: string,
    name: string,
    l: Pick<AgedBalanceLine, 'invoiceCount' | 'buckets' | 'totalCents' | 'disputedCents'>,
  ): CsvCell[] => [
    { text: id },
    { text: name },
    { count: l.invoiceCount },
    ...agingBuckets.map((b) => ({ money: l.buckets[b] })),
    { money: l.totalCents },
    { money: l.disputedCents },
    { text: report.currency },
    { text: report.asOf },
  ];
  return writeCsv(
    csvHeader,
    [...report.customers.map((c) => row(c.customerId, c.customerName ?? '', c)), row('TOTAL', '', report.total)],
    frenchSpreadsheet,
  );
}
