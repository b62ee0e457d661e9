import { Customer, type Invoice } from '../model';
import type { ImportedInvoice, ParsedImport } from './types';

export type RowOutcome = 'created' | 'updated' | 'unchanged' | 'rejected';

export interface PlannedRow {
  line: number;
  invoiceId?: string;
  outcome: RowOutcome;
  reason?: string;
  /** For created/updated: the invoice to write (the version comes from the stored one). */
  next?: Omit<Invoice, 'version'>;
  /** The stored invoice the update is conditional on. */
  current?: Invoice;
  record?: ImportedInvoice;
}

/**
 * Decides, row by row, what an import does to the stored invoices. Idempotent on the invoice id: importing the same
 * file
 * twice creates nothing the second time ('unchanged'). An existing invoice is updated (amount, dates) only while it is
 * still owed and never below what was already collected; it never moves to another customer.
 */
export function planImport(parsed: ParsedImport, existing: ReadonlyMap<string, Invoice>): PlannedRow[] {
  return parsed.rows.map((row) => {
    if (!row.ok) return { line: row.line, invoiceId: row.invoiceId, outcome: 'rejected', reason: row.reason };
    const r = row.record;
    const current = existing.get(r.invoiceId);
    const base = { line: row.line, invoiceId: r.invoiceId, record: r };
    if (!current) {
      return {
        ...base,
        outcome: 'created',
        next: {
          invoiceId: r.invoiceId,
          customerId: r.customerId,
          amountCents: r.amountCents,
          openCents: r.amountCents,
          currency: r.currency,
          issueDate: r.issueDate,
          dueDate: r.dueDate,
          status: 'open',
        },
      };
    }
    if (current.customerId !== r.customerId) {
      return {
        ...base,
        outcome: 'rejected',
        reason: `customer_id: invoice already recorded for customer ${current.customerId}`,
      };
    }
    if (current.currency !== r.currency) {
      return { ...base, outcome: 'rejected', reason: `currency: invoice already recorded in ${current.currency}` };
    }
    const same =
      current.amountCents === r.amountCents && current.issueDate === r.issueDate && current.dueDate === r.dueDate;
    if (same) return { ...base, outcome: 'unchanged', current };
    if (current.status !== 'open' && current.status !== 'partially_paid') {
      return {
        ...base,
        outcome: 'rejected',
        reason: `invoice is ${current.status.replace('_', ' ')}: an import does not change it`,
      };
    }
    const collected = current.amountCents - current.openCents;
    const openCents = r.amountCents - collected;
    if (openCents <= 0) {
      return {
        ...base,
        outcome: 'rejected',
        reason: `amount: ${r.amountCents} cents is not above what was already collected (${collected} cents)`,
      };
    }
    return {
      ...base,
      outcome: 'updated',
      current,
      next: {
        ...stripVersion(current),
        amountCents: r.amountCents,
        openCents,
        issueDate: r.issueDate,
        dueDate: r.dueDate,
      },
    };
  });
}

function stripVersion(invoice: Invoice): Omit<Invoice, 'version'> {
  const { version: _v, ...rest } = invoice;
  return rest;
}

/**
 * The customer record an imported row implies: a new customer (name, IBAN, default terms) or the stored one with a
 * newly
 * seen IBAN added. Undefined when nothing changes.
 */
export function customerFromImport(current: Customer | undefined, record: ImportedInvoice): Customer | undefined {
  if (!current) {
    return Customer.parse({
      customerId: record.customerId,
      name: record.customerName || record.customerId,
      ibans: record.customerIban ? [record.customerIban] : [],
    });
  }
  if (record.customerIban && !current.ibans.includes(record.customerIban)) {
    return { ...current, ibans: [...current.ibans, record.customerIban] };
  }
  return undefined;
}

export interface ImportSummary {
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
}

export function summarize(rows: readonly { outcome: RowOutcome }[]): ImportSummary {
  const s: ImportSummary = { created: 0, updated: 0, unchanged: 0, rejected: 0 };
  for (const r of rows) s[r.outcome]++;
  return s;
}
