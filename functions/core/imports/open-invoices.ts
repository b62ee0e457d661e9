import type { MatchCustomer, OpenInvoice } from '../matching/types';
import { readInvoiceCsv } from './invoice-csv';

/** The open-invoices file of `recon match` refused: the first problems, each naming its line and column. */
export class OpenInvoicesCsvError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.length === 1 ? problems[0] : `${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
    this.name = 'OpenInvoicesCsvError';
  }
}

/**
 * The open-invoices file of `recon match`, read with the API import's reader (`parseInvoiceCsv`, same columns and
 * syntax) but all or nothing: any refused line refuses the file, the first `maxProblems` refusals named by line and
 * column, and an invoice id may appear only once. Here `amount` is what is still owed: it becomes both the amount and
 * the open amount of the invoice. Customers are gathered from the lines: the first non-empty name, every IBAN given.
 */
export function readOpenInvoices(
  text: string,
  maxProblems = 5,
): { invoices: OpenInvoice[]; customers: MatchCustomer[] } {
  const problems: string[] = [];
  let refused = 0;
  const invoices: OpenInvoice[] = [];
  const customers = new Map<string, MatchCustomer>();
  const { fatal } = readInvoiceCsv(
    text,
    (row) => {
      if (!row.ok) {
        if (++refused <= maxProblems) problems.push(`line ${row.line}, column ${row.reason}`);
        return;
      }
      if (refused > 0) return;
      const r = row.record;
      let c = customers.get(r.customerId);
      if (!c)
        customers.set(
          r.customerId,
          (c = { customerId: r.customerId, name: r.customerName ?? r.customerId, ibans: [] }),
        );
      else if (c.name === c.customerId && r.customerName) c.name = r.customerName;
      if (r.customerIban && !c.ibans.includes(r.customerIban)) c.ibans.push(r.customerIban);
      // the customer's id as one string, not one per line (a large book keeps 200,000 invoices)
      invoices.push({
        invoiceId: r.invoiceId,
        customerId: c.customerId,
        amountCents: r.amountCents,
        openCents: r.amountCents,
        currency: r.currency,
        issueDate: r.issueDate,
        dueDate: r.dueDate,
      });
    },
    { identicalDuplicates: 'refuse' },
  );
  if (fatal) throw new OpenInvoicesCsvError([`line 1: ${fatal}`]);
  if (refused > maxProblems) problems.push(`... and ${refused - maxProblems} more line(s) refused`);
  if (problems.length > 0) throw new OpenInvoicesCsvError(problems);
  return { invoices, customers: [...customers.values()] };
}
