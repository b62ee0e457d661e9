import { z } from 'zod';
import { BooksAccounts, defaultBooksAccounts } from '../core/books/model';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Reads the environment through a zod schema and fails fast, naming every missing or malformed setting,
 * so a misconfigured function dies at cold start instead of surfacing an `undefined` at run time.
 */
export function readEnv<S extends z.ZodRawShape>(
  shape: S,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<z.ZodObject<S>> {
  const result = z.object(shape).safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  return result.data;
}

/** A comma-separated list of e-mail addresses. */
export const emailList = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string().email()).min(1));

/**
 * Ingest limits when the deployment sets none: what a 1 GB ingest function parses with headroom (README, Performance).
 */
export const DEFAULT_STATEMENT_MAX_BYTES = 10_000_000;
export const DEFAULT_STATEMENT_MAX_ENTRIES = 10_000;

/** Settings shared by most functions. Each handler picks what it needs. */
export const settings = {
  TABLE_NAME: z.string().min(1),
  STATEMENTS_BUCKET: z.string().min(1),
  DOCUMENTS_BUCKET: z.string().min(1),
  STATE_MACHINE_ARN: z.string().min(1),
  SENDER_EMAIL: z.string().email(),
  FINANCE_EMAILS: emailList,
  AGENCY_EMAIL: z.string().email(),
  SES_CONFIGURATION_SET: z.string().min(1).optional(),
  /**
   * Statement files larger than this are rejected unread (bytes; defaults in lib/settings.ts, figures in the README).
   */
  STATEMENT_MAX_BYTES: z.coerce.number().int().positive().default(DEFAULT_STATEMENT_MAX_BYTES),
  /** Statement files holding more entries than this are rejected. */
  STATEMENT_MAX_ENTRIES: z.coerce.number().int().positive().default(DEFAULT_STATEMENT_MAX_ENTRIES),
  /**
   * The accounts and journal of the books export (JSON of BooksAccounts: bank 512…, customer 411…, fees 627…, writeOff
   * 654…, credit 419…); the PCG defaults when unset.
   */
  BOOKS_ACCOUNTS: z
    .string()
    .default(JSON.stringify(defaultBooksAccounts))
    .transform((s, ctx) => {
      try {
        return JSON.parse(s) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'not JSON' });
        return z.NEVER;
      }
    })
    .pipe(BooksAccounts),
} as const;

/**
 * Called once at module load by each handler with the settings it needs, so a misconfigured function fails at cold
 * start with every missing or malformed setting named, instead of on the first request that happens to need one.
 */
export function requireSettings(names: readonly (keyof typeof settings)[], env: NodeJS.ProcessEnv = process.env): void {
  const shape = Object.fromEntries(names.map((n) => [n, settings[n]])) as z.ZodRawShape;
  readEnv(shape, env);
}
