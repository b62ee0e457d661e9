import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buyerNamesAgree, customerIdOf, importRecordOf, readEInvoice } from '../../../functions/core/einvoices';
import { cii, fixtures } from './helpers';

const buyer = (name: string, legal = '') =>
  `<ram:BuyerTradeParty><ram:Name>${name}</ram:Name>${legal}</ram:BuyerTradeParty>`;
const siret =
  '<ram:SpecifiedLegalOrganization><ram:ID schemeID="0002">44306184100047</ram:ID>' +
  '</ram:SpecifiedLegalOrganization>';

describe('the buyer of an e-invoice as a customer record', () => {
  it('reads a windows-1252 file as windows-1252: the buyer "L’Atelier" keeps its apostrophe (0x92)', async () => {
    const xml = cii({ buyer: buyer('L’Atelier', siret) }).replace('encoding="UTF-8"', 'encoding="windows-1252"');
    const out = importRecordOf(await readEInvoice(Buffer.from(xml.replace('’', '\x92'), 'latin1')));
    expect(out.ok && out.customer.name).toBe('L’Atelier');
  });

  it('reads an ISO-8859-15 file as ISO-8859-15: its 0xA4 is a euro sign', async () => {
    const xml = cii({ buyer: buyer('Café ¤', siret) }).replace('encoding="UTF-8"', 'encoding="ISO-8859-15"');
    const out = importRecordOf(await readEInvoice(Buffer.from(xml, 'latin1')));
    expect(out.ok && out.customer.name).toBe('Café €');
  });

  it('cuts a long buyer name into a customer id of 64 characters without a trailing space', async () => {
    const name = `${'A'.repeat(63)} SARL DE LA BOULANGERIE`;
    const out = importRecordOf(await readEInvoice(Buffer.from(cii({ buyer: buyer(name) }))));
    expect(out.ok && out.customer.customerId).toBe('A'.repeat(63));
  });

  it('rejects with its reason a buyer whose name the customer rules refuse, rather than failing later', async () => {
    const out = importRecordOf(await readEInvoice(Buffer.from(cii({ buyer: buyer('Dupont&#x85;Fils', siret) }))));
    expect(out).toMatchObject({ ok: false, invoiceId: 'FA-2026-0042', reason: expect.stringMatching(/^buyer name: /) });
  });
});

describe('two buyers with the same digits', () => {
  it('gives the French SIREN 987654321 and the Norwegian organisation number 987654321 two customers', async () => {
    const fr = importRecordOf(await readEInvoice(readFileSync(`${fixtures}fx-akretion-invoice_EN16931.pdf`)));
    const no = importRecordOf(await readEInvoice(readFileSync(`${fixtures}ubl-cef-ubl-tc434-example2.xml`)));
    expect(fr.ok && fr.customer).toMatchObject({ customerId: '987654321', name: 'LE CLIENT' });
    expect(no.ok && no.customer).toMatchObject({ customerId: 'NO-987654321', name: 'The Buyercompany' });
    const dk = importRecordOf(await readEInvoice(readFileSync(`${fixtures}cii-cef-CII_example5.xml`)));
    expect(dk.ok && dk.customer.customerId, 'an id that starts with its country already').toBe('DK16356607');
  });

  it('takes a 9-digit id without scheme for a SIREN only when the buyer is in France', async () => {
    const legal = (country: string) =>
      '<ram:SpecifiedLegalOrganization><ram:ID>987654321</ram:ID></ram:SpecifiedLegalOrganization>' +
      (country ? `<ram:PostalTradeAddress><ram:CountryID>${country}</ram:CountryID></ram:PostalTradeAddress>` : '');
    const idOf = async (country: string) => {
      const inv = await readEInvoice(Buffer.from(cii({ buyer: buyer('Garage Martin', legal(country)) })));
      return { siren: inv.buyer.siren, customerId: customerIdOf(inv.buyer) };
    };
    expect(await idOf('FR')).toEqual({ siren: '987654321', customerId: '987654321' });
    expect(await idOf('NO')).toEqual({ siren: undefined, customerId: 'NO-987654321' });
    expect(await idOf('')).toEqual({ siren: undefined, customerId: 'ID-987654321' });
  });

  it('tells a customer of another name from another spelling of the same name', () => {
    expect(buyerNamesAgree('LE CLIENT', 'The Buyercompany')).toBe(false);
    expect(buyerNamesAgree('Boulangerie Dupont', 'BOULANGERIE DUPONT SARL')).toBe(true);
    expect(buyerNamesAgree('Buyer Company Ltd', 'The Buyercompany')).toBe(true);
    expect(buyerNamesAgree('Garage Martin', 'SAS Garage Martin & Fils')).toBe(true);
  });
});
