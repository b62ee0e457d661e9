import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  creditorReferenceFor,
  formatCreditorReference,
  isValidCreditorReference,
  normalizeCreditorReference,
} from '../../../functions/core/payments/creditor-reference';

/** An independent oracle: the ISO 7064 mod 97-10 check with BigInt, letters as two digits (A = 10 ... Z = 35). */
function checksOut(rf: string): boolean {
  const rearranged = rf.slice(4) + rf.slice(0, 4);
  const digits = rearranged.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  return BigInt(digits) % 97n === 1n;
}

describe('ISO 11649 creditor references', () => {
  it('accepts the standard example RF18 5390 0754 7034, printed or electronic, and with leading zeros', () => {
    // 539007547034 + "RF" (27 15) + 18 = 539007547034271518, which leaves 1 mod 97
    expect(539007547034271518n % 97n).toBe(1n);
    expect(isValidCreditorReference('RF18539007547034')).toBe(true);
    expect(isValidCreditorReference('RF18 5390 0754 7034')).toBe(true);
    expect(isValidCreditorReference(' rf18 5390 0754 7034 ')).toBe(true);
    expect(isValidCreditorReference('RF18000000000539007547034')).toBe(true);
  });

  it('builds RF18539007547034 from the reference 539007547034 and RF45G72UUR from G72UUR', () => {
    expect(creditorReferenceFor('539007547034')).toBe('RF18539007547034');
    expect(creditorReferenceFor('G72UUR')).toBe('RF45G72UUR');
  });

  it('gives the one-character reference 4 the check digits 90, so "RF71 4" is refused', () => {
    // "4" + "RF00" -> 4271500 = 97 × 44036 + 8, check digits 98 - 8 = 90; and 4271571 leaves 79, not 1
    expect(4271500n % 97n).toBe(8n);
    expect(4271571n % 97n).toBe(79n);
    expect(creditorReferenceFor('4')).toBe('RF904');
    expect(isValidCreditorReference('RF90 4')).toBe(true);
    expect(isValidCreditorReference('RF71 4')).toBe(false);
  });

  it('builds the reference of an invoice number from its letters and digits only', () => {
    expect(creditorReferenceFor('F2024-001')).toBe('RF97F2024001');
    expect(creditorReferenceFor('f 2024/001')).toBe('RF97F2024001');
    expect(creditorReferenceFor('--')).toBeUndefined();
    expect(creditorReferenceFor('A'.repeat(22))).toBeUndefined();
  });

  it('refuses wrong shapes: no RF, no check digits, empty or too long reference, other characters', () => {
    for (const bad of [
      '',
      'RF',
      'RF18',
      '18539007547034RF',
      'XX18539007547034',
      'RF1A539007547034',
      'RF18-5390',
      `RF18${'1'.repeat(22)}`,
    ]) {
      expect(isValidCreditorReference(bad), bad).toBe(false);
    }
  });

  it('prints in groups of four and reads back to the electronic form', () => {
    expect(formatCreditorReference('RF18539007547034')).toBe('RF18 5390 0754 7034');
    expect(formatCreditorReference('RF904')).toBe('RF90 4');
    expect(normalizeCreditorReference('RF18 5390 0754 7034')).toBe('RF18539007547034');
  });

  it(
    'builds a valid reference from any invoice number of 1 to 21 letters or digits, and agrees with the ' + 'oracle',
    () => {
      fc.assert(
        fc.property(fc.stringMatching(/^[A-Z0-9]{1,21}$/), (ref) => {
          const rf = creditorReferenceFor(ref)!;
          expect(rf.slice(4)).toBe(ref);
          expect(isValidCreditorReference(rf)).toBe(true);
          expect(checksOut(rf)).toBe(true);
          expect(normalizeCreditorReference(formatCreditorReference(rf))).toBe(rf);
        }),
      );
    },
  );

  it(
    'turns a typo that keeps the kind of character (digit for digit, letter for letter) into an invalid ' + 'reference',
    () => {
      const digits = '0123456789';
      const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
      fc.assert(
        fc.property(
          fc.stringMatching(/^[A-Z0-9]{1,21}$/),
          fc.nat(),
          fc.integer({ min: 1, max: 25 }),
          (ref, at, shift) => {
            const rf = creditorReferenceFor(ref)!;
            const i = 2 + (at % (rf.length - 2));
            const pool = /\d/.test(rf[i]) ? digits : letters;
            const replacement = pool[(pool.indexOf(rf[i]) + 1 + (shift % (pool.length - 1))) % pool.length];
            const typo = rf.slice(0, i) + replacement + rf.slice(i + 1);
            expect(checksOut(typo)).toBe(false);
            expect(isValidCreditorReference(typo)).toBe(false);
          },
        ),
        { numRuns: 2000 },
      );
    },
  );

  it('lets a few digit-for-letter typos through, since a letter counts as two digits (the matcher must know)', () => {
    // RF76Y9M09H with its M typed as 4, or its 0 typed as E, still leaves 1 mod 97
    expect(isValidCreditorReference('RF76Y9M09H')).toBe(true);
    expect(isValidCreditorReference('RF76Y9409H')).toBe(true);
    expect(isValidCreditorReference('RF76Y9ME9H')).toBe(true);
    expect(checksOut('RF76Y9409H') && checksOut('RF76Y9ME9H')).toBe(true);
  });
});
