import { z } from 'zod';
import { BooksAccounts, defaultBooksAccounts } from '../core/books/model';
import { HolidayCalendar } from '../core/calendar/holidays';
import { compactId, type LegalIdentity, legalIdentityProblems } from '../core/letters/identity';
import { DEFAULT_STATEMENT_MAX_BYTES, DEFAULT_STATEMENT_MAX_ENTRIES } from '../core/statements/limits';

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

/** Ingest limits when the deployment sets none (in core: the CDK settings read the same constants). */
export { DEFAULT_STATEMENT_MAX_BYTES, DEFAULT_STATEMENT_MAX_ENTRIES };

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
   * 654…, credit 419…, suspense 471…); the PCG defaults when unset.
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
  /**
   * The creditor's public holidays, which business days skip (lib/settings.ts `holidayCalendar`): `metropole`, or
   * `alsace-moselle` (Good Friday and 26 December too). Read by the functions that count business days or plan sends.
   */
  HOLIDAY_CALENDAR: HolidayCalendar.default('metropole'),
} as const;

/** The creditor's holiday calendar (checked at cold start by the functions that name HOLIDAY_CALENDAR). */
export function holidayCalendar(env: NodeJS.ProcessEnv = process.env): HolidayCalendar {
  return readEnv({ HOLIDAY_CALENDAR: settings.HOLIDAY_CALENDAR }, env).HOLIDAY_CALENDAR;
}

/**
 * Called once at module load by each handler with the settings it needs, so a misconfigured function fails at cold
 * start with every missing or malformed setting named, instead of on the first request that happens to need one.
 */
export function requireSettings(names: readonly (keyof typeof settings)[], env: NodeJS.ProcessEnv = process.env): void {
  const shape = Object.fromEntries(names.map((n) => [n, settings[n]])) as z.ZodRawShape;
  readEnv(shape, env);
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
  // Clearly fictitious identity (same values as cdk.json): a valid-looking SIREN no real company holds in the demo.
  CREDITOR_LEGAL_FORM: 'SAS',
  CREDITOR_SHARE_CAPITAL_CENTS: '1000000',
  CREDITOR_SIREN: '999999998',
  CREDITOR_SIRET: '99999999800019',
  CREDITOR_RCS_CITY: 'Paris',
  CREDITOR_VAT_NUMBER: 'FR11999999998',
  CREDITOR_REGISTERED_ADDRESS: '12 rue de la Paix|75002 Paris',
  CREDITOR_SIGNATORY_NAME: 'Camille Exemple',
  CREDITOR_SIGNATORY_TITLE: 'Présidente (fictive)',
  CREDITOR_CONTACT_NAME: 'Julie Démo',
  CREDITOR_CONTACT_EMAIL: 'compta@encaisse.example.fr',
  CREDITOR_CONTACT_PHONE: '01 00 00 00 00',
};

export interface Creditor {
  name: string;
  iban: string;
  bic: string;
  address: string[];
  legal: LegalIdentity;
}

export function creditor(env: NodeJS.ProcessEnv = process.env): Creditor {
  const local = Boolean(env.LOCAL_DYNAMODB_ENDPOINT || env.LOCAL_SES_ENDPOINT);
  const source = local ? { ...localDemoCreditor, ...env } : env;
  const c = readEnv(creditorSettings, source);
  const legal = readCreditorIdentity(source);
  const address = c.CREDITOR_ADDRESS.split('|').filter(Boolean);
  return { name: c.CREDITOR_NAME, iban: c.CREDITOR_IBAN, bic: c.CREDITOR_BIC, address, legal };
}

export function financeEmails(env: NodeJS.ProcessEnv = process.env): string[] {
  return readEnv({ FINANCE_EMAILS: emailList }, env).FINANCE_EMAILS;
}

export function agencyEmail(env: NodeJS.ProcessEnv = process.env): string {
  return readEnv({ AGENCY_EMAIL: settings.AGENCY_EMAIL }, env).AGENCY_EMAIL;
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
  CREDITOR_REGISTERED_ADDRESS: z
    .string()
    .transform((s) =>
      s
        .split('|')
        .map((l) => l.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string()).min(1)),
  CREDITOR_SIGNATORY_NAME: z.string().trim().min(2).max(100),
  CREDITOR_SIGNATORY_TITLE: z.string().trim().min(2).max(100),
  CREDITOR_CONTACT_NAME: z.string().trim().min(2).max(100),
  CREDITOR_CONTACT_EMAIL: z.string().trim().email(),
  CREDITOR_CONTACT_PHONE: z
    .string()
    .trim()
    .regex(/^\+?[0-9 .()-]{6,20}$/, 'a phone number'),
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
