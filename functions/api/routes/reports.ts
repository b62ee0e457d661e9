import { z } from 'zod';
import { parisToday } from '../../adapters/clock';
import { settledInvoices } from '../../adapters/db/api-reads';
import { listAllCustomers as allCustomers } from '../../adapters/db/customers';
import { listAllInvoices as allInvoices } from '../../adapters/db/invoices';
import { addDays, IsoDate } from '../../core/dates';
import {
  AgedBalance,
  agedBalance,
  agedBalanceCsv,
  CashForecast,
  cashInForecast,
  DsoReport,
  dso,
  payerScore,
} from '../../core/reports';
import { validationProblem } from '../http';
import { offsetPage, route } from '../route';
import { common } from '../schemas';

const tag = 'Reports';
/** Customer lines of one JSON aged balance page: about 1 MB with 200-character names. */
export const AGED_BALANCE_MAX_LINES = 5000;

const AgedBalancePage = AgedBalance.extend({
  customerCount: z.number().int().describe('Customers owing in this currency, on every page'),
  nextCursor: z.string().optional().describe('The next page of customers, when there is one'),
});

const Currency = z
  .string()
  .regex(/^[A-Z]{3}$/)
  .default('EUR');
/** The report date by default: today in Paris, where finance closes its days (not the UTC date until 01:00/02:00). */
const today = parisToday;

export const reportRoutes = [
  route({
    method: 'GET',
    path: '/reports/aged-balance',
    operationId: 'agedBalance',
    tag,
    access: 'read',
    summary:
      'Aged balance ("balance âgée"): not due, 1-30, 31-60, 61-90, >90 days, per customer and total; JSON or CSV',
    query: z.object({
      asOf: IsoDate.optional().describe(
        'Default: today (Paris). Not before today: the open amounts are those of today, not those of a past date',
      ),
      currency: Currency,
      format: z.enum(['json', 'csv']).optional().describe('Default: JSON, or CSV when Accept is text/csv'),
      limit: z.coerce
        .number()
        .int()
        .min(1)
        .max(AGED_BALANCE_MAX_LINES)
        .default(AGED_BALANCE_MAX_LINES)
        .describe(`JSON: customers a page, largest total first, at most ${AGED_BALANCE_MAX_LINES} (the CSV has all)`),
      cursor: z.string().max(64).optional().describe('JSON: nextCursor of the previous page'),
    }),
    responses: {
      200: {
        description: 'The aged balance',
        schema: AgedBalancePage,
        alternatives: [
          {
            contentType: 'text/csv',
            description:
              'French spreadsheet CSV (";", decimal comma, BOM): Client;Nom du client;Factures;Non échu;1 à 30 jours;' +
              '31 à 60 jours;61 à 90 jours;Plus de 90 jours;Total;Dont en litige;Devise;Date de la balance, then TOTAL',
          },
        ],
      },
      ...common(),
    },
    handle: async ({ query, headers }) => {
      const asOf = query.asOf ?? today();
      // Paid, credited and written-off invoices are not read and open amounts are today's: a past date would age
      // today's receivables as if they were that day's, a figure no ledger held. Refused rather than wrong.
      if (asOf < today()) {
        throw validationProblem([
          { in: 'query', field: 'asOf', message: `before today (${today()}): only today's balance can be drawn` },
        ]);
      }
      const [invoices, customers] = await Promise.all([
        allInvoices(['open', 'partially_paid', 'in_collection']),
        allCustomers(),
      ]);
      const report = agedBalance({
        invoices,
        customerNames: new Map(customers.map((c) => [c.customerId, c.name])),
        asOf,
        currency: query.currency,
      });
      const csv = query.format === 'csv' || (query.format === undefined && /\btext\/csv\b/.test(headers.accept ?? ''));
      if (csv) {
        return {
          status: 200,
          text: agedBalanceCsv(report),
          contentType: 'text/csv; charset=utf-8',
          headers: { 'content-disposition': `attachment; filename="balance-agee-${asOf}.csv"` },
        };
      }
      // One page of customers (the total is the whole book's): a JSON line per customer of a large book would pass
      // API Gateway's 6 MB answer (50,000 customers owing: about 10 MB).
      const { items, nextCursor } = offsetPage(report.customers, query.cursor, query.limit);
      return {
        status: 200,
        body: {
          ...report,
          customers: items,
          customerCount: report.customers.length,
          ...(nextCursor ? { nextCursor } : {}),
        },
      };
    },
  }),
  route({
    method: 'GET',
    path: '/reports/dso',
    operationId: 'dso',
    tag,
    access: 'read',
    summary: 'DSO: receivables on the date over the sales of the period, times its days',
    query: z.object({
      asOf: IsoDate.optional(),
      periodDays: z.coerce.number().int().min(7).max(366).default(90),
      currency: Currency,
    }),
    responses: { 200: { description: 'DSO', schema: DsoReport }, ...common() },
    handle: async ({ query }) => {
      const asOf = query.asOf ?? today();
      // An invoice issued in the period is due in it or later: its due date bounds the read.
      const invoices = await allInvoices(
        ['open', 'partially_paid', 'in_collection', 'paid', 'written_off', 'credited'],
        addDays(asOf, -query.periodDays),
      );
      const receivables = await allInvoices(['open', 'partially_paid', 'in_collection']);
      const byId = new Map([...invoices, ...receivables].map((i) => [i.invoiceId, i]));
      return {
        status: 200,
        body: dso({ invoices: byId.values(), asOf, periodDays: query.periodDays, currency: query.currency }),
      };
    },
  }),
  route({
    method: 'GET',
    path: '/reports/cash-forecast',
    operationId: 'cashForecast',
    tag,
    access: 'read',
    summary: 'Weekly cash-in forecast from open invoices and each customer’s observed payment delay (last 12 months)',
    query: z.object({
      asOf: IsoDate.optional(),
      weeks: z.coerce.number().int().min(1).max(52).default(12),
      currency: Currency,
    }),
    responses: { 200: { description: 'Forecast', schema: CashForecast }, ...common() },
    handle: async ({ query }) => {
      const asOf = query.asOf ?? today();
      const [open, paid] = await Promise.all([
        allInvoices(['open', 'partially_paid', 'in_collection']),
        allInvoices(['paid'], addDays(asOf, -365)),
      ]);
      const settled = await settledInvoices(paid);
      const byCustomer = new Map<string, typeof settled>();
      for (const s of settled) byCustomer.set(s.customerId, [...(byCustomer.get(s.customerId) ?? []), s]);
      const delays = new Map<string, number>();
      for (const [customerId, list] of byCustomer) {
        const score = payerScore({ customerId, settled: list });
        if (score.averageDelayDays !== null) delays.set(customerId, score.averageDelayDays);
      }
      return {
        status: 200,
        body: cashInForecast({
          invoices: open,
          averageDelayDays: delays,
          asOf,
          weeks: query.weeks,
          currency: query.currency,
        }),
      };
    },
  }),
];
