import { z } from 'zod';
import { IsoDate } from '../dates';
import { formatCents } from '../money';

/**
 * "Encaissée": the status the e-invoicing reform's platforms exchange once an invoice is paid (lifecycle status 212),
 * with the date and amount collected. One line per invoice fully paid, kept on the invoice when its balance reaches 0.
 */
export const Encaissement = z.object({
  invoiceId: z.string(),
  customerId: z.string(),
  customerName: z.string().optional(),
  currency: z.string(),
  invoiceAmountCents: z.number().int(),
  collectedOn: IsoDate,
  collectedCents: z.number().int(),
});
export type Encaissement = z.infer<typeof Encaissement>;

/** Collected invoices in date order then id (deterministic), for a period [from, to]. */
export function encaissementsIn(list: readonly Encaissement[], from: string, to: string): Encaissement[] {
  return list
    .filter((e) => e.collectedOn >= from && e.collectedOn <= to)
    .sort((a, b) => a.collectedOn.localeCompare(b.collectedOn) || a.invoiceId.localeCompare(b.invoiceId));
}

const cell = (s: string) => (/[;"\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);

/**
 * invoice_id;customer_id;customer_name;currency;invoice_amount;status;collected_on;collected_amount (decimal point).
 */
export function encaissementsCsv(list: readonly Encaissement[]): string {
  const head = 'invoice_id;customer_id;customer_name;currency;invoice_amount;status;collected_on;collected_amount';
  const rows = list.map((e) =>
    [
      e.invoiceId,
      e.customerId,
      e.customerName ?? '',
      e.currency,
      formatCents(e.invoiceAmountCents),
      'encaissee',
      e.collectedOn,
      formatCents(e.collectedCents),
    ]
      .map(cell)
      .join(';'),
  );
  return `${[head, ...rows].join('\r\n')}\r\n`;
}
