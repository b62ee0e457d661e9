import { halfYearOf, l441RateForHalf, legalRateForHalf, type RateTable } from '../dunning/rates';
import type { RateNotes, RateStatus } from './formal-notice';

/**
 * Where each half-year's rate of a letter comes from. The checked reference table (core/dunning/rates.ts, figures of
 * shared/reference/late-payment-rates.md) makes a rate 'published'; a half it lacks was entered by finance (rates API):
 * 'entered', or 'assumed' when finance marked its entry as an assumption (the local demo's carried-forward rates).
 */
export function rateStatusOf(
  half: string,
  kind: 'l441_10' | 'legal_rate',
  checked: RateTable,
  enteredIsAssumption: boolean,
): RateStatus {
  try {
    if (kind === 'legal_rate') legalRateForHalf(checked, half);
    else l441RateForHalf(checked, half);
    return 'published';
  } catch {
    return enteredIsAssumption ? 'assumed' : 'entered';
  }
}

/** The notes of a letter whose periods start on `dates`, and the last half the checked table holds. */
export function rateNotesFor(
  dates: string[],
  kind: 'l441_10' | 'legal_rate',
  checked: RateTable,
  enteredIsAssumption: boolean,
): RateNotes {
  const status: Record<string, RateStatus> = {};
  for (const half of new Set(dates.map(halfYearOf)))
    status[half] = rateStatusOf(half, kind, checked, enteredIsAssumption);
  const lastPublished =
    kind === 'legal_rate'
      ? checked.legalRate
          .map((r) => r.half)
          .sort()
          .pop()
      : halfYearOf(
          checked.ecbMroKnownThrough ?? [...checked.ecbMro].sort((a, b) => (a.from < b.from ? -1 : 1)).pop()!.from,
        );
  return { status, lastPublished };
}
