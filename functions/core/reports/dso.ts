import { z } from 'zod';
import { addDays, IsoDate } from '../dates';
import type { Invoice } from '../model';
import { isReceivable } from './aged-balance';

export const DsoReport = z.object({
  asOf: IsoDate,
  currency: z.string().length(3),
  periodDays: z.number().int().positive(),
  receivablesCents: z.number().int(),
  salesCents: z.number().int(),
  /** Days of sales outstanding, one decimal; null when nothing was invoiced in the period. */
  dsoDays: z.number().nullable(),
});
export type DsoReport = z.infer<typeof DsoReport>;

/**
 * What an invoice sold: its amount, but for an invoice a credit note closed ("credited"), only the cash it received
 * before (nothing when unknown): the rest was cancelled, not sold. A credit note that left something to pay is not on
 * the invoice, so a partly credited invoice still counts in full.
 */
function soldCents(inv: Invoice): number {
  return inv.status === 'credited' ? (inv.receivedCents ?? 0) : inv.amountCents;
}

/**
 * DSO ("délai moyen de recouvrement client"), the usual accounting method: receivables on `asOf` divided by the sales
 * invoiced over the `periodDays` ending on `asOf` (issued after `asOf - periodDays`, up to `asOf`), times the number of
 * days. Amounts as invoiced (the API has no VAT split), less what a credit note cancelled when it closed the invoice.
 */
export function dso(input: {
  invoices: Iterable<Invoice>;
  asOf: IsoDate;
  periodDays?: number;
  currency?: string;
}): DsoReport {
  const periodDays = input.periodDays ?? 90;
  const currency = input.currency ?? 'EUR';
  const from = addDays(input.asOf, -periodDays);
  let receivablesCents = 0;
  let salesCents = 0;
  for (const inv of input.invoices) {
    if (inv.currency !== currency || inv.issueDate > input.asOf) continue;
    if (isReceivable(inv)) receivablesCents += inv.openCents;
    if (inv.issueDate > from) salesCents += soldCents(inv);
  }
  const dsoDays = salesCents === 0 ? null : Math.round((receivablesCents * periodDays * 10) / salesCents) / 10;
  return { asOf: input.asOf, currency, periodDays, receivablesCents, salesCents, dsoDays };
}
