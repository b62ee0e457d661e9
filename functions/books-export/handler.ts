import { z } from 'zod';
import { clock } from '../adapters/clock';
import { holidayCalendar, readEnv, settings } from '../adapters/config';
import { exportMonth } from '../adapters/db/exports';
import { putDocument } from '../adapters/documents';
import { booksFileName, firstBusinessDayOfMonth, periodOf, previousPeriod, renderBooks } from '../core/books';
import { localDate } from '../core/calendar';
import { lambda } from '../runtime';

/** A daily schedule's event (EventBridge Scheduler or a Scheduled Event): nothing in it is read. */
const ScheduleEvent = z.unknown();

export const BOOKS_PREFIX = 'books/';

/**
 * Daily schedule -> here. On the first business day of a month, the month before is exported (and so frozen in the
 * export ledger) and written to the documents bucket as books/<YYYY-MM>/ FEC and CSV files. Any other day it does
 * nothing. Running it twice writes the same bytes again.
 */
export const handler = lambda(
  {
    name: 'books-export',
    settings: ['TABLE_NAME', 'DOCUMENTS_BUCKET', 'BOOKS_ACCOUNTS', 'HOLIDAY_CALENDAR'],
    event: ScheduleEvent,
  },
  async (_event, log): Promise<{ period?: string; keys: string[] }> => {
    const now = clock().now();
    // the books' day is the Paris one (a run invoked by hand late in the evening, UTC, is already the next day there)
    const today = localDate(now, 'Europe/Paris');
    if (today !== firstBusinessDayOfMonth(today, holidayCalendar())) return { keys: [] };
    const period = previousPeriod(periodOf(today));
    const accounts = readEnv({ BOOKS_ACCOUNTS: settings.BOOKS_ACCOUNTS }).BOOKS_ACCOUNTS;
    const exp = await exportMonth(period, today, accounts, now.toISOString());
    const keys: string[] = [];
    for (const format of ['fec', 'csv'] as const) {
      const key = `${BOOKS_PREFIX}${period}/${booksFileName(period, format)}`;
      const body = renderBooks(exp, format, { code: accounts.journalCode, label: accounts.journalLabel });
      await putDocument(
        key,
        body,
        format === 'fec' ? 'text/tab-separated-values; charset=utf-8' : 'text/csv; charset=utf-8',
      );
      keys.push(key);
    }
    log.info('books exported', { period, entries: exp.entries.length, keys });
    // Receipts (and write-offs) in another currency than the books' are not in the file: finance books them by hand.
    if (exp.skipped.length > 0)
      log.warn('books export left out foreign-currency bookings', { period, skipped: exp.skipped });
    return { period, keys };
  },
);
