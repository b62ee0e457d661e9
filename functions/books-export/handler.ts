import { PutObjectCommand } from '@aws-sdk/client-s3';
import middy from '@middy/core';
import { s3 } from '../adapters/aws-clients';
import { clock } from '../adapters/clock';
import { readEnv, requireSettings, settings } from '../adapters/config';
import { exportMonth } from '../adapters/db/exports';
import { createLogger } from '../adapters/logger';
import { booksFileName, firstBusinessDayOfMonth, periodOf, previousPeriod, renderBooks } from '../core/books';
import { toIsoDate } from '../core/dates';

requireSettings(['TABLE_NAME', 'DOCUMENTS_BUCKET', 'BOOKS_ACCOUNTS']);

const log = createLogger('books-export');
export const BOOKS_PREFIX = 'books/';

/**
 * Daily schedule -> here. On the first business day of a month, the month before is exported (and so frozen in the
 * export ledger) and written to the documents bucket as books/<YYYY-MM>/ FEC and CSV files. Any other day it does
 * nothing. Running it twice writes the same bytes again.
 */
export const handler = middy(async (): Promise<{ period?: string; keys: string[] }> => {
  const now = clock().now();
  const today = toIsoDate(now);
  if (today !== firstBusinessDayOfMonth(today)) return { keys: [] };
  const period = previousPeriod(periodOf(today));
  const env = readEnv({ DOCUMENTS_BUCKET: settings.DOCUMENTS_BUCKET, BOOKS_ACCOUNTS: settings.BOOKS_ACCOUNTS });
  const accounts = env.BOOKS_ACCOUNTS;
  const exp = await exportMonth(period, today, accounts, now.toISOString());
  const keys: string[] = [];
  for (const format of ['fec', 'csv'] as const) {
    const key = `${BOOKS_PREFIX}${period}/${booksFileName(period, format)}`;
    const body = renderBooks(exp, format, { code: accounts.journalCode, label: accounts.journalLabel });
    await s3().send(
      new PutObjectCommand({
        Bucket: env.DOCUMENTS_BUCKET,
        Key: key,
        Body: body,
        ContentType: format === 'fec' ? 'text/tab-separated-values; charset=utf-8' : 'text/csv; charset=utf-8',
      }),
    );
    keys.push(key);
  }
  log.info('books exported', { period, entries: exp.entries.length, keys });
  return { period, keys };
});
