import { deflateSync } from 'node:zlib';
import { PDFDocument, PDFHexString, PDFName, type PDFObject, type PDFRef, PDFString } from 'pdf-lib';

export const fixtures = '/work/shared/fixtures/einvoices/';

/** A small CII invoice of our own; `over` replaces whole fragments (header parts) to make a quirk. */
export function cii(
  over: {
    guideline?: string;
    id?: string;
    type?: string;
    issue?: string;
    due?: string;
    currency?: string;
    buyer?: string;
    sums?: string;
    terms?: string;
  } = {},
): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100" ` +
    `xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100" ` +
    `xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
 <rsm:ExchangedDocumentContext><ram:GuidelineSpecifiedDocumentContextParameter>` +
    `<ram:ID>${over.guideline ?? 'urn:factur-x.eu:1p0:basicwl'}</ram:ID>` +
    `</ram:GuidelineSpecifiedDocumentContextParameter></rsm:ExchangedDocumentContext>
 <rsm:ExchangedDocument><ram:ID>${over.id ?? 'FA-2026-0042'}</ram:ID><ram:TypeCode>${over.type ?? '380'}</ram:TypeCode>
  <ram:IssueDateTime><udt:DateTimeString ` +
    `format="102">${over.issue ?? '20261102'}</udt:DateTimeString></ram:IssueDateTime></rsm:ExchangedDocument>
 <rsm:SupplyChainTradeTransaction>
  <ram:ApplicableHeaderTradeAgreement>
   <ram:SellerTradeParty><ram:Name>Atelier Bois &amp; Fils</ram:Name><ram:SpecifiedLegalOrganization><ram:ID ` +
    `schemeID="0002">55210055400013</ram:ID></ram:SpecifiedLegalOrganization>
    <ram:PostalTradeAddress><ram:CountryID>FR</ram:CountryID></ram:PostalTradeAddress></ram:SellerTradeParty>
   ${
     over.buyer ??
     `<ram:BuyerTradeParty><ram:Name>Boulangerie Dupont</ram:Name><ram:SpecifiedLegalOrganization><ram:ID ` +
       `schemeID="0002">44306184100047</ram:ID></ram:SpecifiedLegalOrganization>
    <ram:PostalTradeAddress><ram:PostcodeCode>69002</ram:PostcodeCode><ram:LineOne>12 rue de la ` +
       `République</ram:LineOne><ram:CityName>Lyon</ram:CityName>` +
       `<ram:CountryID>FR</ram:CountryID></ram:PostalTradeAddress>
    <ram:SpecifiedTaxRegistration><ram:ID ` +
       `schemeID="VA">FR12443061841</ram:ID></ram:SpecifiedTaxRegistration></ram:BuyerTradeParty>`
   }
  </ram:ApplicableHeaderTradeAgreement>
  <ram:ApplicableHeaderTradeDelivery/>
  <ram:ApplicableHeaderTradeSettlement><ram:InvoiceCurrencyCode>${over.currency ?? 'EUR'}</ram:InvoiceCurrencyCode>
   ${
     over.terms ??
     `<ram:SpecifiedTradePaymentTerms><ram:Description>30 jours ` +
       `net</ram:Description><ram:DueDateDateTime><udt:DateTimeString ` +
       `format="102">${over.due ?? '20261202'}</udt:DateTimeString></ram:DueDateDateTime>` +
       `</ram:SpecifiedTradePaymentTerms>`
   }
   <ram:SpecifiedTradeSettlementHeaderMonetarySummation>${
     over.sums ??
     '<ram:TaxBasisTotalAmount>1000.00</ram:TaxBasisTotalAmount><ram:TaxTotalAmount ' +
       'currencyID="EUR">200.00</ram:TaxTotalAmount><ram:GrandTotalAmount>1200.00</ram:GrandTotalAmount>' +
       '<ram:DuePayableAmount>1200.00</ram:DuePayableAmount>'
   }</ram:SpecifiedTradeSettlementHeaderMonetarySummation>
  </ram:ApplicableHeaderTradeSettlement>
 </rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>`
  );
}

