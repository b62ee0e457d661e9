import { halfYearOf, l441RateForHalf, legalRateForHalf, type RateProvenance, type RateTable } from '../dunning/rates';
import type { RateNote, RateNotes, RateStatus } from './formal-notice';

type Kind = 'l441_10' | 'legal_rate';

/**
 * Where a half-year's rate comes from. The checked reference table (core/dunning/rates.ts, figures of
 * shared/reference/late-payment-rates.md) makes a rate 'published'; a half it lacks was entered by finance (rates
 * API): 'entered', or 'assumed' when finance's entry for that half-year and that rate says it is an assumption.
 */
export function rateStatusOf(half: string, kind: Kind, checked: RateTable, provenance: RateProvenance[]): RateStatus {
  if (known(() => rateOf(checked, half, kind))) return 'published';
  const rate = kind === 'l441_10' ? 'ecb_mro' : 'legal_rate';
  return provenance.some((p) => p.half === half && p.rate === rate && p.assumption) ? 'assumed' : 'entered';
}

/**
 * A half-year's rate as the letter speaks of it: its status and, for an assumption, the closest earlier half-year
 * that is not an assumption when the assumed figure repeats its rate (the note then says "at the rate of <half>").
 */
export function rateNoteOf(
  half: string,
  kind: Kind,
  checked: RateTable,
  rates: RateTable,
  provenance: RateProvenance[],
): RateNote {
  const status = rateStatusOf(half, kind, checked, provenance);
  if (status !== 'assumed') return { status };
  for (let before = previousHalf(half), i = 0; i < 20; before = previousHalf(before), i++) {
    if (!known(() => rateOf(rates, before, kind))) return { status };
    if (rateStatusOf(before, kind, checked, provenance) === 'assumed') continue;
    return rateOf(rates, before, kind) === rateOf(rates, half, kind) ? { status, carriedFrom: before } : { status };
  }
  return { status };
}

/**
 * The notes of a business letter whose periods start on `dates`: the L441-10 rate (the ECB's) of each half-year, and
 * the legal rate too, which a contract rate floored at three times the legal rate uses.
 */
export function rateNotesFor(
  dates: string[],
  checked: RateTable,
  rates: RateTable,
  provenance: RateProvenance[],
): RateNotes {
  const l441: Record<string, RateNote> = {};
  const legal: Record<string, RateNote> = {};
  for (const half of new Set(dates.map(halfYearOf))) {
    if (known(() => rateOf(rates, half, 'l441_10')))
      l441[half] = rateNoteOf(half, 'l441_10', checked, rates, provenance);
    if (known(() => rateOf(rates, half, 'legal_rate')))
      legal[half] = rateNoteOf(half, 'legal_rate', checked, rates, provenance);
  }
  return { l441, legal };
}

function rateOf(table: RateTable, half: string, kind: Kind): number {
  return kind === 'l441_10' ? l441RateForHalf(table, half) : legalRateForHalf(table, half);
}

function known(f: () => unknown): boolean {
  try {
    f();
    return true;
  } catch {
    return false;
  }
}

function previousHalf(half: string): string {
  const year = Number(half.slice(0, 4));
  return half.endsWith('H2') ? `${year}-H1` : `${year - 1}-H2`;
}
