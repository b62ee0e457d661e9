import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cfonbAmount } from '../../../functions/core/statements/cfonb120';
import { parseStatementFile } from '../../../functions/core/statements/index';
import { parse86 } from '../../../functions/core/statements/mt940';
import { parseError } from './errors';
import { bytes, fixture, latin1 } from './helpers';

const classic = new TextDecoder().decode(fixture('oca-cfonb-classic.cfo'));
const lines = classic.split(/\r?\n/).filter(Boolean);

describe('CFONB 120', () => {
  it('reads every overpunched sign character: { A-I positive, } J-R negative', () => {
    expect('{ABCDEFGHI'.split('').map((c) => cfonbAmount(`0000000000001${c}`, '2', 1))).toEqual([
      10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
    ]);
    expect('}JKLMNOPQR'.split('').map((c) => cfonbAmount(`0000000000001${c}`, '2', 1))).toEqual([
      -10, -11, -12, -13, -14, -15, -16, -17, -18, -19,
    ]);
    expect(cfonbAmount('0000000000012{', '0', 1)).toBe(12_000);
  });

  it('reads several accounts and statements in one file, with entry indexes across them', () => {
    const second = lines.map((l) => l.replace('01234567890', '09876543210'));
    const parsed = parseStatementFile(bytes([...lines, ...second].join('\n')));
    expect(parsed.statements).toHaveLength(2);
    expect(parsed.statements[1].account.accountNumber).toBe('09876543210');
    expect(parsed.statements[1].entries[0].index).toBe(13);
  });

  it('reads CR-only line ends, lines whose trailing blanks were trimmed, and latin-1 text', () => {
    const trimmed = lines.map((l) => l.replace(/\s+$/, '')).join('\r');
    const withAccent = trimmed.replace('VIR RATP                     ', 'VIR RÉGIE ÉLECTRICITÉ        ');
    const parsed = parseStatementFile(latin1(withAccent));
    expect(parsed.statements[0].entries).toHaveLength(13);
    expect(parsed.statements[0].entries[4].label).toBe('VIR RÉGIE ÉLECTRICITÉ');
    expect(parsed.statements[0].balanceCheck).toEqual({ status: 'ok' });
  });

  it('reads the same records whatever mix of line ends, blank lines and trimmed blanks separates them', () => {
    const expected = parseStatementFile(bytes(lines.join('\n')));
    const separator = fc.constantFrom('\n', '\r\n', '\r', '\n\n', '\r\n\r\n', '\n\r', '\r\n  \n');
    fc.assert(
      fc.property(
        fc.array(separator, { minLength: lines.length, maxLength: lines.length }),
        fc.array(fc.boolean(), { minLength: lines.length, maxLength: lines.length }),
        (seps, trim) => {
          const text = lines.map((l, i) => (trim[i] ? l.trimEnd() : l) + seps[i]).join('');
          const parsed = parseStatementFile(bytes(text), { format: 'cfonb120' });
          expect(
            parsed.statements.map((st) => ({
              ...st,
              entries: st.entries.map((e) => ({ ...e, raw: e.raw.map((r) => r.trimEnd()) })),
            })),
          ).toEqual(
            expected.statements.map((st) => ({
              ...st,
              entries: st.entries.map((e) => ({ ...e, raw: e.raw.map((r) => r.trimEnd()) })),
            })),
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reports a mismatching closing balance without dropping the statement', () => {
    const text = classic.replace('0000010315857I', '0000010315858I');
    const [st] = parseStatementFile(bytes(text)).statements;
    expect(st.entries).toHaveLength(13);
    expect(st.balanceCheck).toEqual({
      status: 'mismatch',
      expectedClosingCents: 103_158_579,
      statedClosingCents: 103_158_589,
      differenceCents: 10,
    });
  });

  it('says a file cut before its 07 is truncated, and names the line of a broken record', () => {
    expect(parseError(bytes(lines.slice(0, 40).join('\n'))).code).toBe('truncated');
    const noBreaks = new TextDecoder().decode(fixture('oca-cfonb-no-line-breaks.cfo'));
    expect(parseError(bytes(noBreaks.slice(0, 5000)), { format: 'cfonb120' }).code).toBe('truncated');
    const badRecord = [...lines];
    badRecord[5] = `09${badRecord[5].slice(2)}`;
    expect(parseError(bytes(badRecord.join('\n')), { format: 'cfonb120' })).toMatchObject({ code: 'corrupt', line: 6 });
    const badAmount = [...lines];
    badAmount[1] = badAmount[1].replace('0000000000000000010401G', '00000000000000000104X1G');
    expect(parseError(bytes(badAmount.join('\n')))).toMatchObject({ code: 'invalid_amount', line: 2 });
  });
});

describe('MT940 :86: shapes', () => {
  it('?NN sub-fields with SEPA keywords (French/German banks)', () => {
    const info = parse86(
      '166?00VIR SEPA RECU?20EREF+E2E-1?21KREF+RF18539007547034?22SVWZ+facture F23087\n5 ' +
        'merci?31FR1420041010050500013M02606?32MA JOLIE BOUTIQUE',
    );
    expect(info).toMatchObject({
      label: 'VIR SEPA RECU',
      endToEndId: 'E2E-1',
      structured: ['RF18539007547034'],
      unstructured: ['facture F230875 merci'],
      counterpartyIban: 'FR1420041010050500013M02606',
      counterpartyName: 'MA JOLIE BOUTIQUE',
      code: '166',
    });
  });

  it('/TAG/ fields (Dutch banks): counterparty, unstructured and structured remittance, end-to-end id', () => {
    const u = parse86(
      '/TRTP/SEPA OVERBOEKING/IBAN/NL91ABNA0417164300/BIC/ABNANL2A/NAME/J. JANSEN/REMI/USTD//FACTUUR ' +
        '2024-77/EREF/NOTPROVIDED',
    );
    expect(u).toMatchObject({
      counterpartyIban: 'NL91ABNA0417164300',
      counterpartyName: 'J. JANSEN',
      unstructured: ['FACTUUR 2024-77'],
      label: 'SEPA OVERBOEKING',
    });
    expect(u.endToEndId).toBeUndefined();
    const s = parse86(
      '/TRTP/SEPA OVERBOEKING/CNTP/NL91ABNA0417164300/ABNANL2A/ACME ' +
        'BV/AMSTERDAM/REMI/STRD/CUR/RF18539007547034/EREF/E2E-9',
    );
    expect(s).toMatchObject({ structured: ['RF18539007547034'], counterpartyName: 'ACME BV', endToEndId: 'E2E-9' });
  });

  it(
    'reads the SWIFT envelope {1:}{2:}{4: ... -}, RD reversals (a returned debit, so a credit) and :61: bank ' +
      'references',
    () => {
      const text = [
        '{1:F01SOGEFRPPAXXX0000000000}{2:O9401200240115SOGEFRPPAXXX00000000002401151200N}{4:',
        ':20:STMT0115',
        ':25:FR7630003012340001234567854',
        ':28C:00015/001',
        ':60F:C240114EUR1000,00',
        ':61:2401150115RD25,00NTRFNONREF//SG0115-0001',
        'RETOUR PRLV',
        ':86:RETOUR PRELEVEMENT MOTIF MD06',
        ':62F:C240115EUR1025,00',
        '-}{5:{CHK:123456789ABC}}',
      ].join('\r\n');
      const [st] = parseStatementFile(bytes(text)).statements;
      expect(st.account.iban).toBe('FR7630003012340001234567854');
      expect(st.entries[0]).toMatchObject({
        amountCents: 2_500,
        reversal: true,
        bankReference: 'SG0115-0001',
        endToEndId: undefined,
      });
      expect(st.balanceCheck).toEqual({ status: 'ok' });
    },
  );

  it('says a statement cut before :62F: is truncated', () => {
    const text = new TextDecoder().decode(fixture('abnamro.sta'));
    expect(parseError(bytes(text.slice(0, text.indexOf(':62F:')))).code).toBe('truncated');
  });
});
