import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { invoiceInboxPrefixes } from '../../functions/invoice-inbox/prefixes';
import type { Alerts } from '../alerts/alerts';
import { FileQueue } from '../shared/file-queue';
import type { EncaisseFunction } from '../shared/function';
import { allowObjects, allowTable } from '../shared/grants';

export { invoiceInboxPrefixes };

export interface InvoiceInboxProps {
  readonly statementsBucket: s3.IBucket;
  readonly table: dynamodb.ITable;
  readonly inboxFunction: EncaisseFunction;
  readonly alerts: Alerts;
}

/** An e-invoice is small and read whole: 512 MB, one minute (a 20 MB file is the cap). */
export const INVOICE_INBOX_MEMORY_MB = 512;
export const INVOICE_INBOX_TIMEOUT = Duration.minutes(1);

/**
 * E-invoice dropped under invoices/inbox/ of the statements bucket -> S3 ObjectCreated notification -> SQS (SSE, SSL
 * only, DLQ after 3 receives) -> invoice-inbox Lambda, which moves the file to invoices/processed/ or
 * invoices/rejected/ (outside the notification's prefix: no loop); and the function's grants.
 */
export class InvoiceInbox extends Construct {
  readonly queue: FileQueue['queue'];
  readonly deadLetterQueue: FileQueue['deadLetterQueue'];

  constructor(scope: Construct, id: string, props: InvoiceInboxProps) {
    super(scope, id);
    const { statementsBucket, table, inboxFunction: f, alerts } = props;
    // 'Default' keeps the queues' logical ids (InvoiceInboxQueue..., InvoiceInboxDeadLetterQueue...) from before
    // FileQueue.
    const files = new FileQueue(this, 'Default', {
      bucket: statementsBucket,
      prefix: invoiceInboxPrefixes.inbox,
      fn: f,
      functionTimeout: INVOICE_INBOX_TIMEOUT,
      alerts,
      deadLetterAlarmId: 'InvoiceInboxDeadLetterQueueAlarm',
      deadLetterDescription:
        'An e-invoice file could not be handled after 3 attempts (invoice inbox dead-letter queue not empty).',
    });
    this.queue = files.queue;
    this.deadLetterQueue = files.deadLetterQueue;
    alerts.watchFunction(
      'InvoiceInbox',
      f,
      'The invoice-inbox function crashed or timed out: the e-invoice file is retried from the queue (dead-lettered ' +
        'after 3 attempts). A file that fails by an error is returned to the queue without this alarm: the ' +
        'dead-letter alarm reports it after its third attempt.',
    );

    // Read invoices/inbox/, move the file under invoices/processed/ or invoices/rejected/ with its report (copy +
    // delete), create or update the customer and the invoice, alert finance of a rejected file.
    const { inbox, processed, rejected } = invoiceInboxPrefixes;
    allowTable(f, table, 'readWrite');
    allowObjects(f, statementsBucket, { read: [inbox], write: [processed, rejected], delete: [inbox] });
    alerts.allowSendEmail(f);
  }
}
