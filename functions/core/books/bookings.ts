import type { Booking, BookLine, BooksAccounts } from './model';

/** The currency of the books: a receipt in another one is not exported (its euro value is not known here). */
export const BOOKS_CURRENCY = 'EUR';

/** A lettered bank transaction as the books need it (built by the adapter from the stored transaction). */
export interface LetteredReceipt {
  transactionId: string;
  bookingDate: string;
  bankReference?: string;
  /** The whole amount the bank credited (allocated or not); the allocations and the credit when not given. */
  amountCents?: number;
  /** The transaction's currency; EUR when not given. */
  currency?: string;
  allocations: { invoiceId: string; customerId: string; amountCents: number; writeOffCents: number }[];
  credit?: { customerId: string; amountCents: number };
}

/** A write-off finance recorded on an invoice ("passage en perte"). */
export interface WrittenOff {
  sourceId: string;
  invoiceId: string;
  customerId: string;
  date: string;
  amountCents: number;
}

const line = (
  l: Omit<BookLine, 'debitCents' | 'creditCents'> & { debitCents?: number; creditCents?: number },
): BookLine => ({ debitCents: 0, creditCents: 0, ...l });

/** A receipt or write-off the bank journal leaves out, and why (for the export's log). */
export interface SkippedBooking {
  sourceId: string;
  date: string;
  currency: string;
  amountCents: number;
  reason: 'foreign_currency';
}

/**
 * The bookings of the lettered receipts in euros, and the receipts in another currency left out: booked as euros they
 * would state a false amount, and the euro value of the cash is not known here.
 */
export function receiptBookings(
  receipts: readonly LetteredReceipt[],
  accounts: BooksAccounts,
  names: ReadonlyMap<string, string>,
): { bookings: Booking[]; skipped: SkippedBooking[] } {
  const bookings: Booking[] = [];
  const skipped: SkippedBooking[] = [];
  for (const r of receipts) {
    const currency = r.currency ?? BOOKS_CURRENCY;
    if (currency === BOOKS_CURRENCY) bookings.push(receiptBooking(r, accounts, names));
    else {
      const cash = r.amountCents ?? r.allocations.reduce((s, a) => s + a.amountCents, 0);
      skipped.push({
        sourceId: r.transactionId,
        date: r.bookingDate,
        currency,
        amountCents: cash,
        reason: 'foreign_currency',
      });
    }
  }
  return { bookings, skipped };
}

/**
 * The entry of one receipt in the bank journal: the bank account debited with the whole amount received, each
 * invoice's customer account (auxiliary account = the customer) credited (lettered by the plan), bank fees
 * written off within tolerance debited to the fee account, an overpayment credited to the customer-credit account,
 * and what no allocation took (a manual match of part of the credit) credited to the suspense account, so that the
 * bank account agrees with the statement.
 */
export function receiptBooking(
  r: LetteredReceipt,
  accounts: BooksAccounts,
  names: ReadonlyMap<string, string>,
): Booking {
  const name = (id: string) => names.get(id) ?? id;
  const cash = r.allocations.reduce((s, a) => s + a.amountCents, 0) + (r.credit?.amountCents ?? 0);
  const received = r.amountCents !== undefined && r.amountCents > 0 ? r.amountCents : cash;
  const payer = r.allocations[0]?.customerId ?? r.credit?.customerId ?? '';
  const lines: BookLine[] = [
    line({
      role: 'bank',
      account: accounts.bank,
      accountLabel: 'Banque',
      debitCents: received,
      label: `Encaissement ${name(payer)}`,
    }),
  ];
  for (const a of r.allocations) {
    lines.push(
      line({
        role: 'customer',
        account: accounts.customer,
        accountLabel: 'Clients',
        creditCents: a.amountCents + a.writeOffCents,
        customerId: a.customerId,
        customerName: name(a.customerId),
        invoiceId: a.invoiceId,
        label: `Règlement facture ${a.invoiceId}`,
      }),
    );
    if (a.writeOffCents > 0) {
      lines.push(
        line({
          role: 'fees',
          account: accounts.fees,
          accountLabel: 'Services bancaires',
          debitCents: a.writeOffCents,
          invoiceId: a.invoiceId,
          label: `Frais bancaires déduits ${a.invoiceId}`,
        }),
      );
    }
  }
  if (r.credit) {
    lines.push(
      line({
        role: 'credit',
        account: accounts.credit,
        accountLabel: 'Clients créditeurs',
        creditCents: r.credit.amountCents,
        customerId: r.credit.customerId,
        customerName: name(r.credit.customerId),
        label: `Trop-perçu ${name(r.credit.customerId)}`,
      }),
    );
  }
  const rest = received - cash;
  if (rest !== 0) {
    lines.push(
      line({
        role: 'suspense',
        account: accounts.suspense,
        accountLabel: 'Compte d’attente',
        ...(rest > 0 ? { creditCents: rest } : { debitCents: -rest }),
        label: `Encaissement non affecté ${name(payer)}`,
      }),
    );
  }
  return {
    sourceId: r.transactionId,
    kind: 'receipt',
    date: r.bookingDate,
    pieceRef: r.bankReference || r.transactionId,
    lines,
  };
}

/** A write-off: the bad-debt account debited, the customer account credited (lettered by the plan). */
export function writeOffBooking(w: WrittenOff, accounts: BooksAccounts, names: ReadonlyMap<string, string>): Booking {
  const name = names.get(w.customerId) ?? w.customerId;
  return {
    sourceId: w.sourceId,
    kind: 'write_off',
    date: w.date,
    pieceRef: w.invoiceId,
    lines: [
      line({
        role: 'writeOff',
        account: accounts.writeOff,
        accountLabel: 'Pertes sur créances irrécouvrables',
        debitCents: w.amountCents,
        invoiceId: w.invoiceId,
        label: `Passage en perte ${w.invoiceId}`,
      }),
      line({
        role: 'customer',
        account: accounts.customer,
        accountLabel: 'Clients',
        creditCents: w.amountCents,
        customerId: w.customerId,
        customerName: name,
        invoiceId: w.invoiceId,
        label: `Passage en perte ${w.invoiceId}`,
      }),
    ],
  };
}

/**
 * What makes two bookings of one source the same for the books: accounts by role, customers, invoices, amounts (not
 * names or labels).
 */
export function bookingIdentity(b: Booking): string {
  return JSON.stringify([
    b.kind,
    b.date,
    b.lines.map((l) => [l.role, l.customerId ?? '', l.invoiceId ?? '', l.debitCents, l.creditCents]),
  ]);
}
