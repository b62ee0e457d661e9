import { describe, expect, it } from 'vitest';
import { parseStatementFile } from '../../../functions/core/statements/index';
import { bytes, latin1 } from './helpers';

// Quirks of real exports, seen in the test samples and bug threads of other importers (see the README of
// functions/core/statements). Every input below is written for this test.

const entriesOf = (text: string | Uint8Array) =>
  parseStatementFile(typeof text === 'string' ? bytes(text) : text).statements.flatMap((s) => s.entries);

describe('OFX exports', () => {
  const head =
    'OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\n\n<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>EUR\n<BANKACCTFROM>' +
    '<BANKID>30003<BRANCHID>01234<ACCTID>00012345678</BANKACCTFROM>\n';
  const trn = (fitid: string, amount: string, date = '20240113') =>
    `<STMTTRN><TRNTYPE>OTHER<DTPOSTED>${date}<TRNAMT>${amount}<FITID>${fitid}<NAME>OP ${fitid}</STMTTRN>\n`;

  it('reads every BANKTRANLIST of a statement, not only the first, and the credit card statement beside it', () => {
    const text =
      `<?xml version="1.0" encoding="UTF-8"?>\n<?OFX OFXHEADER="200" ` +
      `VERSION="220"?>\n<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>EUR</CURDEF>` +
      `<BANKACCTFROM><BANKID>30003</BANKID><ACCTID>00012345678</ACCTID><ACCTTYPE>CHECKING</ACCTTYPE></BANKACCTFROM>` +
      `<BANKTRANLIST><DTSTART>20240101</DTSTART><DTEND>20240110</DTEND><STMTTRN><TRNTYPE>CREDIT</TRNTYPE>` +
      `<DTPOSTED>20240105</DTPOSTED><TRNAMT>100.00</TRNAMT><FITID>B1</FITID><NAME>VIR ` +
      `A</NAME></STMTTRN></BANKTRANLIST>` +
      `<BANKTRANLIST><DTSTART>20240111</DTSTART><DTEND>20240131</DTEND><STMTTRN><TRNTYPE>DEBIT</TRNTYPE>` +
      `<DTPOSTED>20240120</DTPOSTED><TRNAMT>-20.50</TRNAMT><FITID>B2</FITID><NAME>PRLV ` +
      `B</NAME></STMTTRN></BANKTRANLIST>` +
      `<BANKTRANLIST><STMTTRN><TRNTYPE>DEBIT</TRNTYPE><DTPOSTED>20240125</DTPOSTED><TRNAMT>-4.00</TRNAMT>` +
      `<FITID>B3</FITID><NAME>FRAIS</NAME></STMTTRN></BANKTRANLIST>` +
      `<LEDGERBAL><BALAMT>75.50</BALAMT><DTASOF>20240131</DTASOF></LEDGERBAL></STMTRS></STMTTRNRS></BANKMSGSRSV1>` +
      `<CREDITCARDMSGSRSV1><CCSTMTTRNRS><CCSTMTRS><CURDEF>EUR</CURDEF><CCACCTFROM>` +
      `<ACCTID>4970XXXXXXXX1234</ACCTID></CCACCTFROM>` +
      `<BANKTRANLIST><STMTTRN><TRNTYPE>DEBIT</TRNTYPE><DTPOSTED>20240115</DTPOSTED><TRNAMT>-12.00</TRNAMT>` +
      `<FITID>C1</FITID><NAME>CB SNCF</NAME></STMTTRN></BANKTRANLIST>` +
      `<BANKTRANLIST><STMTTRN><TRNTYPE>DEBIT</TRNTYPE><DTPOSTED>20240116</DTPOSTED><TRNAMT>-8.00</TRNAMT>` +
      `<FITID>C2</FITID><NAME>CB CAFE</NAME></STMTTRN></BANKTRANLIST>` +
      `<LEDGERBAL><BALAMT>-20.00</BALAMT>` +
      `<DTASOF>20240131</DTASOF></LEDGERBAL></CCSTMTRS></CCSTMTTRNRS></CREDITCARDMSGSRSV1></OFX>\n`;
    const { statements } = parseStatementFile(bytes(text));
    expect(statements).toHaveLength(2);
    const [bank, card] = statements;
    expect(bank.entries.map((e) => [e.bankReference, e.amountCents, e.index])).toEqual([
      ['B1', 10_000, 0],
      ['B2', -2_050, 1],
      ['B3', -400, 2],
    ]);
    expect([bank.periodStart, bank.periodEnd]).toEqual(['2024-01-01', '2024-01-31']);
    expect(card.account.accountNumber).toBe('4970XXXXXXXX1234');
    expect(card.entries.map((e) => [e.bankReference, e.amountCents])).toEqual([
      ['C1', -1_200],
      ['C2', -800],
    ]);
  });

  it('reads a credit card statement wrongly closed by </STMTRS>, and the statement after it', () => {
    const text =
      `${head}<BANKTRANLIST>${trn('A1', '10.00')}</BANKTRANLIST><LEDGERBAL><BALAMT>10.00` +
      `<DTASOF>20240131</LEDGERBAL></STMTRS></STMTTRNRS></BANKMSGSRSV1>\n` +
      `<CREDITCARDMSGSRSV1><CCSTMTTRNRS><CCSTMTRS><CURDEF>EUR<CCACCTFROM><ACCTID>CARD1</CCACCTFROM>` +
      `<BANKTRANLIST>${trn('C1', '-5.00')}</BANKTRANLIST></STMTRS></CCSTMTTRNRS>\n` +
      `<CCSTMTTRNRS><CCSTMTRS><CURDEF>EUR<CCACCTFROM><ACCTID>CARD2</CCACCTFROM>` +
      `<BANKTRANLIST>${trn('C2', '-7.00')}</BANKTRANLIST></STMTRS></CCSTMTTRNRS></CREDITCARDMSGSRSV1></OFX>\n`;
    const { statements } = parseStatementFile(bytes(text));
    expect(statements.map((s) => [s.account.accountNumber, s.entries.map((e) => e.bankReference)])).toEqual([
      ['00012345678', ['A1']],
      ['CARD1', ['C1']],
      ['CARD2', ['C2']],
    ]);
  });

  it('takes the currency from the transactions when CURDEF is empty, and reads an empty BALAMT as no balance', () => {
    const text =
      `<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF></CURDEF><BANKACCTFROM><BANKID>X</BANKID>` +
      `<ACCTID>123</ACCTID></BANKACCTFROM><BANKTRANLIST>` +
      `<STMTTRN><TRNTYPE>Credit</TRNTYPE><DTPOSTED>20240105</DTPOSTED><TRNAMT>12.34</TRNAMT><FITID></FITID>` +
      `<NAME></NAME><MEMO>Transfer</MEMO><CURRENCY><CURRATE>1.0</CURRATE><CURSYM>AUD</CURSYM></CURRENCY></STMTTRN>` +
      `</BANKTRANLIST><LEDGERBAL><BALAMT></BALAMT>` +
      `<DTASOF></DTASOF></LEDGERBAL></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>`;
    const [st] = parseStatementFile(bytes(text)).statements;
    expect(st.currency).toBe('AUD');
    expect(st.closingBalanceCents).toBeUndefined();
    expect(st.entries[0]).toMatchObject({ amountCents: 1_234, bankReference: undefined, label: 'Transfer' });
  });

  it('reads a decimal comma, a negative zero and a BOM without OFX headers', () => {
    const text =
      `\uFEFF<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>EUR<BANKACCTFROM><ACCTID>123</BANKACCTFROM>` +
      `<BANKTRANLIST>${trn('Z1', '-6,4')}${trn('Z2', '-0.00')}</BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1>` +
      `</OFX>`;
    expect(entriesOf(text).map((e) => e.amountCents)).toEqual([-640, 0]);
  });
});

