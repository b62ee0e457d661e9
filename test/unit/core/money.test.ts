import { describe, expect, it } from 'vitest';
import { formatCents, formatMoney, MoneyFormatError, parseAmountToCents } from '../../../functions/core/money';

describe('amounts are integer cents', () => {
  it.each([
    ['1234.56', 123456],
    ['-3648,10', -364810],
    ['1 234,56', 123456],
    ['1.234.567,89', 123456789],
    ['1,234,567.89', 123456789],
    ['9,', 900],
    ['107', 10700],
    ['+12.5', 1250],
    ['0,01', 1],
    ['150.00-', -15000],
  ])('reads %s as %i cents', (input, cents) => {
    expect(parseAmountToCents(input)).toBe(cents);
  });

  it.each(['', 'abc', '1.234', '12.345', '--1', '1,2,3.456'])('refuses "%s" rather than guess or round', (input) => {
    expect(() => parseAmountToCents(input)).toThrow(MoneyFormatError);
  });

  it('prints signed decimals with a point', () => {
    expect(formatCents(-364810)).toBe('-3648.10');
    expect(formatCents(5)).toBe('0.05');
  });

  it('prints signed decimals with a comma for the FEC, read back to the same cents', () => {
    expect(formatCents(123456, ',')).toBe('1234,56');
    expect(formatCents(-5, ',')).toBe('-0,05');
    for (const cents of [0, 7, 100, 99_999, -123_456])
      expect(parseAmountToCents(formatCents(cents, ','), { decimal: ',', grouping: false })).toBe(cents);
  });

  it('prints money for French and English readers', () => {
    expect(formatMoney(123456, 'EUR', 'fr')).toBe('1\u202f234,56\u00a0€');
    expect(formatMoney(123456, 'EUR', 'en')).toBe('€1,234.56');
  });
});
