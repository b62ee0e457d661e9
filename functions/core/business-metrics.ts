/**
 * The contract of encaisse's business metrics, shared by the functions that publish them (adapters/metrics, CloudWatch
 * embedded metric format) and the CDK app that draws and alarms on them (lib/monitoring): namespace `Encaisse`,
 * default dimension `service` = `encaisse`. The aggregate of each metric always exists with `service` alone; per-level
 * (`level`) and per-route (`route`) breakdowns are extra metrics with that dimension added.
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
/** The metrics that count events (all but the rate). */
export type CountMetric = Exclude<BusinessMetricName, 'AutoMatchRate'>;
