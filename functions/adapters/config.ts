import { z } from 'zod';
import { BooksAccounts, defaultBooksAccounts } from '../core/books/model';
import { compactId, LegalIdentity, legalIdentityProblems } from '../core/letters/identity';

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
export function readEnv<S extends z.ZodRawShape>(shape: S, env: NodeJS.ProcessEnv = process.env): z.infer<z.ZodObject<S>> {
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
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
  .pipe(z.array(z.string().email()).min(1));

/** Ingest limits when the deployment sets none: what a 1 GB ingest function parses with headroom (README, Performance). */
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
  /** Statement files larger than this are rejected unread (bytes; defaults in lib/settings.ts, figures in the README). */
  STATEMENT_MAX_BYTES: z.coerce.number().int().positive().default(DEFAULT_STATEMENT_MAX_BYTES),
  /** Statement files holding more entries than this are rejected. */
  STATEMENT_MAX_ENTRIES: z.coerce.number().int().positive().default(DEFAULT_STATEMENT_MAX_ENTRIES),
  /** The accounts and journal of the books export (JSON of BooksAccounts: bank 512…, customer 411…, fees 627…, writeOff 654…, credit 419…); the PCG defaults when unset. */
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

/**
 * The creditor's legal identity (Code de commerce R123-237 mentions, signatory, accounting contact), printed on every
 * letter, case file and customer e-mail: set from the CDK context (lib/settings.ts), checked again at cold start.
 */
export const creditorIdentitySettings = {
  CREDITOR_LEGAL_FORM: z.string().trim().min(2).max(60),
  CREDITOR_SHARE_CAPITAL_CENTS: z.coerce.number().int().positive(),
  CREDITOR_SIREN: z.string().transform(compactId),
  CREDITOR_SIRET: z.string().transform(compactId),
  CREDITOR_RCS_CITY: z.string().trim().min(2).max(60),
  CREDITOR_VAT_NUMBER: z.string().transform(compactId),
  /** Registered office lines separated by '|'. */
  CREDITOR_REGISTERED_ADDRESS: z.string().transform((s) => s.split('|').map((l) => l.trim()).filter(Boolean)).pipe(z.array(z.string()).min(1)),
  CREDITOR_SIGNATORY_NAME: z.string().trim().min(2).max(100),
  CREDITOR_SIGNATORY_TITLE: z.string().trim().min(2).max(100),
  CREDITOR_CONTACT_NAME: z.string().trim().min(2).max(100),
  CREDITOR_CONTACT_EMAIL: z.string().trim().email(),
  CREDITOR_CONTACT_PHONE: z.string().trim().regex(/^\+?[0-9 .()-]{6,20}$/, 'a phone number'),
};

/** Reads and checks the identity (SIREN and SIRET Luhn keys, VAT key of the SIREN), naming every bad setting. */
export function readCreditorIdentity(env: NodeJS.ProcessEnv = process.env): LegalIdentity {
  const c = readEnv(creditorIdentitySettings, env);
  const identity: LegalIdentity = {
    legalForm: c.CREDITOR_LEGAL_FORM,
    shareCapitalCents: c.CREDITOR_SHARE_CAPITAL_CENTS,
    siren: c.CREDITOR_SIREN,
    siret: c.CREDITOR_SIRET,
    rcsCity: c.CREDITOR_RCS_CITY,
    vatNumber: c.CREDITOR_VAT_NUMBER,
    registeredAddress: c.CREDITOR_REGISTERED_ADDRESS,
    signatory: { name: c.CREDITOR_SIGNATORY_NAME, title: c.CREDITOR_SIGNATORY_TITLE },
    accounting: { name: c.CREDITOR_CONTACT_NAME, email: c.CREDITOR_CONTACT_EMAIL, phone: c.CREDITOR_CONTACT_PHONE },
  };
  const names = { siren: 'CREDITOR_SIREN', siret: 'CREDITOR_SIRET', vatNumber: 'CREDITOR_VAT_NUMBER' } as const;
  const problems = legalIdentityProblems(identity).map((p) => `${names[p.field]}: ${p.message}`);
  if (problems.length) throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  return identity;
}
