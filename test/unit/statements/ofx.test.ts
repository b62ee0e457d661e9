import { describe, expect, it } from 'vitest';
import { parseStatementFile, writeStatementFile } from '../../../functions/core/statements/index';
import { parseError } from './errors';
import { bytes, fixture } from './helpers';

describe('OFX 1.x (SGML, leaf tags not closed, windows-1252)', () => {
  const parsed = parseStatementFile(fixture('ofx1-sgml-latin1.ofx'));
  const [st] = parsed.statements;

  it('reads the account, currency, period and closing balance (LEDGERBAL)', () => {
    expect(parsed.format).toBe('ofx');
    expect(st.account).toMatchObject({ bankCode: '18206', branchCode: '00050', accountNumber: '65012345678' });
    expect(st.currency).toBe('EUR');
    expect([st.periodStart, st.periodEnd]).toEqual(['2024-01-01', '2024-01-31']);
    expect(st.closingBalanceCents).toBe(290_410);
  });

  it('reads signed amounts with a decimal comma or point, and decodes latin-1 accents and entities', () => {
    expect(st.entries.map((e) => e.amountCents)).toEqual([125_000, -4_590, -30_000]);
    expect(st.entries[0].label).toBe('VIR SEPA SOCIÉTÉ GÉNÉRALE DÉCO');
    expect(st.entries[0].remittance.unstructured).toEqual(['Règlement facture F2024-003 & F2024-004']);
    expect(st.entries[0].bankReference).toBe('6501202401150001');
    expect(st.entries[2].bankCodes).toEqual(['CHECK']);
    expect(st.entries[1].raw[0]).toMatch(
      /^<STMTTRN>\r\n<TRNTYPE>DEBIT[\s\S]*<NAME>CB LEROY MERLIN 18\/01\r\n<\/STMTTRN>$/,
    );
  });

  it('has no opening balance, so the balance check does not apply (not a mismatch)', () => {
    expect(st.openingBalanceCents).toBeUndefined();
    expect(st.balanceCheck.status).toBe('not-applicable');
  });
});

describe('OFX 2.x (XML)', () => {
  const [st] = parseStatementFile(fixture('ofx2-xml.ofx')).statements;

  it('reads dates with time and zone, the value date (DTAVAIL), REFNUM, EXTDNAME and the counterparty IBAN', () => {
    const [credit, fee] = st.entries;
    expect(credit.bookingDate).toBe('2024-02-05');
    expect(credit.valueDate).toBe('2024-02-06');
    expect(credit.remittance.structured).toEqual(['RF18539007547034']);
    expect(credit.counterpartyName).toBe('ATELIER BOIS ET FORME');
    expect(credit.counterpartyIban).toBe('FR1420041010050500013M02606');
    expect(fee.amountCents).toBe(-1_250);
    expect(fee.label).toBe('BNP PARIBAS');
    expect(fee.remittance.unstructured).toEqual(['COMMISSIONS <FEVRIER>']);
    expect(st.account.iban).toBe('FR7630004000031234567890143');
  });

  it('reports a file cut before </OFX> as truncated', () => {
    const text = new TextDecoder().decode(fixture('ofx2-xml.ofx'));
    const e = parseError(bytes(text.slice(0, text.indexOf('</BANKTRANLIST>'))));
    expect(e.code).toBe('truncated');
  });

  it('reports a transaction without an amount with its line', () => {
    const text = new TextDecoder().decode(fixture('ofx2-xml.ofx')).replace('<TRNAMT>-12.50</TRNAMT>', '');
    const e = parseError(bytes(text));
    expect(e.code).toBe('missing_field');
    expect(e.line).toBe(27); // the <STMTTRN> that lacks it
  });
});

