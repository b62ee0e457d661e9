import { z } from 'zod';
import { BooksAccounts, defaultBooksAccounts } from '../functions/core/books/model';
import { HolidayCalendar } from '../functions/core/calendar/holidays';
import { isValidIban, normalizeIban } from '../functions/core/iban';
import { compactId, isValidSiren, isValidSiret, legalIdentityProblems } from '../functions/core/letters/identity';
import { DEFAULT_STATEMENT_MAX_BYTES, DEFAULT_STATEMENT_MAX_ENTRIES } from '../functions/core/statements/limits';

/**
 * Deployment settings of encaisse, read from CDK context (`cdk.json` "context" or `cdk synth -c key=value`).
 * Validated with zod at synth time: a missing or malformed setting fails with a message naming it,
 * it never reaches a Lambda as `undefined`.
 */

const email = z.string().trim().email();

/** `financeEmails` may be a JSON array (cdk.json) or a comma-separated string (`-c financeEmails=a@x.fr,b@x.fr`). */
const emailListSetting = z
  .union([z.array(z.string()), z.string().transform((s) => s.split(','))])
  .transform((list) => list.map((x) => x.trim()).filter(Boolean))
  .pipe(z.array(email).min(1, 'at least one address'));

/** A list given as a JSON array or a comma-separated string. */
const stringListSetting = z
  .union([z.array(z.string()), z.string().transform((s) => s.split(','))])
  .transform((list) => list.map((x) => x.trim()).filter(Boolean))
  .pipe(z.array(z.string()).min(1, 'at least one value'));

/** Cognito user pool ids look like `eu-west-3_AbCdEf123`. */
const userPoolId = z.string().regex(/^[\w-]+_[0-9a-zA-Z]+$/, 'a Cognito user pool id such as eu-west-3_AbCdEf123');

/**
 * An IBAN: country code, check digits, then the national account number (11 to 30 letters or digits); spaces are
 * allowed on input and removed. The check digits must pass ISO 7064 mod 97-10 (the rearranged number mod 97 is 1).
 * The check itself is core's (pure), re-exported here for the settings' callers.
 */
export { isValidIban };

const ibanSetting = z
  .string()
  .transform(normalizeIban)
  .refine(isValidIban, 'an IBAN whose check digits are right (mod 97), e.g. FR76 3000 6000 0112 3456 7890 189');

/** A BIC (ISO 9362): 4-letter bank, 2-letter country, 2-character location, optional 3-character branch. */
const bicSetting = z
  .string()
  .transform((s) => s.replace(/\s+/g, '').toUpperCase())
  .pipe(
    z.string().regex(/^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/, 'a BIC of 8 or 11 characters, e.g. AGRIFRPPXXX'),
  );

/**
 * Postal address lines: a JSON array, or one string with the lines separated by '|' (`-c creditorAddress='1 rue X|75001
 * Paris'`).
 */
const addressSetting = z
  .union([z.array(z.string()), z.string().transform((s) => s.split('|'))])
  .transform((lines) => lines.map((x) => x.trim()).filter(Boolean))
  .pipe(
    z
      .array(
        z
          .string()
          .max(70, 'at most 70 characters a line')
          .refine((l) => !l.includes('|'), "a line may not contain '|'"),
      )
      .min(1, 'at least one address line')
      .max(6, 'at most 6 address lines'),
  );

/**
 * The creditor's legal identity (Code de commerce R123-237: legal form, share capital, RCS and its city, registered
 * office on every business document; SIRET, VAT number, signatory and accounting contact too). SIREN and SIRET are
 * Luhn-checked, the SIRET starts with the SIREN, and the VAT number's key is checked against the SIREN.
 */
