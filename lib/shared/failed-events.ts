import { Duration } from 'aws-cdk-lib';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Alerts } from '../alerts/alerts';
import { keepingQueue } from './file-queue';
import type { EncaisseFunction } from './function';
import { acknowledge } from './nag';

export interface FailedEventsProps {
  readonly fn: EncaisseFunction;
  readonly alerts: Alerts;
  /** Id of the alarm on the queue's depth (kept per use so alarm ids stay stable). */
  readonly alarmId: string;
  /** What an event in the queue means and what to do, for the alarm e-mail. */
  readonly description: string;
}

/**
 * Where the events of an asynchronously invoked function (EventBridge rule, Scheduler) go when every run failed: Lambda
 * runs an event three times (two retries, within minutes; the rule's or the schedule's own retries cover only
 * delivering it), then the event would be dropped. It is kept 14 days in an encrypted queue instead, and its depth
 * raises an alarm: an operator reads what was missed and invokes the function again with it.
 */
export class FailedEvents extends Construct {
  readonly queue: sqs.Queue;

  constructor(scope: Construct, id: string, props: FailedEventsProps) {
    super(scope, id);
    this.queue = keepingQueue(this, 'Queue');
    props.fn.fn.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(this.queue),
    });
    props.alerts.alarm(props.alarmId, this.queue.metricApproximateNumberOfMessagesVisible(), props.description);
    acknowledge(
      this.queue,
      'AwsSolutions-SQS3',
      'This queue is itself where failed events end (a Lambda on-failure destination, read by an operator): a ' +
        'dead-letter queue of its own would only move them once more.',
    );
  }
}