describe('OFX transactions read as a tree of their elements reads them', () => {
  const file =
    'OFXHEADER:100\nDATA:OFXSGML\n\n<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>EUR<BANKACCTFROM><ACCTID>1' +
    '</BANKACCTFROM>\n<BANKTRANLIST><DTSTART>20240101<DTEND>20240131\n' +
    '<STMTTRN><TRNTYPE>debit<DTPOSTED>20240105<TRNAMT>-1.00<FITID>A<FITID>B\n' +
    '<PAYEE><NAME>PAYEE ONE<NAME>PAYEE TWO</PAYEE><MEMO>first<MEMO>second\n' +
    '<X><BANKACCTTO><ACCTID>FR7630004000031234567890143</BANKACCTTO></X>\n' +
    '<CCACCTTO><ACCTID>FR1420041010050500013M02606</CCACCTTO><CURRENCY><CURSYM>usd</CURRENCY>\n</STMTTRN>\n' +
    '<STMTTRN><DTPOSTED>20240106<TRNAMT>2.00<NAME><X>aggregate</X></NAME><NAME>later<EXTDNAME>EXT\n' +
    '<CURRENCY><CURSYM></CURRENCY><CURRENCY><CURSYM>gbp</CURRENCY><CCACCTTO><ACCTID>x</CCACCTTO>\n' +
    '<BANKACCTTO/><PAYEE>leaf</STMTTRN>\n' +
    '</BANKTRANLIST><LEDGERBAL><BALAMT>1.00<DTASOF>20240131</LEDGERBAL></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n';
  const [first, second] = parseStatementFile(bytes(file)).statements[0].entries;

  it('takes the first of each of its fields, the payee name when it has no NAME', () => {
    expect(first).toMatchObject({
      bankCodes: ['DEBIT'],
      bankReference: 'A',
      label: 'PAYEE ONE',
      counterpartyName: 'PAYEE ONE',
      remittance: { unstructured: ['first'], structured: [] },
    });
  });

  it('takes the first account and currency anywhere in the transaction, in file order', () => {
    expect(first.counterpartyIban).toBe('FR7630004000031234567890143');
    expect(first.currency).toBe('USD');
  });

  it('reads a field first written as an aggregate or empty as absent, without looking further', () => {
    expect(second.label).toBe('');
    expect(second.counterpartyName).toBe('EXT');
    expect(second.currency).toBe('EUR');
    expect(second.counterpartyIban).toBeUndefined();
  });
});

describe('OFX currencies (OFX spec 5.2)', () => {
  const ofx = (transactions: string) =>
    'OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nCHARSET:1252\n\n' +
    '<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>EUR<BANKACCTFROM><BANKID>30003<BRANCHID>01234' +
    '<ACCTID>00012345678</BANKACCTFROM>\n<BANKTRANLIST><DTSTART>20240101<DTEND>20240105\n' +
    transactions +
    '</BANKTRANLIST><LEDGERBAL><BALAMT>1000.00<DTASOF>20240105</LEDGERBAL></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n';

  it('reads TRNAMT in the statement currency (CURDEF) when ORIGCURRENCY names the currency it was made in', () => {
    // a USD payment converted by the bank: 920.00 EUR booked, the original currency given for information
    const [e] = parseStatementFile(
      bytes(
        ofx(
          '<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20240102<TRNAMT>920.00<FITID>A1<NAME>ACME INC<MEMO>F-2024-0001\n' +
            '<ORIGCURRENCY><CURRATE>0.92<CURSYM>USD</ORIGCURRENCY></STMTTRN>\n',
        ),
      ),
    ).statements[0].entries;
    expect([e.amountCents, e.currency]).toEqual([92_000, 'EUR']);
  });

  it('reads TRNAMT in the currency CURRENCY names', () => {
    const [e] = parseStatementFile(
      bytes(
        ofx(
          '<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20240102<TRNAMT>1000.00<FITID>A1<NAME>ACME INC\n' +
            '<CURRENCY><CURRATE>0.92<CURSYM>USD</CURRENCY></STMTTRN>\n',
        ),
      ),
    ).statements[0].entries;
    expect([e.amountCents, e.currency]).toEqual([100_000, 'USD']);
  });

  it('writes an entry in another currency than its statement with CURRENCY, and reads it back in that currency', () => {
    const entry = (index: number, currency: string) => ({
      index,
      bookingDate: '2024-01-02',
      amountCents: 1_500,
      currency,
      bankCodes: [],
      label: 'VIR ACME',
      remittance: { unstructured: [], structured: [] },
      reversal: false,
      raw: [],
    });
    const text = writeStatementFile('ofx', [
      {
        format: 'camt053',
        account: { iban: 'FR7630003012340001234567854' },
        currency: 'EUR',
        closingBalanceCents: 3_000,
        entries: [entry(0, 'EUR'), entry(1, 'USD')],
        balanceCheck: { status: 'not-applicable', reason: 'none' },
      },
    ]);
    expect(text).toContain('<CURRENCY><CURRATE>1</CURRATE><CURSYM>USD</CURSYM></CURRENCY>');
    expect(text).not.toContain('ORIGCURRENCY');
    const [st] = parseStatementFile(bytes(text)).statements;
    expect(st.entries.map((e) => [e.amountCents, e.currency])).toEqual([
      [1_500, 'EUR'],
      [1_500, 'USD'],
    ]);
  });
});

