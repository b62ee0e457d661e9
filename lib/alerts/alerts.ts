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

export interface AlertsProps {
  /** Customer-managed key of the stack's operational data (alarm topic, state machine logs). */
  readonly key: kms.IKey;
  /** Subscribed by e-mail to the alarm topic (each address confirms once). */
  readonly alarmEmails: string[];
}

/**
 * Operational alerts: the SNS topic every CloudWatch alarm notifies, the SES configuration set all mail goes
 * through, and its event destination (the default EventBridge bus, so no second encrypted topic is needed
 * between SES and the ses-events function).
 */
export class Alerts extends Construct {
  readonly alarmTopic: sns.Topic;
  readonly configurationSet: ses.ConfigurationSet;
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

  constructor(scope: Construct, id: string, props: AlertsProps) {
    super(scope, id);

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
    for (const email of props.alarmEmails) {
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
  }

  /** An alarm that notifies the alarm topic (missing data = nothing happened = OK). */
  alarm(
    id: string,
    metric: cloudwatch.IMetric,
    description: string,
    threshold = 1,
    period = Duration.minutes(5),
  ): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric: 'with' in metric ? (metric as cloudwatch.Metric).with({ period }) : metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    alarm.addAlarmAction(new cwActions.SnsAction(this.alarmTopic));
    return alarm;
  }
}
