import { z } from 'zod';
import { IsoDate } from '../dates';

/** One receivable read from an import file, before it is compared with what is stored. */
export const ImportedInvoice = z.object({
  invoiceId: z.string().min(1).max(64),
  customerId: z.string().min(1).max(64),
  customerName: z.string().max(200).optional(),
  /** Normalized (no spaces, upper case), checked with the ISO 13616 mod-97 key. */
  customerIban: z.string().optional(),
  amountCents: z.number().int().positive(),
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

/** ISO 13616 check: country, two check digits, then the BBAN; the mod-97 remainder must be 1. */
export function isValidIban(iban: string): boolean {
  const s = iban.replace(/\s+/g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(s)) return false;
  const rearranged = s.slice(4) + s.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const code = ch.charCodeAt(0);
    const digits = code >= 65 ? String(code - 55) : ch;
    for (const d of digits) remainder = (remainder * 10 + Number(d)) % 97;
  }
  return remainder === 1;
}

export function normalizeIban(iban: string): string {
  return iban.replace(/\s+/g, '').toUpperCase();
}
