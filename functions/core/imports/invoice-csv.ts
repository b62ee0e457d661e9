import { isValidIsoDate } from '../dates';
import { MoneyFormatError, parseAmountToCents } from '../money';
import { detectSeparator, firstLine, splitRecords } from './delimited';
import { isValidIban, normalizeIban, ParsedImport, ParsedRow } from './types';

/** The invoice CSV of the `recon` CLI, also accepted by the API import. */
export const invoiceCsvColumns = ['invoice_id', 'customer_id', 'customer_name', 'customer_iban', 'amount', 'currency', 'issue_date', 'due_date'] as const;
type Column = (typeof invoiceCsvColumns)[number];
const required: Column[] = ['invoice_id', 'customer_id', 'amount', 'issue_date', 'due_date'];

/**
 * Reads an invoice CSV (comma or semicolon separated, RFC 4180 quotes, header line with the columns above in any order).
 * Each line becomes a receivable or a refusal naming the column at fault. Amounts take a decimal point or comma; dates
 * are YYYY-MM-DD (DD/MM/YYYY is accepted too). A second line with the same invoice id is refused unless identical.
 */
export function parseInvoiceCsv(text: string): ParsedImport {
  const header = firstLine(text);
  const separator = detectSeparator(header, [',', ';', '\t']);
  const records = splitRecords(text, separator);
  if (records.length === 0) return { format: 'csv', rows: [], fatal: 'empty file: expected a header line' };
  const names = records[0].fields.map((f) => f.trim().toLowerCase());
  const index = new Map<string, number>();
  names.forEach((n, i) => index.set(n, i));
  const missing = required.filter((c) => !index.has(c));
  if (missing.length > 0) {
    return { format: 'csv', rows: [], fatal: `missing column(s): ${missing.join(', ')} (expected header ${invoiceCsvColumns.join(',')})` };
  }
  const rows: ParsedRow[] = [];
  const seen = new Map<string, { line: number; key: string }>();
  for (const rec of records.slice(1)) {
    const get = (c: Column) => {
      const i = index.get(c);
      return i === undefined ? '' : (rec.fields[i] ?? '').trim();
    };
    const row = readRow(rec.line, get);
    if (row.ok) {
      const key = JSON.stringify(row.record);
      const first = seen.get(row.record.invoiceId);
      if (first) {
        if (first.key !== key) {
          rows.push({ line: rec.line, ok: false, invoiceId: row.record.invoiceId, reason: `invoice_id: duplicate of line ${first.line} with different values` });
        }
        continue;
      }
      seen.set(row.record.invoiceId, { line: rec.line, key });
    }
    rows.push(row);
  }
  return { format: 'csv', rows };
}

function readRow(line: number, get: (c: Column) => string): ParsedRow {
  const invoiceId = get('invoice_id');
  const fail = (reason: string): ParsedRow => ({ line, ok: false, invoiceId: invoiceId || undefined, reason });
  if (!invoiceId) return fail('invoice_id: empty');
  if (invoiceId.length > 64) return fail('invoice_id: longer than 64 characters');
  const customerId = get('customer_id');
  if (!customerId) return fail('customer_id: empty');
  if (customerId.length > 64) return fail('customer_id: longer than 64 characters');
  let amountCents: number;
  try {
    amountCents = parseAmountToCents(get('amount'));
  } catch (err) {
    if (err instanceof MoneyFormatError) return fail(`amount: not an amount ("${get('amount')}")`);
    throw err;
  }
  if (amountCents <= 0) return fail('amount: must be positive (a credit note is recorded on the invoice it cancels)');
  const currency = (get('currency') || 'EUR').toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) return fail(`currency: not an ISO 4217 code ("${get('currency')}")`);
  const issueDate = readDate(get('issue_date'));
  if (!issueDate) return fail(`issue_date: not a date YYYY-MM-DD ("${get('issue_date')}")`);
  const dueDate = readDate(get('due_date'));
  if (!dueDate) return fail(`due_date: not a date YYYY-MM-DD ("${get('due_date')}")`);
  if (dueDate < issueDate) return fail('due_date: before issue_date');
  const rawIban = get('customer_iban');
  let customerIban: string | undefined;
  if (rawIban) {
    customerIban = normalizeIban(rawIban);
    if (!isValidIban(customerIban)) return fail('customer_iban: not a valid IBAN');
  }
  const customerName = get('customer_name') || undefined;
  if (customerName && customerName.length > 200) return fail('customer_name: longer than 200 characters');
  return { line, ok: true, record: { invoiceId, customerId, customerName, customerIban, amountCents, currency, issueDate, dueDate } };
}

/** YYYY-MM-DD, or the French DD/MM/YYYY. */
export function readDate(s: string): string | undefined {
  const fr = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(s);
  const iso = fr ? `${fr[3]}-${fr[2]}-${fr[1]}` : s;
  return isValidIsoDate(iso) ? iso : undefined;
}
