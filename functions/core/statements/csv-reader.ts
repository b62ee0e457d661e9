import type { BankAccount, Statement, StatementEntry } from '../model/statement';
import { isValidIban, normalizeIban } from './accounts';
import { ibanIn } from './compact-iban';
import { amountOf, cellOf, cellOfLike, rowAmount } from './csv-cells';
import { csvDate, dateOrderEvidence, normalizeHeader, type Roles, SUMMARY_ROW } from './csv-fields';
import { csvGroups, csvStatement, type DatedRow, keepRow } from './csv-groups';
import { detectDelimiter, findCsvHeader, resolveMapping } from './csv-header';
import type { CsvMapping } from './csv-mapping';
import { type CsvRecord, cellsOf, csvRecordSplitter, rawCell, rawCellIs, rawOf } from './csv-records';
import { StatementParseError } from './errors';

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
    records = csvRecordSplitter(layout.delimiter, (record) => reader.record(record));
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

/** The first error of the file read day first, and read month first. */
interface Errors {
  day?: unknown;
  month?: unknown;
}

type Dates = { booking: string; value: string | undefined } | { error: unknown };

/** Booking and value dates of a row read one way, or the error reading them. */
function datesOf(bookingRaw: string, valueRaw: string, format: CsvMapping['dateFormat'], line: number): Dates {
  try {
    return {
      booking: csvDate(bookingRaw, format, line),
      value: valueRaw ? csvDate(valueRaw, format, line) : undefined,
    };
  } catch (error) {
    return { error };
  }
}

/**
 * datesOf, the same object again for the same cells as the previous row (rows come in date order: most rows repeat
 * the dates of the row before). Errors say their line: they are never reused.
 */
function datesMemo(format: CsvMapping['dateFormat']) {
  let booking = '';
  let value = '';
  let last: Dates | undefined;
  return (bookingRaw: string, valueRaw: string, line: number): Dates => {
    if (last !== undefined && bookingRaw === booking && valueRaw === value) return last;
    const dates = datesOf(bookingRaw, valueRaw, format, line);
    booking = bookingRaw;
    value = valueRaw;
    last = 'error' in dates ? undefined : dates;
    return dates;
  };
}

/** The values of a row repeated from the rows before: the same string instances are handed out again. */
interface Known {
  booking: string;
  value: string;
  account: string;
  currency: string;
  evidence: string | undefined;
}

