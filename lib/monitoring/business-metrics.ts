import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/**
 * The business metrics the functions publish (CloudWatch embedded metric format through Powertools Metrics): namespace
 * `Encaisse`, default dimension `service` = `encaisse`. The aggregate of each metric always exists with `service`
 * alone; per-level (`level`) and per-route (`route`) breakdowns are extra metrics with that dimension added.
 */
export const METRICS_NAMESPACE = 'Encaisse';
export const METRICS_SERVICE = 'encaisse';

export const businessMetricNames = [
  'StatementsIngested',
  'StatementsRejected',
  'TransactionsMatched',
  'TransactionsSuggested',
  'TransactionsUnmatched',
  'TransactionsIgnored',
  /** Percent of a statement's transactions matched without a person, one value per statement. */
  'AutoMatchRate',
  'RemindersSent',
  'FormalNoticesSent',
  'AgencyHandoffs',
  'EmailBounces',
  'EmailComplaints',
  'WorkflowFailures',
  'ApiErrors',
] as const;
export type BusinessMetricName = (typeof businessMetricNames)[number];

/** The aggregate of a business metric (dimension `service` only); Sum over a day unless told. */
export function businessMetric(name: BusinessMetricName, options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: { service: METRICS_SERVICE },
    statistic: cloudwatch.Stats.SUM,
    period: Duration.days(1),
    ...options,
  });
}

/**
 * One line per value of `dimension` (a reminder level, an API route): a CloudWatch SEARCH, so a new level or route
 * appears without a deployment. Dashboards only (an alarm cannot watch a SEARCH).
 */
export function businessBreakdown(
  name: BusinessMetricName,
  dimension: 'level' | 'route',
  statistic: string,
  period: Duration,
): cloudwatch.MathExpression {
  const schema = `{${METRICS_NAMESPACE},${dimension},service}`;
  return new cloudwatch.MathExpression({
    expression: `SEARCH('${schema} MetricName="${name}" service="${METRICS_SERVICE}"', '${statistic}', ${period.toSeconds()})`,
    usingMetrics: {},
    label: '',
    period,
  });
}
