import { isValidIsoDate } from '../dates';
import { isValidIban, normalizeIban } from '../iban';
import { idProblem, lineProblem, MAX_AMOUNT_CENTS } from '../model/fields';
import { MoneyFormatError, parseAmountToCents } from '../money';
import { FirstSeen } from '../string-table';
import { detectSeparator, firstLine, forEachRecord } from './delimited';
import type { ImportedInvoice, ParsedImport, ParsedRow } from './types';

/** The invoice CSV of the `recon` CLI, also accepted by the API import. */
export const invoiceCsvColumns = [
  'invoice_id',
  'customer_id',
  'customer_name',
  'customer_iban',
  'amount',
  'currency',
  'issue_date',
  'due_date',
] as const;
type Column = (typeof invoiceCsvColumns)[number];
const required: Column[] = ['invoice_id', 'customer_id', 'amount', 'issue_date', 'due_date'];

/** How a second line with an invoice id already read is treated. */
export interface InvoiceCsvOptions {
  /**
   * `skip` (the API import): an identical second line is dropped, one with other values is refused.
   * `refuse` (the recon CLI's open-invoices file): every second line is refused.
   */
  identicalDuplicates?: 'skip' | 'refuse';
}

/**
 * Reads an invoice CSV (comma or semicolon separated, RFC 4180 quotes, header line with the columns above in any
 * order).
 * Each line becomes a receivable or a refusal naming the column at fault. Amounts take a decimal point or comma; dates
 * are YYYY-MM-DD (DD/MM/YYYY is accepted too). A second line with the same invoice id is refused unless identical
 * (see `InvoiceCsvOptions`). Fast enough for a 200,000-line book: each distinct date and IBAN is checked once,
 * plain amounts (`1234.56`) skip the general amount parser.
 */
export function parseInvoiceCsv(text: string, options: InvoiceCsvOptions = {}): ParsedImport {
  const rows: ParsedRow[] = [];
  const { fatal } = readInvoiceCsv(
    text,
    (row) => {
      rows.push(row);
    },
    options,
  );
  return fatal ? { format: 'csv', rows: [], fatal } : { format: 'csv', rows };
}

/**
 * `parseInvoiceCsv` row by row: each row (receivable or refusal, in file order) goes to `visit` as soon as it is read,
 * so a caller that keeps only what it needs (the recon CLI) does not hold the whole file's rows. `fatal` is set, and no
 * row visited, when the file as a whole cannot be read.
 */
export function readInvoiceCsv(
  text: string,
  visit: (row: ParsedRow) => void,
  options: InvoiceCsvOptions = {},
): { fatal?: string } {
  const separator = detectSeparator(firstLine(text), [',', ';', '\t']);
  const refuseIdentical = options.identicalDuplicates === 'refuse';
  const checks: Checks = { dates: new Map(), ibans: new Map(), currencies: new Map() };
  /** Line of the first row of each invoice id; its record too when an identical second line is to be skipped. */
  const firstLines = new FirstSeen();
  const firstRecords = new Map<string, ImportedInvoice>();
  let at: ColumnIndexes | undefined;
  let fatal: string | undefined;
  forEachRecord(text, separator, true, (line, fields) => {
    if (!at) {
      const index = new Map<string, number>();
      for (const [i, f] of fields.entries()) index.set(f.trim().toLowerCase(), i);
      const missing = required.filter((c) => !index.has(c));
      if (missing.length > 0) {
        fatal = `missing column(s): ${missing.join(', ')} (expected header ${invoiceCsvColumns.join(',')})`;
        return false;
      }
      at = invoiceCsvColumns.map((c) => index.get(c) ?? -1);
      return true;
    }
    const row = readRow(line, fields, at, checks);
    if (row.ok) {
      const { invoiceId } = row.record;
      const first = firstLines.firstOrAdd(invoiceId, line);
      if (first !== undefined) {
        if (refuseIdentical)
          visit({
            line,
            ok: false,
            invoiceId,
            reason: `invoice_id: "${invoiceId}" appears twice (first on line ${first})`,
          });
        else if (!sameInvoice(firstRecords.get(invoiceId)!, row.record)) {
          visit({ line, ok: false, invoiceId, reason: `invoice_id: duplicate of line ${first} with different values` });
        }
        return true;
      }
      if (!refuseIdentical) firstRecords.set(invoiceId, row.record);
    }
    visit(row);
    return true;
  });
  if (!at && !fatal) fatal = 'empty file: expected a header line';
  return fatal ? { fatal } : {};
}

/** Where each of `invoiceCsvColumns` is in a line, -1 when the file has no such column. */
type ColumnIndexes = readonly number[];

/**
 * Checks of values that repeat across a book (a few hundred dates, one IBAN per customer, a currency or two), memoised
 * for one file.
 */
interface Checks {
  dates: Map<string, string | undefined>;
  ibans: Map<string, string | undefined>;
  currencies: Map<string, string | undefined>;
}

function cell(fields: string[], at: number): string {
  if (at < 0) return '';
  const v = fields[at];
  return v === undefined ? '' : v.trim();
}