function rowReader(mapping: CsvMapping | undefined, layout: Layout, options: CsvReaderOptions) {
  const fixed = mapping?.dateFormat;
  const maxEntries = options.maxEntries ?? Infinity;
  const decimal = mapping?.decimalSeparator;
  const errors: Errors = {};
  const preamble: string[] = [];
  const groups = csvGroups();
  const cap = { kept: 0, omitted: 0, omittedCents: 0 };
  const dayDates = datesMemo(fixed);
  const monthDates = datesMemo('MM/DD/YYYY');
  const known: Known = { booking: '', value: '', account: '', currency: '', evidence: undefined };
  let columns: Columns | undefined = layout.headerIndex < 0 ? columnsOf(mapping, layout, preamble) : undefined;
  let recordIndex = 0;
  let index = options.firstIndex ?? 0;
  let evidence = 0;

  /** Month first is still possible: no format imposed and no date read day first so far. */
  const monthPossible = () => fixed === undefined && (evidence & 1) === 0;
  /** Every order still possible has its error: the rows left only matter for the date order. */
  const settled = () => errors.day !== undefined && (!monthPossible() || errors.month !== undefined);

  const row = (r: CsvRecord, c: Columns): void => {
    const roles = c.roles;
    const line = r.line;
    if (c.bookingColumn !== undefined && evidence !== 3) {
      if (known.evidence === undefined || !rawCellIs(r, c.bookingColumn, known.evidence))
        evidence |= dateOrderEvidence((known.evidence = rawCell(r, c.bookingColumn)));
    }
    if (settled()) return;
    const dateRaw = (known.booking = cellOfLike(r, roles.bookingDate, known.booking));
    const digit = dateRaw.charCodeAt(0);
    if (!(digit >= 48 && digit <= 57)) {
      // balance and total lines (before or after the movements) carry no date, or words in the date column
      const all = normalizeHeader(cellsOf(r).join(' '));
      if (all === '' || SUMMARY_ROW.test(all)) return;
      if (!dateRaw) {
        const error = new StatementParseError('invalid_date', 'row without a date', { line });
        errors.day ??= error;
        if (monthPossible()) errors.month ??= error;
        return;
      }
    }
    const valueRaw = (known.value = cellOfLike(r, roles.valueDate, known.value));
    // each order read while it has no error yet (an error is costly to make, and only its first one is thrown)
    const day = errors.day === undefined ? dayDates(dateRaw, valueRaw, line) : undefined;
    const month = monthPossible() && errors.month === undefined ? monthDates(dateRaw, valueRaw, line) : undefined;
    let amount = 0;
    let balance: number | undefined;
    let error: unknown;
    try {
      amount = rowAmount(r, roles, decimal, line);
      balance = amountOf(r, roles.balance, decimal, line);
    } catch (e) {
      error = e;
    }
    // in a row, its dates are read before its amounts
    if (day) errors.day ??= 'error' in day ? day.error : error;
    if (month) errors.month ??= 'error' in month ? month.error : error;
    if (settled() || error !== undefined) return;
    const dated: DatedRow = {
      amount,
      balance,
      day: day && !('error' in day) ? day : undefined,
      month: month && !('error' in month) ? month : undefined,
    };
    const accountRaw = roles.account
      ? withoutSpaces((known.account = cellOfLike(r, roles.account, known.account)))
      : '';
    const currency = roles.currency ? currencyOf(r, roles.currency, known, c.defaultCurrency) : c.defaultCurrency;
    const group = groups.of(accountRaw, currency, c.defaultAccount);
    const entryIndex = index++;
    if (group.rows > 0 && cap.kept >= maxEntries) {
      cap.omitted++;
      cap.omittedCents += Math.abs(amount);
      keepRow(group, dated, undefined);
      return;
    }
    cap.kept++;
    keepRow(group, dated, entryOf(r, roles, dated, entryIndex, currency));
  };

  return {
    record(r: CsvRecord) {
      const i = recordIndex++;
      if (i < layout.headerIndex) for (const cell of cellsOf(r)) preamble.push(cell);
      else if (i === layout.headerIndex) columns = columnsOf(mapping, layout, preamble, cellsOf(r));
      else row(r, columns!);
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

/** The currency of a Devise cell: three letters, in capitals; the file's default otherwise. */
function currencyOf(r: CsvRecord, cols: number[], known: Known, defaultCurrency: string): string {
  const raw = (known.currency = cellOfLike(r, cols, known.currency)).toUpperCase();
  return /^[A-Z]{3}$/.test(raw) ? raw : defaultCurrency;
}

function entryOf(r: CsvRecord, roles: Roles, dated: DatedRow, index: number, currency: string): StatementEntry {
  const dates = dated.day ?? dated.month!;
  const iban = roles.counterpartyIban ? withoutSpaces(cellOf(r, roles.counterpartyIban)) : '';
  const label = cellOf(r, roles.label);
  const remittance = cellOf(r, roles.remittance);
  const structured = cellOf(r, roles.structured);
  return {
    index,
    bookingDate: dates.booking,
    valueDate: dates.value,
    amountCents: dated.amount,
    currency,
    bankCodes: [],
    bankReference: cellOf(r, roles.bankReference) || undefined,
    endToEndId: cellOf(r, roles.endToEndId) || undefined,
    label: label || remittance,
    counterpartyName: cellOf(r, roles.counterpartyName) || undefined,
    counterpartyIban: iban ? ibanIn(iban) : undefined,
    remittance: {
      unstructured: remittance ? [remittance] : [],
      // a collapsed cell: single spaces are its only blanks
      structured: structured ? structured.split(' ') : [],
    },
    reversal: false,
    raw: [rawOf(r)],
  };
}
