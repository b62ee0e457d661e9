import { z } from 'zod';
import { BankAccount, type Statement } from '../model/statement';
import { csvReader } from './csv-reader';
import { StatementParseError } from './errors';

export { csvRecords, normalizeHeader } from './csv-fields';
export { detectDelimiter, findCsvHeader } from './csv-header';
export { type CsvReader, csvReader } from './csv-reader';

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

/**
 * French bank portal CSV exports: delimiter (; , tab |) and header line found automatically (a date column and either a
 * signed Montant or Débit/Crédit columns), decimal comma or point, DD/MM/YYYY dates. A Solde column (balance after each
 * row, oldest or newest first) gives opening and closing balances and a real balance check. A Compte column splits the
 * rows into one statement per account. Or an explicit `mapping` for any other layout.
 */
export function parseCsv(text: string, mapping?: CsvMapping, firstIndex = 0): Statement[] {
  const reader = csvReader(checkedMapping(mapping), { firstIndex });
  reader.write(text);
  return reader.end();
}

/** The mapping as its schema reads it, or a `missing_field` error saying what is wrong with it. */
export function checkedMapping(mapping: CsvMapping | undefined): CsvMapping | undefined {
  if (!mapping) return undefined;
  const m = CsvMapping.safeParse(mapping);
  if (!m.success)
    throw new StatementParseError(
      'missing_field',
      `invalid CSV mapping: ${m.error.issues.map((i) => i.message).join('; ')}`,
    );
  return m.data;
}
