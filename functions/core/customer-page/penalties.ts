import type { IsoDate } from '../dates';
import { penaltiesOf } from '../dunning/invoice-penalties';
import type { Policy } from '../dunning/policy';
import { type RateTable, UnknownRateError } from '../dunning/rates';
import type { Customer, Invoice } from '../model';

/** The late-payment interest and the fixed indemnity the page shows beside an invoice whose letters claim them. */
export interface PagePenalties {
  /** Absent while a half-year's rate is not known yet (`interestPending`): never a figure made up. */
  interestCents?: number;
  indemnityCents: number;
  /** The interest comes on top, its amount computed once the half-year's rate is published. */
  interestPending?: true;
}

/**
 * The letters' computation (penalties on each amount for the days it was owed), as of today. When a rate the days
 * need is not in the table, the indemnity, which needs none, is still shown, and the interest said to come on top.
 */
export function pagePenalties(
  invoice: Invoice,
  customer: Customer,
  policy: Policy,
  asOf: IsoDate,
  rates: RateTable,
  payments: { on: IsoDate; cents: number }[],
): PagePenalties {
  try {
    const p = penaltiesOf(invoice, customer, policy, asOf, asOf, rates, payments);
    return { interestCents: p.interestCents, indemnityCents: p.indemnityCents };
  } catch (err) {
    if (!(err instanceof UnknownRateError)) throw err;
    const noInterest = { ...policy, lateInterest: 'none' as const };
    const p = penaltiesOf(invoice, customer, noInterest, asOf, asOf, rates, payments);
    return policy.lateInterest === 'none'
      ? { indemnityCents: p.indemnityCents }
      : { indemnityCents: p.indemnityCents, interestPending: true };
  }
}
