import { describe, expect, it } from 'vitest';
import { businessMetricNames } from '../../lib/monitoring/business-metrics';
import { functionNames } from '../../lib/shared/function';
import { type CfnTemplate, flat, functionId, resourcesOfType, synthesizeForAssertions } from './support';

// One synthesis with the demo settings; one more below for the finance subscription.
const { json } = synthesizeForAssertions();

type Alarm = Record<string, any> & { id: string };
const alarms: Alarm[] = resourcesOfType(json, 'AWS::CloudWatch::Alarm').map(([id, a]) => ({ ...a.Properties, id }));
const [[topicId, topic]] = resourcesOfType(json, 'AWS::SNS::Topic');
const dimensionsOf = (a: (typeof alarms)[number]) =>
  Object.fromEntries(((a.Dimensions ?? []) as { Name: string; Value: unknown }[]).map((d) => [d.Name, flat(d.Value)]));
/** The alarms on one metric (namespace/name) whose dimensions include the given ones. */
const alarmsOn = (namespace: string, metricName: string, dimensions: Record<string, RegExp | string> = {}) =>
  alarms.filter(
    (a) =>
      a.Namespace === namespace &&
      a.MetricName === metricName &&
      Object.entries(dimensions).every(([k, v]) =>
        typeof v === 'string' ? dimensionsOf(a)[k] === v : v.test(dimensionsOf(a)[k] ?? ''),
      ),
  );
const theAlarmOn = (namespace: string, metricName: string, dimensions: Record<string, RegExp | string> = {}) => {
  const found = alarmsOn(namespace, metricName, dimensions);
  expect(found, `${namespace} ${metricName} ${JSON.stringify(dimensions)}`).toHaveLength(1);
  return found[0];
};
const fnRef = (name: string) => `<${functionId(json, name)}>`;
const queueNames = () => {
  const dlqs = resourcesOfType(json, 'AWS::SQS::Queue').filter(([id]) => id.includes('DeadLetterQueue'));
  return Object.fromEntries(
    dlqs.map(([id]) => [id.startsWith('InvoiceInbox') ? 'invoice-inbox' : 'ingest', `<${id}.QueueName>`]),
  );
};

