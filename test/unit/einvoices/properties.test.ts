import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EInvoiceError, readEInvoice } from '../../../functions/core/einvoices';
import { cii, pdfWith } from './helpers';

const outcome = async (bytes: Uint8Array) => {
  try {
    const inv = await readEInvoice(bytes);
    expect(typeof inv.invoiceNumber).toBe('string');
    expect(Number.isSafeInteger(inv.amountDueCents)).toBe(true);
  } catch (err) {
    expect(err).toBeInstanceOf(EInvoiceError);
  }
};

describe('any bytes give an invoice or a typed error', () => {
  it('random bytes, XML-looking or PDF-looking', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 400 }),
          fc.string().map((s) => new Uint8Array(Buffer.from(`<${s}`))),
          fc.uint8Array({ maxLength: 400 }).map((b) => new Uint8Array([...Buffer.from('%PDF-1.7\n'), ...b])),
        ),
        outcome,
      ),
      { numRuns: 300 },
    );
  });

  it('a valid CII with one stretch of bytes damaged or cut', async () => {
    const xml = Buffer.from(cii());
    await fc.assert(
      fc.asyncProperty(
        fc.nat(xml.length - 1),
        fc.nat(40),
        fc.uint8Array({ maxLength: 40 }),
        async (at, drop, insert) => {
          await outcome(new Uint8Array([...xml.subarray(0, at), ...insert, ...xml.subarray(at + drop)]));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a valid Factur-X with one stretch of bytes damaged or cut', async () => {
    const pdf = await pdfWith([{ name: 'factur-x.xml', xml: cii() }]);
    await fc.assert(
      fc.asyncProperty(
        fc.nat(pdf.length - 1),
        fc.nat(60),
        fc.uint8Array({ maxLength: 30 }),
        async (at, drop, insert) => {
          await outcome(new Uint8Array([...pdf.subarray(0, at), ...insert, ...pdf.subarray(at + drop)]));
        },
      ),
      { numRuns: 150 },
    );
  }, 60_000);
});
