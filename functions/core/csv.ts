/**
 * The one CSV writer of the project's exports (RFC 4180: comma, CRLF, quotes doubled; or the French spreadsheet
 * dialect below), safe to open in a spreadsheet.
 *
 * Formula injection (OWASP "CSV Injection"): a spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a
 * formula, and some treat a leading tab or CR the same way. Customer names and ids are typed by people or come from
 * imported files, so a text cell starting with one of those characters gets a leading `'`, which spreadsheets show as
 * text and do not evaluate. The rule applies to text cells only: numbers the code writes itself (`money` and `count`
 * cells, formatted from integers) are never neutralised, so a negative amount stays `-12.50` and still sums.
 */
export type CsvCell = { text: string } | { money: number } | { count: number };

const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A text cell as written: neutralised (leading `'`) when a spreadsheet would read it as a formula, then quoted if
 * needed.
 */
export function csvText(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",;\r\n]/.test(safe) || safe !== safe.trim() ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * Integer cents as units with two decimals ("-3648.10"). Exact for any integer held in a number, even past 2^53 (a sum
 * of stored amounts that should not exist): an export never fails on an amount; a value that is not an integer is
 * written as an empty cell rather than a made-up figure.
 */
export function csvMoney(cents: number): string {
  if (!Number.isInteger(cents)) return '';
  const big = BigInt(cents);
  const abs = big < 0n ? -big : big;
  return `${big < 0n ? '-' : ''}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}

/** How the document is written: separator, decimal mark of money cells, a leading byte order mark. */
export interface CsvDialect {
  separator: ',' | ';';
  decimal: '.' | ',';
  bom: boolean;
}

/** RFC 4180 (comma, decimal point, no BOM): what programs read. */
export const rfc4180: CsvDialect = { separator: ',', decimal: '.', bom: false };

/**
 * What a French spreadsheet opens as columns without an import wizard: semicolons, a decimal comma, and a UTF-8 BOM
 * so Excel does not read the accents as Windows-1252.
 */
export const frenchSpreadsheet: CsvDialect = { separator: ';', decimal: ',', bom: true };

function cellText(cell: CsvCell, dialect: CsvDialect): string {
  if ('text' in cell) return csvText(cell.text);
  if ('money' in cell) return dialect.decimal === ',' ? csvMoney(cell.money).replace('.', ',') : csvMoney(cell.money);
  return Number.isInteger(cell.count) ? String(cell.count) : '';
}

/** A whole CSV document: a header of column names, then the rows, each line ended by CRLF. */
export function writeCsv(
  header: readonly string[],
  rows: Iterable<readonly CsvCell[]>,
  dialect: CsvDialect = rfc4180,
): string {
  const lines = [header.map(csvText).join(dialect.separator)];
  for (const row of rows) lines.push(row.map((cell) => cellText(cell, dialect)).join(dialect.separator));
  return `${dialect.bom ? '\uFEFF' : ''}${lines.join('\r\n')}\r\n`;
}
