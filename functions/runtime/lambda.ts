import type { Context } from 'aws-lambda';
import type { z } from 'zod';
import { createLogger, type Logger } from '../adapters/logger';
import { noContext, type RuntimeOptions, runtime } from './context';
import { asRetryable, failureLevel } from './errors';

/**
 * A Lambda invoked with one event (Step Functions tasks, EventBridge, schedules): the event parsed by its schema,
 * the body run, throttling mapped to 'Throttled' (retried by the state machine) and the failure logged at the level it
 * deserves. Works without a Lambda context (local stack, tests).
 */
export function lambda<S extends z.ZodType, R>(
  options: RuntimeOptions<z.infer<S>> & { event: S },
  body: (event: z.infer<S>, log: Logger) => Promise<R>,
) {
  const log = createLogger(options.name);
  const wrapped = runtime<z.infer<S>, R>(options)
    .use({
      onError: async (request) => {
        const mapped = asRetryable(request.error);
        const level = failureLevel(mapped);
        log[level](level === 'error' ? 'failed' : 'will be retried', { error: mapped });
        request.error = mapped as Error;
      },
    })
    .handler(async (event) => body(event, log));
  return (event: unknown, context?: Context): Promise<R> =>
    wrapped(event as z.infer<S>, context ?? noContext) as Promise<R>;
}