describe('MT940 exports', () => {
  const mt = (lines: string[], opening = 'C240101EUR100,00', closing = 'C240131EUR100,00') =>
    [
      ':20:STMT',
      ':25:FR7630003012340001234567854',
      ':28C:1/1',
      `:60F:${opening}`,
      ...lines,
      `:62F:${closing}`,
      '-',
      '',
    ].join('\r\n');

  it(
    'reads RC (reversal of a credit) as a debit and RD (reversal of a debit) as a credit, both marked as ' +
      'reversals',
    () => {
      const text = mt(
        [
          ':61:2401150115RC25,00NTRFNONREF//R1',
          ':86:ANNULATION VIREMENT',
          ':61:2401160116RD40,00NDDTNONREF//R2',
          ':86:RETOUR PRELEVEMENT',
        ],
        'C240101EUR100,00',
        'C240131EUR115,00',
      );
      const [st] = parseStatementFile(bytes(text)).statements;
      expect(st.entries.map((e) => [e.amountCents, e.reversal])).toEqual([
        [-2_500, true],
        [4_000, true],
      ]);
      expect(st.balanceCheck).toEqual({ status: 'ok' });
    },
  );

  it('reads a funds code letter after the mark, EC/ED (expected) marks as plain credit/debit', () => {
    const text = mt(
      [
        ':61:2401150115CR25,00NTRFNONREF',
        ':61:2401150115RCR5,00NTRFNONREF',
        ':61:2401150115EC1,00NTRFNONREF',
        ':61:2401150115ED2,00NTRFNONREF',
      ],
      'C240101EUR100,00',
      'C240131EUR119,00',
    );
    const [st] = parseStatementFile(bytes(text)).statements;
    expect(st.entries.map((e) => [e.amountCents, e.reversal])).toEqual([
      [2_500, false],
      [-500, true],
      [100, false],
      [-200, false],
    ]);
    expect(st.balanceCheck).toEqual({ status: 'ok' });
  });

  it('reads an entry date left blank (four spaces) and a booking date in January for a December value date', () => {
    const text = mt(
      [':61:240105    D65,00NTRFNONREF', ':61:2312310102C65,00NTRFNONREF'],
      'C231231EUR100,00',
      'C240131EUR100,00',
    );
    expect(entriesOf(text).map((e) => [e.valueDate, e.bookingDate])).toEqual([
      ['2024-01-05', '2024-01-05'],
      ['2023-12-31', '2024-01-02'],
    ]);
  });

  it('reads 30 February (German interest bookings) as the last day of February', () => {
    const text = mt([':61:2402300301D6,00NCHGNONREF', ':86:ENTGELTABSCHLUSS'], 'C240229EUR100,00', 'C240230EUR94,00');
    const [st] = parseStatementFile(bytes(text)).statements;
    expect(st.entries[0]).toMatchObject({ valueDate: '2024-02-29', bookingDate: '2024-03-01', amountCents: -600 });
    expect(st.periodEnd).toBe('2024-02-29');
  });

  it(
    'reads a transaction type with blanks, an amount wrapped onto the next line, and LF line ends mixed with ' + 'CRLF',
    () => {
      const text = mt([':61:2401150115DF24,00S   X', ':61:2401160116CR', '30,00N062NONREF', ':86:GUTSCHRIFT']).replace(
        /\r\n:61:240116/,
        '\n:61:240116',
      );
      expect(entriesOf(text).map((e) => e.amountCents)).toEqual([-2_400, 3_000]);
    },
  );

  it('keeps a bank reference that contains a slash, after a customer reference that contains one too', () => {
    const text = mt(
      [
        ':61:2212191220C119,NMSC341241773/1XXXXX//O/341241774',
        'Paiement',
        ':61:250107C0,92FMSCNONREF',
        'BALANCE_CASHBACK-510151a4',
      ],
      'C221201EUR0,00',
      'C250131EUR119,92',
    );
    const entries = entriesOf(text);
    expect(entries.map((e) => [e.amountCents, e.endToEndId, e.bankReference, e.label])).toEqual([
      [11_900, '341241773/1XXXXX', 'O/341241774', 'Paiement'],
      [92, undefined, undefined, 'BALANCE_CASHBACK-510151a4'],
    ]);
  });

  it('reads a statement whose :86: lines are missing or doubled', () => {
    const text = mt([':61:2401150115C10,00NTRFNONREF', ':61:2401160116D10,00NTRFNONREF', ':86:LIGNE 1', ':86:LIGNE 2']);
    const entries = entriesOf(text);
    expect(entries.map((e) => e.label)).toEqual(['NONREF', 'LIGNE 1']);
    expect(entries[1].remittance.unstructured).toEqual(['LIGNE 1', 'LIGNE 2']);
  });
});

