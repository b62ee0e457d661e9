import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { z } from 'zod';
import { requireSettings, type settings } from '../adapters/config';
import { rootLogger } from '../adapters/logger';
import { publishMetrics } from '../adapters/metrics';

export type SettingName = keyof typeof settings;

export interface RuntimeOptions<E> {
  /** The function's name (logs' `component`). */
  name: string;
  /** The settings it needs: checked at cold start (module load), each bad one named (adapters/config). */
  settings: readonly SettingName[];
  /** The event's schema, if the runtime parses it: the handler then gets the parsed event. */
  event?: z.ZodType<E>;
  /** The correlation id the (parsed) event carries, if any; otherwise the Lambda request id is the correlation id. */
  correlationId?: (event: E) => string | undefined;
}

/** What every Lambda of encaisse runs through: settings checked, logger context set, metrics published. */
export function runtime<E, R>(options: RuntimeOptions<E>) {
  requireSettings(options.settings);
  return middy<E, R, Error, Context>().use(invocationContext<E, R>(options));
}

/**
 * Per invocation: the logger gets the Lambda context (cold start, function, request id) and the correlation id, the
 * keys of the previous invocation dropped; the metrics stored are published when the invocation ends, even failing.
 */
function invocationContext<E, R>(options: RuntimeOptions<E>): middy.MiddlewareObj<E, R, Error, Context> {
  return {
    before: (request) => {
      rootLogger.resetKeys();
      if (request.context?.awsRequestId) rootLogger.addContext(request.context);
      setCorrelationId(request.context?.awsRequestId);
      if (options.event) request.event = options.event.parse(request.event);
      const carried = options.correlationId?.(request.event);
      if (carried) setCorrelationId(carried);
    },
    after: () => publishMetrics(),
    onError: () => publishMetrics(),
  };
}

/** Sets the correlation id of the work in progress (logged on every line, passed on to workflows and e-mails). */
export function setCorrelationId(id: string | undefined): void {
  if (id) rootLogger.setCorrelationId(id);
  else rootLogger.resetKeys();
}

/** A context for callers without one (tests, scripts): the handler runs the same, without Lambda metadata. */
export const noContext = {} as Context;
