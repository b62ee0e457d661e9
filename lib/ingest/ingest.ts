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

/**
 * Ingest streams the statement file from S3 (functions/ingest/read-inbox-file.ts). CFONB, camt and MT940 are parsed
 * chunk by chunk and, past statementMaxEntries, only counted: a 200 MB file of those peaks near 250 MB RSS under a
 * 400 MB heap cap (`npm run bench:limit`, README "Figures"). OFX and CSV are still parsed from one text, so the size
 * limit (10 MB, setting statementMaxBytes) and this memory are chosen for them: the worst case measured is a CSV of
 * 18-byte rows, near 600 MB at 10 MB. 1024 MB, and 5 minutes for a large file with its matching and writes.
 */
export const INGEST_MEMORY_MB = 1024;
export const INGEST_TIMEOUT = Duration.minutes(5);
/** One file per invocation: each file gets the whole timeout and memory, and a failure retries that file only. */
export const INGEST_BATCH_SIZE = 1;
/** AWS guidance for an SQS event source: visibility timeout at least six times the function timeout. */
export const INGEST_VISIBILITY_TIMEOUT = Duration.seconds(INGEST_TIMEOUT.toSeconds() * 6);

/**
 * Statement file dropped under inbox/ -> S3 ObjectCreated notification -> SQS (SSE, SSL only, DLQ after
 * 3 receives) -> ingest Lambda (one message at a time; partial batch failures reported, so a message holding several
 * records retries only those that failed).
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
      visibilityTimeout: INGEST_VISIBILITY_TIMEOUT,
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 3 },
    });

    props.statementsBucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SqsDestination(this.queue), {
      prefix: statementPrefixes.inbox,
    });

    props.ingestFunction.fn.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: INGEST_BATCH_SIZE,
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
