import { z } from 'zod';
import { isValidIsoDate } from '../dates';
import { isValidIban } from '../iban';
import type { MatchCustomer, OpenInvoice } from './types';

/**
 * The open-invoices file of `recon match`, read fast enough for a 200,000-line book:
 * `invoice_id,customer_id,customer_name,customer_iban,amount,currency,issue_date,due_date` (comma or semicolon,
 * RFC 4180 quotes, columns in any order), amount with a decimal point (what is still owed), dates YYYY-MM-DD,
 * IBAN may be empty. Every line is checked with the `OpenInvoiceCsvRow` schema; the first refusals name line and column.
 */
export const OPEN_INVOICE_COLUMNS = ['invoice_id', 'customer_id', 'customer_name', 'customer_iban', 'amount', 'currency', 'issue_date', 'due_date'] as const;
const REQUIRED = ['invoice_id', 'customer_id', 'amount', 'issue_date', 'due_date'] as const;

const knownDates = new Map<string, boolean>();
const knownIbans = new Map<string, boolean>();
/** Books repeat the same few hundred dates and one IBAN per customer: each distinct value is checked once. */
function memo(cache: Map<string, boolean>, check: (s: string) => boolean) {
  return (s: string) => {
    let ok = cache.get(s);
    if (ok === undefined) cache.set(s, (ok = check(s)));
    return ok;
  };
}
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD').refine(memo(knownDates, isValidIsoDate), 'not a calendar date');
export const OpenInvoiceCsvRow = z.object({
  invoice_id: z.string().min(1, 'empty').max(64, 'longer than 64 characters'),
  customer_id: z.string().min(1, 'empty').max(64, 'longer than 64 characters'),
  customer_name: z.string().max(200, 'longer than 200 characters'),
  customer_iban: z.string().refine((s) => s === '' || validIban(s), 'not a valid IBAN'),
  amount: z.string().regex(/^\d+(\.\d{1,2})?$/, 'expected an amount with a decimal point, like 1234.56'),
  currency: z.string().regex(/^([A-Z]{3})?$/, 'expected an ISO currency code like EUR'),
  issue_date: isoDate,
  due_date: isoDate,
});
export type OpenInvoiceCsvRow = z.infer<typeof OpenInvoiceCsvRow>;

export class OpenInvoicesCsvError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.length === 1 ? problems[0] : `${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
    this.name = 'OpenInvoicesCsvError';
  }
}

const validIban = memo(knownIbans, isValidIban);

/** One CSV line split into fields: fast path without quotes, RFC 4180 otherwise (no line break inside quotes). */
function splitLine(line: string, sep: string): string[] {
  if (!line.includes('"')) return line.split(sep);
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"') {
        if (line[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === sep) {
      out.push(field);
      field = '';
    } else field += ch;
  }
  out.push(field);
  return out;
}

function cellOf(fields: string[], at: number): string {
  if (at < 0) return '';
  const v = fields[at];
  return v === undefined ? '' : v.trim();
}

export function readOpenInvoicesCsv(text: string, maxProblems = 5): { invoices: OpenInvoice[]; customers: MatchCustomer[] } {
  const lines = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).split('\n');
  const header = lines[0] ?? '';
  const sep = header.split(';').length > header.split(',').length ? ';' : ',';
  const names = splitLine(header, sep).map((h) => h.trim().toLowerCase());
  const missing = REQUIRED.filter((c) => !names.includes(c));
  if (missing.length > 0) throw new OpenInvoicesCsvError([`line 1: missing column(s) ${missing.join(', ')} (expected header ${OPEN_INVOICE_COLUMNS.join(',')})`]);
  const at = OPEN_INVOICE_COLUMNS.map((c) => names.indexOf(c));
  const problems: string[] = [];
  const invoices: OpenInvoice[] = [];
  const customers = new Map<string, MatchCustomer>();
  const seen = new Set<string>();
  for (let n = 1; n < lines.length; n++) {
    let line = lines[n];
    if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
    if (line === '' || line.trim() === '') continue;
    const f = splitLine(line, sep);
    const raw = {
      invoice_id: cellOf(f, at[0]), customer_id: cellOf(f, at[1]), customer_name: cellOf(f, at[2]), customer_iban: cellOf(f, at[3]),
      amount: cellOf(f, at[4]), currency: cellOf(f, at[5]).toUpperCase(), issue_date: cellOf(f, at[6]), due_date: cellOf(f, at[7]),
    };
    const parsed = OpenInvoiceCsvRow.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const column = String(issue.path[0]);
      problems.push(`line ${n + 1}, column ${column}: ${issue.message} ("${(raw as Record<string, string>)[column] ?? ''}")`);
      if (problems.length >= maxProblems) break;
      continue;
    }
    const row = parsed.data;
    // the schema has checked the shape: digits, optionally a point and one or two decimals
    const dot = row.amount.indexOf('.');
    const cents = dot < 0 ? Number(row.amount) * 100 : Number(row.amount.slice(0, dot)) * 100 + Number((row.amount.slice(dot + 1) + '0').slice(0, 2));
    if (!Number.isSafeInteger(cents)) {
      problems.push(`line ${n + 1}, column amount: too large ("${row.amount}")`);
      continue;
    }
    if (cents <= 0) {
      problems.push(`line ${n + 1}, column amount: what is still owed must be positive ("${row.amount}")`);
      continue;
    }
    if (row.due_date < row.issue_date) {
      problems.push(`line ${n + 1}, column due_date: before issue_date`);
      continue;
    }
    if (seen.has(row.invoice_id)) {
      problems.push(`line ${n + 1}, column invoice_id: "${row.invoice_id}" appears twice`);
      continue;
    }
    seen.add(row.invoice_id);
    invoices.push({ invoiceId: row.invoice_id, customerId: row.customer_id, amountCents: cents, openCents: cents, currency: row.currency || 'EUR', issueDate: row.issue_date, dueDate: row.due_date });
    let c = customers.get(row.customer_id);
    if (!c) customers.set(row.customer_id, (c = { customerId: row.customer_id, name: row.customer_name || row.customer_id, ibans: [] }));
    else if (c.name === c.customerId && row.customer_name) c.name = row.customer_name;
    if (row.customer_iban) {
      const iban = row.customer_iban.replace(/\s+/g, '').toUpperCase();
      if (!c.ibans.includes(iban)) c.ibans.push(iban);
    }
  }
  if (problems.length > 0) throw new OpenInvoicesCsvError(problems.slice(0, maxProblems));
  return { invoices, customers: [...customers.values()] };
}
