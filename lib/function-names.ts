/**
 * The Lambda functions of encaisse: one folder each, entry functions/<name>/handler.ts exporting `handler`.
 * Plain data (no CDK import), shared by the stack and the local runner.
 */
export const functionNames = [
  'ingest',
  'dunning-plan',
  'dunning-step',
  'dunning-dispatch',
  'dunning-pause',
  'sweep',
  'ses-events',
  'failure-alert',
  'api',
  'invoice-inbox',
  'books-export',
  'customer-page',
] as const;
export type FunctionName = (typeof functionNames)[number];
