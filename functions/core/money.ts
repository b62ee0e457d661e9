/**
 * Money is held as integer cents end to end. Nothing in the product does arithmetic on binary floats.
 */
export type Cents = number;

export class MoneyFormatError extends Error {
  constructor(readonly input: string) {
    super(`not an amount: "${input}"`);
    this.name = 'MoneyFormatError';
  }
}

/**
 * Parses a decimal amount written by a person or a bank: "1234.56", "-3648,10", "1 234,56", "9," or "107"
 * (MT940 style), "+12.5". Thousands separators (space, non-breaking space, apostrophe, or a dot/comma when
 * both appear) are dropped. At most two decimals: a third decimal is an error, never rounded away.
 */
export function parseAmountToCents(input: string): Cents {
  let s = input.trim().replace(/[\s\u00a0\u202f']/g, '');
  let sign = 1;
  if (s.startsWith('-')) { sign = -1; s = s.slice(1); } else if (s.startsWith('+')) { s = s.slice(1); }
  if (s.endsWith('-')) { sign = -1; s = s.slice(0, -1); }
  if (!/^[0-9.,]+$/.test(s) || !/[0-9]/.test(s)) throw new MoneyFormatError(input);
  const lastDot = s.lastIndexOf('.');
  const lastComma = s.lastIndexOf(',');
  const decimalAt = Math.max(lastDot, lastComma);
  let intPart = s;
  let fracPart = '';
  if (decimalAt >= 0) {
    const sep = s[decimalAt];
    const other = sep === '.' ? ',' : '.';
    const head = s.slice(0, decimalAt);
    const tail = s.slice(decimalAt + 1);
    // "1.234" or "1,234,567": a lone separator followed by exactly three digits with others of the same kind is a thousands separator
    const sameSepCount = s.split(sep).length - 1;
    if (sameSepCount > 1 && !head.includes(other)) {
      intPart = s.split(sep).join('');
      fracPart = '';
    } else {
      intPart = head.split(other).join('');
      fracPart = tail;
    }
  }
  if (!/^[0-9]*$/.test(intPart) || !/^[0-9]*$/.test(fracPart)) throw new MoneyFormatError(input);
  if (fracPart.length > 2) throw new MoneyFormatError(input);
  const cents = Number(intPart || '0') * 100 + Number((fracPart + '00').slice(0, 2));
  if (!Number.isSafeInteger(cents)) throw new MoneyFormatError(input);
  return sign * cents === 0 ? 0 : sign * cents;
}

/** "-3648.10": a signed decimal string with a point and two decimals, as the CLI and API print amounts. */
export function formatCents(cents: Cents): string {
  if (!Number.isSafeInteger(cents)) throw new Error(`amount is not integer cents: ${cents}`);
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** "1 234,56 €" / "€1,234.56" for letters and emails. */
export function formatMoney(cents: Cents, currency: string, language: 'fr' | 'en'): string {
  const abs = Math.abs(cents);
  const units = Math.floor(abs / 100).toString();
  const dec = String(abs % 100).padStart(2, '0');
  const sign = cents < 0 ? '-' : '';
  if (language === 'fr') {
    const grouped = units.replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
    return `${sign}${grouped},${dec}\u00a0${currency === 'EUR' ? '€' : currency}`;
  }
  const grouped = units.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return currency === 'EUR' ? `${sign}€${grouped}.${dec}` : `${sign}${grouped}.${dec} ${currency}`;
}

/** Sum of integer cents; throws rather than lose precision. */
export function sumCents(values: Iterable<Cents>): Cents {
  let total = 0;
  for (const v of values) total += v;
  if (!Number.isSafeInteger(total)) throw new Error('amount overflow');
  return total;
}
