import { addDays, isValidIsoDate } from '../dates';
import { idProblem, lineProblem, MAX_AMOUNT_CENTS } from '../model/fields';
import { MoneyFormatError, parseAmountToCents } from '../money';
import { detectSeparator, firstLine, splitRecords } from './delimited';
import type { ParsedImport, ParsedRow } from './types';

/**
 * The French FEC ("Fichier des Écritures Comptables", article A47 A-1 du Livre des procédures fiscales): the legal
 * export
 * of every French accounting package, 18 columns, tab- or pipe-separated, dates AAAAMMJJ, amounts with a decimal comma.
 */
export const fecColumns = [
  'JournalCode',
  'JournalLib',
  'EcritureNum',
  'EcritureDate',
  'CompteNum',
  'CompteLib',
  'CompAuxNum',
  'CompAuxLib',
  'PieceRef',
  'PieceDate',
  'EcritureLib',
  'Debit',
  'Credit',
  'EcritureLet',
  'DateLet',
  'ValidDate',
  'Montantdevise',
  'Idevise',
] as const;
type FecColumn = (typeof fecColumns)[number];

export interface FecOptions {
  /** The FEC has no due date: it is the piece date plus the customer's payment terms (default 30 days). */
  paymentTermsDays?: (customerId: string) => number | undefined;
  defaultPaymentTermsDays?: number;
  /** Customer accounts: 411 (clients) by default; some charts use 416 for doubtful debtors too. */
  accountPrefixes?: string[];
}

interface Piece {
  line: number;
  invoiceId: string;
  customerId: string;
  customerName?: string;
  netCents: number;
  foreignCents: number;
  currency: string;
  date?: string;
  problems: string[];
  /** Lines of the piece, and whether one of them is not lettered (a fully lettered piece is closed). */
  lines: number;
  open: boolean;
}

/**
 * Reads the open receivables of a FEC: the lines of customer accounts (411...) grouped by piece and customer
 * (CompAuxNum,
 * else CompteNum). A piece whose lines are all lettered (EcritureLet) is closed; otherwise every line of it counts,
 * lettered
 * or not (a payment lettered on the invoice's piece, as encaisse's own export writes it, settles that much of it). A
 * group
 * whose net balance is a debit is an open invoice;
 * a net credit (unlettered payment or credit note) is reported as refused with the reason. Each group reports the line
 * of
 * its first entry.
 */
