import type { z } from 'zod';
import { addDays } from '../dates';
import { ImportedInvoice } from '../imports/types';
import { nameCoreTokens } from '../matching/normalize';
import { Customer } from '../model';
import type { EInvoice, Party } from './model';

/** The customer an e-invoice's buyer becomes: its id, name and postal address as the letters print it. */
export interface BuyerCustomer {
  customerId: string;
  name: string;
  postalAddress: string[];
}

export type EInvoiceImport =
  | { ok: true; record: ImportedInvoice; customer: BuyerCustomer }
  | { ok: false; invoiceId?: string; reason: string };

/**
 * The customer id of a buyer: its SIREN when it has one (the identifier the reform's directory uses), else its legal
 * id prefixed with its country, else its scheme ("NO-987654321", "0192-987654321": a foreign id is never taken for a
 * SIREN of the same digits) unless it starts with its country already, else its VAT number, else its name in
 * capitals. Customers created from CSV or FEC under another id are not merged.
 */
export function customerIdOf(buyer: Party): string {
  if (buyer.siren) return buyer.siren;
  const legal = buyer.legalId && oneLine(buyer.legalId.id, 64);
  if (legal) {
    const prefix = oneLine(buyer.address?.country ?? buyer.legalId?.scheme ?? 'ID', 8).toUpperCase();
    // an id that already starts with its country ("DK16356607") cannot be taken for a SIREN
    return legal.toUpperCase().startsWith(prefix) ? legal : oneLine(`${prefix}-${legal}`, 64);
  }
  return oneLine(buyer.vatId ?? buyer.name.toUpperCase(), 64);
}

/** Blanks made single spaces, cut to `max` characters, then trimmed (a cut may end on a space). */
const oneLine = (s: string, max: number) => s.replace(/\s+/g, ' ').trim().slice(0, max).trim();

/** The first problem zod finds, as "field: message", for the report. */
function firstIssue(error: z.ZodError, what: string): string {
  const issue = error.issues[0];
  return `${what} ${issue.path.join('.')}: ${issue.message}`;
}

/**
 * Whether the buyer's name and the name of the customer already keyed by its id can be one party: compared folded
 * (case, accents, punctuation), without legal forms and filler words; they agree when one holds the other or they
 * share a word ("Boulangerie Dupont" and "BOULANGERIE DUPONT SARL" agree; "LE CLIENT" and "The Buyercompany" do not).
 */
export function buyerNamesAgree(customerName: string, buyerName: string): boolean {
  const a = nameCoreTokens(customerName);
  const b = nameCoreTokens(buyerName);
  if (a.length === 0 || b.length === 0) return true; // nothing to compare: no evidence of two parties
  const [ja, jb] = [a.join(''), b.join('')];
  return ja.includes(jb) || jb.includes(ja) || a.some((t) => b.includes(t));
}

export function postalLines(buyer: Party): string[] {
  const a = buyer.address;
  if (!a) return [];
  const city = [a.postcode, a.city].filter(Boolean).join(' ');
  return [...a.lines, ...(city ? [city] : []), ...(a.country && a.country !== 'FR' ? [a.country] : [])]
    .map((l) => oneLine(l, 70))
    .slice(0, 6);
}

/**
 * What an e-invoice adds to the receivables: an open invoice of its amount due (BT-115: prepaid amounts are already
 * collected), due on its due date (BT-9) or, without one, the issue date plus the payment terms. A credit note or an
 * invoice with nothing left to pay is refused with the reason: neither is something to collect.
 */
export function importRecordOf(invoice: EInvoice, paymentTermsDays = 30): EInvoiceImport {
  const invoiceId = invoice.invoiceNumber;
  if (invoiceId.length > 64)
    return { ok: false, invoiceId: invoiceId.slice(0, 64), reason: 'invoice number (BT-1): longer than 64 characters' };
  if (invoice.kind === 'credit_note') {
    return {
      ok: false,
      invoiceId,
      reason:
        `a credit note (type ${invoice.typeCode}): record it against its invoice (credit-note), it is nothing ` +
        `to collect`,
    };
  }
  if (invoice.amountDueCents <= 0)
    return { ok: false, invoiceId, reason: 'amount due (BT-115) is zero or negative: nothing to collect' };
  const customer: BuyerCustomer = {
    customerId: customerIdOf(invoice.buyer),
    name: oneLine(invoice.buyer.name, 200),
    postalAddress: postalLines(invoice.buyer),
  };
  // The record and the customer are checked against the rules every import follows: a field they refuse (a control
  // character in a name, an id too long) rejects the file with its reason rather than failing the import.
  const checkedCustomer = Customer.safeParse(customer);
  if (!checkedCustomer.success) return { ok: false, invoiceId, reason: firstIssue(checkedCustomer.error, 'buyer') };
  const record = ImportedInvoice.safeParse({
    invoiceId,
    customerId: customer.customerId,
    customerName: customer.name,
    amountCents: invoice.amountDueCents,
    currency: invoice.currency,
    issueDate: invoice.issueDate,
    dueDate: invoice.dueDate ?? addDays(invoice.issueDate, paymentTermsDays),
  });
  if (!record.success) return { ok: false, invoiceId, reason: firstIssue(record.error, 'invoice') };
  return { ok: true, record: record.data, customer };
}
