import { describe, expect, it } from 'vitest';
import { frenchIbanFromRib, isValidIban, normalizeIban, ribKey } from '../../../functions/core/iban';

describe('IBAN check (ISO 13616, mod 97)', () => {
  it.each([
    ['a French IBAN', 'FR7630006000011234567890189'],
    ['a French IBAN with letters in the account number', 'FR1420041010050500013M02606'],
    ['a German IBAN', 'DE89370400440532013000'],
    ['a Dutch IBAN (letters in the bank code)', 'NL91ABNA0417164300'],
    ['the shortest IBAN (Norway, 15 characters)', 'NO9386011117947'],
  ])('accepts %s', (_case, iban) => {
    expect(isValidIban(iban)).toBe(true);
  });

  it('accepts the IBAN as people write it: groups of four, lower case', () => {
    expect(isValidIban('FR76 3000 6000 0112 3456 7890 189')).toBe(true);
    expect(isValidIban('fr76 3000 6000 0112 3456 7890 189')).toBe(true);
    expect(isValidIban('nl91 abna 0417 1643 00')).toBe(true);
    expect(isValidIban('DE89\u00a03704\u00a00044\u00a00532\u00a00130\u00a000')).toBe(true);
  });

  it.each([
    ['wrong check digits', 'FR7730006000011234567890189'],
    ['check digits 00', 'FR0030006000011234567890189'],
    ['two digits swapped in the account', 'FR7630006000011234567890198'],
    ['one digit changed in a German IBAN', 'DE89370400440532013001'],
    ['a letter changed in a Dutch IBAN', 'NL91ABNB0417164300'],
    ['the country code at the end', '7630006000011234567890189FR'],
    ['a national account number too short', 'FR76300060000'],
    ['a national account number longer than 30 characters', `FR76${'1'.repeat(31)}`],
    ['punctuation inside', 'FR76-3000-6000-0112-3456-7890-189'],
    ['nothing', ''],
  ])('refuses %s', (_case, iban) => {
    expect(isValidIban(iban)).toBe(false);
  });

  it('normalizes for storage and comparison: no spaces, upper case', () => {
    expect(normalizeIban(' fr76 3000 6000 0112 3456 7890 189 ')).toBe('FR7630006000011234567890189');
    expect(normalizeIban('nl91\tabna 0417\u00a01643 00')).toBe('NL91ABNA0417164300');
  });
});

describe('French RIB to IBAN', () => {
  it('computes the RIB key, letters of the account counting the French way', () => {
    expect(ribKey('30006', '00001', '12345678901')).toBe('89');
    expect(ribKey('20041', '01005', '0500013M026')).toBe('06');
  });

  it('builds the IBAN of a RIB, which then passes the mod-97 check', () => {
    expect(frenchIbanFromRib('30006', '00001', '12345678901')).toBe('FR7630006000011234567890189');
    expect(frenchIbanFromRib('20041', '01005', '0500013m026')).toBe('FR1420041010050500013M02606');
    expect(isValidIban(frenchIbanFromRib('12345', '67890', 'ABCDEFGHIJK')!)).toBe(true);
  });

  it('gives nothing for what is not a RIB', () => {
    expect(frenchIbanFromRib('3000', '00001', '12345678901')).toBeUndefined();
    expect(frenchIbanFromRib('30006', '0000A', '12345678901')).toBeUndefined();
    expect(frenchIbanFromRib('30006', '00001', '1234567890')).toBeUndefined();
  });
});
