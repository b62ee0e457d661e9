import { z } from 'zod';
import { addDays, daysBetween, IsoDate } from '../dates';
import type { Invoice } from '../model';

export const ForecastWeek = z.object({
  /** Monday of the week (ISO week). */
  weekStart: IsoDate,
  expectedCents: z.number().int().nonnegative(),
  invoiceCount: z.number().int().nonnegative(),
});
export const CashForecast = z.object({
  asOf: IsoDate,
  currency: z.string().length(3),
  weeks: z.array(ForecastWeek),
  /** Expected after the last week shown. */
  laterCents: z.number().int().nonnegative(),
  /** Of the weeks and later: owed invoices handed to the collection agency, expected like the others. */
  inCollectionCents: z.number().int().nonnegative(),
  /**
   * Left out of the weeks: disputed invoices, and invoices paused for another reason than a payment promise (nobody can
   * date that cash).
   */
  excluded: z.object({
    disputedCents: z.number().int().nonnegative(),
    pausedCents: z.number().int().nonnegative(),
  }),
});
export type CashForecast = z.infer<typeof CashForecast>;

export function mondayOf(date: IsoDate): IsoDate {
  const dow = new Date(`${date}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  return addDays(date, -((dow + 6) % 7));
}

/**
 * When the open amount of an invoice is expected: its due date shifted by the customer's observed average delay (0 when
 * unknown), or the promised date of a payment promise; never before `asOf` (what is already late is expected this
 * week).
 */
export function expectedPaymentDate(invoice: Invoice, averageDelayDays: number | undefined, asOf: IsoDate): IsoDate {
  const promised = invoice.pause?.reason === 'promise' ? invoice.pause.until : undefined;
  const expected = promised ?? addDays(invoice.dueDate, Math.round(averageDelayDays ?? 0));
  return expected < asOf ? asOf : expected;
}

/** Weekly cash-in forecast of one currency from the open invoices and each customer's observed payment delay. */
export function cashInForecast(input: {
  invoices: Iterable<Invoice>;
  averageDelayDays: ReadonlyMap<string, number>;
  asOf: IsoDate;
  weeks?: number;
  currency?: string;
}): CashForecast {
  const currency = input.currency ?? 'EUR';
  const first = mondayOf(input.asOf);
  const weeks = Array.from({ length: input.weeks ?? 12 }, (_, i) => ({
    weekStart: addDays(first, 7 * i),
    expectedCents: 0,
    invoiceCount: 0,
  }));
  const result: CashForecast = {
    asOf: input.asOf,
    currency,
    weeks,
    laterCents: 0,
    inCollectionCents: 0,
    excluded: { disputedCents: 0, pausedCents: 0 },
  };
  for (const inv of input.invoices) {
    if (inv.currency !== currency || inv.openCents <= 0) continue;
    if (inv.status !== 'open' && inv.status !== 'partially_paid' && inv.status !== 'in_collection') continue;
    if (inv.pause?.reason === 'dispute') {
      result.excluded.disputedCents += inv.openCents;
      continue;
    }
    if (inv.pause && inv.pause.reason !== 'promise') {
      result.excluded.pausedCents += inv.openCents;
      continue;
    }
    if (inv.status === 'in_collection') result.inCollectionCents += inv.openCents;
    const at = expectedPaymentDate(inv, input.averageDelayDays.get(inv.customerId), input.asOf);
    const w = Math.floor(daysBetween(first, at) / 7);
    if (w < weeks.length) {
      weeks[w].expectedCents += inv.openCents;
      weeks[w].invoiceCount++;
    } else result.laterCents += inv.openCents;
  }
  return result;
}
