import { z } from 'zod';
import { IsoDate, IsoTimestamp } from '../dates';
import { DunningLevel } from './dunning-level';
import { AmountCents, EntityId, NonNegativeAmountCents } from './fields';

/** Money state of an invoice. */
export const InvoiceStatus = z.enum(['open', 'partially_paid', 'paid', 'in_collection', 'written_off', 'credited']);
export type InvoiceStatus = z.infer<typeof InvoiceStatus>;

/** Why an invoice's dunning is suspended. */
export const PauseReason = z.enum(['dispute', 'promise', 'manual']);
export type PauseReason = z.infer<typeof PauseReason>;

export const InvoicePause = z.object({
  reason: PauseReason,
  since: IsoTimestamp,
  /** For a payment promise: the promised date; the workflow resumes after it (plus grace) if still unpaid. */
  until: IsoDate.optional(),
  note: z.string().max(2000).optional(),
  /**
   * 'customer' for a pause set from the customer's page (a promise, a reported payment, a dispute); absent for one set
   * by finance (or by the dunning itself, awaiting an approval), and for every pause recorded before this field.
   */
  by: z.literal('customer').optional(),
});
export type InvoicePause = z.infer<typeof InvoicePause>;

/** What finance may do with an owed invoice whose dunning ran out of steps. */
export const ExhaustedOption = z.enum(['write_off', 'injonction_de_payer', 'manual_follow_up']);
export type ExhaustedOption = z.infer<typeof ExhaustedOption>;

/**
 * Dunning is over (no step left: e.g. the agency's minimum amount not met) but the invoice is still owed: finance
 * decides.
 */
export const DecisionNeeded = z.object({
  since: IsoTimestamp,
  reason: z.literal('no_more_steps'),
  options: z.array(ExhaustedOption).min(1),
});
export type DecisionNeeded = z.infer<typeof DecisionNeeded>;

export const Invoice = z.object({
  invoiceId: EntityId,
  customerId: EntityId,
  amountCents: AmountCents,
  /** What is still owed; equals amountCents minus allocations, write-offs and credit notes. */
  openCents: NonNegativeAmountCents,
  currency: z.string().length(3).default('EUR'),
  issueDate: IsoDate,
  dueDate: IsoDate,
  status: InvoiceStatus,
  pause: InvoicePause.optional(),
  /** Optimistic concurrency: every change increments it and is conditional on the previous value. */
  version: z.number().int().nonnegative(),
  pdfKey: z.string().optional(),
  /** Contract late-payment rate in basis points (1210 = 12.10 %), if the contract sets one. */
  contractRateBp: z.number().int().positive().optional(),
  /**
   * Cash allocated to the invoice so far (bank fees and write-offs excluded); counted from the first allocation
   * recorded with it.
   */
  receivedCents: z.number().int().nonnegative().optional(),
  /**
   * "Encaissée" (the e-invoicing reform's status): when the invoice became fully paid, and the cash it received in all.
   */
  collected: z.object({ on: IsoDate, amountCents: z.number().int().nonnegative() }).optional(),
  /**
   * The highest dunning level sent so far (reminder, formal notice, handoff); absent while none was sent. Never
   * lowered.
   */
  dunningLevel: DunningLevel.optional(),
  /** Set when dunning ended with the invoice still owed: a finance task was sent; the invoice waits for a decision. */
  decisionNeeded: DecisionNeeded.optional(),
});
export type Invoice = z.infer<typeof Invoice>;

export const openStatuses: readonly InvoiceStatus[] = ['open', 'partially_paid'];
export function isOwed(invoice: Pick<Invoice, 'status' | 'openCents'>): boolean {
  return openStatuses.includes(invoice.status) && invoice.openCents > 0;
}
