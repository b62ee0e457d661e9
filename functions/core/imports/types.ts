import { z } from 'zod';
import { IsoDate } from '../dates';
import { AmountCents, EntityId, singleLine } from '../model/fields';

/** One receivable read from an import file, before it is compared with what is stored. */
export const ImportedInvoice = z.object({
  invoiceId: EntityId,
  customerId: EntityId,
  customerName: singleLine(200).optional(),
  /** Normalized (no spaces, upper case), checked with the ISO 13616 mod-97 key. */
  customerIban: z.string().optional(),
  amountCents: AmountCents,
  currency: z.string().length(3),
  issueDate: IsoDate,
  dueDate: IsoDate,
});
export type ImportedInvoice = z.infer<typeof ImportedInvoice>;

/** A line (CSV) or a piece (FEC, several lines) of the file, read or refused with a reason. */
export type ParsedRow =
  | { line: number; ok: true; record: ImportedInvoice }
  | { line: number; ok: false; invoiceId?: string; reason: string };

export interface ParsedImport {
  format: 'csv' | 'fec';
  rows: ParsedRow[];
  /** Set when the file as a whole cannot be read (missing columns, not a FEC...): no row is imported. */
  fatal?: string;
  /** FEC: lines that were read but are not open receivables (lettered, not a 411 account...), for the report. */
  skippedLines?: number;
}

/** The IBAN helpers live in core/iban; re-exported for the callers that import them from core/imports. */
export { isValidIban, normalizeIban } from '../iban';
