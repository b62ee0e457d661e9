import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ParsedStatementFile } from '../../../functions/core/model/statement';
import { parseStatementFile, parseStatementStream } from '../../../functions/core/statements/index';
import { mt940Reader, parse86, parseMt940 } from '../../../functions/core/statements/mt940';
import { subFields86 } from '../../../functions/core/statements/mt940-86';
import { bytes } from './helpers';

// The MT940 reader reads common lines by character codes and slices a field's lines from the text once; these are
// the line shapes that path must read exactly as the line-by-line reader did.

const message = (lines: string[], eol = '\n') =>
  [
    ':20:S1',
    ':25:FR7630003012340001234567854',
    ':28C:1/1',
    ':60F:C240101EUR100,00',
    ...lines,
    ':62F:C240131EUR100,00',
    '-',
    '',
  ].join(eol);

const entriesOf = (lines: string[], eol = '\n') => parseMt940(message(lines, eol))[0].entries;

describe('MT940 fields over several lines', () => {
  const lines = [
    ':61:2401150115C10,00NTRFE2E-1//B1',
    ':86:166?00VIR SEPA?20SVWZ+facture F23087   ',
    '5 merci ?21encore  ',
    ' la suite?32MA JOLIE',
    ' BOUTIQUE',
  ];

  it('join a :86: continued on other lines: blanks ending the tag line dropped, those of the others kept', () => {
    const [e] = entriesOf(lines);
    // "F23087" + "5 merci " + "encore  " + " la suite", then collapsed
    expect(e.remittance.unstructured).toEqual(['facture F230875 merci encore la suite']);
    expect(e.counterpartyName).toBe('MA JOLIE BOUTIQUE');
    expect(e.raw[0]).toBe(lines.join('\n'));
  });

  it('read the same with CRLF, LF, CR alone, blank lines between continuation lines, and in pieces of any size', () => {
    const lf = entriesOf(lines);
    const { raw: _raw, ...expected } = lf[0];
    for (const eol of ['\r\n', '\n', '\r']) {
      const [e] = entriesOf(lines, eol);
      expect({ ...e, raw: undefined }).toEqual({ ...expected, raw: undefined });
      const [b] = entriesOf([...lines.slice(0, 3), '', '   ', ...lines.slice(3)], eol);
      expect(b.remittance).toEqual(expected.remittance);
      const text = message(lines, eol);
      for (let size = 1; size <= 40; size++) {
        const r = mt940Reader();
        for (let at = 0; at < text.length; at += size) r.write(text.slice(at, at + size));
        expect(r.end()).toEqual(parseMt940(text));
      }
    }
  });

  it('keep a :86: line that starts with "{" as its text: only {1: to {5: lines are the SWIFT envelope', () => {
    const [e] = entriesOf([':61:2401020102C50,00NTRFNONREF//B1', ':86:VIREMENT ACME', '{FACTURE F-2024-0001}'], '\r\n');
    expect(e.remittance.unstructured).toEqual(['VIREMENT ACME', '{FACTURE F-2024-0001}']);
    const [sub] = entriesOf([':61:2401020102C50,00NTRFNONREF//B1', ':86:166?00VIR?20FACTURE', '{F-2024-0001}']);
    expect(sub.remittance.unstructured).toEqual(['FACTURE{F-2024-0001}']);
  });

  it('read a file whose lines end in CR alone, whole and streamed, as the same file with CRLF', async () => {
    const text = (eol: string) => message([':61:2401020102C50,00NTRFNONREF//B1', ':86:VIREMENT ACME'], eol);
    const amounts = (file: ParsedStatementFile) => file.statements.flatMap((s) => s.entries.map((e) => e.amountCents));
    expect(amounts(parseStatementFile(bytes(text('\r'))))).toEqual([5_000]);
    async function* chunks() {
      for (const piece of text('\r').match(/[\s\S]{1,7}/g)!) yield bytes(piece);
    }
    const streamed = await parseStatementStream(() => chunks());
    expect(amounts(streamed)).toEqual([5_000]);
    expect(streamed.statements[0].balanceCheck).toEqual(
      parseStatementFile(bytes(text('\r\n'))).statements[0].balanceCheck,
    );
  });

  it('read free-text :86: lines one remittance line each, a line starting like a tag included', () => {
    const [e] = entriesOf([':61:2401150115D10,00NTRFNONREF', ':86:PRLV EDF', ':12 not a tag', 'CONTRAT 42']);
    expect(e.remittance.unstructured).toEqual(['PRLV EDF', ':12 not a tag', 'CONTRAT 42']);
    expect(e.label).toBe('PRLV EDF');
  });
});

