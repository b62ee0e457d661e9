import { z } from 'zod';
import { clock } from '../../adapters/clock';
import { readEnv, settings } from '../../adapters/config';
import { encaissementsBetween, exportMonth } from '../../adapters/db/exports';
import {
  booksFileName,
  Encaissement,
  ExportOrderError,
  encaissementsCsv,
  Period,
  periodEnd,
  periodStart,
  renderBooks,
} from '../../core/books';
import { toIsoDate } from '../../core/dates';
import { HttpProblem } from '../http';
import { route } from '../route';
import { common } from '../schemas';

const tag = 'Exports';
const booksAccounts = () => readEnv({ BOOKS_ACCOUNTS: settings.BOOKS_ACCOUNTS }).BOOKS_ACCOUNTS;

export const exportRoutes = [
  route({
    method: 'GET',
    path: '/exports/fec',
    operationId: 'exportBooks',
    tag,
    access: 'read',
    summary:
      'What encaisse lettered in a month, as bank-journal entries for the books: FEC (article A47 A-1 LPF) or CSV. ' +
      'A month that is over is frozen at its first export: the same bytes every time; what changed after it is ' +
      'reversed in the next month',
    query: z.object({
      period: Period.describe('The month, YYYY-MM'),
      format: z
        .enum(['fec', 'csv'])
        .default('fec')
        .describe('fec: tab-separated, dates AAAAMMJJ, decimal comma; csv: the same columns separated by ";"'),
    }),
    responses: {
      200: {
        description:
          'The file; header x-encaisse-export-status says closed (frozen) or provisional (the month is not over)',
        contentType: 'text/tab-separated-values',
        alternatives: [{ contentType: 'text/csv', description: 'The CSV variant' }],
      },
      ...common(409),
    },
    handle: async ({ query }) => {
      const accounts = booksAccounts();
      const now = clock().now();
      const exp = await exportMonth(query.period, toIsoDate(now), accounts, now.toISOString()).catch((err: unknown) => {
        if (err instanceof ExportOrderError) throw new HttpProblem('state-conflict', err.message);
        throw err;
      });
      const text = renderBooks(exp, query.format, { code: accounts.journalCode, label: accounts.journalLabel });
      return {
        status: 200,
        text,
        contentType: `${query.format === 'fec' ? 'text/tab-separated-values' : 'text/csv'}; charset=utf-8`,
        headers: {
          'content-disposition': `attachment; filename="${booksFileName(query.period, query.format)}"`,
          'x-encaisse-export-status': exp.status,
        },
      };
    },
  }),
  route({
    method: 'GET',
    path: '/exports/encaissements',
    operationId: 'exportEncaissements',
    tag,
    access: 'read',
    summary:
      'Invoices fully paid ("encaissées") in a month, with the date and amount collected: the status the ' +
      'e-invoicing platforms exchange',
    query: z.object({ period: Period.describe('The month, YYYY-MM'), format: z.enum(['json', 'csv']).default('json') }),
    responses: {
      200: {
        description: 'One line per invoice encaissée, in date order',
        schema: z.object({ period: Period, items: z.array(Encaissement) }),
        alternatives: [
          {
            contentType: 'text/csv',
            description:
              'invoice_id;customer_id;customer_name;currency;invoice_amount;status;collected_on;collected_amount',
          },
        ],
      },
      ...common(),
    },
    handle: async ({ query }) => {
      const items = await encaissementsBetween(periodStart(query.period), periodEnd(query.period));
      if (query.format === 'csv') {
        return {
          status: 200,
          text: encaissementsCsv(items),
          contentType: 'text/csv; charset=utf-8',
          headers: { 'content-disposition': `attachment; filename="encaissements-${query.period}.csv"` },
        };
      }
      return { status: 200, body: { period: query.period, items } };
    },
  }),
];
