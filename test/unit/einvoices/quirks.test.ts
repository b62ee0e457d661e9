import { describe, expect, it } from 'vitest';
import { EInvoiceError, importRecordOf, readEInvoice } from '../../../functions/core/einvoices';
import { cii, pdfWith, ubl } from './helpers';

const read = (s: string | Uint8Array) => readEInvoice(typeof s === 'string' ? Buffer.from(s, 'utf8') : s);
async function refusal(s: string | Uint8Array): Promise<EInvoiceError> {
  const err = await read(s).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(EInvoiceError);
  return err as EInvoiceError;
}

describe('Factur-X containers as the libraries found them in the wild', () => {
  it('finds zugferd-invoice.xml and ZUGFeRD-invoice.xml whatever their case (akretion/factur-x #10)', async () => {
    for (const name of ['zugferd-invoice.xml', 'ZUGFeRD-invoice.xml']) {
      const inv = await read(await pdfWith([{ name, xml: cii({ guideline: 'urn:zugferd.de:2p0:basicwl' }) }]));
      expect(inv.container).toEqual({ kind: 'factur-x', attachment: name });
      expect(inv.profile).toBe('BASIC WL');
    }
  });

  it('reads xrechnung.xml, the name XRechnung PDFs give their XML (mustangproject #452)', async () => {
    const inv = await read(
      await pdfWith([
        {
          name: 'xrechnung.xml',
          xml: cii({ guideline: 'urn:cen.eu:en16931:2017#compliant#urn:xoev-de:kosit:standard:xrechnung_2.3' }),
        },
      ]),
    );
    expect(inv.profile).toBe('XRECHNUNG');
  });

  it('walks a name tree split into Kids, with keys written as UTF-16 hex strings and a spec without /UF', async () => {
    const inv = await read(
      await pdfWith(
        [
          { name: 'bon-de-livraison.xml', xml: '<x/>' },
          { name: 'factur-x.xml', xml: cii(), hexKey: true, onlyF: true },
        ],
        'kids',
      ),
    );
    expect(inv.invoiceNumber).toBe('FA-2026-0042');
  });

  it('takes an uncompressed embedded stream as it is', async () => {
    expect((await read(await pdfWith([{ name: 'factur-x.xml', xml: cii(), raw: true }]))).invoiceNumber).toBe(
      'FA-2026-0042',
    );
  });

  it(
    'finds the XML listed only in the catalog’s associated files (/AF), not in the EmbeddedFiles tree ' +
      '(mustangproject #709)',
    async () => {
      expect((await read(await pdfWith([{ name: 'factur-x.xml', xml: cii() }], 'af-only'))).invoiceNumber).toBe(
        'FA-2026-0042',
      );
    },
  );

  it('refuses a PDF carrying two different invoice XMLs rather than reading the first one', async () => {
    const two = await pdfWith([
      { name: 'factur-x.xml', xml: cii({ id: 'FA-1' }) },
      { name: 'zugferd-invoice.xml', xml: cii({ id: 'FA-2' }) },
    ]);
    const err = await refusal(two);
    expect(err.code).toBe('ambiguous');
    expect(err.message).toContain('factur-x.xml, zugferd-invoice.xml');
  });

  it('reads a PDF carrying the same invoice XML under two names', async () => {
    const same = cii({ id: 'FA-1' });
    const pdf = await pdfWith([
      { name: 'factur-x.xml', xml: same },
      { name: 'zugferd-invoice.xml', xml: same, raw: true },
    ]);
    expect((await read(pdf)).invoiceNumber).toBe('FA-1');
  });

  it('refuses a PDF whose only XML is named otherwise, naming what it found (mustangproject #908, #918)', async () => {
    const err = await refusal(await pdfWith([{ name: 'ZUGFeRD_001.xml', xml: cii() }]));
    expect(err.code).toBe('no_invoice_attachment');
    expect(err.message).toContain('ZUGFeRD_001.xml');
  });

  it('refuses a plain PDF and a truncated one with a typed error', async () => {
    const plain = await pdfWith([]);
    expect((await refusal(plain)).code).toBe('no_invoice_attachment');
    expect((await refusal(plain.subarray(0, 40))).code).toMatch(/corrupt|no_invoice_attachment/);
  });
});