describe('alarms: one KMS-encrypted topic for operators', () => {
  it('the stack has one SNS topic, encrypted with the operations key, and every alarm notifies it and only it', () => {
    expect(resourcesOfType(json, 'AWS::SNS::Topic')).toHaveLength(1);
    expect(flat(topic.Properties!.KmsMasterKeyId)).toMatch(/^<OperationsKey\w+\.Arn>$/);
    expect(alarms.length).toBeGreaterThan(0);
    for (const a of alarms) {
      expect(a.AlarmActions.map(flat), a.id).toEqual([`<${topicId}>`]);
      expect(a.AlarmDescription?.length ?? 0, a.id).toBeGreaterThan(30);
    }
  });

  it('the operators of the settings are subscribed by e-mail; finance is not, unless asked', () => {
    const subscriptions = resourcesOfType(json, 'AWS::SNS::Subscription').map(([, s]) => s.Properties!);
    expect(subscriptions.map((s) => [s.Protocol, s.Endpoint, flat(s.TopicArn)])).toEqual([
      ['email', 'exploitation@encaisse.example.fr', `<${topicId}>`],
    ]);
  });

  it('with subscribeFinanceToAlarms finance is subscribed too, and an address in both lists only once', () => {
    const other = synthesizeForAssertions({
      subscribeFinanceToAlarms: true,
      operatorEmails: 'ops@encaisse.example.fr, Finance@encaisse.example.fr',
    }).json as CfnTemplate;
    const endpoints = resourcesOfType(other, 'AWS::SNS::Subscription')
      .map(([, s]) => s.Properties!.Endpoint)
      .sort();
    expect(endpoints).toEqual(['finance@encaisse.example.fr', 'ops@encaisse.example.fr']);
  });

  it('no two alarms watch the same metric the same way', () => {
    const keys = alarms.map((a) =>
      JSON.stringify([a.Namespace, a.MetricName, dimensionsOf(a), a.ComparisonOperator, a.Threshold]),
    );
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('alarms: what each watches, and when it fires', () => {
  it('a message in either dead-letter queue (ingest, invoice inbox) raises an alarm within 5 minutes', () => {
    for (const [which, queueName] of Object.entries(queueNames())) {
      const a = theAlarmOn('AWS/SQS', 'ApproximateNumberOfMessagesVisible', { QueueName: queueName });
      expect([a.Statistic, a.Period, a.Threshold, a.ComparisonOperator, a.EvaluationPeriods], which).toEqual([
        'Maximum',
        300,
        1,
        'GreaterThanOrEqualToThreshold',
        1,
      ]);
    }
    expect(Object.keys(queueNames()).sort()).toEqual(['ingest', 'invoice-inbox']);
  });

  it('a failed or timed-out dunning execution raises an alarm', () => {
    for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut']) {
      const a = theAlarmOn('AWS/States', metric, { StateMachineArn: /^<DunningStateMachine\w+>$/ });
      expect([a.Statistic, a.Period, a.Threshold, a.ComparisonOperator], metric).toEqual([
        'Sum',
        300,
        1,
        'GreaterThanOrEqualToThreshold',
      ]);
    }
  });

  it('three rejected statement files within an hour raise an alarm (business metric, no data = no file = OK)', () => {
    const a = theAlarmOn('Encaisse', 'StatementsRejected', { service: 'encaisse' });
    expect(dimensionsOf(a)).toEqual({ service: 'encaisse' });
    expect([a.Statistic, a.Period, a.Threshold, a.ComparisonOperator, a.TreatMissingData]).toEqual([
      'Sum',
      3600,
      3,
      'GreaterThanOrEqualToThreshold',
      'notBreaching',
    ]);
  });

  it('a day whose statements average an auto-match rate under 50 % raises an alarm (no statement = OK)', () => {
    const a = theAlarmOn('Encaisse', 'AutoMatchRate', { service: 'encaisse' });
    expect([a.Statistic, a.Period, a.Threshold, a.ComparisonOperator, a.TreatMissingData]).toEqual([
      'Average',
      86400,
      50,
      'LessThanThreshold',
      'notBreaching',
    ]);
  });

  it(
    'the account’s SES bounce rate above 5 % and complaint rate above 0.1 % raise alarms (SES review ' + 'thresholds)',
    () => {
      const bounce = theAlarmOn('AWS/SES', 'Reputation.BounceRate');
      const complaint = theAlarmOn('AWS/SES', 'Reputation.ComplaintRate');
      for (const a of [bounce, complaint]) {
        expect(a.Dimensions, a.id).toBeUndefined(); // account level
        expect([a.Statistic, a.Period, a.ComparisonOperator], a.id).toEqual(['Maximum', 3600, 'GreaterThanThreshold']);
      }
      expect(bounce.Threshold).toBe(0.05);
      expect(complaint.Threshold).toBe(0.001);
    },
  );

  it('the admin API raises an alarm on three 5xx in 5 minutes and on a p99 latency above 3 s for 15 minutes', () => {
    const apiId = /^<AdminApiHttpApi\w+>$/;
    const errors = theAlarmOn('AWS/ApiGateway', '5xx', { ApiId: apiId });
    expect([errors.Statistic, errors.Period, errors.Threshold, errors.ComparisonOperator]).toEqual([
      'Sum',
      300,
      3,
      'GreaterThanOrEqualToThreshold',
    ]);
    const latency = theAlarmOn('AWS/ApiGateway', 'Latency', { ApiId: apiId });
    expect([latency.ExtendedStatistic, latency.Period, latency.Threshold, latency.ComparisonOperator]).toEqual([
      'p99',
      300,
      3000,
      'GreaterThanThreshold',
    ]);
    expect([latency.EvaluationPeriods, latency.DatapointsToAlarm]).toEqual([3, 3]);
  });

  it('every function raises an alarm when throttled', () => {
    for (const name of functionNames) {
      const a = theAlarmOn('AWS/Lambda', 'Throttles', { FunctionName: fnRef(name) });
      expect([a.Statistic, a.Threshold, a.ComparisonOperator], name).toEqual([
        'Sum',
        1,
        'GreaterThanOrEqualToThreshold',
      ]);
    }
  });

  it(
    'every function raises an alarm on an error, but those the state machine invokes (their failures are failed ' +
      'executions)',
    () => {
      const invokedByTheMachine = ['dunning-plan', 'dunning-step', 'dunning-dispatch', 'dunning-pause'];
      for (const name of functionNames) {
        const found = alarmsOn('AWS/Lambda', 'Errors', { FunctionName: fnRef(name) });
        expect(found.length, name).toBe(invokedByTheMachine.includes(name) ? 0 : 1);
        for (const a of found) expect([a.Statistic, a.Threshold], name).toEqual(['Sum', 1]);
      }
    },
  );

  it(
    'an event every run of an asynchronously invoked function failed is kept in an encrypted queue, whose depth ' +
      'raises an alarm',
    () => {
      const configs = resourcesOfType(json, 'AWS::Lambda::EventInvokeConfig');
      const invoked = ['sweep', 'failure-alert', 'books-export', 'ses-events'];
      expect(configs.map(([, c]) => flat(c.Properties!.FunctionName)).sort()).toEqual(
        invoked.map((name) => fnRef(name)).sort(),
      );
      for (const [, c] of configs) {
        expect(c.Properties!.MaximumRetryAttempts).toBe(2);
        const queueId = c.Properties!.DestinationConfig.OnFailure.Destination['Fn::GetAtt'][0];
        expect(json.Resources[queueId].Properties!.SqsManagedSseEnabled).toBe(true);
        expect(
          alarmsOn('AWS/SQS', 'ApproximateNumberOfMessagesVisible', { QueueName: `<${queueId}.QueueName>` }),
        ).toHaveLength(1);
      }
    },
  );

  it('the stack has exactly these alarms', () => {
    // 2 DLQ + 4 failed events + 2 executions + 2 business + 2 SES + 2 API + 12 throttles + 8 errors
    expect(alarms).toHaveLength(2 + 4 + 2 + 2 + 2 + 2 + functionNames.length + 8);
  });
});

describe('the operations dashboard', () => {
  const dashboards = resourcesOfType(json, 'AWS::CloudWatch::Dashboard');
  const body = JSON.parse(flat(dashboards[0][1].Properties!.DashboardBody)) as {
    widgets: { type: string; properties: { title?: string; metrics?: unknown[][]; alarms?: string[] } }[];
  };
  const titles = body.widgets.map((w) => w.properties.title);
  const metricsText = JSON.stringify(body.widgets.map((w) => w.properties.metrics ?? []));

  it('is one dashboard, named after the stack', () => {
    expect(dashboards).toHaveLength(1);
    expect(dashboards[0][1].Properties!.DashboardName).toBe('Encaisse-operations');
  });

  it('opens on the state of every alarm of the stack', () => {
    const status = body.widgets.find((w) => w.type === 'alarm')!;
    expect(status.properties.alarms!.slice().sort()).toEqual(alarms.map((a) => `<${a.id}.Arn>`).sort());
  });

  it('shows each business metric of the contract, reminders per level and API errors per route', () => {
    expect(titles).toEqual([
      'Alarms (runbook: lib/README.md)',
      'Statements (per day)',
      'Transactions by outcome (per day)',
      'Auto-match rate, % (average of the day’s statements)',
      'Reminders sent per level (per day)',
      'Formal notices and agency handoffs (per day)',
      'E-mail bounces and complaints (per day)',
      'Workflow failures (per day)',
      'API errors by route (per day)',
      'Dead-letter queues (messages)',
      'Dunning executions',
      'Admin API answers',
      'Admin API latency (ms)',
      'Function errors',
      'Function throttles',
    ]);
    for (const name of businessMetricNames)
      expect(metricsText, name).toContain(`"Encaisse","${name}","service","encaisse"`);
    const isExpression = (x: unknown): x is { expression: string } =>
      typeof x === 'object' && x !== null && 'expression' in x;
    const searches = body.widgets.flatMap((w) => (w.properties.metrics ?? []).flatMap((m) => m.filter(isExpression)));
    expect(searches.map((x) => x.expression)).toEqual([
      `SEARCH('{Encaisse,level,service} MetricName="RemindersSent" service="encaisse"', 'Sum', 86400)`,
      `SEARCH('{Encaisse,route,service} MetricName="ApiErrors" service="encaisse"', 'Sum', 86400)`,
    ]);
  });

  it('shows both dead-letter queues, failed executions, API 5xx and p99 latency, and errors of every function', () => {
    for (const queueName of Object.values(queueNames())) expect(metricsText).toContain(queueName);
    expect(metricsText).toContain('"AWS/States","ExecutionsFailed"');
    expect(metricsText).toContain('"AWS/ApiGateway","5xx"');
    expect(metricsText).toMatch(/"AWS\/ApiGateway","Latency".*"stat":"p99"/);
    const errors = body.widgets.find((w) => w.properties.title === 'Function errors')!;
    expect(JSON.stringify(errors.properties.metrics).match(/"Errors"/g)).toHaveLength(functionNames.length);
  });
});
