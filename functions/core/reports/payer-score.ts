import { z } from 'zod';
import { daysBetween, type IsoDate } from '../dates';

/** One settled invoice of a customer: when it was due and when it was fully paid. */
export interface SettledInvoice {
  invoiceId: string;
  dueDate: IsoDate;
  paidDate: IsoDate;
  amountCents: number;
}

export const PayerTrend = z.enum(['improving', 'stable', 'worsening', 'unknown']);
export const PayerScore = z.object({
  customerId: z.string(),
  sampleSize: z.number().int().nonnegative(),
  /** Mean days paid after the due date, early payments counting as 0; null without history. */
  averageDaysLate: z.number().nullable(),
  /** Mean signed delay (early payments negative): what the cash-in forecast shifts due dates by. */
  averageDelayDays: z.number().nullable(),
  /** Share of invoices paid on or before their due date, 0..1; null without history. */
  onTimeShare: z.number().min(0).max(1).nullable(),
  /**
   * Recent payments (the latest third, at least 2) against the earlier ones: 2 days or more of difference is a trend.
   */
  trend: PayerTrend,
  /** Owed now and past due on the report date. */
  overdueCents: z.number().int().nonnegative(),
});
export type PayerScore = z.infer<typeof PayerScore>;

const round1 = (x: number) => Math.round(x * 10) / 10;
const mean = (xs: number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);

/** The payer score of a customer from its settled invoices (pure: the caller collects history and open items). */
export function payerScore(input: {
  customerId: string;
  settled: readonly SettledInvoice[];
  overdueCents?: number;
}): PayerScore {
  const settled = [...input.settled].sort(
    (a, b) => a.paidDate.localeCompare(b.paidDate) || a.invoiceId.localeCompare(b.invoiceId),
  );
  const delays = settled.map((s) => daysBetween(s.dueDate, s.paidDate));
  const late = delays.map((d) => Math.max(0, d));
  const n = settled.length;
  let trend: z.infer<typeof PayerTrend> = 'unknown';
  if (n >= 4) {
    const recentCount = Math.max(2, Math.floor(n / 3));
    const diff = mean(late.slice(n - recentCount)) - mean(late.slice(0, n - recentCount));
    trend = diff <= -2 ? 'improving' : diff >= 2 ? 'worsening' : 'stable';
  }
  return {
    customerId: input.customerId,
    sampleSize: n,
    averageDaysLate: n ? round1(mean(late)) : null,
    averageDelayDays: n ? round1(mean(delays)) : null,
    onTimeShare: n ? Math.round((delays.filter((d) => d <= 0).length / n) * 1000) / 1000 : null,
    trend,
    overdueCents: input.overdueCents ?? 0,
  };
}
