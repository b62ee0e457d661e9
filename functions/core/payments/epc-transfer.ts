/**
 * The EPC transfer for invoices owed in euros, as the page, the reminders and the letters draw it. Pure: invoices and
 * creditor in, payload out; it always fits the EPC's 331 bytes, so a long name or many invoices never leave a
 * customer without a code.
 *
 * One invoice is named by its RF creditor reference (what the matcher recognises); several by the remittance text, in
 * the customer's language ("Factures F-1, F-2" / "Invoices F-1, F-2"). When they do not all fit (140 characters, and
 * the bytes the rest of the payload leaves), the first ones are named and the others counted ("Factures F-1, F-2 et
 * 10 autres"); the amount is always the whole.
 */

import { creditorReferenceFor } from './creditor-reference';
import { EPC_MAX_BYTES, EPC_MAX_CENTS, epcPayload } from './epc-qr';

export type TransferLanguage = 'fr' | 'en';

/** The name line's own limit in bytes: 70 two-byte characters; what is left is for the remittance text. */
const NAME_MAX_BYTES = 140;
const REMITTANCE_MAX_CHARS = 140;

const WORDS: Record<TransferLanguage, { one: string; many: string; more: (n: number) => string }> = {
  fr: { one: 'Facture', many: 'Factures', more: (n) => ` et ${n} ${n > 1 ? 'autres' : 'autre'}` },
  en: { one: 'Invoice', many: 'Invoices', more: (n) => ` and ${n} more` },
};

export interface EpcTransfer {
  payload: string;
  amountCents: number;
  /** The RF reference of the one invoice it pays. */
  reference?: string;
  /** The remittance text naming the invoices it pays (when there is no RF reference): the transfer's label. */
  remittance?: string;
}

export function epcTransferFor(
  invoices: { invoiceId: string; currency: string; openCents: number }[],
  creditor: { name: string; iban: string; bic?: string },
  language: TransferLanguage = 'fr',
): EpcTransfer | undefined {
  const euros = invoices.filter((i) => i.currency === 'EUR' && i.openCents > 0);
  if (euros.length === 0) return undefined;
  const amountCents = euros.reduce((sum, i) => sum + i.openCents, 0);
  const reference = euros.length === 1 ? creditorReferenceFor(euros[0].invoiceId) : undefined;
  const transfer = {
    bic: creditor.bic,
    beneficiaryName: cutToBytes(creditor.name.trim().slice(0, 70), NAME_MAX_BYTES),
    iban: creditor.iban,
    amountCents: Math.min(amountCents, EPC_MAX_CENTS),
  };
  if (reference) return { payload: epcPayload({ ...transfer, creditorReference: reference }), amountCents, reference };
  // the bytes a remittance line may take: the payload with a one-byte text, less that byte
  const budget = EPC_MAX_BYTES - Buffer.byteLength(epcPayload({ ...transfer, remittanceText: 'x' }), 'utf8') + 1;
  const remittance = remittanceOf(
    euros.map((i) => i.invoiceId),
    language,
    budget,
  );
  return { payload: epcPayload({ ...transfer, remittanceText: remittance }), amountCents, remittance };
}

/** "Factures A, B, C", or "Factures A, B et 3 autres" when not all fit in 140 characters and `maxBytes`. */
export function remittanceOf(numbers: string[], language: TransferLanguage, maxBytes: number): string {
  const w = WORDS[language];
  const head = numbers.length > 1 ? w.many : w.one;
  const fits = (s: string) => s.length <= REMITTANCE_MAX_CHARS && Buffer.byteLength(s, 'utf8') <= maxBytes;
  for (let k = numbers.length; k >= 1; k--) {
    const text = `${head} ${numbers.slice(0, k).join(', ')}${k < numbers.length ? w.more(numbers.length - k) : ''}`;
    if (fits(text)) return text;
  }
  return cutToBytes(`${head} ${numbers[0]}`.slice(0, REMITTANCE_MAX_CHARS), maxBytes);
}

/** The longest start of `s`, whole characters only, of at most `maxBytes` UTF-8 bytes. */
function cutToBytes(s: string, maxBytes: number): string {
  let out = '';
  let bytes = 0;
  for (const ch of s) {
    bytes += Buffer.byteLength(ch, 'utf8');
    if (bytes > maxBytes) break;
    out += ch;
  }
  return out;
}
