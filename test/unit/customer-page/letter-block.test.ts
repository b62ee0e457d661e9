import { inflateSync } from 'node:zlib';
import jsQR from 'jsqr';
import { describe, expect, it } from 'vitest';
import { computeLatePenalties, defaultRateTable } from '../../../functions/core/dunning';
import { buildFormalNoticePdf } from '../../../functions/core/letters';
import { creditorReferenceFor } from '../../../functions/core/payments/creditor-reference';
import { epcPayload, parseEpcPayload } from '../../../functions/core/payments/epc-qr';
import { pdfText } from '../letters/pdf-text';

const creditor = {
  name: 'Atelier Dupont SAS',
  iban: 'FR7630006000011234567890189',
  bic: 'AGRIFRPP',
  address: ['12 rue des Lilas', '69003 Lyon'],
};
const invoice = {
  invoiceId: 'F-2025-0001',
  issueDate: '2025-05-15',
  dueDate: '2025-06-15',
  amountCents: 100_000,
  openCents: 100_000,
};
const url = 'https://pay.example.fr/c/eyJjdXN0b21lcklkIjoiQUNNRSJ9.AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCd';
const epc = epcPayload({
  bic: creditor.bic,
  beneficiaryName: creditor.name,
  iban: creditor.iban,
  amountCents: 100_000,
  creditorReference: creditorReferenceFor(invoice.invoiceId),
});

/** The images pdf-lib embedded (Flate-compressed RGB), decoded as QR codes, in drawing order. */
function qrCodesIn(pdf: Uint8Array): string[] {
  const raw = Buffer.from(pdf).toString('latin1');
  const found: string[] = [];
  const re = /<<([^>]*\/Subtype \/Image[^>]*)>>\s*stream\r?\n/g;
  for (let m = re.exec(raw); m; m = re.exec(raw)) {
    const dict = m[1];
    if (!/\/ColorSpace \/DeviceRGB/.test(dict)) continue;
    const [w, h, len] = ['Width', 'Height', 'Length'].map((k) => Number(new RegExp(`/${k} (\\d+)`).exec(dict)?.[1]));
    const start = m.index + m[0].length;
    const rgb = inflateSync(Buffer.from(raw.slice(start, start + len), 'latin1'));
    const rgba = new Uint8ClampedArray(w * h * 4);
    for (let i = 0; i < w * h; i++) rgba.set([rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2], 255], 4 * i);
    const code = jsQR(rgba, w, h);
    if (code) found.push(code.data);
  }
  return found;
}

describe('the customer page on a formal notice', () => {
  it(
    'prints the link and two QR codes: the EPC transfer with the invoice’s RF reference, and the link ' + 'itself',
    async () => {
      const penalties = computeLatePenalties({
        principalCents: 100_000,
        dueDate: '2025-06-15',
        asOf: '2025-08-14',
        rates: defaultRateTable,
        debtor: 'business',
      });
      const pdf = await buildFormalNoticePdf({
        language: 'fr',
        creditor,
        debtor: { name: 'Boulangerie Martin', address: ['1 place du Marché', '75001 Paris'] },
        invoices: [invoice],
        penalties: [penalties],
        deadline: '2025-08-22',
        asOf: '2025-08-14',
        customerPage: { url, epcPayload: epc },
      });
      const text = pdfText(pdf).replace(/\s+/g, '');
      expect(text).toContain(url);
      expect(pdfText(pdf)).toContain('ouvrez votre espace de paiement');
      const codes = qrCodesIn(pdf);
      expect(codes).toHaveLength(2);
      expect(parseEpcPayload(codes[0])).toMatchObject({
        iban: creditor.iban,
        amountCents: 100_000,
        creditorReference: creditorReferenceFor('F-2025-0001'),
      });
      expect(codes[1]).toBe(url);
    },
  );

  it('without a customer page the letter has no QR code', async () => {
    const penalties = computeLatePenalties({
      principalCents: 100_000,
      dueDate: '2025-06-15',
      asOf: '2025-08-14',
      rates: defaultRateTable,
      debtor: 'business',
    });
    const pdf = await buildFormalNoticePdf({
      language: 'en',
      creditor,
      debtor: { name: 'B', address: ['x'] },
      invoices: [invoice],
      penalties: [penalties],
      deadline: '2025-08-22',
      asOf: '2025-08-14',
    });
    expect(qrCodesIn(pdf)).toEqual([]);
  });
});