const creditorIdentityBlock = {
  creditorLegalForm: z.string().trim().min(2, 'the legal form, e.g. SAS').max(60),
  /** Share capital in euros (a number, cents allowed: 10000 or "10000.50"). */
  creditorShareCapital: z.coerce.number().positive('the share capital in euros').multipleOf(0.01),
  creditorSiren: z.string().transform(compactId).refine(isValidSiren, 'a SIREN of 9 digits whose Luhn check passes'),
  creditorSiret: z.string().transform(compactId).refine(isValidSiret, 'a SIRET of 14 digits whose Luhn check passes'),
  creditorRcsCity: z.string().trim().min(2, 'the city of the RCS registry').max(60),
  creditorVatNumber: z.string().transform(compactId),
  /** Registered office ("siège social"); defaults to creditorAddress. */
  creditorRegisteredAddress: addressSetting.optional(),
  creditorSignatoryName: z.string().trim().min(2, 'who signs formal notices').max(100),
  creditorSignatoryTitle: z.string().trim().min(2, 'the signatory’s title').max(100),
  creditorContactName: z.string().trim().min(2, 'the accounting contact').max(100),
  creditorContactEmail: email,
  creditorContactPhone: z
    .string()
    .trim()
    .regex(/^\+?[0-9 .()-]{6,20}$/, 'a phone number'),
};

/** Context values given on the command line are strings: accept "true"/"false" too. */
const booleanSetting = z.union([z.boolean(), z.enum(['true', 'false']).transform((s) => s === 'true')]);

export const settingsSchema = z
  .object({
    /** From: address of reminders and alerts; must be (or belong to a domain that is) a verified SES identity. */
    senderEmail: email,
    /** Finance team: receives alerts, digests, formal notices to post, and alarm notifications. */
    financeEmails: emailListSetting,
    /** Collection agency ("société de recouvrement") address receiving handoff notices. */
    agencyEmail: email,
    /** The creditor (the SME collecting its invoices) printed on reminders and formal notices: legal name. */
    creditorName: z.string().trim().min(1, 'the creditor company name').max(140),
    /** The account customers pay to, printed on every reminder and letter (checked: mod 97). */
    creditorIban: ibanSetting,
    /** BIC of that account. */
    creditorBic: bicSetting,
    /** Postal address of the creditor, one entry per line (array, or '|'-separated string). */
    creditorAddress: addressSetting,
    ...creditorIdentityBlock,
    /** Use an existing Cognito user pool instead of creating one; requires cognitoClientId. */
    cognitoUserPoolId: userPoolId.optional(),
    cognitoClientId: z.string().min(1).optional(),
    /** Or any OIDC issuer (e.g. the company's IdP) for the HTTP API JWT authorizer; requires jwtAudience. */
    jwtIssuer: z.string().url().startsWith('https://', 'an https:// issuer URL').optional(),
    jwtAudience: stringListSetting.optional(),
    /** Time of the daily sweep, local time Europe/Paris, "HH:MM". */
    sweepTime: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM (24 h, Europe/Paris)')
      .default('06:30'),
    /** Retention of Lambda, state machine and API logs, in days. */
    logRetentionDays: z.coerce.number().int().positive().default(90),
    /** API Gateway throttling of the admin API (steady requests per second and burst). */
    apiRateLimit: z.coerce.number().positive().default(50),
    apiBurstLimit: z.coerce.number().int().positive().default(100),
    /**
     * Statement files larger than this (bytes) are rejected unread; the ingest's memory is sized for it (README,
     * Performance).
     */
    statementMaxBytes: z.coerce
      .number()
      .int()
      .positive()
      .max(200_000_000, 'at most 200 MB: the size measured to read within the ingest function’s memory')
      .default(DEFAULT_STATEMENT_MAX_BYTES),
    /** Statement files holding more entries than this are rejected. */
    statementMaxEntries: z.coerce.number().int().positive().max(1_000_000).default(DEFAULT_STATEMENT_MAX_ENTRIES),
    /**
     * Accounts and journal of the books export (FEC): any of journalCode, journalLabel, bank (512…), customer (411…),
     * fees (627…), writeOff (654…), credit (419…), suspense (471…), as an object or its JSON; the others keep the PCG
     * defaults.
     */
    booksAccounts: z
      .preprocess((v) => {
        if (typeof v !== 'string') return v;
        try {
          return JSON.parse(v) as unknown;
        } catch {
          return v;
        }
      }, BooksAccounts.partial())
      .transform((p) => ({ ...defaultBooksAccounts, ...p }))
      .default(defaultBooksAccounts),
    /**
     * Operators: subscribed by e-mail to the alarm topic (every CloudWatch alarm, runbook in lib/README.md); each
     * address confirms its subscription once. An array or a comma-separated list.
     */
    operatorEmails: emailListSetting,
    /**
     * Also subscribe finance to the alarm topic. Off by default: finance already gets the business alerts by e-mail
     * (rejected files, failed workflows, bounces), and the alarms are an operator's (throttles, latency, DLQ depth);
     * a company where finance operates encaisse itself turns it on, or lists finance in operatorEmails.
     */
    subscribeFinanceToAlarms: booleanSetting.default(false),
    /**
     * The customer page (lib/customer-page): API Gateway throttling of each of its routes, and how long a link lives.
     */
    customerPageRateLimit: z.coerce.number().positive().default(5),
    customerPageBurstLimit: z.coerce.number().int().positive().default(20),
    customerLinkDays: z.coerce.number().int().min(1).max(365).default(60),
    /**
     * The creditor's public holidays, on which no reminder, no digest and no business day falls: `metropole`, or
     * `alsace-moselle` (Bas-Rhin, Haut-Rhin, Moselle: Good Friday and 26 December too, Code du travail L3134-13).
     */
    holidayCalendar: HolidayCalendar.default('metropole'),
  })
  .superRefine((s, ctx) => {
    const fields = { siren: 'creditorSiren', siret: 'creditorSiret', vatNumber: 'creditorVatNumber' } as const;
    // The Luhn checks are the fields' own; the SIRET's prefix and the VAT key need both numbers.
    for (const p of legalIdentityProblems({
      siren: s.creditorSiren,
      siret: s.creditorSiret,
      vatNumber: s.creditorVatNumber,
    }))
      ctx.addIssue({ code: 'custom', path: [fields[p.field]], message: p.message });
    if ((s.cognitoUserPoolId === undefined) !== (s.cognitoClientId === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [s.cognitoUserPoolId === undefined ? 'cognitoUserPoolId' : 'cognitoClientId'],
        message: 'cognitoUserPoolId and cognitoClientId go together',
      });
    }
    if ((s.jwtIssuer === undefined) !== (s.jwtAudience === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [s.jwtIssuer === undefined ? 'jwtIssuer' : 'jwtAudience'],
        message: 'jwtIssuer and jwtAudience go together',
      });
    }
    if (s.jwtIssuer !== undefined && s.cognitoUserPoolId !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['jwtIssuer'],
        message: 'choose either cognitoUserPoolId or jwtIssuer, not both',
      });
    }
  });

