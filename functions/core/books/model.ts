import { z } from 'zod';
import { IsoDate } from '../dates';

/** A month, "2026-11": the period of one export. */
export const Period = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month YYYY-MM');
export type Period = z.infer<typeof Period>;

/** What a line of an entry is for; the account number comes from the settings through it. */
export const AccountRole = z.enum(['bank', 'customer', 'fees', 'writeOff', 'credit', 'suspense']);
export type AccountRole = z.infer<typeof AccountRole>;

/** The general-ledger accounts of the export (French chart of accounts, PCG), from the settings. */
export const BooksAccounts = z.object({
  journalCode: z.string().regex(/^[A-Z0-9]{1,8}$/, 'a journal code of 1 to 8 capitals or digits, e.g. BQ'),
  journalLabel: z.string().min(1).max(60),
  bank: z.string().regex(/^512[0-9A-Z]*$/, 'a bank account of class 512, e.g. 512000'),
  customer: z.string().regex(/^411[0-9A-Z]*$/, 'a customer account of class 411, e.g. 411000'),
  fees: z.string().regex(/^627[0-9A-Z]*$/, 'a bank-fee account of class 627, e.g. 627000'),
  writeOff: z.string().regex(/^654[0-9A-Z]*$/, 'a bad-debt account of class 654, e.g. 654000'),
  credit: z.string().regex(/^419[0-9A-Z]*$/, 'a customer-credit account of class 419, e.g. 419100'),
  /** Cash received and not allocated yet (a manual match of part of a credit): "compte d'attente". */
  suspense: z
    .string()
    .regex(/^471[0-9A-Z]*$/, 'a suspense account of class 471, e.g. 471000')
    .default('471000'),
});
export type BooksAccounts = z.infer<typeof BooksAccounts>;
export const defaultBooksAccounts: BooksAccounts = {
  journalCode: 'BQ',
  journalLabel: 'Banque',
  bank: '512000',
  customer: '411000',
  fees: '627000',
  writeOff: '654000',
  credit: '419100',
  suspense: '471000',
};

export const BookLine = z.object({
  role: AccountRole,
  account: z.string(),
  accountLabel: z.string(),
  debitCents: z.number().int().nonnegative(),
  creditCents: z.number().int().nonnegative(),
  customerId: z.string().optional(),
  customerName: z.string().optional(),
  /** The invoice the line settles: its PieceRef and lettrage code. */
  invoiceId: z.string().optional(),
  /** Lettrage date (AAAAMMJJ in the file) when the line is lettered to its invoice. */
  letteredOn: IsoDate.optional(),
  label: z.string(),
});
export type BookLine = z.infer<typeof BookLine>;

/** What one source (a lettered bank transaction, a write-off) puts in the books. */
export const Booking = z.object({
  sourceId: z.string(),
  kind: z.enum(['receipt', 'write_off']),
  date: IsoDate,
  pieceRef: z.string(),
  lines: z.array(BookLine).min(2),
});
export type Booking = z.infer<typeof Booking>;

/** One entry of an export: a booking as it is, or the reversal of one exported before ("contre-passation"). */
export const ExportEntry = z.object({
  num: z.string(),
  date: IsoDate,
  action: z.enum(['book', 'reverse']),
  booking: Booking,
});
export type ExportEntry = z.infer<typeof ExportEntry>;

/** The export of one month: frozen ("closed") once the month is over, or provisional while it runs. */
export const PeriodExport = z.object({
  period: Period,
  status: z.enum(['closed', 'provisional']),
  entries: z.array(ExportEntry),
});
export type PeriodExport = z.infer<typeof PeriodExport>;
