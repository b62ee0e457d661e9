import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decimalToCents } from '../../../functions/core/einvoices/model';

describe('an e-invoice amount (xs:decimal) read in cents', () => {
  it.each([
    ['2337.5', 233_750],
    ['-10', -1_000],
    ['104.900', 10_490],
    ['+12.05', 1_205],
    [' 7.1 ', 710],
    ['12.', 1_200],
    ['-0.00', 0],
  ])('%j is %d cents', (value, cents) => expect(decimalToCents(value, 'X')).toBe(cents));

  it.each(['1,5', '1 000.00', '150.00-', '.5', '', 'abc', '1e3'])('%j is not a decimal amount', (value) => {
    expect(() => decimalToCents(value, 'X')).toThrow(/is not a decimal amount/);
  });

  it('a third significant decimal is refused, never rounded', () => {
    expect(() => decimalToCents('10.005', 'X')).toThrow(/more than two decimals/);
  });

  it('reads any decimal with up to two significant decimals exactly', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.integer({ min: 0, max: 99_999_999_999 }),
        fc.integer({ min: 0, max: 99 }),
        fc.nat({ max: 3 }),
        (negative, units, cents, zeros) => {
          const text = `${negative ? '-' : ''}${units}.${String(cents).padStart(2, '0')}${'0'.repeat(zeros)}`;
          const expected = units * 100 + cents;
          return decimalToCents(text, 'X') === (negative && expected !== 0 ? -expected : expected);
        },
      ),
    );
  });
});
