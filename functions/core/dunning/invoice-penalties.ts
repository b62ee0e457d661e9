import type { IsoDate } from '../dates';
import type { Customer, Invoice } from '../model';
import { computeLatePenalties, type LatePenalties } from './penalties';
import type { Policy } from './policy';
import type { RateTable } from './rates';

/**
 * L441-10 penalties and the €40 indemnity of an invoice as of a date, per its policy. A missing rate (a half-year
 * not yet in the table) throws UnknownRateError: the workflow fails and finance is alerted to add the rate; a letter
 * never guesses it.
 */
export function penaltiesOf(
  invoice: Invoice,
  customer: Customer,
  policy: Policy,
  asOf: IsoDate,
  formalNoticeDate: IsoDate | undefined,
  rates: RateTable,
  /** The cash allocated to the invoice with its booking dates: penalties run on each amount until it was paid. */
  payments: { on: IsoDate; cents: number }[] = [],
): LatePenalties {
  return computeLatePenalties({
    principalCents: invoice.openCents,
    dueDate: invoice.dueDate,
    asOf,
    rates,
    contractRateBp: invoice.contractRateBp,
    debtor: customer.isBusiness ? 'business' : 'consumer',
    formalNoticeDate,
    lateInterest: policy.lateInterest,
    fixedIndemnity: policy.fixedIndemnity,
    payments,
  });
}
