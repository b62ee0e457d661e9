/**
 * The three answers a customer can post from the page, as zod schemas shared with the API. They read form fields
 * (strings, as an urlencoded or multipart body gives them) and give typed values: amounts in integer cents, ISO dates.
 * A refusal's message is a code (`FormErrorCode`), worded in the customer's language by `formErrorText`.
 */
import { z } from 'zod';
import { addDays, IsoDate } from '../dates';
import { refineFreeText } from '../model/fields';
import { MoneyFormatError, parseAmountToCents } from '../money';

/**
 * 4 Mo as the page says it (4 000 000 bytes, the figure beside the field and in the refusal). The HTTP API passes the
 * body base64-encoded in a Lambda event of at most 6 MB (6 291 456 bytes): a file up to about 4.7 MB still reaches
 * the function, which refuses one over 4 Mo in the customer's words; a heavier one is refused by API Gateway itself,
 * before any code of ours runs (its own English error), which is why the field says the limit plainly.
 */
export const MAX_DISPUTE_FILE_BYTES = 4_000_000;
export const DISPUTE_FILE_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const;
export type DisputeFileType = (typeof DISPUTE_FILE_TYPES)[number];

/** The extension a stored dispute file is named with: from its checked type, never from the uploaded name. */
export const DISPUTE_FILE_EXTENSIONS: Record<DisputeFileType, string> = {
  'application/pdf': 'pdf',
  'image/jpeg': 'jpg',
  'image/png': 'png',
};

