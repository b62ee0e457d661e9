import { describe, expect, it } from 'vitest';
import { EPC_MAX_BYTES, EpcQrError, epcPayload, parseEpcPayload } from '../../../functions/core/payments/epc-qr';
import { epcTransferFor } from '../../../functions/core/payments/epc-transfer';

/** The example of the EPC guideline (EPC069-12, version 001, BIC mandatory there), lines joined by LF. */
const GUIDELINE_EXAMPLE = [
  'BCD',
  '001',
  '1',
  'SCT',
  'BPOTBEB1',
  'Red Cross of Belgium',
  'BE72000000001616',
  'EUR1',
  'CHAR',
  '',
  'Urgency fund',
  'Sample EPC QR code',
].join('\n');

const creditor = { beneficiaryName: 'Atelier Dupont SARL', iban: 'FR76 3000 6000 0112 3456 7890 189', bic: 'AGRIFRPP' };

function errorOf(f: () => unknown): EpcQrError {
  try {
    f();
  } catch (e) {
    if (e instanceof EpcQrError) return e;
    throw e;
  }
  throw new Error('expected an EpcQrError');
}

describe('the EPC "SEPA Credit Transfer" QR payload', () => {
  it("writes the guideline's example line for line, the amount with its two decimals", () => {
    const payload = epcPayload({
      version: '001',
      bic: 'BPOTBEB1',
      beneficiaryName: 'Red Cross of Belgium',
      iban: 'BE72000000001616',
      amountCents: 100,
      purpose: 'CHAR',
      remittanceText: 'Urgency fund',
      beneficiaryToOriginator: 'Sample EPC QR code',
    });
    expect(payload).toBe(GUIDELINE_EXAMPLE.replace('EUR1\n', 'EUR1.00\n'));
  });

  it("reads the guideline's example back, amount EUR1 as 100 cents", () => {
    expect(parseEpcPayload(GUIDELINE_EXAMPLE)).toEqual({
      version: '001',
      bic: 'BPOTBEB1',
      beneficiaryName: 'Red Cross of Belgium',
      iban: 'BE72000000001616',
      amountCents: 100,
      purpose: 'CHAR',
      creditorReference: undefined,
      remittanceText: 'Urgency fund',
      beneficiaryToOriginator: 'Sample EPC QR code',
    });
  });

  it('puts an invoice amount and its RF reference in version 002, without trailing empty lines', () => {
    const payload = epcPayload({ ...creditor, amountCents: 1_234_56, creditorReference: 'RF18 5390 0754 7034' });
    expect(payload).toBe(
      [
        'BCD',
        '002',
        '1',
        'SCT',
        'AGRIFRPP',
        'Atelier Dupont SARL',
        'FR7630006000011234567890189',
        'EUR1234.56',
        '',
        'RF18539007547034',
      ].join('\n'),
    );
    expect(parseEpcPayload(payload)).toMatchObject({
      amountCents: 123456,
      creditorReference: 'RF18539007547034',
      iban: 'FR7630006000011234567890189',
    });
  });

  it('leaves the BIC line empty in version 002 when there is none, and the amount line when the payer types it', () => {
    const payload = epcPayload({
      beneficiaryName: 'Atelier Dupont SARL',
      iban: 'FR7630006000011234567890189',
      remittanceText: 'Facture F2024-001',
    });
    expect(payload.split('\n')).toEqual([
      'BCD',
      '002',
      '1',
      'SCT',
      '',
      'Atelier Dupont SARL',
      'FR7630006000011234567890189',
      '',
      '',
      '',
      'Facture F2024-001',
    ]);
  });

  it('writes amounts at both ends of the range: 0.01 and 999 999 999.99 euros', () => {
    expect(epcPayload({ ...creditor, amountCents: 1 }).split('\n')[7]).toBe('EUR0.01');
    expect(epcPayload({ ...creditor, amountCents: 99_999_999_999 }).split('\n')[7]).toBe('EUR999999999.99');
    expect(epcPayload({ ...creditor, amountCents: 700 }).split('\n')[7]).toBe('EUR7.00');
  });

  it('refuses amounts out of range or not in integer cents, naming the field', () => {
    for (const amountCents of [0, -100, 100_000_000_000, 12.5]) {
      const e = errorOf(() => epcPayload({ ...creditor, amountCents }));
      expect(e.code).toBe('invalid_input');
      expect(e.problems.join()).toMatch(/^amountCents: /);
    }
  });

  it('refuses a bad IBAN, a bad BIC, a bad RF reference, a missing or too long name, each named', () => {
    const e = errorOf(() =>
      epcPayload({
        beneficiaryName: 'x'.repeat(71),
        iban: 'FR7630006000011234567890180',
        bic: 'AGRI',
        creditorReference: 'RF19539007547034',
      }),
    );
    expect(e.problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'beneficiaryName',
      'bic',
      'creditorReference',
      'iban',
    ]);
    expect(errorOf(() => epcPayload({ ...creditor, beneficiaryName: '  ' })).problems.join()).toMatch(
      /beneficiaryName/,
    );
  });

  it('refuses a structured reference together with a remittance text, and version 001 without a BIC', () => {
    expect(
      errorOf(() =>
        epcPayload({ ...creditor, creditorReference: 'RF18539007547034', remittanceText: 'F1' }),
      ).problems.join(),
    ).toMatch(/exclude each other/);
    expect(errorOf(() => epcPayload({ ...creditor, bic: undefined, version: '001' })).problems.join()).toMatch(
      /^bic: /,
    );
  });

  it('refuses a line break inside a field, which would shift every following line', () => {
    const e = errorOf(() => epcPayload({ ...creditor, remittanceText: 'Facture\nF1' }));
    expect(e.problems.join()).toMatch(/^remittanceText: no line break/);
  });

  it('counts the 331-byte limit in UTF-8 bytes, not characters', () => {
    const longest = {
      ...creditor,
      beneficiaryName: 'x'.repeat(70),
      amountCents: 99_999_999_999,
      purpose: 'GDDS',
      beneficiaryToOriginator: 'y'.repeat(70),
    };
    // every field at its longest is 355 bytes with this 27-character IBAN and 8-letter BIC: the byte limit binds
    expect(Buffer.byteLength(epcPayload({ ...longest, remittanceText: 'z'.repeat(116) }))).toBe(331);
    expect(errorOf(() => epcPayload({ ...longest, remittanceText: 'z'.repeat(117) })).problems).toEqual([
      '332 bytes, at most 331',
    ]);
    const e = errorOf(() => epcPayload({ ...longest, remittanceText: 'é'.repeat(116) }));
    expect(e.code).toBe('payload_too_long');
    expect(e.problems).toEqual(['447 bytes, at most 331']);
  });

  it('keeps accented names as UTF-8 text (character set 1)', () => {
    const payload = epcPayload({ ...creditor, beneficiaryName: 'Société Générale Élagage', amountCents: 1230 });
    expect(parseEpcPayload(payload).beneficiaryName).toBe('Société Générale Élagage');
  });

  it('reads amounts written without trailing zeros, and rejects what is not an EPC payload', () => {
    expect(parseEpcPayload('BCD\n002\n1\nSCT\n\nX\nBE72000000001616\nEUR12.3').amountCents).toBe(1230);
    expect(errorOf(() => parseEpcPayload('BCD\n003\n1\nSCT\n\nX\nBE72000000001616')).code).toBe('not_an_epc_payload');
    expect(errorOf(() => parseEpcPayload('BCD\n002\n1\nSCT\n\nX\nBE72000000001616\n12.30')).code).toBe(
      'not_an_epc_payload',
    );
  });
});

