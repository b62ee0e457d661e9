import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cfonbReader, parseCfonb120 } from '../../../functions/core/statements/cfonb120';
import { parseStatementFile, StatementParseError } from '../../../functions/core/statements/index';
import { parseError } from './errors';
import { bytes } from './helpers';

/** A 120-character record: `fields` written at their 0-based positions over blanks. */
function record(fields: Array<[number, string]>): string {
  const r = Array.from({ length: 120 }, () => ' ');
  for (const [at, text] of fields) for (let i = 0; i < text.length; i++) r[at + i] = text[i];
  return r.join('');
}

const head: Array<[number, string]> = [
  [2, '30003'],
  [11, '01234'],
  [16, 'EUR'],
  [19, '2'],
  [21, '00012345678'],
];
const opening = record([[0, '01'], ...head, [34, '020124'], [90, '0000000100000{']]);
const closing = (cents: string) => record([[0, '07'], ...head, [34, '030124'], [90, cents]]);

function entry(extra: Array<[number, string]> = []): string {
  return record([
    [0, '04'],
    ...head,
    [34, '020124'],
    [42, '030124'],
    [48, 'VIR SEPA RECU'],
    [90, '0000000001000{'],
    ...extra,
  ]);
}

function complement(qualifier: string, text: string): string {
  return record([[0, '05'], ...head, [45, qualifier], [48, text]]);
}

function entriesOf(...records: string[]) {
  const file = [opening, ...records, closing('0000000101000{')].join('\r\n');
  return parseStatementFile(bytes(file)).statements[0].entries;
}

