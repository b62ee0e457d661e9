import { describe, expect, it } from 'vitest';
import { parseStatementFile, StatementParseError } from '../../../functions/core/statements/index';
import { bytes, fixture } from './helpers';

function parseError(input: Uint8Array): StatementParseError {
  try {
    parseStatementFile(input);
  } catch (e) {
    if (e instanceof StatementParseError) return e;
    throw e;
  }
  throw new Error('expected a StatementParseError');
}

describe('camt.053.001.02 (older version: Sts as text, Dbtr/Nm, BIC, AmtDtls/TxAmt, batch booking)', () => {
  const parsed = parseStatementFile(fixture('camt053-v02-batch.xml'));
  const [st] = parsed.statements;

  it('reads the account, the PRCD opening and CLBD closing balances, and checks them', () => {
    expect(parsed.format).toBe('camt053');
    expect(st.account).toMatchObject({ iban: 'FR7630004000031234567890143', bic: 'BNPAFRPPXXX', bankCode: '30004' });
    expect(st.statementId).toBe('20240202-0001');
    expect(st.openingBalanceCents).toBe(1_250_000);
    expect(st.closingBalanceCents).toBe(1_495_045);
    expect(st.balanceCheck).toEqual({ status: 'ok' });
  });

  it('splits a batch booking with two TxDtls into two entries with their own amounts, payers and references', () => {
    const [a, b] = st.entries;
    expect([a.amountCents, b.amountCents]).toEqual([180_000, 120_000]);
    expect(a.counterpartyName).toBe('BOULANGERIE DUPONT & FILS');
    expect(a.counterpartyIban).toBe('FR1420041010050500013M02606');
    expect(a.endToEndId).toBe('CLI-778-FA2024-0017');
    expect(a.bankReference).toBe('2024020200001-1');
    expect(a.remittance.unstructured).toEqual(['FACTURE FA-2024-0017 ACOMPTE']);
    expect(b.counterpartyName).toBe('Café Lumière SARL');
    expect(b.endToEndId).toBeUndefined();
    expect(b.remittance.structured).toEqual(['RF18539007547034', 'FA-2024-0021']);
    expect(a.label).toBe('REMISE VIREMENTS SEPA 2 OPERATIONS');
    expect(a.bankCodes).toEqual(['PMNT/RCDT/ESCT', '0158']);
  });

  it('reads a direct debit with the creditor as counterparty and several Ustrd lines', () => {
    const d = st.entries[2];
    expect(d.amountCents).toBe(-54_955);
    expect(d.valueDate).toBe('2024-02-01');
    expect(d.counterpartyName).toBe('EDF');
    expect(d.remittance.unstructured).toEqual(['FACTURE ELEC JANVIER', 'CONTRAT 0042']);
    expect(d.raw[0]).toMatch(/^<Ntry>[\s\S]*<\/Ntry>$/);
  });

  it('leaves out an entry that is not booked (Sts PDNG)', () => {
    expect(st.entries).toHaveLength(3);
    expect(st.entries.map((e) => e.index)).toEqual([0, 1, 2]);
  });
});

describe('camt.053.001.08 (Sts/Cd, Pty/Nm, BICFI, two statements, debit opening balance, DtTm, CDATA)', () => {
  const parsed = parseStatementFile(fixture('camt053-v08-two-accounts.xml'));

  it('reads two statements with their own accounts and currencies, indexes across them', () => {
    expect(parsed.statements.map((s) => s.currency)).toEqual(['EUR', 'USD']);
    expect(parsed.statements[0].account.iban).toBe('FR7630003012340001234567854');
    expect(parsed.statements[1].account).toEqual({ accountNumber: '00020012345' });
    expect(parsed.statements.flatMap((s) => s.entries.map((e) => e.index))).toEqual([0, 1]);
  });

  it('reads a debit opening balance (DBIT) as negative and the period from FrToDt', () => {
    const [a] = parsed.statements;
    expect(a.openingBalanceCents).toBe(-25_000);
    expect(a.closingBalanceCents).toBe(475_000);
    expect(a.periodStart).toBe('2024-03-15');
    expect(a.balanceCheck).toEqual({ status: 'ok' });
  });

  it('takes the debtor, not the ultimate debtor, and the structured creditor reference', () => {
    const e = parsed.statements[0].entries[0];
    expect(e.counterpartyName).toBe('MARTIN INDUSTRIES SAS');
    expect(e.counterpartyIban).toBe('DE89370400440532013000');
    expect(e.remittance.structured).toEqual(['RF712348231']);
  });

  it('marks a reversal (RvslInd) and reads a booking date given as DtTm and text in CDATA', () => {
    const e = parsed.statements[1].entries[0];
    expect(e.reversal).toBe(true);
    expect(e.bookingDate).toBe('2024-03-15');
    expect(e.remittance.unstructured).toEqual(['RETOUR VIR - COMPTE CLOS <AC04>']);
  });
});

