import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeStatement, parseStatementFile, StatementParseError } from '../../../functions/core/statements/index';
import { MAX_STATEMENT_AMOUNT_CENTS } from '../../../functions/core/statements/text';
import { parseError } from './errors';
import { bytes } from './helpers';

const csv = (amount: string) => `Date;Libellé;Montant\n13/01/2024;VIR CLIENT;${amount}\n`;
const mt940 = (amount: string, balance = '0,00') =>
  `:20:X\n:25:517852257\n:28C:1\n:60F:C240101EUR0,00\n:61:2401010101C${amount}NTRFNONREF\n:86:VIR ` +
  `CLIENT\n:62F:C240101EUR${balance}\n-\n`;
const ofx = (amount: string) =>
  `OFXHEADER:100\nDATA:OFXSGML\n\n<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>EUR<BANKACCTFROM>` +
  `<ACCTID>123</BANKACCTFROM>` +
  `<BANKTRANLIST><STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20240113<TRNAMT>${amount}<FITID>A1<NAME>VIR ` +
  `CLIENT</STMTTRN></BANKTRANLIST>` +
  `<LEDGERBAL><BALAMT>0<DTASOF>20240113</LEDGERBAL></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n`;
const camt = (amount: string) =>
  `<?xml version="1.0"?><Document ` +
  `xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><Stmt><Id>1</Id>` +
  `<Acct><Id><IBAN>FR7630003012340001234567890</IBAN></Id><Ccy>EUR</Ccy></Acct>` +
  `<Ntry><Amt ` +
  `Ccy="EUR">${amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt>` +
  `<Dt>2024-01-13</Dt></BookgDt></Ntry>` +
  `</Stmt></BkToCstmrStmt></Document>`;
/** A CFONB 120 statement whose 04 record has `digits` (13) + sign char with `decimals`. */
const cfonb = (amountField: string, decimals = '2') => {
  const rec = (code: string, date: string, amount: string, label = '') =>
    `${code}30003    01234EUR${decimals} 01234567890  ` +
    `${date}${' '.repeat(8)}${label.padEnd(31)}${' '.repeat(11)}${amount}${' '.repeat(16)}`;
  const zero = '0000000000000{';
  return `${[
    rec('01', '130124', zero),
    rec('04', '130124', amountField, 'VIR CLIENT'),
    rec('07', '130124', amountField),
  ].join('\n')}\n`;
};

function code(input: string): string {
  return parseError(bytes(input)).code;
}

describe('malformed amounts are refused with a typed error, never read as another number', () => {
  it.each(['1.2.3', '1,23,45', '12,34,567.00', '1.23.456,00', '1 23,45', '1.234,5,6', '--5', '5-5'])(
    'CSV "%s"',
    (amount) => {
      const e = parseError(bytes(csv(amount)));
      expect(e.code).toBe('invalid_amount');
      expect(e.line).toBe(2);
    },
  );

  it.each(['1,23,45', '1,2,3'])('MT940 :61: "%s"', (amount) => {
    const e = parseError(bytes(mt940(amount)));
    expect(e.code).toBe('invalid_amount');
    expect(e.line).toBe(5);
  });

  it.each(['1.2.3', '1,23,45', '1.234,56'])('OFX TRNAMT "%s"', (amount) => {
    const e = parseError(bytes(ofx(amount)));
    expect(e.code).toBe('invalid_amount');
    expect(e.element).toBe('STMTTRN/TRNAMT');
  });

  it.each(['1.2.3', '1,23', '12.345'])('camt Amt "%s"', (amount) => {
    expect(code(camt(amount))).toBe('invalid_amount');
  });

  it('well-formed thousands separators are still read', () => {
    expect(parseStatementFile(bytes(csv('1 234 567,89'))).statements[0].entries[0].amountCents).toBe(123_456_789);
    expect(parseStatementFile(bytes(csv('1.234.567,89'))).statements[0].entries[0].amountCents).toBe(123_456_789);
    expect(parseStatementFile(bytes(csv("1'234.50"))).statements[0].entries[0].amountCents).toBe(123_450);
  });
});

