/**
 * Structured JSON logs with personal data masked: an IBAN keeps its country and last four characters,
 * an e-mail address its domain. Nothing else in the code base logs raw payloads.
 */
const IBAN = /\b([A-Z]{2})\d{2}(?:\s?[A-Z0-9]){10,30}\b/g;
const EMAIL = /\b[A-Za-z0-9._%+-]+@([A-Za-z0-9.-]+\.[A-Za-z]{2,})\b/g;

export function redact(text: string): string {
  return text
    .replace(IBAN, (m, country: string) => `${country}**…${m.replace(/\s/g, '').slice(-4)}`)
    .replace(EMAIL, (_m, domain: string) => `***@${domain}`);
}

type Level = 'debug' | 'info' | 'warn' | 'error';
const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(message: string, data?: Record<string, unknown>): void;
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

export function createLogger(
  service: string,
  sink: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
): Logger {
  const min = order[(process.env.LOG_LEVEL as Level) ?? 'info'] ?? order.info;
  const log = (level: Level) => (message: string, data?: Record<string, unknown>) => {
    if (order[level] < min) return;
    const payload = data ? JSON.parse(JSON.stringify(data, errorReplacer)) : undefined;
    sink(redact(JSON.stringify({ level, service, message, ...payload, time: new Date().toISOString() })));
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message };
  return value;
}
