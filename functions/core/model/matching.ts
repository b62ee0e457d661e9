import { z } from 'zod';

/** What the matcher decided for one bank transaction. */
export const MatchStatus = z.enum(['matched', 'suggested', 'unmatched', 'ignored']);
export type MatchStatus = z.infer<typeof MatchStatus>;

export const Allocation = z.object({
  invoiceId: z.string(),
  amountCents: z.number().int().positive(),
});
export type Allocation = z.infer<typeof Allocation>;

export const Candidate = z.object({
  allocations: z.array(Allocation).min(1),
  confidence: z.number().min(0).max(1),
  reasons: z.array(z.string()),
  /** Short-payment difference proposed as a write-off (bank fees), in cents. */
  writeOffCents: z.number().int().nonnegative().default(0),
  /** Overpayment kept as customer credit, in cents. */
  customerCreditCents: z.number().int().nonnegative().default(0),
  customerId: z.string().optional(),
});
export type Candidate = z.infer<typeof Candidate>;

export const MatchResult = z.object({
  transactionId: z.string(),
  status: MatchStatus,
  /** The applied candidate when matched. */
  best: Candidate.optional(),
  /** Ranked alternatives, best first, for a person to review. */
  suggestions: z.array(Candidate),
  confidence: z.number().min(0).max(1),
  reasons: z.array(z.string()),
  /** A returned/rejected payment that reopens what it paid. */
  reversalOf: z.string().optional(),
  /**
   * For a credit left unlettered: the returned payment (impayé, rejet) that gives it back, the only credit of its payer
   * and amount it could give back. It pays nothing and must not be lettered.
   */
  returnedBy: z.string().optional(),
  /**
   * For a returned payment: the credit left unlettered that it gives back (of this batch, or an earlier statement's),
   * the only one it may give back: nothing to reopen, and that credit must never be lettered.
   */
  givesBack: z.string().optional(),
  /** True for a returned/rejected payment (impayé, rejet): finance must be alerted. */
  returned: z.boolean().optional(),
  /** For a returned payment: what to reopen (the allocations of the payment it undoes, or the invoices it names). */
  reopens: z.array(Allocation).optional(),
});
export type MatchResult = z.infer<typeof MatchResult>;