describe('the transfer for a customer’s invoices', () => {
  const iban = 'FR7630006000011234567890189';
  const twelve = Array.from({ length: 12 }, (_, k) => ({
    invoiceId: `FA-2026-${String(k).padStart(5, '0')}`,
    currency: 'EUR',
    openCents: 123_456,
  }));

  it(
    'a 70-character accented creditor name with twelve invoices still gives a payload within 331 bytes, naming ' +
      'the first invoices and counting the others, for the whole amount',
    () => {
      const transfer = epcTransferFor(twelve, { name: 'É'.repeat(70), iban, bic: 'AGRIFRPPXXX' });
      const payload = transfer?.payload ?? '';
      expect(Buffer.byteLength(payload, 'utf8')).toBeLessThanOrEqual(EPC_MAX_BYTES);
      const fields = parseEpcPayload(payload);
      expect(fields.beneficiaryName).toBe('É'.repeat(70));
      expect(fields.amountCents).toBe(12 * 123_456);
      expect(fields.remittanceText).toMatch(/^Factures FA-2026-00000, FA-2026-00001, .* et \d+ autres$/);
      expect(transfer?.remittance).toBe(fields.remittanceText);
    },
  );

  it('a name of four-byte characters is cut on a whole character, and the code still names an invoice', () => {
    const payload = epcTransferFor(twelve, { name: '𝔈'.repeat(70), iban })?.payload ?? '';
    expect(Buffer.byteLength(payload, 'utf8')).toBeLessThanOrEqual(EPC_MAX_BYTES);
    const fields = parseEpcPayload(payload);
    expect(fields.beneficiaryName).toBe('𝔈'.repeat(35));
    expect(fields.remittanceText).toMatch(/^Factures FA-2026-00000/);
  });

  it('the transfer label is worded in the customer’s language', () => {
    const two = twelve.slice(0, 2);
    const creditor = { name: 'Atelier Dupont', iban };
    expect(epcTransferFor(two, creditor, 'en')?.remittance).toBe('Invoices FA-2026-00000, FA-2026-00001');
    expect(epcTransferFor(two, creditor, 'fr')?.remittance).toBe('Factures FA-2026-00000, FA-2026-00001');
    expect(epcTransferFor(twelve, { name: 'É'.repeat(70), iban }, 'en')?.remittance).toMatch(/ and \d+ more$/);
  });
});
