import { child, childrenAt, text, type XNode } from '../xml/tree';
import { EInvoiceError } from './errors';
import { decimalToCents, type EInvoice, isoDate, kindOf, type Party, profileOf, required, sirenOf } from './model';

export const CII_NAMESPACE = 'urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100';

/** A CII date: DateTimeString with format 102 (AAAAMMJJ), the only format EN 16931 allows for these dates. */
function ciiDate(node: XNode | undefined, element: string): string | undefined {
  const dts = child(node, 'DateTimeString');
  if (!dts) return undefined;
  const format = dts.attrs.format;
  if (format !== undefined && format !== '102')
    throw new EInvoiceError('invalid_date', `date format ${format} (only 102, AAAAMMJJ, is allowed)`, element);
  return isoDate(text(dts), element);
}

function party(node: XNode | undefined, role: string): Party {
  if (!node) throw new EInvoiceError('missing_field', `${role} is missing`, role);
  const name = required(text(node, 'Name'), `${role}/Name`);
  const legal = child(node, 'SpecifiedLegalOrganization', 'ID');
  const legalId = text(legal)
    ? { id: text(legal) as string, ...(legal?.attrs.schemeID ? { scheme: legal.attrs.schemeID } : {}) }
    : undefined;
  const vat = childrenAt(node, 'SpecifiedTaxRegistration')
    .map((r) => child(r, 'ID'))
    .find((id) => id && (id.attrs.schemeID ?? 'VA') === 'VA');
  const vatId = text(vat);
  const a = child(node, 'PostalTradeAddress');
  const country = text(a, 'CountryID');
  const address = a
    ? {
        lines: ['LineOne', 'LineTwo', 'LineThree'].flatMap((l) => text(a, l) ?? []),
        ...(text(a, 'PostcodeCode') ? { postcode: text(a, 'PostcodeCode') } : {}),
        ...(text(a, 'CityName') ? { city: text(a, 'CityName') } : {}),
        ...(country ? { country } : {}),
      }
    : undefined;
  const siren = sirenOf(legalId, vatId, country);
  return {
    name,
    ...(legalId ? { legalId } : {}),
    ...(siren ? { siren } : {}),
    ...(vatId ? { vatId } : {}),
    ...(address ? { address } : {}),
  };
}

/**
 * A UN/CEFACT Cross Industry Invoice (D16B, the syntax of Factur-X, ZUGFeRD 2 and XRechnung CII), any profile from
 * MINIMUM to EXTENDED: the header is the same in all of them, and only the header is read.
 */
export function readCii(root: XNode, container: EInvoice['container']): EInvoice {
  const doc = child(root, 'ExchangedDocument');
  const guideline = text(root, 'ExchangedDocumentContext', 'GuidelineSpecifiedDocumentContextParameter', 'ID');
  const trade = child(root, 'SupplyChainTradeTransaction');
  const agreement = child(trade, 'ApplicableHeaderTradeAgreement');
  const settlement = child(trade, 'ApplicableHeaderTradeSettlement');
  if (!doc || !trade || !agreement || !settlement) {
    throw new EInvoiceError(
      'missing_field',
      'a CII invoice needs ExchangedDocument and the header trade agreement and settlement',
      'CrossIndustryInvoice',
    );
  }
  const typeCode = required(text(doc, 'TypeCode'), 'ExchangedDocument/TypeCode');
  const sums = child(settlement, 'SpecifiedTradeSettlementHeaderMonetarySummation');
  const totalWithVatCents = decimalToCents(
    required(text(sums, 'GrandTotalAmount'), 'GrandTotalAmount'),
    'GrandTotalAmount',
  );
  const prepaidText = text(sums, 'TotalPrepaidAmount');
  const prepaidCents = prepaidText === undefined ? 0 : decimalToCents(prepaidText, 'TotalPrepaidAmount');
  const dueText = text(sums, 'DuePayableAmount');
  const amountDueCents =
    dueText === undefined ? totalWithVatCents - prepaidCents : decimalToCents(dueText, 'DuePayableAmount');
  // Several payment-terms blocks may exist (EXTENDED: instalments): the earliest due date is the one to collect first.
  const terms = childrenAt(settlement, 'SpecifiedTradePaymentTerms');
  const dueDates = terms
    .flatMap((t) => ciiDate(child(t, 'DueDateDateTime'), 'SpecifiedTradePaymentTerms/DueDateDateTime') ?? [])
    .sort();
  const paymentTerms = terms.flatMap((t) => text(t, 'Description') ?? []).join(' ') || undefined;
  const currency = required(text(settlement, 'InvoiceCurrencyCode'), 'InvoiceCurrencyCode').toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency))
    throw new EInvoiceError('missing_field', `currency "${currency}" is not an ISO 4217 code`, 'InvoiceCurrencyCode');
  return {
    syntax: 'CII',
    container,
    profile: profileOf(guideline),
    ...(guideline ? { guideline } : {}),
    invoiceNumber: required(text(doc, 'ID'), 'ExchangedDocument/ID'),
    typeCode,
    kind: kindOf(typeCode),
    issueDate: required(
      ciiDate(child(doc, 'IssueDateTime'), 'ExchangedDocument/IssueDateTime'),
      'ExchangedDocument/IssueDateTime',
    ),
    ...(dueDates.length ? { dueDate: dueDates[0] } : {}),
    ...(paymentTerms ? { paymentTerms } : {}),
    currency,
    seller: party(child(agreement, 'SellerTradeParty'), 'SellerTradeParty'),
    buyer: party(child(agreement, 'BuyerTradeParty'), 'BuyerTradeParty'),
    totalWithVatCents,
    prepaidCents,
    amountDueCents,
  };
}