describe('CSV exports', () => {
  it('finds columns whose accented letters became U+FFFD, with a trailing ; and amounts like " 45" and "-6,4"', () => {
    const text =
      'Date op\uFFFDration;libell\uFFFD;D\uFFFDbit;Cr\uFFFDdit;\n13/01/2024;VIR CLIENT; 45;;\n14/01/2024;CB ' +
      'CAFE;-6,4;;\n15/01/2024;REMISE;; 45;\n';
    expect(entriesOf(text).map((e) => [e.bookingDate, e.label, e.amountCents])).toEqual([
      ['2024-01-13', 'VIR CLIENT', -4_500],
      ['2024-01-14', 'CB CAFE', -640],
      ['2024-01-15', 'REMISE', 4_500],
    ]);
  });

  it('finds columns whose header was UTF-8 read as latin-1 (DÃ©bit), and a "N° de compte" with its sign lost', () => {
    const text = 'Date de l\u2019opÃ©ration;LibellÃ©;DÃ©bit;CrÃ©dit\n13/01/2024;VIR;;12,00\n';
    expect(entriesOf(text).map((e) => [e.label, e.amountCents])).toEqual([['VIR', 1_200]]);
    const lost = latin1(
      'Date;Libell\u00e9;Montant;N\u00b0 de compte\n13/01/2024;VIR;12,00;FR7630003012340001234567854\n',
    );
    const [st] = parseStatementFile(lost).statements;
    expect(st.account.iban).toBe('FR7630003012340001234567854');
  });

  it('reads month-first dates when a day above 12 shows it, and a sign given in its own D/C column', () => {
    const text =
      '"Date","Label","Amount","D/C","Balance"\n"12/05/2018","Supplier","33.50","D","-23.50"\n"12/15/2018",' +
      '"Customer","-1,533.50","C","1,510.00"\n';
    const [st] = parseStatementFile(bytes(text)).statements;
    expect(st.entries.map((e) => [e.bookingDate, e.amountCents])).toEqual([
      ['2018-12-05', -3_350],
      ['2018-12-15', 153_350],
    ]);
    expect(st.balanceCheck).toEqual({ status: 'ok' });
  });

  it('reads Sens columns written Débit/Crédit and dates written dd.mm.yyyy', () => {
    const text = 'Date;Libellé;Montant;Sens\n13.01.2024;VIR;12,00;Crédit\n14.01.2024;CB;3,00;Débit\n';
    expect(entriesOf(text).map((e) => [e.bookingDate, e.amountCents])).toEqual([
      ['2024-01-13', 1_200],
      ['2024-01-14', -300],
    ]);
  });

  it('skips balance and total lines written in the date column, at the start or the end', () => {
    const text =
      'Date;Libellé;Débit;Crédit\nSolde au 01/01/2024;;;100,00\n13/01/2024;VIR;;12,00\nTotal des ' +
      'mouvements;;0,00;12,00\nNouveau solde;;;112,00\n';
    expect(entriesOf(text).map((e) => e.amountCents)).toEqual([1_200]);
  });

  it('reads a portal export with an account preamble and two amount columns (euros, then francs)', () => {
    const text = latin1(
      'Num\u00e9ro Compte ;0123456X020\nType ;CCP\nDate ;05/01/2024\nSolde (EUROS) ' +
        ';112,00\n\nDate;Libell\u00e9;Montant(EUROS);Montant(FRANCS)\n03/01/2024;VIR CLIENT;12,00;78,71\n',
    );
    expect(entriesOf(text).map((e) => [e.bookingDate, e.label, e.amountCents])).toEqual([
      ['2024-01-03', 'VIR CLIENT', 1_200],
    ]);
  });

  it('does not take a balance column that repeats the same figure on every row for a running balance', () => {
    const text =
      'dateOp;dateVal;label;category;amount;comment;accountNum;accountbalance\n2024-01-03;2024-01-03;VIR ' +
      'CLIENT;Virements;12,50;;00012345678;1000,00\n2024-01-04;2024-01-04;CB ' +
      'CAFE;Restaurants;-3,00;;00012345678;1000,00\n';
    const [st] = parseStatementFile(bytes(text)).statements;
    expect(st.entries.map((e) => [e.bookingDate, e.amountCents])).toEqual([
      ['2024-01-03', 1_250],
      ['2024-01-04', -300],
    ]);
    expect(st.balanceCheck.status).toBe('not-applicable');
  });

  it(
    'reads amounts grouped with a space, a non-breaking space or an apostrophe, and a quoted label over two ' + 'lines',
    () => {
      const text =
        'Date;Libellé;Montant\n13/01/2024;"VIR CLIENT\nFACTURE ' +
        '12";1\u00a0234,50\n14/01/2024;VIR;1\u202f000,00\n15/01/2024;VIR;1\'000.00\n';
      expect(entriesOf(text).map((e) => e.amountCents)).toEqual([123_450, 100_000, 100_000]);
    },
  );
});