const SIGNATURES: [DisputeFileType, number[]][] = [
  ['application/pdf', [0x25, 0x50, 0x44, 0x46, 0x2d]], // %PDF-
  ['image/jpeg', [0xff, 0xd8, 0xff]],
  ['image/png', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
];

/**
 * The type a file's first bytes show (its magic number), of the types a dispute accepts; undefined for anything
 * else. The browser's Content-Type and the file's name are the sender's word and are not trusted.
 */
export function disputeFileTypeOf(bytes: Uint8Array): DisputeFileType | undefined {
  return SIGNATURES.find(([, magic]) => magic.every((b, k) => bytes[k] === b))?.[0];
}

export type FormErrorCode =
  | 'required'
  | 'bad_date'
  | 'date_in_future'
  | 'date_too_old'
  | 'date_not_after_today'
  | 'date_after_limit'
  | 'promise_renewal_limit'
  | 'bad_amount'
  | 'unknown_invoice'
  | 'reason_too_long'
  | 'reason_hidden_character'
  | 'file_too_large'
  | 'file_type';

/** What the schemas need to know about the customer and the day: data, so the schemas stay pure. */
export interface FormContext {
  today: IsoDate;
  /** The customer's open invoice numbers: a dispute names one of them. */
  invoiceNumbers: readonly string[];
  /** The latest date the policy lets a customer promise. */
  latestPromiseDate: IsoDate;
  /**
   * When a promise of the customer's is still recorded on an invoice the new one would pause: the latest date a
   * renewal may reach (the policy's days counted from the first promise of the chain, not from today).
   */
  renewalLimit?: IsoDate;
}

const formToken = z.string({ error: 'required' }).min(1, 'required');
const date = z
  .string({ error: 'required' })
  .trim()
  .min(1, 'required')
  .refine((s) => IsoDate.safeParse(s).success, { message: 'bad_date', abort: true });

const amount = z
  .string({ error: 'required' })
  .trim()
  .min(1, 'required')
  .transform((s, ctx) => {
    try {
      const cents = parseAmountToCents(s.replace(/\s*(€|EUR)$/i, ''));
      if (cents > 0) return cents;
    } catch (e) {
      if (!(e instanceof MoneyFormatError)) throw e;
    }
    ctx.addIssue({ code: 'custom', message: 'bad_amount' });
    return z.NEVER;
  });

/** "J'ai payé": when (today or within the last year) and how much. */
export function paidForm(ctx: FormContext) {
  return z.object({
    formToken,
    paidOn: date
      .refine((d) => d <= ctx.today, 'date_in_future')
      .refine((d) => d >= addDays(ctx.today, -366), 'date_too_old'),
    amount,
  });
}

/** "Je conteste": which invoice, why, and optionally a file (its bytes are the adapter's; here its description). */
export function disputeForm(ctx: FormContext) {
  return z.object({
    formToken,
    invoiceNumber: z.string({ error: 'required' }).refine((n) => ctx.invoiceNumbers.includes(n), 'unknown_invoice'),
    // several lines are welcome; a control or bidirectional character is refused (`freeTextProblem`)
    reason: z
      .string({ error: 'required' })
      .trim()
      .min(1, 'required')
      .max(2000, 'reason_too_long')
      .superRefine(refineFreeText('reason_hidden_character')),
    file: z
      .object({
        fileName: z.string().min(1).max(200),
        // the size first: a file too large is told so (413) whatever its type
        sizeBytes: z.number().int().min(1, 'required').max(MAX_DISPUTE_FILE_BYTES, 'file_too_large'),
        contentType: z.enum(DISPUTE_FILE_TYPES, { error: 'file_type' }),
      })
      .optional(),
  });
}

/**
 * "Je m'engage à payer le …": a date after today, within the policy's limit, and, for a renewal, within the policy's
 * days from the first promise still recorded.
 */
export function promiseForm(ctx: FormContext) {
  return z.object({
    formToken,
    promisedFor: date
      .refine((d) => d > ctx.today, 'date_not_after_today')
      .refine((d) => d <= ctx.latestPromiseDate, { message: 'date_after_limit', abort: true })
      .refine((d) => ctx.renewalLimit === undefined || d <= ctx.renewalLimit, 'promise_renewal_limit'),
  });
}

export type PaidForm = z.infer<ReturnType<typeof paidForm>>;
export type DisputeForm = z.infer<ReturnType<typeof disputeForm>>;
export type PromiseForm = z.infer<ReturnType<typeof promiseForm>>;

const ERRORS: Record<'fr' | 'en', Record<FormErrorCode, string>> = {
  fr: {
    required: 'Ce champ est obligatoire.',
    bad_date: 'Indiquez une date valide.',
    date_in_future: 'La date du paiement ne peut pas être dans le futur.',
    date_too_old: 'La date du paiement remonte à plus d’un an.',
    date_not_after_today: 'Choisissez une date à venir.',
    date_after_limit: 'Cette date est trop lointaine.',
    promise_renewal_limit:
      'Vous vous êtes déjà engagé à payer ces factures : cette date dépasse le délai accordé depuis votre premier ' +
      'engagement. Pour un délai plus long, contactez-nous.',
    bad_amount: 'Indiquez un montant positif, par exemple 1 234,56.',
    unknown_invoice: 'Choisissez une des factures de la liste.',
    reason_too_long: 'Le motif est trop long (2 000 caractères au plus).',
    reason_hidden_character:
      'Le motif contient un caractère invisible (de contrôle ou d’inversion du sens d’écriture), souvent apporté par ' +
      'un copier-coller : retapez le passage collé.',
    file_too_large: 'Le fichier dépasse 4 Mo.',
    file_type: 'Le fichier doit être un PDF, un JPEG ou un PNG.',
  },
  en: {
    required: 'This field is required.',
    bad_date: 'Enter a valid date.',
    date_in_future: 'The payment date cannot be in the future.',
    date_too_old: 'The payment date is more than a year ago.',
    date_not_after_today: 'Choose a date still to come.',
    date_after_limit: 'This date is too far away.',
    promise_renewal_limit:
      'You have already promised to pay these invoices: this date is beyond the time allowed since your first ' +
      'promise. For a longer delay, please contact us.',
    bad_amount: 'Enter a positive amount, for example 1,234.56.',
    unknown_invoice: 'Choose one of the invoices listed.',
    reason_too_long: 'The reason is too long (2,000 characters at most).',
    reason_hidden_character:
      'The reason holds an invisible character (a control or text-direction character), often brought in by copy ' +
      'and paste: type the pasted part again.',
    file_too_large: 'The file is larger than 4 MB.',
    file_type: 'The file must be a PDF, a JPEG or a PNG.',
  },
};

/** The sentence for a refusal code; any message that is not one of ours reads as "required" rather than leak. */
export function formErrorText(code: string, language: 'fr' | 'en'): string {
  return (ERRORS[language] as Record<string, string>)[code] ?? ERRORS[language].required;
}

/** Field name -> first refusal code, from a failed parse. */
export function formErrors(error: z.ZodError): Record<string, FormErrorCode> {
  const out: Record<string, FormErrorCode> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? 'form');
    if (!(field in out)) out[field] = issue.message as FormErrorCode;
  }
  return out;
}
