import { z } from 'zod';
import { BankAccount } from '../model/statement';

const Column = z.union([z.string().min(1), z.number().int().nonnegative()]);

/** Explicit description of a CSV export the auto-detection does not read. Columns by header text or 0-based index. */
export const CsvMapping = z.object({
  delimiter: z.enum([';', ',', '\t', '|']).optional(),
  decimalSeparator: z.enum([',', '.']).optional(),
  /** 0-based index (among non-empty lines) of the header line; -1 when there is none (columns are then indexes). */
  headerRow: z.number().int().min(-1).optional(),
  dateFormat: z.enum(['DD/MM/YYYY', 'DD/MM/YY', 'YYYY-MM-DD', 'MM/DD/YYYY']).optional(),
  currency: z.string().length(3).optional(),
  account: BankAccount.optional(),
  columns: z
    .object({
      bookingDate: Column,
      valueDate: Column.optional(),
      label: z.union([Column, z.array(Column)]).optional(),
      amount: Column.optional(),
      /** A column saying whether the amount is a debit or a credit (D/C, Sens: Débit/Crédit, DBIT/CRDT, +/-). */
      direction: Column.optional(),
      debit: Column.optional(),
      credit: Column.optional(),
      balance: Column.optional(),
      counterpartyName: Column.optional(),
      counterpartyIban: Column.optional(),
      bankReference: Column.optional(),
      endToEndId: Column.optional(),
      structured: Column.optional(),
      remittance: z.union([Column, z.array(Column)]).optional(),
      account: Column.optional(),
      currency: Column.optional(),
    })
    .refine(
      (c) => c.amount !== undefined || c.debit !== undefined || c.credit !== undefined,
      'an amount column, or debit/credit columns',
    ),
});
export type CsvMapping = z.infer<typeof CsvMapping>;