describe('camt exports', () => {
  const doc = (body: string, root = 'BkToCstmrStmt', container = 'Stmt', ns = 'camt.053.001.08') =>
    `<?xml version="1.0"?><Document ` +
    `xmlns="urn:iso:std:iso:20022:tech:xsd:${ns}"><${root}><GrpHdr><MsgId>M</MsgId></GrpHdr><${container}><Id>1</Id>` +
    `<Acct><Id><IBAN>FR7630003012340001234567854</IBAN></Id>` +
    `<Ccy>EUR</Ccy></Acct>${body}</${container}></${root}></Document>`;
  const ntry = (inner: string) => `<Ntry>${inner}<Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2024-01-13</Dt></BookgDt></Ntry>`;

  it('reads an entry whose amount and direction are only in its transaction details', () => {
    const text = doc(
      ntry(
        '<NtryDtls><TxDtls><AmtDtls><TxAmt><Amt ' +
          'Ccy="EUR">12.00</Amt></TxAmt></AmtDtls><CdtDbtInd>DBIT</CdtDbtInd></TxDtls></NtryDtls>',
      ),
    );
    expect(entriesOf(text).map((e) => [e.amountCents, e.currency])).toEqual([[-1_200, 'EUR']]);
  });

  it('reads a camt.052 account report (Rpt) as a statement', () => {
    const text = doc(
      ntry('<Amt Ccy="EUR">5.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>'),
      'BkToCstmrAcctRpt',
      'Rpt',
      'camt.052.001.08',
    );
    const parsed = parseStatementFile(bytes(text));
    expect(parsed.statements[0].entries.map((e) => e.amountCents)).toEqual([500]);
  });
});
