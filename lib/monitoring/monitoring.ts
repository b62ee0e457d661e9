import { Duration, Stack } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { Alerts } from '../alerts/alerts';
import { API_P99_LATENCY_MS } from '../api/admin-api';
import type { EncaisseFunction } from '../shared/function';
import { businessBreakdown, businessMetric } from './business-metrics';

export interface MonitoringProps {
  readonly alerts: Alerts;
  /** Every function of the stack (errors, throttles, duration). */
  readonly functions: EncaisseFunction[];
  /** Dead-letter queues, by what they hold (e.g. 'statement files'). */
  readonly deadLetterQueues: Record<string, sqs.IQueue>;
  readonly stateMachine: sfn.IStateMachine;
  readonly httpApi: apigwv2.IHttpApi;
}

/** Rejected statement files in one hour that raise an alarm: one is finance's (e-mailed), three is a pattern. */
export const REJECTED_STATEMENTS_PER_HOUR = 3;
/** A day whose statements averaged an auto-match rate below this (percent) raises an alarm. */
export const AUTO_MATCH_RATE_FLOOR = 50;

/**
 * What an operator looks at: the alarms on the business metrics (a spike of rejected statements, a drop of the
 * auto-match rate) and one CloudWatch dashboard (business metrics, then the plumbing). Built last: the dashboard shows
 * the state of every alarm of the stack.
 */
export class Monitoring extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { alerts } = props;
    alerts.alarm(
      'StatementsRejectedAlarm',
      businessMetric('StatementsRejected', { period: Duration.hours(1) }),
      'At least 3 statement files were rejected within an hour: a bank changed its format, or a parser regressed.',
      { threshold: REJECTED_STATEMENTS_PER_HOUR, period: Duration.hours(1) },
    );
    alerts.alarm(
      'AutoMatchRateAlarm',
      businessMetric('AutoMatchRate', { statistic: cloudwatch.Stats.AVERAGE }),
      'The statements of the last day averaged an auto-match rate below 50 %: finance has an unusual review queue.',
      {
        threshold: AUTO_MATCH_RATE_FLOOR,
        period: Duration.days(1),
        comparison: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      },
    );

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `${Stack.of(this).stackName}-operations`,
      defaultInterval: Duration.days(7),
    });
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({
        title: 'Alarms (runbook: lib/README.md)',
        alarms: alerts.alarms,
        width: 24,
        height: 4,
      }),
    );
    this.dashboard.addWidgets(...this.businessWidgets());
    this.dashboard.addWidgets(...this.plumbingWidgets(props));
  }

  private businessWidgets(): cloudwatch.IWidget[] {
    const day = Duration.days(1);
    const sum = (name: Parameters<typeof businessMetric>[0], label: string) => businessMetric(name, { label });
    const graph = (title: string, left: cloudwatch.IMetric[], extra: Partial<cloudwatch.GraphWidgetProps> = {}) =>
      new cloudwatch.GraphWidget({ title, left, width: 8, height: 6, period: day, ...extra });
    return [
      graph('Statements (per day)', [sum('StatementsIngested', 'ingested'), sum('StatementsRejected', 'rejected')]),
      graph(
        'Transactions by outcome (per day)',
        [
          sum('TransactionsMatched', 'matched'),
          sum('TransactionsSuggested', 'suggested'),
          sum('TransactionsUnmatched', 'unmatched'),
          sum('TransactionsIgnored', 'ignored'),
        ],
        { stacked: true },
      ),
      graph(
        'Auto-match rate, % (average of the day’s statements)',
        [businessMetric('AutoMatchRate', { statistic: cloudwatch.Stats.AVERAGE, label: 'auto-match rate' })],
        {
          leftYAxis: { min: 0, max: 100 },
          leftAnnotations: [{ value: AUTO_MATCH_RATE_FLOOR, label: 'alarm below', color: cloudwatch.Color.RED }],
        },
      ),
      graph('Reminders sent per level (per day)', [
        businessBreakdown('RemindersSent', 'level', 'Sum', day),
        sum('RemindersSent', 'all levels'),
      ]),
      graph('Formal notices and agency handoffs (per day)', [
        sum('FormalNoticesSent', 'formal notices'),
        sum('AgencyHandoffs', 'agency handoffs'),
      ]),
      graph(
        'E-mail bounces and complaints (per day)',
        [sum('EmailBounces', 'bounces'), sum('EmailComplaints', 'complaints')],
        {
          right: ['Reputation.BounceRate', 'Reputation.ComplaintRate'].map(
            (metricName) =>
              new cloudwatch.Metric({
                namespace: 'AWS/SES',
                metricName,
                statistic: cloudwatch.Stats.MAXIMUM,
                label: `account ${metricName}`,
              }),
          ),
        },
      ),
      graph('Workflow failures (per day)', [sum('WorkflowFailures', 'workflow failures')]),
      graph('API errors by route (per day)', [
        businessBreakdown('ApiErrors', 'route', 'Sum', day),
        sum('ApiErrors', 'all routes'),
      ]),
    ];
  }

  private plumbingWidgets({
    functions,
    deadLetterQueues,
    stateMachine,
    httpApi,
  }: MonitoringProps): cloudwatch.IWidget[] {
    const fiveMinutes = Duration.minutes(5);
    const graph = (title: string, left: cloudwatch.IMetric[], extra: Partial<cloudwatch.GraphWidgetProps> = {}) =>
      new cloudwatch.GraphWidget({ title, left, width: 8, height: 6, period: fiveMinutes, ...extra });
    const perFunction = (metric: (f: EncaisseFunction) => cloudwatch.Metric) =>
      functions.map((f) => metric(f).with({ label: f.name, statistic: cloudwatch.Stats.SUM }));
    return [
      graph(
        'Dead-letter queues (messages)',
        Object.entries(deadLetterQueues).map(([what, q]) =>
          q.metricApproximateNumberOfMessagesVisible({ label: what }),
        ),
      ),
      graph('Dunning executions', [
        stateMachine.metricFailed({ label: 'failed', statistic: cloudwatch.Stats.SUM }),
        stateMachine.metricTimedOut({ label: 'timed out', statistic: cloudwatch.Stats.SUM }),
        stateMachine.metricStarted({ label: 'started', statistic: cloudwatch.Stats.SUM }),
      ]),
      graph('Admin API answers', [
        httpApi.metricCount({ label: 'requests', statistic: cloudwatch.Stats.SUM }),
        httpApi.metricClientError({ label: '4xx', statistic: cloudwatch.Stats.SUM }),
        httpApi.metricServerError({ label: '5xx', statistic: cloudwatch.Stats.SUM }),
      ]),
      graph(
        'Admin API latency (ms)',
        [
          httpApi.metricLatency({ label: 'p50', statistic: 'p50' }),
          httpApi.metricLatency({ label: 'p99', statistic: 'p99' }),
        ],
        {
          leftAnnotations: [{ value: API_P99_LATENCY_MS, label: 'p99 alarm', color: cloudwatch.Color.RED }],
        },
      ),
      graph(
        'Function errors',
        perFunction((f) => f.fn.metricErrors()),
      ),
      graph(
        'Function throttles',
        perFunction((f) => f.fn.metricThrottles()),
      ),
    ];
  }
}
