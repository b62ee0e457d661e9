import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeStatementBytes } from '../../../functions/core/statements/index';
import { decodeWindows1252, isBlankView, utf8FromView } from '../../../functions/core/statements/text';

// The readers decode natively (isAscii / isUtf8 / latin-1 copy); these pin that they read what TextDecoder read.
describe('statement bytes are decoded as before, natively', () => {
  it('every byte of windows-1252 reads as TextDecoder reads it', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(decodeWindows1252(all)).toBe(new TextDecoder('windows-1252').decode(all));
  });

  it('any bytes read as TextDecoder would: UTF-8 when valid (BOM dropped), else windows-1252', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (raw, bom) => {
        const body = raw.map((b) => (b === 0 ? 32 : b));
        const bytes = bom ? Uint8Array.from([0xef, 0xbb, 0xbf, ...body]) : body;
        if (bytes[0] === 0xff || bytes[0] === 0xfe) return;
        let expected: string;
        try {
          expected = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
        } catch {
          expected = new TextDecoder('windows-1252').decode(bytes);
        }
        expect(decodeStatementBytes(bytes).text).toBe(expected);
      }),
    );
  });

  it('a French text in UTF-8 and the same text in latin-1 read the same', () => {
    const text = 'VIR SEPA Société Générale – échéance n°12 €';
    expect(decodeStatementBytes(new TextEncoder().encode(text)).text).toBe(text);
    expect(
      decodeStatementBytes(Uint8Array.from(Buffer.from(text.replace('–', '-').replace('€', 'E'), 'latin1'))).text,
    ).toBe(text.replace('–', '-').replace('€', 'E'));
  });

  it('a NUL byte in an ASCII file is an encoding error naming its line', () => {
    expect(() => decodeStatementBytes(new TextEncoder().encode('a\nb\n\u0000'))).toThrow(
      expect.objectContaining({ code: 'encoding', line: 3 }),
    );
  });
});

/** Text with accents, blanks written in several bytes, astral characters and line breaks: every UTF-8 length. */
const accented = fc.string({
  unit: fc.oneof(
    fc.constantFrom(...'aZ09 -\t\r\néèàçÉÀ\u00a0\u0085\u2003\u3000\ufeff€Ω𝄞ÿ\u00c3'.split(/(?:)/u)),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  ),
  maxLength: 60,
});

// A reader may take a UTF-8 file as the latin-1 view of its bytes (one character per byte) and decode parts of it.
describe('a UTF-8 file read as the latin-1 view of its bytes', () => {
  it('decodes any view back to the text its bytes hold, and says blank exactly when the text is', () => {
    fc.assert(
      fc.property(accented, (text) => {
        const view = Buffer.from(text, 'utf8').toString('latin1');
        expect(utf8FromView(view)).toBe(text);
        expect(isBlankView(view)).toBe(text.trim() === '');
      }),
      { numRuns: 2000 },
    );
  });

  it('is given only for valid UTF-8 that is not ASCII, when asked for on the text of its head, BOM dropped', () => {
    fc.assert(
      fc.property(accented, fc.boolean(), fc.boolean(), (text, bom, wanted) => {
        const body = Buffer.from(text.replaceAll('\u0000', ''), 'utf8');
        const bytes = bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]) : body;
        if (bytes[0] === 0xff || bytes[0] === 0xfe) return;
        const asked: string[] = [];
        const got = decodeStatementBytes(bytes, (head) => {
          asked.push(head);
          return wanted;
        });
        const plain = decodeStatementBytes(bytes);
        const viewable = bytes.some((b) => b >= 0x80);
        expect(asked).toEqual(viewable ? [plain.text.replace(/^\uFEFF/, '')] : []);
        if (viewable && wanted) {
          expect(got.utf8View).toBe(true);
          expect(utf8FromView(got.text)).toBe(plain.text.replace(/^\uFEFF/, ''));
        } else expect(got).toEqual(plain);
      }),
      { numRuns: 1000 },
    );
  });

  it('a NUL byte in a UTF-8 file read as its view is the same encoding error, on the same line', () => {
    const bytes = new TextEncoder().encode('é\nb\n\u0000');
    expect(() => decodeStatementBytes(bytes, () => true)).toThrow(
      expect.objectContaining({ code: 'encoding', line: 3 }),
    );
    expect(() => decodeStatementBytes(bytes)).toThrow(expect.objectContaining({ code: 'encoding', line: 3 }));
  });
});