export function parseFec(text: string, options: FecOptions = {}): ParsedImport {
  const header = firstLine(text);
  const separator = detectSeparator(header, ['\t', '|', ';']);
  const records = splitRecords(text, separator, false);
  if (records.length === 0)
    return { format: 'fec', rows: [], fatal: 'empty file: expected the FEC header line (JournalCode...Idevise)' };
  const names = records[0].fields.map((f) => f.trim().toLowerCase());
  const index = new Map<string, number>();
  for (const [i, n] of names.entries()) index.set(n, i);
  const missing = fecColumns.filter(
    (c) => !['montantdevise', 'idevise'].includes(c.toLowerCase()) && !index.has(c.toLowerCase()),
  );
  if (missing.length > 0) {
    return {
      format: 'fec',
      rows: [],
      fatal:
        `not a FEC: missing column(s) ${missing.join(', ')} (tab- or pipe-separated, 18 columns ` +
        `JournalCode..Idevise)`,
    };
  }
  const prefixes = options.accountPrefixes ?? ['411'];
  const pieces = new Map<string, Piece>();
  const rows: ParsedRow[] = [];
  let skipped = 0;
  for (const rec of records.slice(1)) {
    const get = (c: FecColumn) => {
      const i = index.get(c.toLowerCase());
      return i === undefined ? '' : (rec.fields[i] ?? '').trim();
    };
    const account = get('CompteNum');
    const lettered = get('EcritureLet') !== '';
    if (!prefixes.some((p) => account.startsWith(p))) {
      skipped++;
      continue;
    }
    const invoiceId = get('PieceRef') || get('EcritureNum');
    const customerId = get('CompAuxNum') || account;
    if (lettered && (!invoiceId || invoiceId.length > 64 || customerId.length > 64)) {
      skipped++;
      continue;
    }
    if (!invoiceId) {
      rows.push({ line: rec.line, ok: false, reason: 'PieceRef: empty (and no EcritureNum)' });
      continue;
    }
    if (invoiceId.length > 64 || customerId.length > 64) {
      rows.push({
        line: rec.line,
        ok: false,
        invoiceId: invoiceId.slice(0, 64),
        reason: 'PieceRef or CompAuxNum: longer than 64 characters',
      });
      continue;
    }
    const badId = idProblem(invoiceId) ?? idProblem(customerId);
    if (badId) {
      rows.push({ line: rec.line, ok: false, reason: `PieceRef or CompAuxNum: ${badId}` });
      continue;
    }
    const key = `${customerId}\u0000${invoiceId}`;
    let piece = pieces.get(key);
    if (!piece) {
      piece = {
        line: rec.line,
        invoiceId,
        customerId,
        netCents: 0,
        foreignCents: 0,
        currency: 'EUR',
        problems: [],
        lines: 0,
        open: false,
      };
      pieces.set(key, piece);
    }
    piece.lines++;
    if (!lettered) piece.open = true;
    piece.customerName ??= get('CompAuxLib') || get('CompteLib') || undefined;
    const badName = piece.customerName && lineProblem(piece.customerName);
    if (badName && !piece.problems.length) piece.problems.push(`CompAuxLib: ${badName}`);
    const date = fecDate(get('PieceDate')) ?? fecDate(get('EcritureDate'));
    if (!date) piece.problems.push(`line ${rec.line}: PieceDate/EcritureDate not a date AAAAMMJJ`);
    else if (!piece.date || date < piece.date) piece.date = date;
    try {
      const debit = get('Debit') ? parseAmountToCents(get('Debit')) : 0;
      const credit = get('Credit') ? parseAmountToCents(get('Credit')) : 0;
      piece.netCents += debit - credit;
      const currency = get('Idevise').toUpperCase();
      if (currency && currency !== 'EUR') {
        if (!/^[A-Z]{3}$/.test(currency)) piece.problems.push(`line ${rec.line}: Idevise not an ISO 4217 code`);
        piece.currency = currency;
        const foreign = Math.abs(parseAmountToCents(get('Montantdevise') || '0'));
        piece.foreignCents += debit - credit >= 0 ? foreign : -foreign;
      }
    } catch (err) {
      if (!(err instanceof MoneyFormatError)) throw err;
      piece.problems.push(`line ${rec.line}: Debit/Credit/Montantdevise not an amount ("${err.input}")`);
    }
  }
  const defaultTerms = options.defaultPaymentTermsDays ?? 30;
  for (const p of pieces.values()) {
    const fail = (reason: string) => rows.push({ line: p.line, ok: false, invoiceId: p.invoiceId, reason });
    if (!p.open) {
      skipped += p.lines;
      continue;
    }
    if (p.problems.length > 0) {
      fail(p.problems.join('; '));
      continue;
    }
    const amountCents = p.currency === 'EUR' ? p.netCents : p.foreignCents;
    if (p.netCents === 0) {
      fail('balanced piece: nothing left to collect (not lettered, but debit equals credit)');
      continue;
    }
    if (p.netCents < 0 || amountCents <= 0) {
      fail('net credit balance: an unlettered payment or credit note, not a receivable');
      continue;
    }
    if (amountCents > MAX_AMOUNT_CENTS) {
      fail('amount: more than 100,000,000,000.00');
      continue;
    }
    const terms = options.paymentTermsDays?.(p.customerId) ?? defaultTerms;
    const issueDate = p.date as string;
    rows.push({
      line: p.line,
      ok: true,
      record: {
        invoiceId: p.invoiceId,
        customerId: p.customerId,
        customerName: p.customerName,
        amountCents,
        currency: p.currency,
        issueDate,
        dueDate: addDays(issueDate, terms),
      },
    });
  }
  rows.sort((a, b) => a.line - b.line);
  return { format: 'fec', rows, skippedLines: skipped };
}

/** AAAAMMJJ (the FEC norm), tolerating YYYY-MM-DD and DD/MM/YYYY which some packages write. */
function fecDate(s: string): string | undefined {
  let iso = s;
  if (/^\d{8}$/.test(s)) iso = `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
  const fr = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(s);
  if (fr) iso = `${fr[3]}-${fr[2]}-${fr[1]}`;
  return isValidIsoDate(iso) ? iso : undefined;
}