/** A small UBL 2.1 Invoice or CreditNote of our own. */
export function ubl(
  over: { root?: 'Invoice' | 'CreditNote'; due?: string; totals?: string; extra?: string } = {},
): string {
  const root = over.root ?? 'Invoice';
  const type =
    root === 'Invoice'
      ? '<cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>'
      : '<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>';
  return (
    `<?xml version="1.0" encoding="UTF-8"?>
<${root} xmlns="urn:oasis:names:specification:ubl:schema:xsd:${root}-2" ` +
    `xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" ` +
    `xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
 <cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0</cbc:CustomizationID>
 <cbc:ID>UBL-7</cbc:ID>` +
    `<cbc:IssueDate>2026-11-03` +
    `</cbc:IssueDate>${over.due === undefined ? '' : `<cbc:DueDate>${over.due}</cbc:DueDate>`}${type}
 <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>${over.extra ?? ''}
 <cac:AccountingSupplierParty><cac:Party><cac:PartyLegalEntity>` +
    `<cbc:RegistrationName>Atelier</cbc:RegistrationName></cac:PartyLegalEntity></cac:Party>` +
    `</cac:AccountingSupplierParty>
 <cac:AccountingCustomerParty><cac:Party><cac:PartyName><cbc:Name>Garage Martin</cbc:Name></cac:PartyName>
  <cac:PostalAddress><cbc:StreetName>3 avenue ` +
    `Foch</cbc:StreetName><cbc:CityName>Nantes</cbc:CityName><cbc:PostalZone>44000</cbc:PostalZone><cac:Country>` +
    `<cbc:IdentificationCode>FR</cbc:IdentificationCode></cac:Country></cac:PostalAddress>
  <cac:PartyTaxScheme><cbc:CompanyID>FR40303265045</cbc:CompanyID><cac:TaxScheme>` +
    `<cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme></cac:Party></cac:AccountingCustomerParty>
 <cac:LegalMonetaryTotal>` +
    `${
      over.totals ??
      '<cbc:TaxInclusiveAmount currencyID="EUR">360.00</cbc:TaxInclusiveAmount><cbc:PayableAmount ' +
        'currencyID="EUR">360.00</cbc:PayableAmount>'
    }</cac:LegalMonetaryTotal>
</${root}>`
  );
}

export interface PdfAttachment {
  /** The name-tree key and the file specification's /F and /UF (unless said otherwise). */
  name: string;
  xml: string;
  /** Stream stored without FlateDecode. */
  raw?: boolean;
  /** Key written as a UTF-16BE hex string (with its byte-order mark), as some writers do. */
  hexKey?: boolean;
  /** The file specification carries only /F (no /UF). */
  onlyF?: boolean;
}

/** A one-page PDF with attachments laid out by hand: flat Names, a Kids tree, or only the catalog's /AF. */
export async function pdfWith(
  files: PdfAttachment[],
  layout: 'names' | 'kids' | 'af-only' = 'names',
): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.addPage([200, 200]);
  const ctx = doc.context;
  const pairs: PDFObject[] = [];
  const specs: PDFRef[] = [];
  for (const f of files) {
    const bytes = Buffer.from(f.xml, 'utf8');
    const stream = f.raw
      ? ctx.stream(bytes, { Type: 'EmbeddedFile', Subtype: 'text/xml' })
      : ctx.stream(deflateSync(bytes), { Type: 'EmbeddedFile', Subtype: 'text/xml', Filter: 'FlateDecode' });
    const streamRef = ctx.register(stream);
    const spec = ctx.obj({
      Type: 'Filespec',
      F: PDFString.of(f.name),
      ...(f.onlyF ? {} : { UF: PDFHexString.fromText(f.name) }),
      EF: { F: streamRef },
      AFRelationship: 'Data',
    });
    const specRef = ctx.register(spec);
    specs.push(specRef);
    pairs.push(f.hexKey ? PDFHexString.fromText(f.name) : PDFString.of(f.name), specRef);
  }
  if (layout === 'names')
    doc.catalog.set(PDFName.of('Names'), ctx.obj({ EmbeddedFiles: ctx.obj({ Names: ctx.obj(pairs) }) }));
  if (layout === 'kids') {
    const leaf = ctx.register(ctx.obj({ Names: ctx.obj(pairs), Limits: ctx.obj([pairs[0], pairs[pairs.length - 2]]) }));
    doc.catalog.set(PDFName.of('Names'), ctx.obj({ EmbeddedFiles: ctx.obj({ Kids: ctx.obj([leaf]) }) }));
  }
  doc.catalog.set(PDFName.of('AF'), ctx.obj(specs));
  return doc.save({ useObjectStreams: false });
}
