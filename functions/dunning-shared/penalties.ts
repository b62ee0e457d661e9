import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../adapters/aws-clients';
import { tableName } from '../adapters/db/table';
import { computeLatePenalties, LatePenalties } from '../core/dunning/penalties';
import { Policy } from '../core/dunning/policy';
import { defaultRateTable, RateTable } from '../core/dunning/rates';
import { IsoDate } from '../core/dates';
import { Customer, Invoice } from '../core/model';

/**
 * The rate table finance maintains: CONFIG#RATES / RATES {rates: RateTable} when stored (a new half-year's ECB and
 * legal rates), else the table shipped in the code.
 */
export async function loadRateTable(): Promise<RateTable> {
  const res = await dynamo().send(new GetCommand({ TableName: tableName(), Key: { pk: 'CONFIG#RATES', sk: 'RATES' } }));
  const stored = res.Item?.rates;
  return stored ? RateTable.parse(stored) : defaultRateTable;
}

/**
 * L441-10 penalties and the €40 indemnity of an invoice as of a date, per its policy. A missing rate (a half-year
 * not yet in the table) throws UnknownRateError: the workflow fails and finance is alerted to add the rate; a letter
 * never guesses it.
 */
export function penaltiesOf(invoice: Invoice, customer: Customer, policy: Policy, asOf: IsoDate, formalNoticeDate: IsoDate | undefined, rates: RateTable): LatePenalties {
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
  });
}