describe('camt reversal indicator (RvslInd, an xs:boolean)', () => {
  const ntry = (rvsl: string) =>
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><GrpHdr><MsgId>1</MsgId>' +
    '</GrpHdr><Stmt><Id>S1</Id><Acct><Id><IBAN>FR7630003012340001234567854</IBAN></Id><Ccy>EUR</Ccy></Acct>' +
    `<Ntry><Amt Ccy="EUR">150.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><RvslInd>${rvsl}</RvslInd><Sts><Cd>BOOK</Cd></Sts>` +
    '<BookgDt><Dt>2024-01-02</Dt></BookgDt><NtryDtls><TxDtls><RmtInf><Ustrd>F-2024-0001</Ustrd></RmtInf>' +
    '</TxDtls></NtryDtls></Ntry></Stmt></BkToCstmrStmt></Document>';
  const reversalOf = (rvsl: string) => parseStatementFile(bytes(ntry(rvsl))).statements[0].entries[0];

  it('takes "1" and " true " as a reversal, as it takes "true"', () => {
    expect(reversalOf('1')).toMatchObject({ amountCents: -15_000, reversal: true });
    expect(reversalOf(' true ').reversal).toBe(true);
    expect(reversalOf('true').reversal).toBe(true);
  });

  it('takes "0" and "false" as no reversal', () => {
    expect(reversalOf('0').reversal).toBe(false);
    expect(reversalOf('false').reversal).toBe(false);
  });
});

describe('camt.054 debit/credit notification', () => {
  const parsed = parseStatementFile(fixture('camt054-v08.xml'));
  it('is told apart from camt.053, splits its TxDtls and has no balances to check', () => {
    expect(parsed.format).toBe('camt054');
    const [st] = parsed.statements;
    expect(st.entries.map((e) => [e.amountCents, e.endToEndId])).toEqual([
      [30_000, 'INV-2024-101'],
      [18_000, 'INV-2024-102'],
    ]);
    expect(st.currency).toBe('EUR');
    expect(st.balanceCheck.status).toBe('not-applicable');
  });
});

describe('camt namespaces and versions', () => {
  const doc = (ns: string, prefix = '') => {
    const p = prefix ? `${prefix}:` : '';
    return (
      `<?xml version="1.0"?><${p}Document ` +
      `xmlns${prefix ? `:${prefix}` : ''}="${ns}"><${p}BkToCstmrStmt><${p}Stmt><${p}Id>X</${p}Id>` +
      `<${p}Acct><${p}Id><${p}IBAN>FR7630003012340001234567854</${p}IBAN></${p}Id><${p}Ccy>EUR</${p}Ccy></${p}Acct>` +
      `<${p}Ntry><${p}Amt ` +
      `Ccy="EUR">1.50</${p}Amt><${p}CdtDbtInd>DBIT</${p}CdtDbtInd><${p}BookgDt>` +
      `<${p}Dt>2024-05-02</${p}Dt></${p}BookgDt></${p}Ntry>` +
      `</${p}Stmt></${p}BkToCstmrStmt></${p}Document>`
    );
  };

  for (const v of ['02', '04', '06', '08', '10', '12', '13']) {
    it(`reads camt.053.001.${v}`, () => {
      const parsed = parseStatementFile(bytes(doc(`urn:iso:std:iso:20022:tech:xsd:camt.053.001.${v}`)));
      expect(parsed.statements[0].entries[0].amountCents).toBe(-150);
    });
  }

  it('reads a document whose elements carry a namespace prefix', () => {
    const parsed = parseStatementFile(bytes(doc('urn:iso:std:iso:20022:tech:xsd:camt.053.001.04', 'ns2')));
    expect(parsed.statements[0].entries[0].bookingDate).toBe('2024-05-02');
  });

  it('refuses a version outside 001.02..001.13 with a clear error', () => {
    const e = parseError(bytes(doc('urn:iso:std:iso:20022:tech:xsd:camt.053.001.14')));
    expect(e.code).toBe('unsupported_version');
    expect(e.message).toContain('camt.053.001.14');
  });

  it('says where a cut-off file ends (truncated) and where broken XML breaks (corrupt)', () => {
    const full = doc('urn:iso:std:iso:20022:tech:xsd:camt.053.001.08');
    const cut = parseError(bytes(full.slice(0, full.indexOf('<BookgDt>'))));
    expect(cut.code).toBe('truncated');
    expect(cut.element).toContain('Ntry');
    const broken = parseError(bytes(full.replace('<CdtDbtInd>DBIT</CdtDbtInd>', '<CdtDbtInd>DBIT</Amt>')));
    expect(broken.code).toBe('corrupt');
    expect(broken.line).toBe(1);
  });

  it('rejects an amount with a third decimal rather than rounding it', () => {
    const e = parseError(bytes(doc('urn:iso:std:iso:20022:tech:xsd:camt.053.001.08').replace('1.50', '1.505')));
    expect(e.code).toBe('invalid_amount');
  });
});
