import jsQR from 'jsqr';
import { PDFDocument } from 'pdf-lib';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { epcPayload, parseEpcPayload } from '../../../functions/core/payments/epc-qr';
import { qrPng, qrSvg } from '../../../functions/core/payments/qr-image';

function decodePng(png: Buffer): { data: string; version: number } | null {
  const image = PNG.sync.read(png);
  const code = jsQR(
    new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length),
    image.width,
    image.height,
  );
  return code && { data: code.data, version: code.version };
}

const invoicePayload = epcPayload({
  bic: 'AGRIFRPP',
  beneficiaryName: 'Société Dupont & Fils',
  iban: 'FR7630006000011234567890189',
  amountCents: 123_456,
  creditorReference: 'RF97F2024001',
});

describe('the EPC payment code as an image', () => {
  it('decodes back from the PNG to the very payload, accents included', async () => {
    const decoded = decodePng(await qrPng(invoicePayload));
    expect(decoded?.data).toBe(invoicePayload);
    expect(parseEpcPayload(decoded!.data)).toMatchObject({
      amountCents: 123456,
      creditorReference: 'RF97F2024001',
      beneficiaryName: 'Société Dupont & Fils',
    });
  });

  it('decodes a payload at the 331-byte limit from a 300-pixel PNG', async () => {
    const longest = epcPayload({
      bic: 'AGRIFRPP',
      beneficiaryName: 'x'.repeat(70),
      iban: 'FR7630006000011234567890189',
      amountCents: 99_999_999_999,
      purpose: 'GDDS',
      remittanceText: 'z'.repeat(116),
      beneficiaryToOriginator: 'y'.repeat(70),
    });
    const png = await qrPng(longest);
    expect(PNG.sync.read(png).width).toBe(300);
    const decoded = decodePng(png);
    expect(decoded?.data).toBe(longest);
    // EPC069-12 asks for level M, version 13 at most; 331 bytes need exactly version 13 at M (11 at L, 16 at Q)
    expect(decoded!.version).toBe(13);
  });

  it('draws the same SVG for the same payload, a plain <svg> element with no script', async () => {
    const svg = await qrSvg(invoicePayload);
    expect(svg).toBe(await qrSvg(invoicePayload));
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 \d+ \d+"[^>]*>.*<\/svg>$/s);
    expect(svg).not.toMatch(/<script|on\w+=/i);
  });

  it('draws the SVG of the same symbol as the PNG, at level M (same number of modules)', async () => {
    const svg = await qrSvg(invoicePayload);
    const side = Number(/viewBox="0 0 (\d+) /.exec(svg)![1]);
    const version = decodePng(await qrPng(invoicePayload))!.version;
    expect(version).toBe(6); // this payload needs version 6 at level M (5 at L, 7 at Q)
    expect(side).toBe(17 + 4 * version + 2 * 4); // modules of the version plus a 4-module quiet zone each side
  });

  it('embeds the PNG in a PDF with pdf-lib, as the formal notice will', async () => {
    const pdf = await PDFDocument.create();
    const image = await pdf.embedPng(await qrPng(invoicePayload));
    expect([image.width, image.height]).toEqual([300, 300]);
  });
});
