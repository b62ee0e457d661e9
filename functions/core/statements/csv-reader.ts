import type { BankAccount, Statement, StatementEntry } from '../model/statement';
import { isValidIban, normalizeIban } from './accounts';
import type { CsvMapping } from './csv';
import {
  csvAmount,
  csvDate,
  dateOrderEvidence,
  normalizeHeader,
  type Roles,
  rowAmount,
  SUMMARY_ROW,
} from './csv-fields';
import { csvGroups, csvStatement, type DatedRow, keepRow } from './csv-groups';
import { detectDelimiter, findCsvHeader, resolveMapping } from './csv-header';
import { csvRecordSplitter } from './csv-records';
import { StatementParseError } from './errors';
import { collapse } from './text';

/** Characters the delimiter and the header line are looked for in (what detectDelimiter and findCsvHeader read). */
const HEAD_CHARS = 64 * 1024;

export interface CsvReaderOptions {
  firstIndex?: number;
  /** Entries kept at most (the first of each statement always is); past them, rows are counted, not kept. */
  maxEntries?: number;
}

export interface CsvReader {
  write(text: string): void;
  end(): Statement[];
  /** Rows counted but not kept (past maxEntries), and the magnitudes of their amounts added up. */
  omitted(): { entries: number; cents: number };
}

/**
 * parseCsv one chunk of text at a time: the same statements and the same errors, holding no more than the first 64 KB
 * (until the header is found), the entries kept and a few figures per statement. The date order (day or month
 * first) is only known once every row is seen: each row is read both ways while both are possible (an error is kept
 * for the order it belongs to, the first one of each order thrown at the end), the entries keep the month-first
 * dates aside, and the running balance is followed for both directions, row after row.
 */
export function csvReader(mapping: CsvMapping | undefined, options: CsvReaderOptions = {}): CsvReader {
  let head = '';
  let records: ReturnType<typeof csvRecordSplitter> | undefined;
  let rows: ReturnType<typeof rowReader> | undefined;
  const start = () => {
    const layout = layoutOf(head, mapping);
    const reader = rowReader(mapping, layout, options);
    rows = reader;
    records = csvRecordSplitter(layout.delimiter, (cells, line, raw) => reader.record(cells, line, raw));
    records.write(head);
    head = '';
  };
  return {
    write(chunk: string) {
      if (records) records.write(chunk);
      else if ((head += chunk).length >= HEAD_CHARS) start();
    },
    end() {
      if (!records) start();
      records!.end();
      return rows!.end();
    },
    omitted: () => rows?.omitted() ?? { entries: 0, cents: 0 },
  };
}

interface Layout {
  delimiter: string;
  headerIndex: number;
  /** Found with the header (auto-detection), or to resolve from the header record (mapping). */
  roles?: Roles;
}

function layoutOf(head: string, mapping: CsvMapping | undefined): Layout {
  if (mapping)
    return { delimiter: mapping.delimiter ?? detectDelimiter(head) ?? ';', headerIndex: mapping.headerRow ?? 0 };
  const found = findCsvHeader(head);
  if (!found) {
    throw new StatementParseError(
      'unknown_format',
      'CSV without a recognizable header (a date column and Montant or Débit/Crédit columns): give a column mapping',
    );
  }
  return found;
}

/** What a file says once its header is read: the columns and the defaults of its rows. */
interface Columns {
  roles: Roles;
  bookingColumn: number | undefined;
  defaultAccount: BankAccount;
  defaultCurrency: string;
}

