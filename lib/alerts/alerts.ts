import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { EncaisseFunction } from '../shared/function';
import { allowSendEmail } from '../shared/grants';

export interface AlertsProps {
  /** Customer-managed key of the stack's operational data (alarm topic, state machine logs). */
  readonly key: kms.IKey;
  /** Subscribed by e-mail to the alarm topic (each address confirms once); duplicates are subscribed once. */
  readonly alarmEmails: string[];
  /** From: address of every e-mail encaisse sends (a verified SES identity, or an address of a verified domain). */
  readonly senderEmail: string;
}

/** How an alarm compares its metric; the defaults are the common case (one 5-minute period, at or above 1). */
export interface AlarmOptions {
  readonly threshold?: number;
  readonly period?: Duration;
  readonly comparison?: cloudwatch.ComparisonOperator;
  readonly evaluationPeriods?: number;
  readonly datapointsToAlarm?: number;
  /** @default NOT_BREACHING: no data means nothing happened (no failure, no message in a queue). */
  readonly treatMissingData?: cloudwatch.TreatMissingData;
}

/**
 * SES reputation thresholds at which AWS puts an account under review (bounce rate 5 %, complaint rate 0.1 %); the
 * metrics are ratios (0.05 = 5 %), account-wide, published by SES whether or not the configuration set is used.
 */
export const SES_REVIEW_BOUNCE_RATE = 0.05;
export const SES_REVIEW_COMPLAINT_RATE = 0.001;

/**
 * Operational alerts: the one SNS topic every CloudWatch alarm notifies (operators subscribed), the SES configuration
 * set all mail goes through, its event destination (the default EventBridge bus, so no second encrypted topic is
 * needed between SES and the ses-events function), and the account's SES reputation alarms.
 */
export class Alerts extends Construct {
  readonly alarmTopic: sns.Topic;
  readonly configurationSet: ses.ConfigurationSet;
  /** Every alarm of the stack, in creation order (the dashboard shows their state). */
  readonly alarms: cloudwatch.Alarm[] = [];
  /** Events SES publishes for mail sent with the configuration set (to the default bus). */
  readonly sesEventTypes: ses.EmailSendingEvent[] = [
    ses.EmailSendingEvent.SEND,
    ses.EmailSendingEvent.DELIVERY,
    ses.EmailSendingEvent.BOUNCE,
    ses.EmailSendingEvent.COMPLAINT,
    ses.EmailSendingEvent.REJECT,
    ses.EmailSendingEvent.DELIVERY_DELAY,
    ses.EmailSendingEvent.RENDERING_FAILURE,
    ses.EmailSendingEvent.OPEN,
  ];
  private readonly senderEmail: string;
  private readonly watched = new Set<EncaisseFunction>();

  constructor(scope: Construct, id: string, props: AlertsProps) {
    super(scope, id);
    this.senderEmail = props.senderEmail;

    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'encaisse alarms',
      masterKey: props.key,
      enforceSSL: true,
    });
    // CloudWatch must be able to publish to the encrypted topic.
    props.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublishToEncryptedTopic',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    for (const email of new Set(props.alarmEmails.map((e) => e.toLowerCase()))) {
      this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(email));
    }

    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      reputationMetrics: true,
      sendingEnabled: true,
      tlsPolicy: ses.ConfigurationSetTlsPolicy.REQUIRE,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    this.configurationSet.addEventDestination('ToEventBridge', {
      destination: ses.EventDestination.eventBus(events.EventBus.fromEventBusName(this, 'DefaultBus', 'default')),
      events: this.sesEventTypes,
    });

    // Account-level reputation (the rates SES itself judges the account by). An hour's maximum: the rates move
    // slowly (SES computes them over a representative volume of recent mail), and any hour above the line matters.
    const reputation = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/SES',
        metricName,
        statistic: cloudwatch.Stats.MAXIMUM,
        period: Duration.hours(1),
      });
    const above = { comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD, period: Duration.hours(1) };
    this.alarm(
      'SesBounceRateAlarm',
      reputation('Reputation.BounceRate'),
      'SES bounce rate of the account above 5 %: SES puts the account under review (sending paused at 10 %).',
      { ...above, threshold: SES_REVIEW_BOUNCE_RATE },
    );
    this.alarm(
      'SesComplaintRateAlarm',
      reputation('Reputation.ComplaintRate'),
      'SES complaint rate of the account above 0.1 %: SES puts the account under review (sending paused at 0.5 %).',
      { ...above, threshold: SES_REVIEW_COMPLAINT_RATE },
    );
  }

  /** An alarm that notifies the alarm topic; by default: one 5-minute period at or above 1, missing data = OK. */
  alarm(id: string, metric: cloudwatch.IMetric, description: string, options: AlarmOptions = {}): cloudwatch.Alarm {
    const period = options.period ?? Duration.minutes(5);
    const alarm = new cloudwatch.Alarm(this, id, {
      metric: metric instanceof cloudwatch.Metric ? metric.with({ period }) : metric,
      threshold: options.threshold ?? 1,
      evaluationPeriods: options.evaluationPeriods ?? 1,
      datapointsToAlarm: options.datapointsToAlarm,
      comparisonOperator: options.comparison ?? cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: options.treatMissingData ?? cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    alarm.addAlarmAction(new cwActions.SnsAction(this.alarmTopic));
    this.alarms.push(alarm);
    return alarm;
  }

  /**
   * Throttles of a function (`<prefix>ThrottlesAlarm`) and, when `failing` says what a failure means to the business,
   * its errors (`<prefix>ErrorsAlarm`). Functions the state machine invokes pass no `failing`: they throw by design to
   * make a Task retry (DispatchInProgress, SendUnconfirmed), and a real failure surfaces as a failed execution.
   * Once per function: the construct that wires it calls this.
   */
  watchFunction(prefix: string, f: EncaisseFunction, failing?: string): void {
    if (this.watched.has(f)) throw new Error(`${f.node.path} is already watched`);
    this.watched.add(f);
    if (failing) this.alarm(`${prefix}ErrorsAlarm`, f.fn.metricErrors(), failing);
    this.alarm(
      `${prefix}ThrottlesAlarm`,
      f.fn.metricThrottles(),
      `The ${f.name} function was throttled (account concurrency exhausted): its invocations are delayed or, past ` +
        `their retries, lost.`,
    );
  }

  /** Functions whose errors and throttles raise alarms. */
  get watchedFunctions(): EncaisseFunction[] {
    return [...this.watched];
  }

  /** ses:SendEmail from the sender identity, with this configuration set only. */
  allowSendEmail(f: EncaisseFunction): void {
    allowSendEmail(f, this.senderEmail, this.configurationSet.configurationSetName);
  }
}
