import { addDays, daysBetween, type IsoDate } from '../dates';
import { halfYearEnd, halfYearOf, halfYearStart, l441RateForHalf, legalRateForHalf, type RateTable } from './rates';

/**
 * Late-payment penalties.
 *
 * - Business debtor (Code de commerce L441-10): interest runs from the day AFTER the due date up to and including
 *   `asOf`. Default rate = ECB MRO in force on 1 January (days in January-June) or 1 July (July-December) + 1000 bp.
 *   A contract rate replaces it, but never below 3 x the legal interest rate "other cases" of the same half-year.
 *   Plus the fixed recovery indemnity of €40 (4000 cents) per invoice (D441-5) once the invoice is late.
 * - Consumer debtor (Code civil 1231-6): no indemnity; interest at the legal rate runs from the formal notice:
 *   from the day after `formalNoticeDate` (and never before the day after the due date); none without a notice.
 * - A late period spanning half-years is split: each half-year's days at that half-year's rate.
 * - A payment allocated after the due date splits the period: the amount it paid bears interest until the day before
 *   its booking date, what is still owed until `asOf`.
 * - Day count Actual/365 (365 also in leap years). Each period's interest is
 *   amount owed x rateBp x days / (10 000 x 365), rounded half-up to the cent ONCE PER PERIOD (integer arithmetic);
 *   the interest is the sum of the rounded periods.
 * - A rate missing from the table throws UnknownRateError naming the half-year (never a silent default).
 */
export type PenaltyBasis = 'l441_10' | 'contract' | 'legal_rate' | 'none';

export interface PenaltyPeriod {
  from: IsoDate;
  to: IsoDate;
  days: number;
  rateBp: number;
  cents: number;
  /** The amount owed during the period, the interest's base: what is still owed plus what was paid after it. */
  baseCents: number;
  /** A contract rate raised to its floor, three times the legal interest rate of the half-year (L441-10). */
  floored?: boolean;
}

export interface LatePenalties {
  periods: PenaltyPeriod[];
  interestCents: number;
  indemnityCents: number;
  /** interestCents + indemnityCents (the penalties, principal excluded). */
  totalCents: number;
  /** principalCents + totalCents. */
  amountDueCents: number;
  basis: PenaltyBasis;
  daysLate: number;
}

export interface LatePenaltiesInput {
  principalCents: number;
  dueDate: IsoDate;
  asOf: IsoDate;
  rates: RateTable;
  contractRateBp?: number;
  debtor: 'business' | 'consumer';
  formalNoticeDate?: IsoDate;
  /** Who the creditor is, for the legal-rate column (an SME: 'business', the default). */
  creditor?: 'business' | 'private';
  /** The policy's choice: 'none' waives interest. Default: the law's rule for the debtor. */
  lateInterest?: 'l441_10' | 'legal_rate' | 'none';
  /** The policy's choice to claim the €40 indemnity (business debtors only). Default true. */
  fixedIndemnity?: boolean;
  /**
   * The cash allocated to the invoice, by booking date: each amount was owed until the day before (`principalCents`
   * is what is still owed). Interest runs on each amount for the days it was owed.
   */
  payments?: { on: IsoDate; cents: number }[];
}

export const FIXED_INDEMNITY_CENTS = 4000;
const YEAR_DAYS = 365n;

/** round(numerator / denominator) half-up, for non-negative integers. */
function divRoundHalfUp(numerator: bigint, denominator: bigint): bigint {
  return (2n * numerator + denominator) / (2n * denominator);
}

export function interestCents(principalCents: number, rateBp: number, days: number): number {
  if (!Number.isSafeInteger(principalCents) || principalCents < 0)
    throw new RangeError(`principal must be non-negative integer cents: ${principalCents}`);
  if (days <= 0 || rateBp <= 0) return 0;
  return Number(divRoundHalfUp(BigInt(principalCents) * BigInt(rateBp) * BigInt(days), 10_000n * YEAR_DAYS));
}

