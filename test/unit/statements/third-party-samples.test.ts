import { describe, expect, it } from 'vitest';
import { parseStatementFile } from '../../../functions/core/statements/index';
import { fixture } from './helpers';

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('third-party CFONB 120 sample (OCA l10n-france cfonb_classic.cfo)', () => {
  for (const file of ['oca-cfonb-classic.cfo', 'oca-cfonb-no-line-breaks.cfo']) {
    describe(file, () => {
      const parsed = parseStatementFile(fixture(file));
      const [st] = parsed.statements;

      it(
        'is detected as CFONB 120 with one statement for account 01234567890 at bank 30003 branch 01234, in ' + 'EUR',
        () => {
          expect(parsed.format).toBe('cfonb120');
          expect(parsed.statements).toHaveLength(1);
          expect(st.account).toMatchObject({ bankCode: '30003', branchCode: '01234', accountNumber: '01234567890' });
          expect(st.currency).toBe('EUR');
        },
      );

      it('reads 13 entries dated 2024-01-13: 9 credits and 4 SEPA direct debits', () => {
        expect(st.entries).toHaveLength(13);
        expect(st.entries.every((e) => e.bookingDate === '2024-01-13')).toBe(true);
        expect(st.entries.filter((e) => e.amountCents > 0)).toHaveLength(9);
        const debits = st.entries.filter((e) => e.amountCents < 0);
        expect(debits).toHaveLength(4);
        expect(debits.every((e) => e.label.startsWith('PRLV SEPA'))).toBe(true);
        expect(st.entries.map((e) => e.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
      });

      it('opens at 1,017,311.89, closes at 1,031,585.79, entries sum to +14,273.90 and the balances check', () => {
        expect(st.openingBalanceCents).toBe(101_731_189);
        expect(st.closingBalanceCents).toBe(103_158_579);
        expect(sum(st.entries.map((e) => e.amountCents))).toBe(1_427_390);
        expect(st.balanceCheck).toEqual({ status: 'ok' });
      });

      it('reads the overpunched amounts: 1040.17 credit ({A-I), 19.99 and 3037.55 debits (}J-R)', () => {
        expect(st.entries[0].amountCents).toBe(104_017);
        expect(st.entries[1].amountCents).toBe(132_100);
        expect(st.entries[9].amountCents).toBe(-1_999);
        expect(st.entries[12].amountCents).toBe(-303_755);
      });

      it('finds the invoice references hidden in LIB/LCC/RCN complements, whatever the separators', () => {
        const text = (i: number) =>
          [...st.entries[i].remittance.unstructured, ...st.entries[i].remittance.structured].join(' | ');
        expect(text(0)).toContain('facture F230875');
        expect(text(1)).toContain('F230866 F230765 F238765');
        expect(st.entries[2].remittance.structured).toContain('F230987, F231234');
        expect(text(3)).toContain('Invoice F235678');
        expect(text(4)).toContain('F239765/F237654/F239875/F240001');
        expect(text(5)).toContain('F238765+F229876');
        expect(text(8)).toContain('VIR -F238765 AKR');
      });

      it('keeps the deposit ("ACOMPTE"), the credit with no reference and the quotes (DV...) as they are', () => {
        expect(st.entries[2].remittance.unstructured).toContain('ACOMPTE PROJET CIMENT LOT2');
        expect(st.entries[6].remittance.unstructured).toEqual(['DV8762382 DV2937982']);
        expect(st.entries[7].remittance.unstructured).toEqual([]);
        expect(st.entries[7].remittance.structured).toEqual(['REGLEMENT PRINT SARL']);
      });

      it('attaches a 05 whose internal code differs from its 04 to that entry', () => {
        const econymo = st.entries[3];
        expect(econymo.label).toBe('VIR Econymo Software SARL');
        expect(econymo.raw).toHaveLength(5);
        expect(econymo.raw[3]).toContain('NBEAKRETION FRANCE');
        expect(econymo.raw[3].slice(7, 11)).not.toBe(econymo.raw[0].slice(7, 11));
        expect(st.entries[4].label).toBe('VIR RATP');
      });

      it('names the payer of a credit (NPY) and the beneficiary of a debit (NBE) as counterparty', () => {
        expect(st.entries[0].counterpartyName).toBe('MA JOLIE BOUTIQUE');
        expect(st.entries[10].counterpartyName).toBe('FREE MOBILE');
        expect(st.entries[11].counterpartyName).toBe('Orange');
      });

      it('glues an LC2 continuation to the text line it continues', () => {
        expect(st.entries[11].remittance.unstructured).toEqual([
          'FIBENT - FR - Facture: 76662391 - Compte Fact: 30008765 - Ident: 00003263',
        ]);
      });
    });
  }

  it('gives the same figures with and without line breaks', () => {
    const a = parseStatementFile(fixture('oca-cfonb-classic.cfo'));
    const b = parseStatementFile(fixture('oca-cfonb-no-line-breaks.cfo'));
    expect(b).toEqual(a);
  });
});

describe('third-party MT940 sample (wolph/mt940 abnamro.sta)', () => {
  const parsed = parseStatementFile(fixture('abnamro.sta'));

  it('is detected as MT940 with two statements for account 517852257', () => {
    expect(parsed.format).toBe('mt940');
    expect(parsed.statements).toHaveLength(2);
    for (const st of parsed.statements) expect(st.account.accountNumber).toBe('517852257');
  });

  it('reads 10 debits in all, amounts such as "9," and "107," with no decimals', () => {
    const entries = parsed.statements.flatMap((s) => s.entries);
    expect(entries).toHaveLength(10);
    expect(entries.every((e) => e.amountCents < 0)).toBe(true);
    expect(entries.map((e) => e.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(entries[0].amountCents).toBe(-900);
    expect(entries[6].amountCents).toBe(-10_700);
    expect(entries[9].amountCents).toBe(-1_500);
  });

  it('reads the second statement with :28C:, :60M: and :62M:', () => {
    const second = parsed.statements[1];
    expect(second.statementId).toBe('19322/1');
    expect(second.openingBalanceCents).toBe(287_684);
    expect(second.closingBalanceCents).toBe(184_975);
    expect(second.entries.map((e) => e.amountCents)).toEqual([-949, -1_500]);
  });

  it('keeps the three lines of a :86: spread over three lines, and reads past the blank line between records', () => {
    const first = parsed.statements[0].entries[0];
    expect(first.remittance.unstructured).toEqual([
      'GIRO 428428 KPN - DIGITENNE BETALINGSKENM. 000000042188659',
      '5314606715 BETREFT FACTUUR D.D. 20-05-2011',
      'INCL. 1,44 BTW',
    ]);
    expect(parsed.statements[0].entries[6].label).toContain('HANS ANDERS');
    expect(first.raw).toEqual([
      ':61:1105240524D9,N192NONREF\n:86:GIRO   428428 KPN - DIGITENNE    BETALINGSKENM.  ' +
        '000000042188659\n5314606715                       BETREFT FACTUUR D.D. 20-05-2011\nINCL. 1,44 BTW',
    ]);
  });

  it('reports the balances that do not add up (3,236.28 - 321.44 is not 876.84) instead of hiding them', () => {
    const [first, second] = parsed.statements;
    expect(first.openingBalanceCents).toBe(323_628);
    expect(first.closingBalanceCents).toBe(87_684);
    expect(first.balanceCheck).toEqual({
      status: 'mismatch',
      expectedClosingCents: 291_484,
      statedClosingCents: 87_684,
      differenceCents: -203_800,
    });
    expect(second.balanceCheck.status).toBe('mismatch');
  });

  it('reads the booking date after the value date of :61:', () => {
    const e = parsed.statements[0].entries[1];
    expect(e.valueDate).toBe('2011-05-21');
    expect(e.bookingDate).toBe('2011-05-23');
  });
});
