import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { Alerts } from '../alerts/alerts';
import { FailedEvents } from '../shared/failed-events';
import type { EncaisseFunction } from '../shared/function';
import { allowObjects, allowTable, allowTableItems } from '../shared/grants';

export interface BooksExportProps {
  readonly exportFunction: EncaisseFunction;
  readonly table: dynamodb.ITable;
  readonly documentsBucket: s3.IBucket;
  readonly alerts: Alerts;
}

/** Key prefix of the monthly books files in the documents bucket. */
export const booksPrefix = 'books/';

/**
 * Every day at 05:00 UTC (06:00 or 07:00 in Paris) the books-export function runs; on the first business day of a month
 * it writes the month before as FEC and CSV under books/<YYYY-MM>/ (functions/books-export/handler.ts).
 */
export class BooksExport extends Construct {
  constructor(scope: Construct, id: string, props: BooksExportProps) {
    super(scope, id);
    const { exportFunction: f, table, alerts } = props;
    new events.Rule(this, 'Daily', {
      description: 'encaisse: monthly books export (acts on the first business day of the month)',
      schedule: events.Schedule.cron({ minute: '0', hour: '5' }),
      targets: [new eventTargets.LambdaFunction(f.fn, { retryAttempts: 2 })],
    });
    new FailedEvents(this, 'FailedEvents', {
      fn: f,
      alerts,
      alarmId: 'BooksExportFailedEventsAlarm',
      description:
        'The monthly books export failed three times: its schedule event is kept in the queue (14 days). Invoke ' +
        'books-export again with it once the cause is fixed, then delete it.',
    });
    alerts.watchFunction(
      'BooksExport',
      f,
      "The monthly books export failed: the month's FEC may be missing under books/ (Lambda retries a failed run " +
        'twice).',
    );

    // Reads lettered transactions, invoices, customers and the export ledger; writes the ledger of a month (BOOKS#
    // items only) and its files under books/ of the documents bucket.
    allowTable(f, table, 'read');
    allowTableItems(f, table, ['dynamodb:PutItem'], ['BOOKS#']);
    allowObjects(f, props.documentsBucket, { write: [booksPrefix] });
  }
}
