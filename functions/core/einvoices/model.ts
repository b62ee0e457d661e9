import { isValidIsoDate } from '../dates';
import { MoneyFormatError, parseAmountToCents } from '../money';
import { EInvoiceError } from './errors';

/** The EN 16931 profiles (CII guideline BT-24, UBL CustomizationID) encaisse tells apart. */
export type Profile = 'MINIMUM' | 'BASIC WL' | 'BASIC' | 'EN 16931' | 'EXTENDED' | 'XRECHNUNG' | 'UNKNOWN';

export interface PostalAddress {
  lines: string[];
  postcode?: string;
  city?: string;
  country?: string;
}

export interface Party {
  name: string;
  /** BT-30 / BT-47: the legal registration identifier, with its scheme (0002 = SIREN or SIRET, 0009 = SIRET). */
  legalId?: { id: string; scheme?: string };
  /**
   * The French SIREN (9 digits) when the party gives one: a SIREN, a SIRET's first 9 digits, or a French VAT number's
   * last 9.
   */
  siren?: string;
  vatId?: string;
  address?: PostalAddress;
}

/** What encaisse reads from an e-invoice: enough to create the customer and the open invoice. */
export interface EInvoice {
  syntax: 'CII' | 'UBL';
  /** How the XML came: alone, or embedded in a Factur-X / ZUGFeRD PDF (with the attachment's name). */
  container: { kind: 'xml' } | { kind: 'factur-x'; attachment: string };
  profile: Profile;
  /** The guideline/customization identifier as written. */
  guideline?: string;
  invoiceNumber: string;
  /** UNTDID 1001 code (380 invoice, 381 credit note, 384 corrective, 389 self-billed, 386 prepayment...). */
  typeCode: string;
  kind: 'invoice' | 'credit_note';
  issueDate: string;
  dueDate?: string;
  paymentTerms?: string;
  currency: string;
  seller: Party;
  buyer: Party;
  /** BT-112 total with VAT, in cents of the invoice currency. */
  totalWithVatCents: number;
  /** BT-113 paid in advance. */
  prepaidCents: number;
  /** BT-115 amount due for payment (total with VAT minus prepaid, plus rounding). */
  amountDueCents: number;
}

/** UNTDID 1001 codes of credit notes. */
const CREDIT_NOTE_CODES = new Set(['381', '261', '262', '296', '308', '396', '420', '458', '532']);
export function kindOf(typeCode: string): 'invoice' | 'credit_note' {
  return CREDIT_NOTE_CODES.has(typeCode) ? 'credit_note' : 'invoice';
}

/**
 * An XML decimal ("2337.5", "-10", "104.900") in cents; more than two significant decimals is refused, never rounded.
 */
export function decimalToCents(value: string | undefined, element: string): number {
  const decimal = value?.trim() ?? '';
  // The XML form only (no grouping, no trailing sign); the reading itself is the one of every amount (core/money).
  if (!/^[+-]?\d{1,15}(?:\.\d*)?$/.test(decimal))
    throw new EInvoiceError('invalid_amount', `"${value ?? ''}" is not a decimal amount`, element);
  try {
    return parseAmountToCents(decimal, { decimal: '.', grouping: false });
  } catch (err) {
    if (!(err instanceof MoneyFormatError)) throw err;
    const tooPrecise = /\.\d{2}\d*[1-9]/.test(decimal);
    throw new EInvoiceError(
      'invalid_amount',
      `"${value}" ${tooPrecise ? 'has more than two decimals' : 'is too large'}`,
      element,
    );
  }
}

/** An ISO date from "20130410" (CII format 102) or "2013-04-10" (UBL). */
export function isoDate(value: string | undefined, element: string): string {
  const v = value?.trim() ?? '';
  const iso = /^\d{8}$/.test(v) ? `${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6, 8)}` : v;
  if (!isValidIsoDate(iso)) throw new EInvoiceError('invalid_date', `"${v}" is not a date`, element);
  return iso;
}

export function required(value: string | undefined, element: string): string {
  if (value === undefined) throw new EInvoiceError('missing_field', `${element} is missing`, element);
  return value;
}

/**
 * The SIREN of a party: scheme 0002 (SIRENE) carries a SIREN (9 digits) or a SIRET (14, whose first 9 are the SIREN);
 * scheme 0009 is a SIRET. Without a scheme, a 9- or 14-digit id is read the same way only when the party's country is
 * FR (a Norwegian organisation number has 9 digits too). Else a French VAT number (FR + 2 key characters + SIREN).
 */
export function sirenOf(
  legalId: Party['legalId'],
  vatId: string | undefined,
  country: string | undefined,
): string | undefined {
  const id = legalId?.id.replace(/\s+/g, '');
  const frenchScheme = legalId?.scheme === '0002' || legalId?.scheme === '0009';
  const unschemed = !legalId?.scheme && country?.toUpperCase() === 'FR';
  if (id && (frenchScheme || unschemed) && /^(\d{9}|\d{14})$/.test(id)) return id.slice(0, 9);
  const vat = vatId?.replace(/\s+/g, '').toUpperCase();
  const m = vat ? /^FR[0-9A-Z]{2}(\d{9})$/.exec(vat) : null;
  return m ? m[1] : undefined;
}

/** The profile named by a CII guideline (BT-24) or a UBL CustomizationID. */
export function profileOf(guideline: string | undefined): Profile {
  const g = (guideline ?? '').trim().toLowerCase();
  if (!g) return 'UNKNOWN';
  if (/xrechnung/.test(g)) return 'XRECHNUNG';
  if (/:minimum$/.test(g)) return 'MINIMUM';
  if (/:basicwl$/.test(g)) return 'BASIC WL';
  if (/:basic$/.test(g)) return 'BASIC';
  if (/:extended$/.test(g)) return 'EXTENDED';
  if (g.startsWith('urn:cen.eu:en16931:2017')) return 'EN 16931';
  return 'UNKNOWN';
}
