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

/** How an amount may be written: the decimal separator when known, and whether thousands may be grouped. */
export interface AmountSyntax {
  /** The decimal separator; undefined reads the last `.` or `,` as the decimal one (unless it repeats). */
  decimal?: ',' | '.';
  /**
   * false: a machine format with no digit grouping (MT940, OFX, camt): at most one separator, the decimal one, and
   * zeros past the cents are allowed ("12.500"). Default true: groups of three digits (space, NBSP, apostrophe, or the
   * separator that is not the decimal one) are allowed and checked.
   */
  grouping?: boolean;
}

const GROUP_SPACES = /[\s\u00a0\u202f']/;

/**
 * Parses a decimal amount written by a person or a bank: "1234.56", "-3648,10", "1 234,56", "1.234.567,89", "9," or
 * "107" (MT940 style), "+12.5", "150.00-". Digit groups must be well formed (the first of one to three digits, then
 * three each): "1.2.3" or "1,23,45" is an error, never another number. At most two decimals: a third one is an
 * error, never rounded away (except zeros when `grouping` is false).
 */
export function parseAmountToCents(input: string, syntax: AmountSyntax = {}): Cents {
  const plain = plainCents(input, syntax.decimal);
  if (plain !== undefined) return plain;
  let s = input.trim();
  let sign = 1;
  if (s.startsWith('-')) {
    sign = -1;
    s = s.slice(1).trimStart();
  } else if (s.startsWith('+')) {
    s = s.slice(1).trimStart();
  }
  if (sign === 1 && s.endsWith('-')) {
    sign = -1;
    s = s.slice(0, -1).trimEnd();
  }
  const { intPart, fracPart } = splitAmount(s, syntax, input);
  let frac = fracPart;
  if (frac.length > 2 && syntax.grouping === false && /^0+$/.test(frac.slice(2))) frac = frac.slice(0, 2);
  if (frac.length > 2) throw new MoneyFormatError(input);
  const cents = Number(intPart || '0') * 100 + Number(`${frac}00`.slice(0, 2));
  if (!Number.isSafeInteger(cents)) throw new MoneyFormatError(input);
  return sign * cents === 0 ? 0 : sign * cents;
}

/**
 * The common case read in one pass with no allocation: an optional minus, up to 13 digits, then optionally the decimal
 * separator (either one when none is imposed) and up to two digits. Undefined for anything else (the full reader
 * decides).
 */
function plainCents(s: string, decimal: ',' | '.' | undefined): Cents | undefined {
  const n = s.length;
  let i = 0;
  let sign = 1;
  if (n > 0 && s.charCodeAt(0) === 45) {
    sign = -1;
    i = 1;
  }
  let units = 0;
  const start = i;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) break;
    units = units * 10 + (c - 48);
    i++;
  }
  const digits = i - start;
  if (digits === 0 || digits > 13) return undefined;
  let cents = units * 100;
  if (i < n) {
    const sep = s.charCodeAt(i);
    if (!(sep === 44 && decimal !== '.') && !(sep === 46 && decimal !== ',')) return undefined;
    const rest = n - i - 1;
    if (rest > 2) return undefined;
    for (let k = 1, scale = 10; k <= rest; k++, scale /= 10) {
      const c = s.charCodeAt(i + k);
      if (c < 48 || c > 57) return undefined;
      cents += (c - 48) * scale;
    }
  }
  return sign * cents === 0 ? 0 : sign * cents;
}

/** Integer digits (groups checked and joined) and decimal digits of an unsigned amount. */
function splitAmount(s: string, syntax: AmountSyntax, input: string): { intPart: string; fracPart: string } {
  if (!/[0-9]/.test(s) || !/^[0-9.,\s\u00a0\u202f']+$/.test(s) || !/[0-9.,]$/.test(s) || !/^[0-9.,]/.test(s))
    throw new MoneyFormatError(input);
  const dots = count(s, '.');
  const commas = count(s, ',');
  let decimal = syntax.decimal;
  if (!decimal) {
    if (dots && commas) decimal = s.lastIndexOf('.') > s.lastIndexOf(',') ? '.' : ',';
    else if (dots === 1) decimal = '.';
    else if (commas === 1) decimal = ',';
  }
  const group = decimal === '.' ? ',' : '.';
  if (syntax.grouping === false && (dots + commas > 1 || GROUP_SPACES.test(s) || (syntax.decimal && s.includes(group))))
    throw new MoneyFormatError(input);
  const at = decimal ? s.indexOf(decimal) : -1;
  if (at >= 0 && s.indexOf(decimal!, at + 1) >= 0) throw new MoneyFormatError(input);
  const head = at >= 0 ? s.slice(0, at) : s;
  const fracPart = at >= 0 ? s.slice(at + 1) : '';
  if (!/^[0-9]*$/.test(fracPart)) throw new MoneyFormatError(input);
  const groups = head.split(/[\s\u00a0\u202f'.,]+/);
  if (groups.length > 1) {
    // grouped thousands: 1 to 3 digits, then groups of exactly 3
    if (
      !/^[0-9]{1,3}$/.test(groups[0]) ||
      groups.slice(1).some((g) => !/^[0-9]{3}$/.test(g)) ||
      /[.,][\s\u00a0\u202f']|[\s\u00a0\u202f'][.,]/.test(head)
    ) {
      throw new MoneyFormatError(input);
    }
  } else if (!/^[0-9]*$/.test(head)) throw new MoneyFormatError(input);
  return { intPart: groups.join(''), fracPart };
}

function count(s: string, c: string): number {
  let n = 0;
  for (let i = s.indexOf(c); i >= 0; i = s.indexOf(c, i + 1)) n++;
  return n;
}

/**
 * "-3648.10": a signed decimal string with two decimals and no grouping, as the CLI and API print amounts; with
 * `separator` ',' ("-3648,10") as the FEC writes them.
 */
export function formatCents(cents: Cents, separator: '.' | ',' = '.'): string {
  if (!Number.isSafeInteger(cents)) throw new Error(`amount is not integer cents: ${cents}`);
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}${separator}${String(abs % 100).padStart(2, '0')}`;
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
