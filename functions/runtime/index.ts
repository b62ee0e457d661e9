/** The one handler runtime of encaisse's Lambdas (README, 'Operating'). */
export { runtime, setCorrelationId, noContext } from './context';
export type { RuntimeOptions, SettingName } from './context';
export { lambda } from './lambda';
export { s3ObjectBatch } from './sqs';
export { createdObjectsOf } from './s3-events';
export type { CreatedObject } from './s3-events';
export { asRetryable, DispatchInProgressError, EXPECTED_RETRIES, failureLevel } from './errors';