describe('OFX transactions where SGML leaves them', () => {
  const ofx = (transactions: string, list = true) =>
    'OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nCHARSET:1252\n\n' +
    '<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>EUR<BANKACCTFROM><BANKID>30003<BRANCHID>01234' +
    '<ACCTID>00012345678</BANKACCTFROM>\n' +
    (list ? '<BANKTRANLIST><DTSTART>20240101<DTEND>20240105\n' : '') +
    transactions +
    (list ? '</BANKTRANLIST>' : '') +
    '<LEDGERBAL><BALAMT>1000.00<DTASOF>20240105</LEDGERBAL></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n';
  const entriesOf = (text: string) => parseStatementFile(bytes(text)).statements.flatMap((s) => s.entries);

  it('ends a STMTTRN whose end tag is left out where the next one opens: both transactions are read', () => {
    const first = '<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20240102<TRNAMT>10.00<FITID>A1<NAME>ACME\n';
    const entries = entriesOf(
      ofx(`${first}<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20240103<TRNAMT>1500.00<FITID>A2<NAME>BETA F-2024-0002\n`),
    );
    expect(entries.map((e) => [e.bankReference, e.amountCents, e.label])).toEqual([
      ['A1', 1_000, 'ACME'],
      ['A2', 150_000, 'BETA F-2024-0002'],
    ]);
    expect(entries[0].raw).toEqual([first.trimEnd()]);
  });

  it('reads a STMTTRN written outside a BANKTRANLIST as a transaction of its statement', () => {
    const entries = entriesOf(
      ofx('<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20240102<TRNAMT>1500.00<FITID>A1<NAME>ACME</STMTTRN>\n', false),
    );
    expect(entries.map((e) => [e.bankReference, e.amountCents])).toEqual([['A1', 150_000]]);
  });

  it('refuses as damaged a file with a STMTTRN outside any statement, naming its line', () => {
    const text = ofx('').replace(
      '<BANKMSGSRSV1>',
      '<BANKMSGSRSV1>\n<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20240102<TRNAMT>1500.00<FITID>A1</STMTTRN>\n',
    );
    const e = parseError(bytes(text));
    expect([e.code, e.line, e.element]).toEqual(['corrupt', 7, 'STMTTRN']);
  });

  it('leaves out the transactions of an investment statement (INVSTMTRS), not read, beside a bank statement', () => {
    const text = ofx('<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20240102<TRNAMT>10.00<FITID>A1</STMTTRN>\n').replace(
      '</BANKMSGSRSV1>',
      '</BANKMSGSRSV1><INVSTMTMSGSRSV1><INVSTMTTRNRS><INVSTMTRS><INVTRANLIST><INVBANKTRAN>' +
        '<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20240102<TRNAMT>99.00<FITID>I1</STMTTRN>' +
        '</INVBANKTRAN></INVTRANLIST></INVSTMTRS></INVSTMTTRNRS></INVSTMTMSGSRSV1>',
    );
    expect(entriesOf(text).map((e) => e.bankReference)).toEqual(['A1']);
  });
});

describe('OFX DEBIT transactions written with an unsigned TRNAMT', () => {
  const ofx = (transactions: string) =>
    'OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nCHARSET:1252\n\n' +
    '<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>EUR<BANKACCTFROM><BANKID>30003<BRANCHID>01234' +
    '<ACCTID>00012345678</BANKACCTFROM>\n<BANKTRANLIST><DTSTART>20240101<DTEND>20240105\n' +
    transactions +
    '</BANKTRANLIST><LEDGERBAL><BALAMT>1000.00<DTASOF>20240105</LEDGERBAL></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n';
  const trn = (type: string, amount: string, id: string) =>
    `<STMTTRN><TRNTYPE>${type}<DTPOSTED>20240102<TRNAMT>${amount}<FITID>${id}<NAME>REMB F-2024-0001</STMTTRN>\n`;

  it('reads a DEBIT as money out when no amount of the file is negative (the bank writes absolute values)', () => {
    const text = ofx(trn('DEBIT', '120.00', 'A1') + trn('CREDIT', '300.00', 'A2') + trn('POS', '15.00', 'A3'));
    const entries = parseStatementFile(bytes(text)).statements[0].entries;
    // only DEBIT says money out without doubt: a POS keeps the sign written
    expect(entries.map((e) => [e.bankReference, e.amountCents])).toEqual([
      ['A1', -12_000],
      ['A2', 30_000],
      ['A3', 1_500],
    ]);
  });

  it('refuses a file that writes negative amounts and a DEBIT with a positive one, naming its FITID', () => {
    const e = parseError(bytes(ofx(trn('DEBIT', '-8.00', 'A0') + trn('DEBIT', '120.00', 'A1'))));
    expect([e.code, e.line, e.element]).toEqual(['corrupt', 9, 'STMTTRN/TRNAMT']);
    expect(e.message).toContain('FITID A1');
    const before = parseError(bytes(ofx(trn('DEBIT', '120.00', 'A1') + trn('CREDIT', '-8.00', 'A2'))));
    expect([before.code, before.message.includes('FITID A1')]).toEqual(['corrupt', true]);
  });

  it('keeps the signs of a file that signs its amounts', () => {
    const text = ofx(trn('DEBIT', '-120.00', 'A1') + trn('CREDIT', '300.00', 'A2') + trn('DEBIT', '0.00', 'A3'));
    const entries = parseStatementFile(bytes(text)).statements[0].entries;
    expect(entries.map((e) => e.amountCents)).toEqual([-12_000, 30_000, 0]);
  });
});
