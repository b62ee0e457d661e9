/** The one handler runtime of encaisse's Lambdas (README, 'Operating'). */

export type { RuntimeOptions, SettingName } from './context';
export { noContext, runtime, setCorrelationId } from './context';
export { asRetryable, DispatchInProgressError, EXPECTED_RETRIES, failureLevel } from './errors';
export { lambda } from './lambda';
export type { CreatedObject } from './s3-events';
export { createdObjectsOf } from './s3-events';
export { s3ObjectBatch } from './sqs';
