/**
 * The one CSV writer of the project's exports (RFC 4180: comma, CRLF, quotes doubled), safe to open in a spreadsheet.
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

function cellText(cell: CsvCell): string {
  if ('text' in cell) return csvText(cell.text);
  if ('money' in cell) return csvMoney(cell.money);
  return Number.isInteger(cell.count) ? String(cell.count) : '';
}

/** A whole CSV document: a header of column names, then the rows, each line ended by CRLF. */
export function writeCsv(header: readonly string[], rows: Iterable<readonly CsvCell[]>): string {
  const lines = [header.map(csvText).join(',')];
  for (const row of rows) lines.push(row.map(cellText).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
