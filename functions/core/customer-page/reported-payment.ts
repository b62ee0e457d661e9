/**
 * What a payment the customer reports ("J'ai payé") may hold back: only the invoices its amount pays in full, so that
 * a token amount holds nothing. Pure: invoices and an amount in, invoice numbers out.
 *
 * The rule: an invoice whose open amount is exactly the amount reported (the customer paid that one, e.g. with its own
 * code) is the one paid; otherwise the amount pays the invoices oldest due first, each in full, and stops at the first
 * it cannot pay in full (a partly paid invoice goes on being chased: once the transfer is matched its reminders ask
 * only for the rest). Finance is told which invoices wait and when the amount falls short of what is owed.
 */
export interface ReportedPaymentCover<I extends { invoiceId: string; openCents: number }> {
  /** The invoices the amount pays in full: their reminders wait for the statement. */
  covered: I[];
  /** What the customer owes on the invoices considered (those not held by finance). */
  owedCents: number;
}

/** `invoices` oldest due first (as the page lists them), in the currency reported. */
export function coveredByReportedPayment<I extends { invoiceId: string; openCents: number }>(
  amountCents: number,
  invoices: readonly I[],
): ReportedPaymentCover<I> {
  const owedCents = invoices.reduce((sum, i) => sum + i.openCents, 0);
  const exact = invoices.find((i) => i.openCents === amountCents);
  if (exact) return { covered: [exact], owedCents };
  const covered: I[] = [];
  let left = amountCents;
  for (const invoice of invoices) {
    if (invoice.openCents > left) break;
    covered.push(invoice);
    left -= invoice.openCents;
  }
  return { covered, owedCents };
}
