import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import { FailedEvents } from '../shared/failed-events';
import type { EncaisseFunction } from '../shared/function';
import { allowTable } from '../shared/grants';
import type { Alerts } from './alerts';

export interface SesEventsProps {
  readonly sesEventsFunction: EncaisseFunction;
  readonly table: dynamodb.ITable;
  readonly alerts: Alerts;
}

/**
 * SES events (delivery, bounce, complaint, open...) of mail sent with the encaisse configuration set, from the default
 * EventBridge bus to the ses-events function, which records them in the invoice history.
 */
export class SesEvents extends Construct {
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: SesEventsProps) {
    super(scope, id);
    const { sesEventsFunction: f, alerts } = props;
    this.rule = new events.Rule(this, 'Rule', {
      description: 'encaisse: SES events of mail sent with the encaisse configuration set',
      eventPattern: {
        source: ['aws.ses'],
        detail: { mail: { tags: { 'ses:configuration-set': [alerts.configurationSet.configurationSetName] } } },
      },
      targets: [new eventTargets.LambdaFunction(f.fn, { retryAttempts: 8, maxEventAge: Duration.hours(12) })],
    });
    new FailedEvents(this, 'FailedEvents', {
      fn: f,
      alerts,
      alarmId: 'SesEventsFailedEventsAlarm',
      description:
        'An SES event (bounce, complaint, delivery) could not be recorded three times: it is kept in the queue (14 ' +
        'days). Invoke ses-events again with it once the cause is fixed, then delete it.',
    });
    alerts.watchFunction(
      'SesEvents',
      f,
      'The ses-events function failed: a bounce or complaint may be missing from an invoice history (Lambda retries ' +
        'a failed run twice, within minutes; EventBridge retries for 12 hours only a delivery it could not make).',
    );

    // Updates the invoice history (a hard bounce switches the next step to a person) and alerts finance of hard
    // bounces and complaints.
    allowTable(f, props.table, 'readWrite');
    alerts.allowSendEmail(f);
  }
}
