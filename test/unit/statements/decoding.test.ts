import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeStatementBytes } from '../../../functions/core/statements/index';
import { decodeWindows1252 } from '../../../functions/core/statements/text';

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
