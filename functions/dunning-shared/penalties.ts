import { computeLatePenalties, LatePenalties } from '../core/dunning/penalties';
import { Policy } from '../core/dunning/policy';
import { defaultRateTable } from '../core/dunning/rates';
import { IsoDate } from '../core/dates';
import { Customer, Invoice } from '../core/model';

/**
 * L441-10 penalties and the €40 indemnity of an invoice as of a date, per its policy. A missing rate (a half-year
 * not yet in the table) throws UnknownRateError: finance must add the rate, the letter must not guess it.
 */
export function penaltiesOf(invoice: Invoice, customer: Customer, policy: Policy, asOf: IsoDate, formalNoticeDate?: IsoDate): LatePenalties {
  return computeLatePenalties({
    principalCents: invoice.openCents,
    dueDate: invoice.dueDate,
    asOf,
    rates: defaultRateTable,
    contractRateBp: invoice.contractRateBp,
    debtor: customer.isBusiness ? 'business' : 'consumer',
    formalNoticeDate,
    lateInterest: policy.lateInterest,
    fixedIndemnity: policy.fixedIndemnity,
  });
}
