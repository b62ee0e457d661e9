import { child, childrenAt, text, type XNode } from '../xml/tree';
import { EInvoiceError } from './errors';
import { decimalToCents, type EInvoice, isoDate, kindOf, type Party, profileOf, required, sirenOf } from './model';

export const UBL_INVOICE_NAMESPACE = 'urn:oasis:names:specification:ubl:schema:xsd:Invoice-2';
export const UBL_CREDIT_NOTE_NAMESPACE = 'urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2';

function party(node: XNode | undefined, role: string): Party {
  const p = child(node, 'Party');
  if (!p) throw new EInvoiceError('missing_field', `${role}/Party is missing`, role);
  const name = required(
    text(p, 'PartyLegalEntity', 'RegistrationName') ?? text(p, 'PartyName', 'Name'),
    `${role}/Party/PartyLegalEntity/RegistrationName`,
  );
  const legal = child(p, 'PartyLegalEntity', 'CompanyID');
  const legalId = text(legal)
    ? { id: text(legal) as string, ...(legal?.attrs.schemeID ? { scheme: legal.attrs.schemeID } : {}) }
    : undefined;
  const vatId = childrenAt(p, 'PartyTaxScheme')
    .find((s) => (text(s, 'TaxScheme', 'ID') ?? 'VAT') === 'VAT')
    ?.children.find((c) => c.name === 'CompanyID');
  const a = child(p, 'PostalAddress');
  const country = text(a, 'Country', 'IdentificationCode');
  const address = a
    ? {
        lines: [text(a, 'StreetName'), text(a, 'AdditionalStreetName'), text(a, 'AddressLine', 'Line')].flatMap(
          (l) => l ?? [],
        ),
        ...(text(a, 'PostalZone') ? { postcode: text(a, 'PostalZone') } : {}),
        ...(text(a, 'CityName') ? { city: text(a, 'CityName') } : {}),
        ...(country ? { country } : {}),
      }
    : undefined;
  const vat = text(vatId);
  const siren = sirenOf(legalId, vat, country);
  return {
    name,
    ...(legalId ? { legalId } : {}),
    ...(siren ? { siren } : {}),
    ...(vat ? { vatId: vat } : {}),
    ...(address ? { address } : {}),
  };
}

/** An OASIS UBL 2.1 Invoice or CreditNote (EN 16931, Peppol BIS 3, XRechnung UBL): the header is read. */
export function readUbl(root: XNode, container: EInvoice['container']): EInvoice {
  const isCreditNote = root.name === 'CreditNote';
  const typeCode = required(
    text(root, isCreditNote ? 'CreditNoteTypeCode' : 'InvoiceTypeCode'),
    isCreditNote ? 'CreditNoteTypeCode' : 'InvoiceTypeCode',
  );
  const totals = child(root, 'LegalMonetaryTotal');
  if (!totals) throw new EInvoiceError('missing_field', 'LegalMonetaryTotal is missing', 'LegalMonetaryTotal');
  const totalWithVatCents = decimalToCents(
    required(text(totals, 'TaxInclusiveAmount'), 'LegalMonetaryTotal/TaxInclusiveAmount'),
    'TaxInclusiveAmount',
  );
  const prepaidText = text(totals, 'PrepaidAmount');
  const prepaidCents = prepaidText === undefined ? 0 : decimalToCents(prepaidText, 'PrepaidAmount');
  const payable = text(totals, 'PayableAmount');
  const amountDueCents =
    payable === undefined ? totalWithVatCents - prepaidCents : decimalToCents(payable, 'PayableAmount');
  // Invoice: cbc:DueDate; CreditNote (no DueDate in UBL 2.1): PaymentMeans/PaymentDueDate.
  const due =
    text(root, 'DueDate') ??
    childrenAt(root, 'PaymentMeans')
      .map((m) => text(m, 'PaymentDueDate'))
      .find(Boolean);
  const paymentTerms =
    childrenAt(root, 'PaymentTerms')
      .flatMap((t) => text(t, 'Note') ?? [])
      .join(' ') || undefined;
  const currency = required(text(root, 'DocumentCurrencyCode'), 'DocumentCurrencyCode').toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency))
    throw new EInvoiceError('missing_field', `currency "${currency}" is not an ISO 4217 code`, 'DocumentCurrencyCode');
  const guideline = text(root, 'CustomizationID');
  return {
    syntax: 'UBL',
    container,
    profile: profileOf(guideline),
    ...(guideline ? { guideline } : {}),
    invoiceNumber: required(text(root, 'ID'), 'ID'),
    typeCode,
    kind: isCreditNote ? 'credit_note' : kindOf(typeCode),
    issueDate: isoDate(required(text(root, 'IssueDate'), 'IssueDate'), 'IssueDate'),
    ...(due ? { dueDate: isoDate(due, 'DueDate') } : {}),
    ...(paymentTerms ? { paymentTerms } : {}),
    currency,
    seller: party(child(root, 'AccountingSupplierParty'), 'AccountingSupplierParty'),
    buyer: party(child(root, 'AccountingCustomerParty'), 'AccountingCustomerParty'),
    totalWithVatCents,
    prepaidCents,
    amountDueCents,
  };
}