function sameInvoice(a: ImportedInvoice, b: ImportedInvoice): boolean {
  return (
    a.invoiceId === b.invoiceId &&
    a.customerId === b.customerId &&
    a.customerName === b.customerName &&
    a.customerIban === b.customerIban &&
    a.amountCents === b.amountCents &&
    a.currency === b.currency &&
    a.issueDate === b.issueDate &&
    a.dueDate === b.dueDate
  );
}

const PLAIN_AMOUNT = /^\d{1,13}(\.\d{1,2})?$/;

/**
 * Integer cents of an amount cell; undefined if it is not an amount. `1234.56` is read directly, anything else by
 * parseAmountToCents.
 */
function readAmount(s: string): number | undefined {
  if (PLAIN_AMOUNT.test(s)) {
    const dot = s.indexOf('.');
    return dot < 0 ? Number(s) * 100 : Number(s.slice(0, dot)) * 100 + Number(`${s.slice(dot + 1)}0`.slice(0, 2));
  }
  try {
    return parseAmountToCents(s);
  } catch (err) {
    if (err instanceof MoneyFormatError) return undefined;
    throw err;
  }
}

/**
 * A check of a value that repeats across the book, done once per distinct cell: its result (one string for every line
 * that has it), or undefined when the cell is refused.
 */
function memo(seen: Map<string, string | undefined>, s: string, read: (s: string) => string | undefined) {
  const known = seen.get(s);
  if (known !== undefined || seen.has(s)) return known; // one look-up for a value seen before
  const value = read(s);
  seen.set(s, value);
  return value;
}

/** The normalized IBAN, or undefined if it is not a valid one. */
function readIban(s: string): string | undefined {
  const iban = normalizeIban(s);
  return isValidIban(iban) ? iban : undefined;
}

/** The ISO 4217 code of a currency cell (EUR when empty), or undefined if it is not a code. */
function readCurrency(s: string): string | undefined {
  const code = (s || 'EUR').toUpperCase();
  return /^[A-Z]{3}$/.test(code) ? code : undefined;
}

function readRow(line: number, fields: string[], at: ColumnIndexes, checks: Checks): ParsedRow {
  const invoiceId = cell(fields, at[0]);
  if (!invoiceId) return refusal(line, invoiceId, 'invoice_id: empty');
  if (invoiceId.length > 64) return refusal(line, invoiceId, 'invoice_id: longer than 64 characters');
  const badInvoiceId = idProblem(invoiceId);
  if (badInvoiceId) return refusal(line, '', `invoice_id: ${badInvoiceId}`);
  const customerId = cell(fields, at[1]);
  if (!customerId) return refusal(line, invoiceId, 'customer_id: empty');
  if (customerId.length > 64) return refusal(line, invoiceId, 'customer_id: longer than 64 characters');
  const badCustomerId = idProblem(customerId);
  if (badCustomerId) return refusal(line, invoiceId, `customer_id: ${badCustomerId}`);
  const amount = cell(fields, at[4]);
  const amountCents = readAmount(amount);
  if (amountCents === undefined) return refusal(line, invoiceId, `amount: not an amount ("${amount}")`);
  if (amountCents <= 0)
    return refusal(line, invoiceId, 'amount: must be positive (a credit note is recorded on the invoice it cancels)');
  if (amountCents > MAX_AMOUNT_CENTS) return refusal(line, invoiceId, 'amount: more than 100,000,000,000.00');
  const rawCurrency = cell(fields, at[5]);
  const currency = memo(checks.currencies, rawCurrency, readCurrency);
  if (!currency) return refusal(line, invoiceId, `currency: not an ISO 4217 code ("${rawCurrency}")`);
  const rawIssue = cell(fields, at[6]);
  const issueDate = memo(checks.dates, rawIssue, readDate);
  if (!issueDate) return refusal(line, invoiceId, `issue_date: not a date YYYY-MM-DD ("${rawIssue}")`);
  const rawDue = cell(fields, at[7]);
  const dueDate = memo(checks.dates, rawDue, readDate);
  if (!dueDate) return refusal(line, invoiceId, `due_date: not a date YYYY-MM-DD ("${rawDue}")`);
  if (dueDate < issueDate) return refusal(line, invoiceId, 'due_date: before issue_date');
  const rawIban = cell(fields, at[3]);
  let customerIban: string | undefined;
  if (rawIban) {
    customerIban = memo(checks.ibans, rawIban, readIban);
    if (!customerIban) return refusal(line, invoiceId, 'customer_iban: not a valid IBAN');
  }
  const customerName = cell(fields, at[2]) || undefined;
  if (customerName && customerName.length > 200)
    return refusal(line, invoiceId, 'customer_name: longer than 200 characters');
  const badName = customerName && lineProblem(customerName);
  if (badName) return refusal(line, invoiceId, `customer_name: ${badName}`);
  return {
    line,
    ok: true,
    record: { invoiceId, customerId, customerName, customerIban, amountCents, currency, issueDate, dueDate },
  };
}

function refusal(line: number, invoiceId: string, reason: string): ParsedRow {
  return { line, ok: false, invoiceId: invoiceId || undefined, reason };
}

/** YYYY-MM-DD, or the French DD/MM/YYYY. */
export function readDate(s: string): string | undefined {
  const fr = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(s);
  const iso = fr ? `${fr[3]}-${fr[2]}-${fr[1]}` : s;
  return isValidIsoDate(iso) ? iso : undefined;
}
