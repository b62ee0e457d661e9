import { z } from 'zod';
import { isValidTimeZone } from '../calendar/time-zone';

/**
 * Field rules every boundary shares (API bodies and paths, invoice imports, the records they become), so that what
 * the API refuses an import refuses too.
 */

/**
 * The largest amount an input may carry: 10^13 cents (€100 billion), far above any invoice an SME issues and far below
 * 2^53 (where integer cents stop being exact in a JavaScript number): a sum of 900 such amounts is still exact.
 */
export const MAX_AMOUNT_CENTS = 10_000_000_000_000;
/** A positive amount in integer cents, at most `MAX_AMOUNT_CENTS`. */
export const AmountCents = z
  .number()
  .int()
  .positive()
  .max(MAX_AMOUNT_CENTS, 'more than 100,000,000,000.00: not a realistic amount');
/** Zero or a positive amount in integer cents, at most `MAX_AMOUNT_CENTS`. */
export const NonNegativeAmountCents = z
  .number()
  .int()
  .nonnegative()
  .max(MAX_AMOUNT_CENTS, 'more than 100,000,000,000.00: not a realistic amount');

/**
 * What is wrong with an id, or undefined when it is fine. Ids (invoice, customer, policy, credit note...) come from
 * people and files and end up in e-mail subjects, letters, workflow names and CSV reports, so they may hold any
 * printable
 * character (invoice numbers like "FA 2026/0042" are common) but no control character (CR, LF, tab, NUL, DEL, C1),
 * no invisible formatting character (bidi overrides, zero-width), no line or paragraph separator, no space other than
 * U+0020 and none at either end. The length limit is the caller's.
 */
export function idProblem(id: string): string | undefined {
  // printable ASCII (nearly every id): none of the classes below, only the spaces at the ends to check
  if (PRINTABLE_ASCII.test(id)) return id.trim() !== id ? 'leading or trailing spaces are not allowed' : undefined;
  if (/[\p{Cc}]/u.test(id)) return 'control characters (CR, LF, tab...) are not allowed';
  if (/[\p{Cf}\p{Co}\p{Cs}\p{Cn}]/u.test(id)) return 'invisible or unassigned characters are not allowed';
  if (/[\p{Z}]/u.test(id.replace(/ /g, ''))) return 'only the ordinary space is allowed';
  if (id.trim() !== id) return 'leading or trailing spaces are not allowed';
  return undefined;
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** An id of at most `max` characters following `idProblem`'s rule. */
export const idOf = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .superRefine((id, ctx) => {
      const problem = idProblem(id);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .describe(`1 to ${max} printable characters: no control character (CR, LF, tab), no leading or trailing space`);

/**
 * A storage key (S3) made of plain names: no empty, "." or ".." segment. S3 keeps such a key as is, but a browser or a
 * local store resolves "invoices/../letters/x.pdf" out of the folder the key was checked against.
 */
export function isPlainKeyPath(key: string): boolean {
  return key.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

/** What is wrong with a one-line text (a name, an address line), or undefined: no control character, no line break. */
export function lineProblem(text: string): string | undefined {
  return /[\p{Cc}\p{Zl}\p{Zp}]/u.test(text) ? 'control characters (CR, LF, tab...) are not allowed' : undefined;
}

/**
 * A one-line text of at most `max` characters: customer and contact names, address lines. Names reach e-mail subjects
 * (the account manager's call task, the agency's new case), where a line break is refused by SES or splits the header.
 */
export const singleLine = (max: number) =>
  z
    .string()
    .max(max)
    .superRefine((text, ctx) => {
      const problem = lineProblem(text);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });

/** The control characters (C0, DEL, C1: U+0000–U+001F, U+007F–U+009F) but tab, LF and CR. */
const HIDDEN_CONTROL = /(?![\t\n\r])\p{Cc}/u;
/** The bidirectional embeddings, overrides and isolates (LRE, RLE, PDF, LRO, RLO; LRI, RLI, FSI, PDI). */
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/u;

/**
 * What is wrong with a free text a person typed (finance's note or reason, a customer's dispute reason), or undefined.
 * Such a text is kept in the invoice history (evidence, in court if need be), shown in the console, e-mailed to
 * finance and written to the FEC export and CSV reports, so it may run over several lines (LF, CR, tab) but holds no
 * other control character (C0, DEL, C1) and no bidirectional override or isolate (U+202A–U+202E, U+2066–U+2069),
 * which makes a text read otherwise than it is written. Nothing is removed or replaced: the writer is told which
 * character, and where (counted in characters from 1).
 */
export function freeTextProblem(text: string): string | undefined {
  const control = text.search(HIDDEN_CONTROL);
  const bidi = text.search(BIDI_CONTROL);
  if (control < 0 && bidi < 0) return undefined;
  const at = control < 0 ? bidi : bidi < 0 ? control : Math.min(control, bidi);
  const code = `U+${(text.codePointAt(at) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
  const position = [...text.slice(0, at)].length + 1;
  if (at === bidi) return `a bidirectional control character (${code}, character ${position}) is not allowed`;
  return `a control character (${code}, character ${position}) is not allowed`;
}

/**
 * The one check of every free-text field (`freeTextProblem`), as a zod refinement: the API words the problem itself,
 * the customer page gives its own code (`message`), which it words in the customer's language.
 */
export const refineFreeText =
  (message?: string) =>
  (text: string, ctx: z.RefinementCtx): void => {
    const problem = freeTextProblem(text);
    if (problem) ctx.addIssue({ code: 'custom', message: message ?? problem });
  };

/** A free text of at most `max` characters: the admin API's notes and reasons. */
export const freeText = (max: number) =>
  z
    .string()
    .max(max)
    .superRefine(refineFreeText())
    .describe(`at most ${max} characters; line breaks and tabs allowed, no other control or bidirectional character`);

/** Invoice, customer, policy and credit-note ids. */
export const EntityId = idOf(64);

/**
 * An IANA time zone name the runtime's Intl knows (`Europe/Paris`, `America/Martinique`, `UTC`): `Mars/Olympus` is
 * refused, and so are the offset forms (`+01:00`) newer runtimes accept, which know no daylight saving time.
 */
export const IanaTimeZone = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/, 'not an IANA time zone name (like Europe/Paris)')
  .refine(isValidTimeZone, 'not an IANA time zone this runtime knows (like Europe/Paris)')
  .describe('IANA time zone, e.g. Europe/Paris');
