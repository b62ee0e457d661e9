import { Duration } from 'aws-cdk-lib';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { invoiceInboxPrefixes } from '../../functions/invoice-inbox/prefixes';
import type { Alerts } from '../alerts/alerts';
import type { EncaisseFunction } from '../shared/function';

export { invoiceInboxPrefixes };

export interface InvoiceInboxProps {
  readonly statementsBucket: s3.IBucket;
  readonly inboxFunction: EncaisseFunction;
  readonly alerts: Alerts;
}

/** An e-invoice is small and read whole: 512 MB, one minute (a 20 MB file is the cap). */
export const INVOICE_INBOX_MEMORY_MB = 512;
export const INVOICE_INBOX_TIMEOUT = Duration.minutes(1);

/**
 * E-invoice dropped under invoices/inbox/ of the statements bucket -> S3 ObjectCreated notification -> SQS (SSE, SSL
 * only, DLQ after 3 receives) -> invoice-inbox Lambda, which moves the file to invoices/processed/ or
 * invoices/rejected/ (outside the notification's prefix: no loop).
 */
export class InvoiceInbox extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: InvoiceInboxProps) {
    super(scope, id);
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(INVOICE_INBOX_TIMEOUT.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 3 },
    });
    props.statementsBucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SqsDestination(this.queue), {
      prefix: invoiceInboxPrefixes.inbox,
    });
    props.inboxFunction.fn.addEventSource(
      new SqsEventSource(this.queue, { batchSize: 1, reportBatchItemFailures: true }),
    );
    props.alerts.alarm(
      'InvoiceInboxDeadLetterQueueAlarm',
      this.deadLetterQueue.metricApproximateNumberOfMessagesVisible(),
      'An e-invoice file could not be handled after 3 attempts (invoice inbox dead-letter queue not empty).',
    );
    props.alerts.alarm(
      'InvoiceInboxErrorsAlarm',
      props.inboxFunction.fn.metricErrors(),
      'The invoice-inbox function failed.',
    );
  }
}
