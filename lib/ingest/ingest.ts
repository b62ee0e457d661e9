import { Duration } from 'aws-cdk-lib';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Alerts } from '../alerts/alerts';
import type { EncaisseFunction } from '../shared/function';
import { statementPrefixes } from '../storage/storage';

export interface IngestProps {
  readonly statementsBucket: s3.IBucket;
  readonly ingestFunction: EncaisseFunction;
  readonly alerts: Alerts;
}

/** Function timeout of ingest; the queue's visibility timeout is six times it, as Lambda recommends. */
export const INGEST_TIMEOUT = Duration.minutes(5);

/**
 * Statement file dropped under inbox/ -> S3 ObjectCreated notification -> SQS (SSE, SSL only, DLQ after
 * 3 receives) -> ingest Lambda (batch, partial batch failures reported so one bad file does not replay the others).
 */
export class Ingest extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: IngestProps) {
    super(scope, id);

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(INGEST_TIMEOUT.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 3 },
    });

    props.statementsBucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SqsDestination(this.queue), {
      prefix: statementPrefixes.inbox,
    });

    props.ingestFunction.fn.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: 5,
        maxBatchingWindow: Duration.seconds(5),
        reportBatchItemFailures: true,
      }),
    );

    props.alerts.alarm(
      'DeadLetterQueueAlarm',
      this.deadLetterQueue.metricApproximateNumberOfMessagesVisible(),
      'A statement file could not be ingested after 3 attempts (ingest dead-letter queue not empty).',
    );
    props.alerts.alarm('IngestErrorsAlarm', props.ingestFunction.fn.metricErrors(), 'The ingest function failed.');
  }
}
