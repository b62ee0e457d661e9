import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import type { Alerts } from '../alerts/alerts';
import type { EncaisseFunction } from '../shared/function';

export interface BooksExportProps {
  readonly exportFunction: EncaisseFunction;
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
    new events.Rule(this, 'Daily', {
      description: 'encaisse: monthly books export (acts on the first business day of the month)',
      schedule: events.Schedule.cron({ minute: '0', hour: '5' }),
      targets: [new eventTargets.LambdaFunction(props.exportFunction.fn, { retryAttempts: 2 })],
    });
    props.alerts.alarm(
      'BooksExportErrorsAlarm',
      props.exportFunction.fn.metricErrors(),
      'The monthly books export failed.',
    );
  }
}
