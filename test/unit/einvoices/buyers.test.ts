import { describe, expect, it } from 'vitest';
import { importRecordOf, readEInvoice } from '../../../functions/core/einvoices';
import { cii } from './helpers';

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
