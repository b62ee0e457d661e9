import { Duration } from 'aws-cdk-lib';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Alerts } from '../alerts/alerts';
import type { EncaisseFunction } from './function';

export interface FileQueueProps {
  readonly bucket: s3.IBucket;
  /** Key prefix whose created objects are queued (the function moves each file out of it: no loop). */
  readonly prefix: string;
  readonly fn: EncaisseFunction;
  /** The function's timeout: the queue hides a message six times as long (AWS guidance for SQS event sources). */
  readonly functionTimeout: Duration;
  readonly alerts: Alerts;
  /** Id of the dead-letter alarm in the alarm topic's construct (kept per use so alarm ids stay stable). */
  readonly deadLetterAlarmId: string;
  /** What a message in the dead-letter queue means, for the alarm e-mail. */
  readonly deadLetterDescription: string;
}

/** Receives before a message goes to the dead-letter queue. */
export const MAX_RECEIVE_COUNT = 3;
/** One file per invocation: each file gets the whole timeout and memory, and a failure retries that file only. */
export const FILE_BATCH_SIZE = 1;

/** Where failed messages or events are kept for a person: 14 days, encrypted (SSE-SQS), TLS only. */
export function keepingQueue(scope: Construct, id: string): sqs.Queue {
  return new sqs.Queue(scope, id, {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
}

/**
 * A file dropped under a prefix of a bucket -> S3 ObjectCreated notification -> SQS (SSE-SQS, TLS only, DLQ after 3
 * receives, kept 14 days) -> a Lambda, one file per invocation, reporting partial batch failures; an alarm on the
 * dead-letter queue's depth. Used by the statement ingest and the e-invoice inbox.
 */
export class FileQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: FileQueueProps) {
    super(scope, id);
    this.deadLetterQueue = keepingQueue(this, 'DeadLetterQueue');
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(props.functionTimeout.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
    });
    props.bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SqsDestination(this.queue), {
      prefix: props.prefix,
    });
    props.fn.fn.addEventSource(
      new SqsEventSource(this.queue, { batchSize: FILE_BATCH_SIZE, reportBatchItemFailures: true }),
    );
    props.alerts.alarm(
      props.deadLetterAlarmId,
      this.deadLetterQueue.metricApproximateNumberOfMessagesVisible(),
      props.deadLetterDescription,
    );
  }
}