/** Splits the inclusive date range [from, to] by half-year. */
export function splitByHalfYear(from: IsoDate, to: IsoDate): { from: IsoDate; to: IsoDate; half: string }[] {
  const out: { from: IsoDate; to: IsoDate; half: string }[] = [];
  let start = from;
  while (start <= to) {
    const half = halfYearOf(start);
    const end = halfYearEnd(half) < to ? halfYearEnd(half) : to;
    out.push({ from: start, to: end, half });
    start = addDays(end, 1);
  }
  return out;
}

export function computeLatePenalties(input: LatePenaltiesInput): LatePenalties {
  const { principalCents, dueDate, asOf, rates, debtor } = input;
  const daysLate = Math.max(0, daysBetween(dueDate, asOf));
  const indemnityCents =
    debtor === 'business' && input.fixedIndemnity !== false && daysLate > 0 && principalCents > 0
      ? FIXED_INDEMNITY_CENTS
      : 0;

  let basis: PenaltyBasis;
  let start: IsoDate | undefined = addDays(dueDate, 1);
  let rateFor: (half: string) => number;
  if (input.lateInterest === 'none') {
    basis = 'none';
    start = undefined;
    rateFor = () => 0;
  } else if (debtor === 'consumer' || input.lateInterest === 'legal_rate') {
    // B2B debtors owe L441-10 whatever the policy says; 'legal_rate' only changes consumers' rule, which is the default
    // for them.
    if (debtor === 'business') {
      basis = input.contractRateBp ? 'contract' : 'l441_10';
      rateFor = businessRate(input);
    } else {
      basis = 'legal_rate';
      if (!input.formalNoticeDate) start = undefined;
      else {
        const afterNotice = addDays(input.formalNoticeDate, 1);
        if (afterNotice > start) start = afterNotice;
      }
      rateFor = (half) => legalRateForHalf(rates, half, input.creditor ?? 'business');
    }
  } else {
    basis = input.contractRateBp ? 'contract' : 'l441_10';
    rateFor = businessRate(input);
  }

  const periods: PenaltyPeriod[] = [];
  if (start && start <= asOf && principalCents > 0) {
    const payments = input.payments ?? [];
    for (const part of splitByHalfYear(start, asOf)) {
      const rateBp = rateFor(part.half);
      const floored = basis === 'contract' && rateBp !== input.contractRateBp;
      for (const piece of splitAtPayments(part.from, part.to, payments)) {
        const baseCents = principalCents + payments.filter((p) => p.on > piece.from).reduce((t, p) => t + p.cents, 0);
        const days = daysBetween(piece.from, piece.to) + 1;
        periods.push({
          from: piece.from,
          to: piece.to,
          days,
          rateBp,
          cents: interestCents(baseCents, rateBp, days),
          baseCents,
          ...(floored ? { floored } : {}),
        });
      }
    }
  }
  const interest = periods.reduce((s, p) => s + p.cents, 0);
  return {
    periods,
    interestCents: interest,
    indemnityCents,
    totalCents: interest + indemnityCents,
    amountDueCents: principalCents + interest + indemnityCents,
    basis,
    daysLate,
  };
}

/** Splits [from, to] where a payment stops part of the amount being owed (a payment on day P: owed until P - 1). */
function splitAtPayments(from: IsoDate, to: IsoDate, payments: { on: IsoDate }[]): { from: IsoDate; to: IsoDate }[] {
  const cuts = [...new Set(payments.map((p) => p.on).filter((on) => on > from && on <= to))].sort();
  const out: { from: IsoDate; to: IsoDate }[] = [];
  let start = from;
  for (const cut of cuts) {
    out.push({ from: start, to: addDays(cut, -1) });
    start = cut;
  }
  out.push({ from: start, to });
  return out;
}

function businessRate(input: LatePenaltiesInput): (half: string) => number {
  const { rates, contractRateBp } = input;
  if (contractRateBp) {
    return (half) => Math.max(contractRateBp, 3 * legalRateForHalf(rates, half, 'business'));
  }
  return (half) => l441RateForHalf(rates, half);
}

export { halfYearStart };
