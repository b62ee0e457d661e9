import { z } from 'zod';
import { IsoDate } from '../dates';

export const StatementFormat = z.enum(['cfonb120', 'camt053', 'camt054', 'mt940', 'ofx', 'csv']);
export type StatementFormat = z.infer<typeof StatementFormat>;

/** The account a statement is for: an IBAN when the format carries one, else the French bank/branch/account triple. */
export const BankAccount = z.object({
  iban: z.string().optional(),
  bankCode: z.string().optional(),
  branchCode: z.string().optional(),
  accountNumber: z.string().optional(),
  bic: z.string().optional(),
});
export type BankAccount = z.infer<typeof BankAccount>;

/** One booked line of a statement, normalized whatever the format. Credits are positive. */
export const StatementEntry = z.object({
  /** 0-based position of the entry in the file, in file order (across statements of one file). */
  index: z.number().int().nonnegative(),
  bookingDate: IsoDate,
  valueDate: IsoDate.optional(),
  amountCents: z.number().int(),
  currency: z.string().length(3),
  /** The bank's transaction code(s): CFONB operation code, ISO BTC domain/family/subfamily, MT940 type, OFX TRNTYPE. */
  bankCodes: z.array(z.string()).default([]),
  /** The bank's own reference for the booking (AcctSvcrRef, MT940 bank reference, OFX FITID, CFONB reference). */
  bankReference: z.string().optional(),
  endToEndId: z.string().optional(),
  /** Main booking text as the bank prints it (label). */
  label: z.string(),
  counterpartyName: z.string().optional(),
  counterpartyIban: z.string().optional(),
  remittance: z.object({
    /** Free-text remittance lines (Ustrd, :86: text, CFONB LIB/LCC complements...). */
    unstructured: z.array(z.string()).default([]),
    /** Structured creditor references (RF..., Strd/CdtrRefInf/Ref, CFONB RCN). */
    structured: z.array(z.string()).default([]),
  }),
  /** True for a returned/rejected payment or a reversal booking. */
  reversal: z.boolean().default(false),
  /** The raw lines or XML fragment the entry came from, for audit. */
  raw: z.array(z.string()).default([]),
});
export type StatementEntry = z.infer<typeof StatementEntry>;

export const BalanceCheck = z.discriminatedUnion('status', [
  z.object({ status: z.literal('ok') }),
  z.object({ status: z.literal('not-applicable'), reason: z.string() }),
  z.object({
    status: z.literal('mismatch'),
    expectedClosingCents: z.number().int(),
    statedClosingCents: z.number().int(),
    differenceCents: z.number().int(),
  }),
]);
export type BalanceCheck = z.infer<typeof BalanceCheck>;

/** One account statement. A file may hold several (CFONB, MT940, camt). */
export const Statement = z.object({
  format: StatementFormat,
  account: BankAccount,
  currency: z.string().length(3),
  statementId: z.string().optional(),
  periodStart: IsoDate.optional(),
  periodEnd: IsoDate.optional(),
  openingBalanceCents: z.number().int().optional(),
  closingBalanceCents: z.number().int().optional(),
  entries: z.array(StatementEntry),
  balanceCheck: BalanceCheck,
});
export type Statement = z.infer<typeof Statement>;

/** What a statement file parses to. */
export const ParsedStatementFile = z.object({
  format: StatementFormat,
  statements: z.array(Statement),
});
export type ParsedStatementFile = z.infer<typeof ParsedStatementFile>;

/** What a streaming reader has read so far: the finished statements, in order, and the one still open. */
export interface LiveStatements {
  done: Statement[];
  open?: Statement;
}