describe('MT940 :61: shapes', () => {
  it('reads the entry date, mark, funds code, amount, type, both references and the supplementary details', () => {
    const [a, b, c, d] = entriesOf([
      ':61:2401150116CR1234,5NMSCMY-REF//BANK-REF//MORE',
      'DETAILS HERE',
      ':61:240115    D7,NCHG',
      ':61:2312290102RD',
      '12,34NTRFNONREF',
      ':61:2401310201ED0,01S0510123',
    ]);
    expect([a.bookingDate, a.valueDate, a.amountCents, a.bankCodes, a.endToEndId, a.bankReference, a.label]).toEqual([
      '2024-01-16',
      '2024-01-15',
      123_450,
      ['NMSC'],
      'MY-REF',
      'BANK-REF',
      'DETAILS HERE',
    ]);
    expect([b.bookingDate, b.amountCents, b.bankCodes, b.endToEndId]).toEqual([
      '2024-01-15',
      -700,
      ['NCHG'],
      undefined,
    ]);
    expect([c.bookingDate, c.valueDate, c.amountCents, c.reversal]).toEqual(['2024-01-02', '2023-12-29', 1_234, true]);
    expect([d.bookingDate, d.amountCents, d.bankCodes, d.endToEndId]).toEqual(['2024-02-01', -1, ['S051'], '0123']);
  });

  it('reads a day past the end of the month as its last day, in the value and the booking date', () => {
    const [e] = entriesOf([':61:2402300230C1,00NINTNONREF']);
    expect([e.valueDate, e.bookingDate]).toEqual(['2024-02-29', '2024-02-29']);
  });
});

describe('MT940 :86: SEPA keywords', () => {
  /** The remittance as the regular expression of the SEPA keywords splits it (the reader's former way). */
  function byRegex(joined: string) {
    const re = /(EREF|KREF|MREF|CRED|DEBT|SVWZ|ABWA|ABWE|IBAN|BIC|COAM|OAMT|SQTP|PURP|RREF)\+/g;
    const out = {
      unstructured: [] as string[],
      structured: [] as string[],
      endToEndId: undefined as string | undefined,
    };
    const clean = (s: string) => s.trim().replace(/\s+/g, ' ');
    let k = re.exec(joined);
    if (k?.index !== 0) {
      const head = clean(k ? joined.slice(0, k.index) : joined);
      if (head) out.unstructured.push(head);
    }
    while (k) {
      const key = k[1];
      const start = k.index + k[0].length;
      const next = re.exec(joined);
      const v = clean(joined.slice(start, next ? next.index : joined.length));
      if (v && key === 'EREF' && v.toUpperCase() !== 'NOTPROVIDED') out.endToEndId ??= v;
      if (v && key === 'KREF') out.structured.push(v);
      if (v && key === 'SVWZ') out.unstructured.push(v);
      k = next;
    }
    return out;
  }

  it('are found where the regular expression finds them, overlapping or glued to other text', () => {
    const pieces = [
      'EREF',
      'KREF',
      'SVWZ',
      'BIC',
      'IBIC',
      'XEREF',
      'ERE',
      'F',
      '+',
      '+',
      ' ',
      'NOTPROVIDED',
      'A1',
      'B',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 14 }), (parts) => {
        const joined = parts.join('');
        const info = parse86(`166?00LABEL?20${joined}`);
        expect({ unstructured: info.unstructured, structured: info.structured, endToEndId: info.endToEndId }).toEqual(
          byRegex(joined),
        );
      }),
      { numRuns: 500 },
    );
  });
});

describe('MT940 :86: read from the file text', () => {
  it('reads what parse86 reads from the field value, whatever the line breaks (LF, CRLF, a CR before a CRLF)', () => {
    const pieces = [
      '166',
      '?00',
      '?2',
      '?20',
      '?21',
      '0',
      '1',
      '?31',
      '?32',
      '?33',
      '?60',
      '?',
      'EREF+',
      'KREF+',
      'SVWZ+',
      'IBAN+',
      'BIC+',
      'FR7630003012340001234567854',
      'NOTPROVIDED',
      'Règlement facture FA-2024-00017',
      'VIR SEPA RECU',
      '  ',
      ' ',
      '\n',
      '\r\n',
      '\r',
      '\r\r\n',
      '/TRTP/',
      '/REMI/',
      'x',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 24 }), (parts) => {
        const source = parts.join('');
        const value = source.replaceAll('\r\n', '\n');
        const info = subFields86(source);
        expect(info !== undefined).toBe(/^(\d{3})?\?\d{2}/.test(value.replaceAll('\n', '')));
        if (info) expect(info).toStrictEqual(parse86(value));
      }),
      { numRuns: 2000 },
    );
  });
});
