import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { type CountMetric, METRICS_NAMESPACE, METRICS_SERVICE } from '../core/business-metrics';

export type { CountMetric };

/**
 * Business metrics in CloudWatch embedded metric format (Powertools Metrics): namespace `Encaisse`, default dimension
 * `service` = `encaisse`. A per-level or per-route figure is an extra single metric with that dimension added; the
 * aggregate (service alone) is always there. The handler runtime publishes what an invocation stored when it ends.
 */
export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: METRICS_SERVICE });

/** Counts `value` of `name`; with a breakdown (e.g. {level: 'reminder_1'}) also as a single metric with it. */
export function count(name: CountMetric, value = 1, breakdown?: Record<string, string>): void {
  if (value < 0) return;
  metrics.addMetric(name, MetricUnit.Count, value);
  if (!breakdown) return;
  const single = metrics.singleMetric();
  for (const [dimension, v] of Object.entries(breakdown)) single.addDimension(dimension, v);
  single.addMetric(name, MetricUnit.Count, value);
}

/** The share of a statement's transactions matched automatically (one value per statement). */
export function autoMatchRate(percent: number): void {
  metrics.addMetric('AutoMatchRate', MetricUnit.Percent, Math.round(percent * 100) / 100);
}

/** Writes the stored metrics (one EMF line) if there are any; called by the runtime at the end of each invocation. */
export function publishMetrics(): void {
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
}
