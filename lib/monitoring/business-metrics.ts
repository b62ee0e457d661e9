import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

import { type BusinessMetricName, METRICS_NAMESPACE, METRICS_SERVICE } from '../../functions/core/business-metrics';

// The contract (namespace, service dimension, names) is shared with the functions that publish the metrics.
export {
  type BusinessMetricName,
  businessMetricNames,
  METRICS_NAMESPACE,
  METRICS_SERVICE,
} from '../../functions/core/business-metrics';

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
    expression:
      `SEARCH('${schema} MetricName="${name}" service="${METRICS_SERVICE}"', '${statistic}', ` +
      `${period.toSeconds()})`,
    usingMetrics: {},
    label: '',
    period,
  });
}