describe('amounts beyond a realistic bound are refused in every reader, naming where', () => {
  const tooBig = '1000000000000,00'; // 10^12 euros = 10^14 cents, above the bound
  it('the bound is 10^13 cents and every amount up to it is read', () => {
    expect(MAX_STATEMENT_AMOUNT_CENTS).toBe(10 ** 13);
    expect(parseStatementFile(bytes(csv('100000000000,00'))).statements[0].entries[0].amountCents).toBe(10 ** 13);
    expect(parseStatementFile(bytes(cfonb('1000000000000{'))).statements[0].entries[0].amountCents).toBe(10 ** 13);
    expect(
      parseStatementFile(bytes(mt940('100000000000,', '100000000000,'))).statements[0].entries[0].amountCents,
    ).toBe(10 ** 13);
  });

  it.each([
    ['CSV', csv(tooBig), { line: 2 }],
    ['MT940', mt940(tooBig), { line: 5 }],
    ['MT940 balance', mt940('1,00', tooBig), { line: 7 }],
    ['OFX', ofx('1000000000000.00'), { element: 'STMTTRN/TRNAMT' }],
    ['camt', camt('1000000000000.00'), { element: 'Document/BkToCstmrStmt/Stmt/Ntry' }],
    ['CFONB 120 beyond 2^53 cents (no decimals, 14 digits)', cfonb('9999999999999I', '0'), { line: 2 }],
    ['CFONB 120 two decimals', cfonb('1000000000001{'), { line: 2 }],
    ['beyond 2^53 cents', mt940('99999999999999999,'), { line: 5 }],
  ])('%s', (_name, input, where) => {
    const e = parseError(bytes(input));
    expect(e.code).toBe('invalid_amount');
    expect(e).toMatchObject(where);
  });

  it('a file whose amounts add up beyond 2^53 cents is refused, not summed imprecisely', () => {
    const rows = Array.from({ length: 1000 }, () => '13/01/2024;VIR;99999999999,00').join('\n');
    const e = parseError(bytes(`Date;Libellé;Montant\n${rows}\n`));
    expect(e.code).toBe('invalid_amount');
  });
});

describe('any amount text ends in a statement or a typed error, and what is read can be described', () => {
  const amountText = fc.string({ unit: fc.constantFrom(..."0123456789.,- '+".split('')), minLength: 1, maxLength: 24 });
  const check = (input: string) => {
    try {
      const parsed = parseStatementFile(bytes(input));
      describeStatement(parsed);
      describeStatement(parsed, { language: 'fr' });
      for (const st of parsed.statements) {
        for (const e of st.entries) expect(Math.abs(e.amountCents)).toBeLessThanOrEqual(MAX_STATEMENT_AMOUNT_CENTS);
      }
    } catch (e) {
      if (!(e instanceof StatementParseError)) throw e;
    }
  };
  it('in a CSV Montant, an MT940 :61:, an OFX TRNAMT and a camt Amt', () => {
    fc.assert(
      fc.property(amountText, (a) => {
        check(csv(a));
        check(mt940(a.replace(/[^0-9,]/g, '') || '0,'));
        check(ofx(a));
        check(camt(a));
      }),
      { numRuns: 500 },
    );
  });

  it('in a CFONB 120 amount field with any decimals digit', () => {
    const field = fc.tuple(
      fc.string({ unit: fc.constantFrom(...'0123456789'.split('')), minLength: 13, maxLength: 13 }),
      fc.constantFrom(...'{ABCDEFGHI}JKLMNOPQR'.split('')),
    );
    fc.assert(
      fc.property(field, fc.constantFrom('0', '1', '2', '3'), ([d, s], dec) => {
        check(cfonb(d + s, dec));
      }),
      { numRuns: 300 },
    );
  });
});
