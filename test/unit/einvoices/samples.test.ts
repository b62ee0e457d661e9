import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readEInvoice } from '../../../functions/core/einvoices';
import { fixtures } from './helpers';

/** The four third-party samples of ../shared/fixtures/einvoices, read in place, against every field of its README. */
const expected = [
  {
    file: 'fx-akretion-invoice_EN16931.pdf',
    invoiceNumber: 'F20260023',
    issueDate: '2026-01-31',
    typeCode: '380',
    currency: 'EUR',
    sellerName: 'LE FOURNISSEUR',
    sellerId: '123456782',
    buyerName: 'LE CLIENT',
    buyerId: '987654321',
    dueDate: '2026-03-02',
    totalWithVat: 10490,
    amountDue: 10490,
    profile: 'EN 16931',
    syntax: 'CII',
  },
  {
    file: 'fx-fnfe-Facture_FR_MINIMUM.pdf',
    invoiceNumber: 'FA-2017-0010',
    issueDate: '2017-11-13',
    typeCode: '380',
    currency: 'EUR',
    sellerName: 'Au bon moulin',
    sellerId: '99999999800010',
    buyerName: 'Ma jolie boutique',
    buyerId: '78787878400035',
    dueDate: undefined,
    totalWithVat: 67115,
    amountDue: 47015,
    profile: 'MINIMUM',
    syntax: 'CII',
  },
  {
    file: 'cii-cef-CII_example5.xml',
    invoiceNumber: 'TOSL110',
    issueDate: '2013-04-10',
    typeCode: '380',
    currency: 'DKK',
    sellerName: 'SellerCompany',
    sellerId: 'NL16356706',
    buyerName: 'Buyercompany ltd',
    buyerId: 'DK16356607',
    dueDate: '2013-05-10',
    totalWithVat: 467500,
    amountDue: 233750,
    profile: 'EN 16931',
    syntax: 'CII',
  },
  {
    file: 'ubl-cef-ubl-tc434-example2.xml',
    invoiceNumber: 'TOSL108',
    issueDate: '2013-06-30',
    typeCode: '380',
    currency: 'NOK',
    sellerName: 'Salescompany ltd.',
    sellerId: '123456789',
    buyerName: 'The Buyercompany',
    buyerId: '987654321',
    dueDate: '2013-07-20',
    totalWithVat: 180178,
    amountDue: 80178,
    profile: 'EN 16931',
    syntax: 'UBL',
  },
] as const;

describe('third-party e-invoice samples', () => {
  for (const e of expected) {
    it(`${e.file} gives every field its README lists`, async () => {
      const inv = await readEInvoice(readFileSync(fixtures + e.file));
      expect({
        invoiceNumber: inv.invoiceNumber,
        issueDate: inv.issueDate,
        typeCode: inv.typeCode,
        currency: inv.currency,
        sellerName: inv.seller.name,
        sellerId: inv.seller.legalId?.id,
        buyerName: inv.buyer.name,
        buyerId: inv.buyer.legalId?.id,
        dueDate: inv.dueDate,
        totalWithVat: inv.totalWithVatCents,
        amountDue: inv.amountDueCents,
        profile: inv.profile,
        syntax: inv.syntax,
      }).toEqual(withoutFile(e));
      expect(inv.kind).toBe('invoice');
    });
  }

  it(
    'the Factur-X MINIMUM reads the SIRET under scheme 0002 as a SIREN of its first 9 digits and keeps the advance ' +
      'out of the amount due',
    async () => {
      const inv = await readEInvoice(readFileSync(`${fixtures}fx-fnfe-Facture_FR_MINIMUM.pdf`));
      expect(inv.buyer.legalId).toEqual({ id: '78787878400035', scheme: '0002' });
      expect(inv.buyer.siren).toBe('787878784');
      expect(inv.seller.siren).toBe('999999998');
      expect(inv.container).toEqual({ kind: 'factur-x', attachment: 'factur-x.xml' });
      expect(inv.totalWithVatCents - inv.amountDueCents).toBe(20100);
    },
  );

  it(
    'the akretion Factur-X finds factur-x.xml behind a delivery note attachment, BOM and CRLF included, with the ' +
      'buyer address',
    async () => {
      const inv = await readEInvoice(readFileSync(`${fixtures}fx-akretion-invoice_EN16931.pdf`));
      expect(inv.container).toEqual({ kind: 'factur-x', attachment: 'factur-x.xml' });
      expect(inv.buyer.address).toEqual({
        lines: ['MON ADRESSE LIGNE 1', 'Buyer line 2', 'Buyer line 3'],
        postcode: '06000',
        city: 'MA VILLE',
        country: 'FR',
      });
      expect(inv.paymentTerms).toBe('PAIEMENT 30 JOURS NET');
    },
  );

  it('the CII example takes half prepaid into account and reads legal ids without a scheme as they are', async () => {
    const inv = await readEInvoice(readFileSync(`${fixtures}cii-cef-CII_example5.xml`));
    expect(inv.prepaidCents).toBe(233750);
    expect(inv.buyer.legalId).toEqual({ id: 'DK16356607' });
    expect(inv.buyer.siren).toBeUndefined();
  });

  it('the UBL example reads the buyer registration name and address despite the base64 PDF it carries', async () => {
    const inv = await readEInvoice(readFileSync(`${fixtures}ubl-cef-ubl-tc434-example2.xml`));
    expect(inv.prepaidCents).toBe(100000);
    expect(inv.buyer.address).toEqual({
      lines: ['Anystreet 8', 'Back door'],
      postcode: '101',
      city: 'Anytown',
      country: 'NO',
    });
  });
});

function withoutFile<T extends { file: string }>(e: T): Omit<T, 'file'> {
  const { file: _file, ...rest } = e;
  return rest;
}
