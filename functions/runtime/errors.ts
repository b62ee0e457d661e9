import { ThrottledError } from '../adapters/mailer';

/**
 * Error mapping of the runtime: throttling and transient AWS faults become 'Throttled', which the dunning state
 * machine retries; errors retried by design are logged as a wait or a fault, never as an error (no page).
 */

const DYNAMO_THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TransactionConflictException',
  // Another writer changed the invoice since it was read (a payment landing): the retry reads it again.
  'VersionConflictError',
  // No answer in time, or the connection dropped (the SDK's own retries exhausted): the retry finds out.
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
]);

/** Errors the state machine retries by design: logged at info (a wait) or warn (a fault), never error (no page). */
export const EXPECTED_RETRIES: Partial<Record<string, 'info' | 'warn'>> = {
  DispatchInProgress: 'info',
  SendUnconfirmed: 'info',
  Throttled: 'warn',
};

type AwsError = Error & {
  code?: string;
  $metadata?: { httpStatusCode?: number };
  CancellationReasons?: { Code?: string }[];
};

/** DynamoDB/S3/SES throttling and transient faults become 'Throttled' (retried by the state machine). */
export function asRetryable(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  if (err.name in EXPECTED_RETRIES) return err;
  const e = err as AwsError;
  const cancelled = (e.CancellationReasons ?? []).some(
    (r) => r?.Code === 'ThrottlingError' || r?.Code === 'TransactionConflict',
  );
  const throttled =
    DYNAMO_THROTTLING.has(e.name) ||
    DYNAMO_THROTTLING.has(e.code ?? '') ||
    (e.name === 'TransactionCanceledException' && cancelled) ||
    (e.$metadata?.httpStatusCode ?? 0) >= 500 ||
    e.name === 'SlowDown';
  return throttled ? new ThrottledError(`${e.name}: ${e.message}`, err) : err;
}

/** The level a failure is logged at: 'error' unless the state machine retries it by design. */
export function failureLevel(err: unknown): 'info' | 'warn' | 'error' {
  return EXPECTED_RETRIES[(err as Error)?.name] ?? 'error';
}

/** Thrown by a dispatch that finds its batch being sent by another invocation: the state machine retries later. */
export class DispatchInProgressError extends Error {
  constructor(readonly dispatchKey: string) {
    super(`batch ${dispatchKey} is being sent by another invocation`);
    this.name = 'DispatchInProgress';
  }
}
