import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { clock } from '../adapters/clock';
import { emailList, readEnv, settings } from '../adapters/config';
import { createLogger, type Logger } from '../adapters/logger';
import { ThrottledError } from '../adapters/mailer';

/**
 * What the dunning handlers share: their environment, the creditor's identity printed on reminders and letters,
 * the mapping of throttling to the retried 'Throttled' error, and a thin middy wrapper.
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
const EXPECTED_RETRIES: Partial<Record<string, 'info' | 'warn'>> = {
  DispatchInProgress: 'info',
  SendUnconfirmed: 'info',
  Throttled: 'warn',
};

/** DynamoDB/S3/SES throttling and transient faults become 'Throttled' (retried by the state machine). */
export function asRetryable(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  if (err.name in EXPECTED_RETRIES) return err;
  const e = err as Error & {
    code?: string;
    $metadata?: { httpStatusCode?: number };
    CancellationReasons?: { Code?: string }[];
  };
  const throttled =
    DYNAMO_THROTTLING.has(e.name) ||
    DYNAMO_THROTTLING.has(e.code ?? '') ||
    (e.name === 'TransactionCanceledException' &&
      (e.CancellationReasons ?? []).some((r) => r?.Code === 'ThrottlingError' || r?.Code === 'TransactionConflict')) ||
    (e.$metadata?.httpStatusCode ?? 0) >= 500 ||
    e.name === 'SlowDown';
  return throttled ? new ThrottledError(`${e.name}: ${e.message}`, err) : err;
}

/** Thrown by a dispatch that finds its batch being sent by another invocation: the state machine retries later. */
export class DispatchInProgressError extends Error {
  constructor(readonly dispatchKey: string) {
    super(`batch ${dispatchKey} is being sent by another invocation`);
    this.name = 'DispatchInProgress';
  }
}

/** The creditor printed on reminders and letters (whose IBAN customers pay to): required in AWS. */
export const creditorSettings = {
  CREDITOR_NAME: z.string().min(1),
  CREDITOR_IBAN: z.string().min(15),
  CREDITOR_BIC: z.string().min(8),
  /** Address lines separated by '|'. */
  CREDITOR_ADDRESS: z.string().default(''),
};

/** Demo creditor of the local stack only (recognised by its LOCAL_*_ENDPOINT variables): never in AWS. */
const localDemoCreditor = {
  CREDITOR_NAME: 'encaisse démo SAS',
  CREDITOR_IBAN: 'FR7630006000011234567890189',
  CREDITOR_BIC: 'AGRIFRPPXXX',
  CREDITOR_ADDRESS: '12 rue de la Paix|75002 Paris',
};

export interface Creditor {
  name: string;
  iban: string;
  bic: string;
  address: string[];
}

export function creditor(env: NodeJS.ProcessEnv = process.env): Creditor {
  const local = Boolean(env.LOCAL_DYNAMODB_ENDPOINT || env.LOCAL_SES_ENDPOINT);
  const c = readEnv(creditorSettings, local ? { ...localDemoCreditor, ...env } : env);
  return {
    name: c.CREDITOR_NAME,
    iban: c.CREDITOR_IBAN,
    bic: c.CREDITOR_BIC,
    address: c.CREDITOR_ADDRESS.split('|').filter(Boolean),
  };
}

export function financeEmails(env: NodeJS.ProcessEnv = process.env): string[] {
  return readEnv({ FINANCE_EMAILS: emailList }, env).FINANCE_EMAILS;
}
export function agencyEmail(env: NodeJS.ProcessEnv = process.env): string {
  return readEnv({ AGENCY_EMAIL: settings.AGENCY_EMAIL }, env).AGENCY_EMAIL;
}

export function now(): Date {
  return clock().now();
}

/**
 * A thin middy handler: validates the event with the schema, runs `fn`, maps throttling to 'Throttled' and logs
 * failures. Works without a Lambda context (local stack, tests).
 */
export function lambda<S extends z.ZodType, R>(
  service: string,
  schema: S,
  fn: (event: z.infer<S>, log: Logger) => Promise<R>,
) {
  const log = createLogger(service);
  const wrapped = middy(async (event: unknown) => fn(schema.parse(event), log)).use({
    onError: async (request) => {
      const mapped = asRetryable(request.error);
      const level = EXPECTED_RETRIES[(mapped as Error)?.name] ?? 'error';
      log[level](level === 'error' ? 'failed' : 'will be retried', { error: mapped });
      request.error = mapped as Error;
    },
  });
  return (event: unknown, context?: Context): Promise<R> => wrapped(event, context ?? ({} as Context)) as Promise<R>;
}