describe('CII and UBL quirks', () => {
  it(
    'reads the profiles MINIMUM, BASIC WL, BASIC, EN 16931 and EXTENDED from their Factur-X guideline ' + 'ids',
    async () => {
      const ids: Record<string, string> = {
        'urn:factur-x.eu:1p0:minimum': 'MINIMUM',
        'urn:factur-x.eu:1p0:basicwl': 'BASIC WL',
        'urn:cen.eu:en16931:2017#compliant#urn:factur-x.eu:1p0:basic': 'BASIC',
        'urn:cen.eu:en16931:2017': 'EN 16931',
        'urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended': 'EXTENDED',
      };
      for (const [guideline, profile] of Object.entries(ids))
        expect((await read(cii({ guideline }))).profile).toBe(profile);
    },
  );

  it(
    'computes the amount due from total and prepaid when DuePayableAmount is absent, and accepts trailing zero ' +
      'decimals',
    async () => {
      const inv = await read(
        cii({
          sums:
            '<ram:GrandTotalAmount>1200.0000</ram:GrandTotalAmount>' +
            '<ram:TotalPrepaidAmount>200</ram:TotalPrepaidAmount>',
        }),
      );
      expect([inv.totalWithVatCents, inv.prepaidCents, inv.amountDueCents]).toEqual([120000, 20000, 100000]);
    },
  );

  it('refuses an amount with a third significant decimal rather than rounding it', async () => {
    const err = await refusal(cii({ sums: '<ram:GrandTotalAmount>1200.005</ram:GrandTotalAmount>' }));
    expect([err.code, err.element]).toEqual(['invalid_amount', 'GrandTotalAmount']);
  });

  it('refuses a date in another format than 102', async () => {
    const xml = cii().replace('<udt:DateTimeString format="102">20261102', '<udt:DateTimeString format="610">202611');
    expect((await refusal(xml)).code).toBe('invalid_date');
  });

  it('takes the earliest due date of several payment terms (instalments) and joins their descriptions', async () => {
    const terms =
      '<ram:SpecifiedTradePaymentTerms><ram:Description>solde</ram:Description><ram:DueDateDateTime>' +
      '<udt:DateTimeString ' +
      'format="102">20270115</udt:DateTimeString></ram:DueDateDateTime></ram:SpecifiedTradePaymentTerms>' +
      '<ram:SpecifiedTradePaymentTerms><ram:Description>acompte</ram:Description><ram:DueDateDateTime>' +
      '<udt:DateTimeString ' +
      'format="102">20261201</udt:DateTimeString></ram:DueDateDateTime></ram:SpecifiedTradePaymentTerms>';
    const inv = await read(cii({ terms }));
    expect([inv.dueDate, inv.paymentTerms]).toEqual(['2026-12-01', 'solde acompte']);
  });

  it(
    'derives the SIREN from a French VAT number when the buyer gives no legal id (FNFE MINIMUM examples carry ' +
      'both)',
    async () => {
      const buyer =
        '<ram:BuyerTradeParty><ram:Name>SARL Nord</ram:Name><ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">FR ' +
        '40 ' +
        '303265045</ram:ID></ram:SpecifiedTaxRegistration></ram:BuyerTradeParty>';
      expect((await read(cii({ buyer }))).buyer.siren).toBe('303265045');
    },
  );

  it('reads a 9-digit SIREN under scheme 0002 as is and a SIRET under scheme 0009', async () => {
    const b = (id: string, scheme: string) =>
      `<ram:BuyerTradeParty><ram:Name>X</ram:Name><ram:SpecifiedLegalOrganization><ram:ID ` +
      `schemeID="${scheme}">${id}</ram:ID></ram:SpecifiedLegalOrganization></ram:BuyerTradeParty>`;
    expect((await read(cii({ buyer: b('443061841', '0002') }))).buyer.siren).toBe('443061841');
    expect((await read(cii({ buyer: b('44306184100047', '0009') }))).buyer.siren).toBe('443061841');
    expect((await read(cii({ buyer: b('44306184100047', '0088') }))).buyer.siren).toBeUndefined();
  });

  it('reads a UBL credit note with its due date from PaymentMeans, and a UBL invoice without DueDate', async () => {
    const note = await read(
      ubl({
        root: 'CreditNote',
        extra:
          '<cac:PaymentMeans><cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>' +
          '<cbc:PaymentDueDate>2026-12-03</cbc:PaymentDueDate></cac:PaymentMeans>',
      }),
    );
    expect([note.kind, note.typeCode, note.dueDate]).toEqual(['credit_note', '381', '2026-12-03']);
    const inv = await read(ubl());
    expect([inv.kind, inv.dueDate, inv.buyer.name, inv.buyer.siren, inv.profile]).toEqual([
      'invoice',
      undefined,
      'Garage Martin',
      '303265045',
      'EN 16931',
    ]);
  });

  it('refuses a DOCTYPE (no DTD, no entity expansion: billion laughs never starts)', async () => {
    const bomb =
      `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 ` +
      `"&lol;&lol;&lol;">]><rsm:CrossIndustryInvoice xmlns:rsm="x">&lol2;</rsm:CrossIndustryInvoice>`;
    const err = await refusal(bomb);
    expect(err.code).toBe('corrupt');
    expect(err.message).toMatch(/DOCTYPE/);
  });

  it('refuses an element bomb (a few kB of Factur-X inflating to 512 Ki elements) before building it', async () => {
    const bomb = cii().replace('<ram:ApplicableHeaderTradeDelivery/>', `<x>${'<a/>'.repeat(512 * 1024)}</x>`);
    const pdf = await pdfWith([{ name: 'factur-x.xml', xml: bomb }]);
    expect(pdf.length).toBeLessThan(20_000);
    const err = await refusal(pdf);
    expect(err.code).toBe('too_large');
    expect(err.message).toContain('more than 200000 elements');
  });

  it('refuses an XML nested deeper than 64 levels and one of more than 200,000 attributes', async () => {
    const deep = cii().replace('<ram:ApplicableHeaderTradeDelivery/>', `${'<x>'.repeat(70)}${'</x>'.repeat(70)}`);
    expect((await refusal(deep)).code).toBe('corrupt');
    const attrs = Array.from({ length: 200_001 }, (_, i) => `a${i}=""`).join(' ');
    const wide = cii().replace('<ram:ApplicableHeaderTradeDelivery/>', `<x ${attrs}/>`);
    expect((await refusal(wide)).code).toBe('too_large');
  });

  it('still reads an invoice of 150,000 elements (thousands of lines)', async () => {
    const line =
      '<ram:IncludedSupplyChainTradeLineItem><ram:LineID>1</ram:LineID></ram:IncludedSupplyChainTradeLineItem>';
    const big = cii().replace(
      '<ram:ApplicableHeaderTradeDelivery/>',
      `${line.repeat(75_000)}<ram:ApplicableHeaderTradeDelivery/>`,
    );
    expect((await read(big)).invoiceNumber).toBe('FA-2026-0042');
  });

  it('says why another XML is not an invoice: ZUGFeRD 1, a camt statement, UBL Order', async () => {
    expect(
      (await refusal('<rsm:CrossIndustryDocument xmlns:rsm="urn:ferd:CrossIndustryDocument:invoice:1p0"/>')).code,
    ).toBe('unsupported');
    expect((await refusal('<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"/>')).code).toBe(
      'not_an_invoice',
    );
    expect((await refusal('<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"/>')).code).toBe(
      'not_an_invoice',
    );
    expect((await refusal('')).code).toBe('empty');
    expect((await refusal('invoice_id,customer_id\n')).code).toBe('not_an_invoice');
  });

  it('names the missing field of an invoice without its buyer', async () => {
    const err = await refusal(cii({ buyer: '' }));
    expect([err.code, err.element]).toEqual(['missing_field', 'BuyerTradeParty']);
  });
});