function columnsOf(mapping: CsvMapping | undefined, layout: Layout, preamble: string[], header?: string[]): Columns {
  const roles = layout.roles ?? resolveMapping(mapping!, layout.headerIndex >= 0 ? header : undefined);
  const preambleIban = /\b([A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?)\b/.exec(preamble.join(' '))?.[1];
  const headerText = layout.headerIndex >= 0 ? (header ?? []).join(' ') : '';
  return {
    roles,
    bookingColumn: roles.bookingDate?.[0],
    defaultAccount:
      mapping?.account ?? (preambleIban && isValidIban(preambleIban) ? { iban: normalizeIban(preambleIban) } : {}),
    defaultCurrency:
      mapping?.currency ?? (/\bUSD\b|\$/.test(headerText) ? 'USD' : /\bGBP\b|£/.test(headerText) ? 'GBP' : 'EUR'),
  };
}

/** A collapsed cell (single spaces its only blanks) without them. */
function withoutSpaces(cell: string): string {
  return cell.includes(' ') ? cell.replace(/ /g, '') : cell;
}

function cellOf(cells: string[], cols: number[] | undefined): string {
  if (cols === undefined) return '';
  if (cols.length === 1) return collapse(cells[cols[0]] ?? '');
  return collapse(
    cols
      .map((c) => cells[c] ?? '')
      .filter((v) => v.trim() !== '')
      .join(' '),
  );
}

/** The first error of the file read day first, and read month first. */
interface Errors {
  day?: unknown;
  month?: unknown;
}

/** Booking and value dates of a row read one way, or the error reading them. */
function datesOf(
  bookingRaw: string,
  valueRaw: string,
  format: CsvMapping['dateFormat'],
  line: number,
): { booking: string; value: string | undefined } | { error: unknown } {
  try {
    return {
      booking: csvDate(bookingRaw, format, line),
      value: valueRaw ? csvDate(valueRaw, format, line) : undefined,
    };
  } catch (error) {
    return { error };
  }
}

function rowReader(mapping: CsvMapping | undefined, layout: Layout, options: CsvReaderOptions) {
  const fixed = mapping?.dateFormat;
  const maxEntries = options.maxEntries ?? Infinity;
  const decimal = mapping?.decimalSeparator;
  const errors: Errors = {};
  const preamble: string[] = [];
  const groups = csvGroups();
  const cap = { kept: 0, omitted: 0, omittedCents: 0 };
  let columns: Columns | undefined = layout.headerIndex < 0 ? columnsOf(mapping, layout, preamble) : undefined;
  let recordIndex = 0;
  let index = options.firstIndex ?? 0;
  let evidence = 0;
  let lastEvidenceCell: string | undefined;

  /** Month first is still possible: no format imposed and no date read day first so far. */
  const monthPossible = () => fixed === undefined && (evidence & 1) === 0;
  /** Every order still possible has its error: the rows left only matter for the date order. */
  const settled = () => errors.day !== undefined && (!monthPossible() || errors.month !== undefined);

  const row = (cells: string[], line: number, raw: string, c: Columns): void => {
    const roles = c.roles;
    if (c.bookingColumn !== undefined && evidence !== 3) {
      const cell = cells[c.bookingColumn] ?? '';
      if (cell !== lastEvidenceCell) evidence |= dateOrderEvidence((lastEvidenceCell = cell));
    }
    if (settled()) return;
    const dateRaw = cellOf(cells, roles.bookingDate);
    const digit = dateRaw.charCodeAt(0);
    if (!(digit >= 48 && digit <= 57)) {
      // balance and total lines (before or after the movements) carry no date, or words in the date column
      const all = normalizeHeader(cells.join(' '));
      if (all === '' || SUMMARY_ROW.test(all)) return;
      if (!dateRaw) {
        const error = new StatementParseError('invalid_date', 'row without a date', { line });
        errors.day ??= error;
        if (monthPossible()) errors.month ??= error;
        return;
      }
    }
    const valueRaw = cellOf(cells, roles.valueDate);
    // each order read while it has no error yet (an error is costly to make, and only its first one is thrown)
    const day = errors.day === undefined ? datesOf(dateRaw, valueRaw, fixed, line) : undefined;
    const month =
      monthPossible() && errors.month === undefined ? datesOf(dateRaw, valueRaw, 'MM/DD/YYYY', line) : undefined;
    let amount = 0;
    let balance: number | undefined;
    let error: unknown;
    try {
      amount = rowAmount((role) => cellOf(cells, roles[role]), roles, decimal, line);
      const balanceRaw = cellOf(cells, roles.balance);
      balance = balanceRaw ? csvAmount(balanceRaw, decimal, line) : undefined;
    } catch (e) {
      error = e;
    }
    // in a row, its dates are read before its amounts
    if (day) errors.day ??= 'error' in day ? day.error : error;
    if (month) errors.month ??= 'error' in month ? month.error : error;
    if (settled() || error !== undefined) return;
    const dated: DatedRow = { amount, balance, day: day && !('error' in day) ? day : undefined };
    if (month) dated.month = 'error' in month ? undefined : month;
    const accountRaw = roles.account ? withoutSpaces(cellOf(cells, roles.account)) : '';
    const currencyRaw = roles.currency ? cellOf(cells, roles.currency).toUpperCase() : '';
    const currency = /^[A-Z]{3}$/.test(currencyRaw) ? currencyRaw : c.defaultCurrency;
    const group = groups.of(accountRaw, currency, c.defaultAccount);
    const entryIndex = index++;
    if (group.rows > 0 && cap.kept >= maxEntries) {
      cap.omitted++;
      cap.omittedCents += Math.abs(amount);
      keepRow(group, dated, undefined);
      return;
    }
    cap.kept++;
    keepRow(group, dated, entryOf(cells, roles, raw, dated, entryIndex, currency));
  };

  return {
    record(cells: string[], line: number, raw: string) {
      const i = recordIndex++;
      if (i < layout.headerIndex) for (const cell of cells) preamble.push(cell);
      else if (i === layout.headerIndex) columns = columnsOf(mapping, layout, preamble, cells);
      else row(cells, line, raw, columns!);
    },
    omitted: () => ({ entries: cap.omitted, cents: cap.omittedCents }),
    end(): Statement[] {
      columns ??= columnsOf(mapping, layout, preamble);
      const monthFirst = fixed === 'MM/DD/YYYY' || (fixed === undefined && evidence === 2);
      const error = monthFirst && fixed === undefined ? errors.month : errors.day;
      if (error !== undefined) throw error;
      const all = groups.all();
      if (all.length === 0) throw new StatementParseError('empty', 'CSV without any transaction row');
      return all.map((g) => csvStatement(g, monthFirst && fixed === undefined));
    },
  };
}

function entryOf(
  cells: string[],
  roles: Roles,
  raw: string,
  dated: DatedRow,
  index: number,
  currency: string,
): StatementEntry {
  const dates = dated.day ?? dated.month!;
  const iban = roles.counterpartyIban ? withoutSpaces(cellOf(cells, roles.counterpartyIban)) : '';
  const label = cellOf(cells, roles.label);
  const remittance = cellOf(cells, roles.remittance);
  const structured = cellOf(cells, roles.structured);
  return {
    index,
    bookingDate: dates.booking,
    valueDate: dates.value,
    amountCents: dated.amount,
    currency,
    bankCodes: [],
    bankReference: cellOf(cells, roles.bankReference) || undefined,
    endToEndId: cellOf(cells, roles.endToEndId) || undefined,
    label: label || remittance,
    counterpartyName: cellOf(cells, roles.counterpartyName) || undefined,
    counterpartyIban: iban && isValidIban(iban) ? normalizeIban(iban) : undefined,
    remittance: {
      unstructured: remittance ? [remittance] : [],
      structured: structured ? structured.split(/\s+/) : [],
    },
    reversal: false,
    raw: [raw],
  };
}
