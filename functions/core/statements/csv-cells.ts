import { csvAmount, directionOf, type Roles } from './csv-fields';
import { type CsvRecord, cellAt, cellLike, rawCell } from './csv-records';
import { StatementParseError } from './errors';
import { collapse } from './text';

/** The text of a role's columns in a record: one cell collapsed, or the non-blank cells joined by a space. */
export function cellOf(r: CsvRecord, cols: number[] | undefined): string {
  if (cols === undefined) return '';
  if (cols.length === 1) return cellAt(r, cols[0]);
  const texts: string[] = [];
  for (const c of cols) {
    const v = rawCell(r, c);
    if (v.trim() !== '') texts.push(v);
  }
  return collapse(texts.join(' '));
}

/** cellOf, or `known` itself when the text is `known` (a value repeated row after row is not copied again). */
export function cellOfLike(r: CsvRecord, cols: number[] | undefined, known: string): string {
  return cols !== undefined && cols.length === 1 ? cellLike(r, cols[0], known) : cellOf(r, cols);
}

/**
 * csvAmount of a role's cell: the common syntax (an optional minus, 1 to 11 digits, then optionally the decimal
 * separator and 1 or 2 digits) read from the character codes in place, anything else read by csvAmount.
 */
export function amountOf(
  r: CsvRecord,
  cols: number[] | undefined,
  decimal: ',' | '.' | undefined,
  line: number,
): number | undefined {
  if (cols !== undefined && cols.length === 1 && r.cells === undefined) {
    const k = cols[0];
    if (k >= r.count) return undefined;
    if (r.blanks[k] === 0) {
      if (r.starts[k] === r.ends[k]) return undefined;
      const cents = plainAmount(r.text, r.starts[k], r.ends[k], decimal);
      if (!Number.isNaN(cents)) return cents;
    }
  }
  const raw = cellOf(r, cols);
  return csvAmount(raw, decimal, line);
}

/** The cents of s[from, to) written in the common syntax, NaN when it is written otherwise. */
function plainAmount(s: string, from: number, to: number, decimal: ',' | '.' | undefined): number {
  let i = from;
  let sign = 1;
  if (s.charCodeAt(i) === 45) {
    sign = -1;
    i++;
  }
  let units = 0;
  const start = i;
  for (; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) break;
    units = units * 10 + (c - 48);
  }
  const digits = i - start;
  if (digits === 0 || digits > 11) return Number.NaN;
  let cents = units * 100;
  if (i < to) {
    const sep = s.charCodeAt(i);
    const rest = to - i - 1;
    if (rest < 1 || rest > 2) return Number.NaN;
    if (!(sep === 44 && decimal !== '.') && !(sep === 46 && decimal !== ',')) return Number.NaN;
    const d1 = s.charCodeAt(i + 1) - 48;
    const d2 = rest === 2 ? s.charCodeAt(i + 2) - 48 : 0;
    if (d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) return Number.NaN;
    cents += d1 * 10 + d2;
  }
  return cents === 0 ? 0 : sign * cents;
}

/** The signed amount of a row: a Montant (signed, or signed by a direction column), or Débit/Crédit columns. */
export function rowAmount(r: CsvRecord, roles: Roles, decimal: ',' | '.' | undefined, line: number): number {
  let amount: number | undefined;
  if (roles.amount) amount = amountOf(r, roles.amount, decimal, line);
  if (amount !== undefined && roles.direction) {
    const direction = directionOf(cellOf(r, roles.direction), line);
    if (direction) amount = direction === 'debit' ? 0 - Math.abs(amount) : Math.abs(amount);
  }
  if (amount === undefined && (roles.debit || roles.credit)) {
    const debit = roles.debit ? amountOf(r, roles.debit, decimal, line) : undefined;
    const credit = roles.credit ? amountOf(r, roles.credit, decimal, line) : undefined;
    if (debit !== undefined || credit !== undefined) amount = Math.abs(credit ?? 0) - Math.abs(debit ?? 0);
  }
  if (amount === undefined) throw new StatementParseError('invalid_amount', 'row without an amount', { line });
  return amount;
}
