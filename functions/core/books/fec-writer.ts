import { compactDate as fecDate } from '../dates';
import { fecColumns } from '../imports/fec';
import { formatCents } from '../money';
import type { BookLine, ExportEntry, PeriodExport } from './model';

export type BooksFormat = 'fec' | 'csv';

/** "1234,56": decimal comma, no thousands separator, as the FEC norm asks. */
export const fecAmount = (cents: number): string => formatCents(cents, ',');

/** A field of a tab-separated FEC holds no tab, pipe or line break. */
const clean = (s: string) => s.replace(/[\t|\r\n]+/g, ' ').trim();
/** A field of the CSV variant is quoted when it holds the separator, a quote or a line break (RFC 4180). */
const quoted = (s: string) => (/[;"\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);

function rowsOf(entry: ExportEntry, journal: { code: string; label: string }): string[][] {
  const reverse = entry.action === 'reverse';
  return entry.booking.lines.map((l: BookLine) => {
    const debit = reverse ? l.creditCents : l.debitCents;
    const credit = reverse ? l.debitCents : l.creditCents;
    const lettered = !reverse && l.letteredOn !== undefined && l.invoiceId !== undefined;
    return [
      journal.code,
      journal.label,
      entry.num,
      fecDate(entry.date),
      l.account,
      l.accountLabel,
      l.role === 'customer' || l.role === 'credit' ? (l.customerId ?? '') : '',
      l.role === 'customer' || l.role === 'credit' ? (l.customerName ?? '') : '',
      l.role === 'customer' && l.invoiceId ? l.invoiceId : entry.booking.pieceRef,
      fecDate(entry.booking.date),
      reverse ? `Annulation ${l.label}` : l.label,
      fecAmount(debit),
      fecAmount(credit),
      lettered ? (l.invoiceId as string) : '',
      lettered ? fecDate(l.letteredOn as string) : '',
      fecDate(entry.date),
      '',
      '',
    ];
  });
}

/**
 * The export as a file: the FEC (article A47 A-1 LPF: 18 columns, tab-separated, dates AAAAMMJJ, decimal comma,
 * CRLF) or its CSV variant (same columns, ';'-separated, quoted when needed). Same entries, same bytes.
 */
export function renderBooks(exp: PeriodExport, format: BooksFormat, journal: { code: string; label: string }): string {
  const rows = exp.entries.flatMap((e) => rowsOf(e, journal));
  if (format === 'fec')
    return `${[fecColumns.join('\t'), ...rows.map((r) => r.map(clean).join('\t'))].join('\r\n')}\r\n`;
  return `${[fecColumns.join(';'), ...rows.map((r) => r.map((f) => quoted(f.replace(/[\r\n]+/g, ' '))).join(';'))].join(
    '\r\n',
  )}\r\n`;
}

/**
 * The file name: the FEC norm's "<SIREN>FEC<AAAAMMJJ>" needs the SIREN, which encaisse does not hold; the period says
 * which month.
 */
export function booksFileName(period: string, format: BooksFormat): string {
  return `encaisse-${format === 'fec' ? 'FEC' : 'ecritures'}-${period}.${format === 'fec' ? 'txt' : 'csv'}`;
}
