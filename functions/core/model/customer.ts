import { z } from 'zod';
import { EntityId, IanaTimeZone, NonNegativeAmountCents, singleLine } from './fields';

export const Language = z.enum(['fr', 'en']);
export type Language = z.infer<typeof Language>;

export const Segment = z.enum(['standard', 'key_account', 'b2c']);
export type Segment = z.infer<typeof Segment>;

export const ContactRole = z.enum(['billing', 'accounts_payable', 'primary', 'legal', 'other']);
export const Contact = z.object({
  name: singleLine(200).optional(),
  email: z.string().email(),
  phone: singleLine(40).optional(),
  role: ContactRole.default('billing'),
});
export type Contact = z.infer<typeof Contact>;

export const Customer = z.object({
  customerId: EntityId,
  name: singleLine(200).min(1),
  /** A business debtor (B2B) owes the €40 indemnity and L441-10 penalties; a consumer does not. */
  isBusiness: z.boolean().default(true),
  segment: Segment.default('standard'),
  /** Explicit policy; else the built-in policy of the segment. */
  policyId: EntityId.optional(),
  language: Language.default('fr'),
  timeZone: IanaTimeZone.default('Europe/Paris'),
  contacts: z.array(Contact).default([]),
  /** Internal account manager, who gets call tasks for key accounts. */
  accountManagerEmail: z.string().email().optional(),
  ibans: z.array(z.string()).default([]),
  paymentTermsDays: z.number().int().min(0).max(365).default(30),
  creditLimitCents: NonNegativeAmountCents.optional(),
  blockWhenOverLimit: z.boolean().default(false),
  /** Some payables teams want one email per invoice rather than one grouped reminder. */
  reminderGrouping: z.enum(['per_customer', 'per_invoice']).default('per_customer'),
  postalAddress: z.array(singleLine(200)).default([]),
  /** A person (consumer): letters greet "Madame Petit" rather than "Madame, Monsieur". */
  civility: z.enum(['madame', 'monsieur']).optional(),
  familyName: singleLine(100).optional(),
  version: z.number().int().nonnegative().default(0),
});
export type Customer = z.infer<typeof Customer>;
