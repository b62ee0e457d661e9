import { LogFormatter, LogItem, Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';

/**
 * Structured JSON logs through Powertools for AWS Lambda (Logger): the Powertools keys (level, message, timestamp,
 * service, cold_start, function_name, function_memory_size, function_request_id, xray_trace_id, correlation_id) and
 * errors with name, location, message, stack and cause. Personal data is masked everywhere in a line, error messages
 * and stacks included: an IBAN keeps its country and last four characters, an e-mail address its domain.
 * The handler runtime (functions/runtime) sets the Lambda context and the correlation id of each invocation.
 */
const IBAN = /\b([A-Z]{2})\d{2}(?:\s?[A-Z0-9]){10,30}\b/g;
const EMAIL = /\b[A-Za-z0-9._%+-]+@([A-Za-z0-9.-]+\.[A-Za-z]{2,})\b/g;

export function redact(text: string): string {
  return text
    .replace(IBAN, (m, country: string) => `${country}**…${m.replace(/\s/g, '').slice(-4)}`)
    .replace(EMAIL, (_m, domain: string) => `***@${domain}`);
}

/** Powertools' own formatter (PowertoolsLogFormatter: same keys, same order), every string of the line redacted. */
export class RedactingLogFormatter extends LogFormatter {
  formatAttributes(attributes: UnformattedAttributes, additional: LogAttributes): LogItem {
    const base = {
      level: attributes.logLevel,
      message: attributes.message,
      timestamp: this.formatTimestamp(attributes.timestamp),
      service: attributes.serviceName,
      cold_start: attributes.lambdaContext?.coldStart,
      function_arn: attributes.lambdaContext?.invokedFunctionArn,
      function_memory_size: attributes.lambdaContext?.memoryLimitInMB,
      function_name: attributes.lambdaContext?.functionName,
      function_request_id: attributes.lambdaContext?.awsRequestId,
      sampling_rate: attributes.sampleRateValue,
      xray_trace_id: attributes.xRayTraceId,
      tenant_id: attributes.lambdaContext?.tenantId,
    };
    const item = new LogItem({ attributes: base }).addAttributes(additional);
    return new LogItem({ attributes: this.scrub(item.getAttributes(), new Set()) as LogAttributes });
  }

  /** Errors become Powertools' {name, location, message, stack, cause} first, so their text is redacted too. */
  private scrub(value: unknown, ancestors: Set<object>): unknown {
    if (typeof value === 'string') return redact(value);
    if (value instanceof Error) return this.scrub(this.formatError(value), ancestors);
    if (typeof value !== 'object' || value === null) return value;
    if (ancestors.has(value)) return undefined; // a circular reference, dropped as Powertools does
    if (!Array.isArray(value) && !isPlain(value)) return value;
    ancestors.add(value);
    const out = Array.isArray(value)
      ? value.map((v) => this.scrub(v, ancestors))
      : Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.scrub(v, ancestors)]));
    ancestors.delete(value);
    return out;
  }
}

const isPlain = (v: object) => Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null;

/** The one Powertools logger of the process; service from POWERTOOLS_SERVICE_NAME, else 'encaisse'. */
export const rootLogger = new PowertoolsLogger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'encaisse',
  logLevel: (process.env.LOG_LEVEL ?? 'INFO').toUpperCase() as 'INFO',
  logFormatter: new RedactingLogFormatter(),
});

export interface Logger {
  debug(message: string, data?: Record<string, unknown>): void;
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

/** A logger for one part of the code: its lines carry `component` (the function or module name) besides the context. */
export function createLogger(component: string): Logger {
  const at = (level: keyof Logger) => (message: string, data?: Record<string, unknown>) =>
    rootLogger[level](message, { component, ...data });
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** The correlation id of the work in progress (set by the runtime per invocation or SQS record), if any. */
export function correlationId(): string | undefined {
  const id = rootLogger.getCorrelationId();
  return typeof id === 'string' && id ? id : undefined;
}