describe('CFONB 120 fields read in place', () => {
  it('reads a qualifier in any case, also one whose letters upper-case to LIB', () => {
    const [e] = entriesOf(entry(), complement('lib', 'FACTURE FA-1'), complement('Lıb', 'FACTURE FA-2'));
    expect(e.remittance.unstructured).toEqual(['FACTURE FA-1', 'FACTURE FA-2']);
  });

  it('trims and collapses tabs, no-break and ideographic spaces in texts as white space', () => {
    const [e] = entriesOf(
      entry([[48, '\u00a0VIR\tSEPA  RECU\u3000']]),
      complement('LIB', 'FACTURE\u00a0 FA-1\u2028'),
      complement('NPY', '\u1680SARL DUPONT'),
    );
    expect(e.label).toBe('VIR SEPA RECU');
    expect(e.remittance.unstructured).toEqual(['FACTURE FA-1']);
    expect(e.counterpartyName).toBe('SARL DUPONT');
  });

  it('takes the IBAN of an IPY complement up to the first space, and only a valid one', () => {
    const [a, b] = entriesOf(
      entry(),
      complement('IPY', 'fr7630003012340001234567854 COMPTE PRINCIPAL'),
      entry(),
      complement('IPY', 'FR7630003012340001234567855'),
    );
    expect(a.counterpartyIban).toBe('FR7630003012340001234567854');
    expect(b.counterpartyIban).toBeUndefined();
  });

  it('glues an LC2 continuation to a text line that filled its 70 characters, unless it starts with a blank', () => {
    const full = `${'X'.repeat(68)}AB`;
    const [a, b] = entriesOf(
      entry(),
      complement('LIB', full),
      complement('LC2', 'CD'),
      entry(),
      complement('LIB', full),
      complement('LC2', '\tCD'),
    );
    expect(a.remittance.unstructured).toEqual([`${full}CD`]);
    expect(b.remittance.unstructured).toEqual([`${full} CD`]);
  });

  it('reads a blank value date as none, an entry currency of its own, and a rejection code as a reversal', () => {
    const [a, b] = entriesOf(
      entry([[42, '      ']]),
      entry([
        [16, 'USD'],
        [40, '01'],
      ]),
    );
    expect(a.valueDate).toBeUndefined();
    expect(a.currency).toBe('EUR');
    expect(a.reversal).toBe(false);
    expect(b.currency).toBe('USD');
    expect(b.reversal).toBe(true);
  });

  it('names the field of a date or an amount it cannot read', () => {
    const file = (r: string) => bytes([opening, r, closing('0000000101000{')].join('\n'));
    expect(parseError(file(entry([[42, '03O124']])))).toMatchObject({
      code: 'invalid_date',
      message: 'not a date DDMMYY: "03O124" (line 2)',
      line: 2,
    });
    expect(parseError(file(entry([[90, '00000000010O0{']])))).toMatchObject({
      code: 'invalid_amount',
      message: 'not a CFONB amount: "00000000010O0{" (line 2)',
    });
    expect(
      parseError(
        file(
          entry([
            [19, '3'],
            [90, '0000000001000A'],
          ]),
        ),
      ),
    ).toMatchObject({
      code: 'invalid_amount',
      message: 'amount "0000000001000A" has a third decimal (line 2)',
    });
  });

  it('reads records back to back (no line break) fed in small chunks, as the whole text', () => {
    const text = [opening, entry(), complement('LIB', 'FACTURE FA-1'), closing('0000000101000{')].join('');
    const reader = cfonbReader();
    for (let at = 0; at < text.length; at += 7) reader.write(text.slice(at, at + 7));
    expect(reader.end()).toEqual(parseStatementFile(bytes(text)).statements);
    const withBreaks = cfonbReader();
    withBreaks.write(`${opening}\n${entry()}`);
    withBreaks.write(`\n${complement('LIB', 'FACTURE FA-1')}`);
    withBreaks.write('  ');
    withBreaks.write(`\r\n${closing('0000000101000{')}\r\n`);
    expect(withBreaks.end()).toEqual(parseStatementFile(bytes(text)).statements);
  });

  it('reads the latin-1 view of UTF-8 bytes, whole or in chunks, as their text: accents anywhere, wide blanks', () => {
    const spice = fc.constantFrom(...'éèàÉ\u00a0\u3000\u2003Ω€\ufeff \t\u001a\n\r'.split(''), '𝄞', '\u00c3\u00a0');
    const records = [
      opening,
      entry([[48, 'VIR Café']]),
      complement('LIB', 'Règlement FA-1 à réception'),
      complement('NPY', 'Café Lumière'),
      complement('LC2', 'suite'),
      entry([
        [48, 'PRLV ÉDF'],
        [90, '0000000001000}'],
      ]),
      complement('NBE', 'ÉDF'),
      closing('0000000100000{'),
    ];
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(), spice, fc.boolean()), { maxLength: 6 }),
        fc.constantFrom('\n', '\r\n', '\r', ''),
        fc.constantFrom('', '\n', ' \u00a0\n\u001a', '\u3000'),
        fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 5 }),
        (edits, lineBreak, tail, sizes) => {
          let text = records.join(lineBreak) + tail;
          for (const [at, s, insert] of edits) {
            const i = at % (text.length + 1);
            text = text.slice(0, i) + s + text.slice(insert ? i : i + s.length);
          }
          // the text the bytes hold: an edit may have cut a surrogate pair, which UTF-8 writes as U+FFFD
          const bytes = Buffer.from(text, 'utf8');
          const expected = outcome(() => parseCfonb120(bytes.toString('utf8')));
          expect(outcome(() => parseCfonb120(bytes.toString('latin1'), 0, true))).toEqual(expected);
          expect(outcome(() => inChunks(bytes, sizes))).toEqual(expected);
        },
      ),
      { numRuns: 400 },
    );
  });
});

function outcome(read: () => unknown): unknown {
  try {
    return { read: read() };
  } catch (e) {
    if (e instanceof StatementParseError) return { error: e.toJSON() };
    throw e;
  }
}

/** The bytes given to a reader as views of chunks of about `sizes` bytes, each cut before a UTF-8 sequence's start. */
function inChunks(bytes: Buffer, sizes: number[]) {
  const reader = cfonbReader();
  for (let at = 0, i = 0; at < bytes.length; i++) {
    let end = Math.min(bytes.length, at + sizes[i % sizes.length]);
    while (end < bytes.length && end > at + 1 && (bytes[end] & 0xc0) === 0x80) end--;
    while (end < bytes.length && (bytes[end] & 0xc0) === 0x80) end++;
    reader.write(bytes.toString('latin1', at, end), true);
    at = end;
  }
  return reader.end();
}
