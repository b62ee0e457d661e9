/** What finance typed in "other invoice(s)": `F-1, F-2:120,50` (an amount after a colon is optional). */
export interface PickedInvoice {
  invoiceId: string;
  amountCents?: number;
}

export function parsePicked(text: string, parseAmount: (s: string) => number | undefined): PickedInvoice[] | string {
  const out: PickedInvoice[] = [];
  for (const part of text
    .split(/[;\s]+|,(?!\d)/)
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [id, amount] = part.split(':').map((s) => s.trim());
    if (!id) return part;
    if (amount === undefined) out.push({ invoiceId: id });
    else {
      const cents = parseAmount(amount);
      if (cents === undefined || cents <= 0) return part;
      out.push({ invoiceId: id, amountCents: cents });
    }
  }
  return out;
}

/**
 * Allocations of a credit to the invoices picked: a given amount is kept as typed; the others get, in order, what
 * they still owe, up to what is left of the credit. Invoices that would get nothing are dropped.
 */
export function planAllocations(
  creditCents: number,
  picked: PickedInvoice[],
  openCents: (invoiceId: string) => number,
): { invoiceId: string; amountCents: number }[] {
  let left = creditCents - picked.reduce((s, p) => s + (p.amountCents ?? 0), 0);
  const plan = picked.map((p) => {
    if (p.amountCents !== undefined) return { invoiceId: p.invoiceId, amountCents: p.amountCents };
    const amount = Math.max(0, Math.min(openCents(p.invoiceId), left));
    left -= amount;
    return { invoiceId: p.invoiceId, amountCents: amount };
  });
  return plan.filter((a) => a.amountCents > 0);
}