describe('from an e-invoice to an open invoice', () => {
  it(
    'becomes the buyer’s open invoice for the amount due, customer keyed by SIREN with its postal ' + 'address',
    async () => {
      const out = importRecordOf(
        await read(
          cii({
            sums:
              '<ram:GrandTotalAmount>1200.00</ram:GrandTotalAmount>' +
              '<ram:TotalPrepaidAmount>200.00</ram:TotalPrepaidAmount>' +
              '<ram:DuePayableAmount>1000.00</ram:DuePayableAmount>',
          }),
        ),
      );
      expect(out).toEqual({
        ok: true,
        record: {
          invoiceId: 'FA-2026-0042',
          customerId: '443061841',
          customerName: 'Boulangerie Dupont',
          amountCents: 100000,
          currency: 'EUR',
          issueDate: '2026-11-02',
          dueDate: '2026-12-02',
        },
        customer: {
          customerId: '443061841',
          name: 'Boulangerie Dupont',
          postalAddress: ['12 rue de la République', '69002 Lyon'],
        },
      });
    },
  );

  it('is due after the payment terms when the invoice gives no due date (MINIMUM)', async () => {
    const out = importRecordOf(await read(cii({ terms: '' })), 45);
    expect(out.ok && out.record.dueDate).toBe('2026-12-17');
  });

  it('refuses a credit note and an invoice already paid in full, saying why', async () => {
    expect(importRecordOf(await read(cii({ type: '381' })))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/credit note/),
    });
    const prepaid = importRecordOf(
      await read(
        cii({
          sums: '<ram:GrandTotalAmount>10</ram:GrandTotalAmount><ram:TotalPrepaidAmount>10</ram:TotalPrepaidAmount>',
        }),
      ),
    );
    expect(prepaid).toMatchObject({ ok: false, reason: expect.stringMatching(/nothing to collect/) });
  });
});
