/**
 * The EPC069-12 "SEPA Credit Transfer" QR payload (the "EPC QR code", "GiroCode"): twelve lines joined by LF that a
 * banking app reads to pre-fill a transfer. Pure: data in, string out.
 *
 * Lines: service tag BCD · version 002 (or 001) · character set 1 (UTF-8) · identification SCT · BIC (optional in 002)
 * · beneficiary name (≤ 70) · IBAN · amount "EUR123.45" (0.01 to 999 999 999.99, optional) · purpose code (4 letters,
 * optional) · structured creditor reference (ISO 11649 RF, ≤ 35) · unstructured remittance (≤ 140) · beneficiary to
 * originator information (≤ 70). The structured and unstructured remittance exclude each other (one line stays empty);
 * empty trailing lines are left out; the whole payload is at most 331 bytes. The QR symbol must use error correction
 * level M (see `qr-image.ts`).
 */
import { z } from 'zod';
import { isValidIban, normalizeIban } from '../iban';
import { formatCents } from '../money';
import { isValidCreditorReference, normalizeCreditorReference } from './creditor-reference';

export const EPC_MAX_BYTES = 331;
export const EPC_MIN_CENTS = 1;
export const EPC_MAX_CENTS = 99_999_999_999;

/** A line of text: no line break or other control character (they would shift every following field). */
const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `at most ${max} characters`)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the EPC QR payload forbids control characters
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'no line break or control character');

export const EpcTransferInput = z
  .object({
    version: z.enum(['001', '002']).default('002'),
    bic: z
      .string()
      .transform((s) => s.replace(/\s+/g, '').toUpperCase())
      .pipe(z.string().regex(/^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$/, 'a BIC has 8 or 11 letters or digits'))
      .optional(),
    beneficiaryName: text(70).pipe(z.string().min(1, 'the beneficiary name is required')),
    iban: z.string().transform(normalizeIban).refine(isValidIban, 'not a valid IBAN'),
    /** Integer cents, 1 (0.01 EUR) to 99 999 999 999 (999 999 999.99 EUR); omitted lets the payer type it. */
    amountCents: z.number().int('integer cents').min(EPC_MIN_CENTS).max(EPC_MAX_CENTS).optional(),
    purpose: z
      .string()
      .regex(/^[A-Z0-9]{4}$/, 'a purpose code has 4 capital letters or digits')
      .optional(),
    creditorReference: z
      .string()
      .transform(normalizeCreditorReference)
      .refine(isValidCreditorReference, 'not a valid ISO 11649 (RF) creditor reference')
      .optional(),
    remittanceText: text(140).optional(),
    beneficiaryToOriginator: text(70).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.creditorReference && v.remittanceText)
      ctx.addIssue({
        code: 'custom',
        path: ['remittanceText'],
        message: 'a structured creditor reference and a remittance text exclude each other',
      });
    if (v.version === '001' && !v.bic)
      ctx.addIssue({ code: 'custom', path: ['bic'], message: 'the BIC is required in version 001' });
  });
export type EpcTransferInput = z.input<typeof EpcTransferInput>;
export type EpcTransfer = z.output<typeof EpcTransferInput>;

export type EpcQrErrorCode = 'invalid_input' | 'payload_too_long' | 'not_an_epc_payload';

export class EpcQrError extends Error {
  constructor(
    readonly code: EpcQrErrorCode,
    /** One line per problem, naming the field ("iban: not a valid IBAN"). */
    readonly problems: string[],
  ) {
    super(`EPC QR ${code.replace(/_/g, ' ')}: ${problems.join('; ')}`);
    this.name = 'EpcQrError';
  }
}

/** 12345 -> "EUR123.45" (always two decimals). */
export function epcAmount(cents: number): string {
  return `EUR${formatCents(cents)}`;
}

/** The payload for a transfer; throws EpcQrError naming every bad field, or when the result exceeds 331 bytes. */
export function epcPayload(input: EpcTransferInput): string {
  const parsed = EpcTransferInput.safeParse(input);
  if (!parsed.success) {
    throw new EpcQrError(
      'invalid_input',
      parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`),
    );
  }
  const t = parsed.data;
  const lines = [
    'BCD',
    t.version,
    '1',
    'SCT',
    t.bic ?? '',
    t.beneficiaryName,
    t.iban,
    t.amountCents === undefined ? '' : epcAmount(t.amountCents),
    t.purpose ?? '',
    t.creditorReference ?? '',
    t.remittanceText ?? '',
    t.beneficiaryToOriginator ?? '',
  ];
  while (lines[lines.length - 1] === '') lines.pop();
  const payload = lines.join('\n');
  const bytes = Buffer.byteLength(payload, 'utf8');
  if (bytes > EPC_MAX_BYTES) throw new EpcQrError('payload_too_long', [`${bytes} bytes, at most ${EPC_MAX_BYTES}`]);
  return payload;
}

/** A payload read back (from a decoded QR code): the fields as written, the amount in cents. */
export interface EpcFields {
  version: string;
  bic?: string;
  beneficiaryName: string;
  iban: string;
  amountCents?: number;
  purpose?: string;
  creditorReference?: string;
  remittanceText?: string;
  beneficiaryToOriginator?: string;
}

/**
 * Reads a payload (LF or CR LF separators, trailing lines optional) back into its fields, checking the header lines
 * and the amount's syntax ("EUR1", "EUR12.3" and "EUR12.30" all read); used to check what a QR code carries.
 */
export function parseEpcPayload(payload: string): EpcFields {
  const lines = payload.split(/\r?\n/);
  const [tag, version, charset, id, bic, name, iban, amount, purpose, structured, unstructured, info] = lines;
  if (
    tag !== 'BCD' ||
    !['001', '002'].includes(version) ||
    charset !== '1' ||
    id !== 'SCT' ||
    lines.length > 12 ||
    !name ||
    !iban
  ) {
    throw new EpcQrError('not_an_epc_payload', [
      'expected BCD, 001 or 002, 1 (UTF-8), SCT, then the beneficiary and IBAN',
    ]);
  }
  const m = /^EUR(\d{1,9})(?:\.(\d{1,2}))?$/.exec(amount ?? '');
  if (amount && !m) throw new EpcQrError('not_an_epc_payload', [`amount: "${amount}"`]);
  const opt = (s: string | undefined) => (s ? s : undefined);
  return {
    version,
    bic: opt(bic),
    beneficiaryName: name,
    iban,
    amountCents: m ? Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0')) : undefined,
    purpose: opt(purpose),
    creditorReference: opt(structured),
    remittanceText: opt(unstructured),
    beneficiaryToOriginator: opt(info),
  };
}
