import type { Invoice, InvoiceStatus } from '../model';

/**
 * What a write-off ("passage en perte") or a credit note ("avoir") does to an invoice: the open amount goes down by
 * the amount; the invoice is closed (written off, credited) when nothing is left, keeps being in collection while
 * the agency holds it, and is partially paid otherwise.
 */

/** The statuses whose open amount a write-off or a credit note may reduce. */
export const REDUCIBLE_STATUSES: readonly InvoiceStatus[] = ['open', 'partially_paid', 'in_collection'];

export type ReductionKind = 'write_off' | 'credit_note';

export type ReductionDecision =
  | {
      ok: true;
      openCents: number;
      status: InvoiceStatus /** Nothing left to collect: the reminders stop. */;
      closes: boolean;
    }
  | { ok: false; reason: 'not_reducible' | 'exceeds_open' };

export function reduceOpenAmount(
  invoice: Pick<Invoice, 'status' | 'openCents'>,
  kind: ReductionKind,
  amountCents: number,
): ReductionDecision {
  if (!REDUCIBLE_STATUSES.includes(invoice.status)) return { ok: false, reason: 'not_reducible' };
  if (amountCents > invoice.openCents) return { ok: false, reason: 'exceeds_open' };
  const openCents = invoice.openCents - amountCents;
  const closed: InvoiceStatus = kind === 'write_off' ? 'written_off' : 'credited';
  const status: InvoiceStatus =
    openCents === 0 ? closed : invoice.status === 'in_collection' ? 'in_collection' : 'partially_paid';
  return { ok: true, openCents, status, closes: openCents === 0 };
}
