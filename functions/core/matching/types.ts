import { z } from 'zod';
import { Invoice } from '../model/invoice';
import { StatementEntry } from '../model/statement';

/** An invoice the matcher may allocate to: what is still owed, and to whom. */
export const OpenInvoice = Invoice.pick({
  invoiceId: true,
  customerId: true,
  amountCents: true,
  openCents: true,
  currency: true,
  issueDate: true,
  dueDate: true,
});
export type OpenInvoice = z.infer<typeof OpenInvoice>;

/**
 * What the matcher knows of a customer to recognise its payments: its name, its known IBANs, and the other names it
 * pays under (aliases finance taught it: a parent company, a factor), which identify it like its own name.
 */
export const MatchCustomer = z.object({
  customerId: z.string().min(1).max(64),
  name: z.string().min(1).max(200),
  ibans: z.array(z.string()).default([]),
  aliasNames: z.array(z.string().min(1).max(200)).optional(),
});
export type MatchCustomer = z.infer<typeof MatchCustomer>;

/** One bank transaction to match: a normalized statement entry with its deterministic transaction id. */
export const MatchTransaction = StatementEntry.extend({ transactionId: z.string().min(1) });
export type MatchTransaction = z.input<typeof MatchTransaction>;

/**
 * A payment lettered before this run (a matched transaction and what it paid): what a returned payment in this run
 * may give back. The matcher reads it for its identifiers (end-to-end id, bank reference, mandate), payer and invoices.
 */
export const LetteredPayment = z.object({
  transactionId: z.string().min(1),
  bookingDate: z.string(),
  amountCents: z.number().int().positive(),
  label: z.string().optional(),
  counterpartyName: z.string().optional(),
  counterpartyIban: z.string().optional(),
  endToEndId: z.string().optional(),
  bankReference: z.string().optional(),
  remittance: z
    .object({ unstructured: z.array(z.string()).default([]), structured: z.array(z.string()).default([]) })
    .optional(),
  allocations: z.array(z.object({ invoiceId: z.string(), amountCents: z.number().int() })).min(1),
});
export type LetteredPayment = z.input<typeof LetteredPayment>;

/**
 * A credit of an earlier statement left unlettered (in the review queue): a returned payment in this run may give it
 * back, and it must then never be lettered.
 */
export const UnletteredPayment = LetteredPayment.omit({ allocations: true });
export type UnletteredPayment = z.input<typeof UnletteredPayment>;

export const MatchOptions = z.object({
  /**
   * A payment short by at most this much (bank fees) still settles the invoice; the difference is proposed as a
   * write-off.
   */
  feeToleranceCents: z.number().int().nonnegative().default(1500),
  /** At or above this confidence a candidate is applied automatically (if no close rival). */
  autoThreshold: z.number().min(0).max(1).default(0.9),
  /** At or above this confidence a candidate is offered to a person; below, the transaction stays unmatched. */
  suggestThreshold: z.number().min(0).max(1).default(0.4),
  /** A rival within this margin of the best candidate makes the case ambiguous: suggestion, never a guess. */
  ambiguityMargin: z.number().min(0).max(1).default(0.08),
  /** Most invoices one transfer is searched to pay (subset sum). */
  maxInvoicesPerPayment: z.number().int().min(1).max(12).default(6),
  /** How many of a customer's oldest open invoices the subset search looks at. */
  maxSubsetPool: z.number().int().min(2).max(40).default(24),
  /** Most suggestions kept per transaction. */
  maxSuggestions: z.number().int().min(1).max(20).default(5),
  /** The company's own IBANs (the statement accounts): a credit from one of them is an internal transfer. */
  ownIbans: z.array(z.string()).default([]),
});
export type MatchOptions = z.infer<typeof MatchOptions>;
export type MatchOptionsInput = z.input<typeof MatchOptions>;