export type Settings = z.infer<typeof settingsSchema>;

/** The context keys the schema knows; read from the app's context so `-c` overrides work. */
export const settingKeys = [
  'senderEmail',
  'financeEmails',
  'agencyEmail',
  'creditorName',
  'creditorIban',
  'creditorBic',
  'creditorAddress',
  'creditorLegalForm',
  'creditorShareCapital',
  'creditorSiren',
  'creditorSiret',
  'creditorRcsCity',
  'creditorVatNumber',
  'creditorRegisteredAddress',
  'creditorSignatoryName',
  'creditorSignatoryTitle',
  'creditorContactName',
  'creditorContactEmail',
  'creditorContactPhone',
  'cognitoUserPoolId',
  'cognitoClientId',
  'jwtIssuer',
  'jwtAudience',
  'sweepTime',
  'logRetentionDays',
  'apiRateLimit',
  'apiBurstLimit',
  'statementMaxBytes',
  'statementMaxEntries',
  'subscribeFinanceToAlarms',
  'operatorEmails',
  'booksAccounts',
  'customerPageRateLimit',
  'customerPageBurstLimit',
  'customerLinkDays',
  'holidayCalendar',
] as const;

export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingsError';
  }
}

/** Validates raw context values; throws a SettingsError naming every bad setting ("context financeEmails: ..."). */
export function parseSettings(raw: Record<string, unknown>): Settings {
  const result = settingsSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `context ${i.path.join('.') || '(settings)'}: ${i.message}`);
    throw new SettingsError(`invalid encaisse settings: ${problems.join('; ')}`);
  }
  return result.data;
}
