import { z } from 'zod';
import { IsoDate } from '../dates';

/**
 * Late-payment rates as DATA (they change twice a year). Figures from shared/reference/late-payment-rates.md (the
 * steering repository's checked reference).
 * Finance extends the table (the runtime may load an override); nothing here guesses a rate that is not listed.
 */
export const HalfYear = z.string().regex(/^\d{4}-H[12]$/, 'expected a half-year like 2025-H1');
export type HalfYear = z.infer<typeof HalfYear>;

export const RateTable = z.object({
  /** ECB main refinancing operations rate, in basis points, by date of change (applies from that date). */
  ecbMro: z.array(z.object({ from: IsoDate, rateBp: z.number().int().min(-1000).max(5000) })).min(1),
  /**
   * Last date up to which the MRO list is known to be complete. The rate "in force on 1 January / 1 July" of a
   * half-year starting after this date is unknown (the ECB may have changed it) and is an error, not a guess.
   * Absent: the list is taken as complete up to the last entry's date.
   */
  ecbMroKnownThrough: IsoDate.optional(),
  /** Legal interest rate ("taux de l'intérêt légal") per half-year, in basis points. */
  legalRate: z
    .array(
      z.object({
        half: HalfYear,
        /** All other cases: an SME's receivables, also towards consumers. */
        otherCasesBp: z.number().int().min(0).max(5000),
        /** When the creditor is a private person not acting for professional needs. */
        privateCreditorBp: z.number().int().min(0).max(5000),
      }),
    )
    .default([]),
});
export type RateTable = z.infer<typeof RateTable>;

/**
 * Where finance's figure for one half-year comes from: the ECB rate in force on its first day, or its legal interest
 * rate, published (read where `source` says) or an assumption (not yet published). One entry per half-year and rate:
 * an assumed half-year stays assumed when a later one is entered as published, and the reverse.
 */
export const RateProvenance = z.object({
  half: HalfYear,
  rate: z.enum(['ecb_mro', 'legal_rate']),
  /** True when the figure is an assumption (not yet published): letters label it as such. */
  assumption: z.boolean(),
  /** Where it was read, or what the assumption is (e.g. "taux du 1er semestre reconduit"). */
  source: z.string().min(3).max(500).optional(),
});
export type RateProvenance = z.infer<typeof RateProvenance>;

export const defaultRateTable: RateTable = RateTable.parse({
  ecbMro: [
    { from: '2023-09-20', rateBp: 450 },
    { from: '2024-06-12', rateBp: 425 },
    { from: '2024-09-18', rateBp: 365 },
    { from: '2024-10-23', rateBp: 340 },
    { from: '2024-12-18', rateBp: 315 },
    { from: '2025-02-05', rateBp: 290 },
    { from: '2025-03-12', rateBp: 265 },
    { from: '2025-04-23', rateBp: 240 },
    // held at the July, September, October and December 2025 meetings
    { from: '2025-06-11', rateBp: 215 },
  ],
  // The reference confirms 2.15 % in force on 1 January 2026 (12.15 % for H1 2026); nothing later is checked.
  ecbMroKnownThrough: '2026-01-01',
  legalRate: [
    { half: '2024-H2', privateCreditorBp: 816, otherCasesBp: 492 },
    { half: '2025-H1', privateCreditorBp: 721, otherCasesBp: 371 },
    { half: '2025-H2', privateCreditorBp: 665, otherCasesBp: 276 },
    { half: '2026-H1', privateCreditorBp: 667, otherCasesBp: 262 },
  ],
});

export class UnknownRateError extends Error {
  constructor(
    readonly rate: 'ecb_mro' | 'legal_rate',
    readonly half: HalfYear,
  ) {
    super(
      rate === 'ecb_mro'
        ? `the ECB main refinancing rate in force on the first day of ${half} is not in the rate table: add it ` +
            `before computing penalties for ${half}`
        : `the legal interest rate of ${half} is not in the rate table: add it (arrêté of the half-year) before ` +
            `computing penalties for ${half}`,
    );
    this.name = 'UnknownRateError';
  }
}

export function halfYearOf(date: IsoDate): HalfYear {
  return `${date.slice(0, 4)}-${Number(date.slice(5, 7)) <= 6 ? 'H1' : 'H2'}`;
}
export function halfYearStart(half: HalfYear): IsoDate {
  return `${half.slice(0, 4)}-${half.endsWith('H1') ? '01-01' : '07-01'}`;
}
export function halfYearEnd(half: HalfYear): IsoDate {
  return `${half.slice(0, 4)}-${half.endsWith('H1') ? '06-30' : '12-31'}`;
}

/** The MRO rate in force on the first day of a half-year (1 January or 1 July). */
export function ecbMroForHalf(rates: RateTable, half: HalfYear): number {
  const start = halfYearStart(half);
  const sorted = [...rates.ecbMro].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
  const knownThrough = rates.ecbMroKnownThrough ?? sorted[sorted.length - 1].from;
  if (start > knownThrough) throw new UnknownRateError('ecb_mro', half);
  let inForce: number | undefined;
  for (const r of sorted) if (r.from <= start) inForce = r.rateBp;
  if (inForce === undefined) throw new UnknownRateError('ecb_mro', half);
  return inForce;
}

/** L441-10 default rate of a half-year: MRO in force on its first day + 10 percentage points. */
export function l441RateForHalf(rates: RateTable, half: HalfYear): number {
  return ecbMroForHalf(rates, half) + 1000;
}

export function legalRateForHalf(
  rates: RateTable,
  half: HalfYear,
  creditor: 'business' | 'private' = 'business',
): number {
  const row = rates.legalRate.find((r) => r.half === half);
  if (!row) throw new UnknownRateError('legal_rate', half);
  return creditor === 'private' ? row.privateCreditorBp : row.otherCasesBp;
}

/**
 * A finance override on top of a base table: MRO changes are merged by date (the override wins on the same date),
 * legal rates by half-year, and the later `ecbMroKnownThrough` is kept. The result is validated.
 */
export function mergeRateTables(base: RateTable, override: Partial<RateTable>): RateTable {
  const mro = new Map(base.ecbMro.map((r) => [r.from, r]));
  for (const r of override.ecbMro ?? []) mro.set(r.from, r);
  const legal = new Map(base.legalRate.map((r) => [r.half, r]));
  for (const r of override.legalRate ?? []) legal.set(r.half, r);
  const known = [base.ecbMroKnownThrough, override.ecbMroKnownThrough].filter((x): x is string => !!x).sort();
  return RateTable.parse({
    ecbMro: [...mro.values()].sort((a, b) => (a.from < b.from ? -1 : 1)),
    ecbMroKnownThrough: known[known.length - 1],
    legalRate: [...legal.values()].sort((a, b) => (a.half < b.half ? -1 : 1)),
  });
}

/**
 * The half-years from `from` to `to` (inclusive) whose rates the table lacks, for a daily check that warns finance
 * BEFORE a formal notice fails: e.g. missingRates(table, '2026-07-01', today).
 */
export function missingRates(
  rates: RateTable,
  from: IsoDate,
  to: IsoDate,
): { half: HalfYear; ecbMro: boolean; legalRate: boolean }[] {
  const out: { half: HalfYear; ecbMro: boolean; legalRate: boolean }[] = [];
  for (let half = halfYearOf(from); halfYearStart(half) <= to; half = nextHalfYear(half)) {
    let ecbMro = false;
    let legalRate = false;
    try {
      ecbMroForHalf(rates, half);
    } catch {
      ecbMro = true;
    }
    try {
      legalRateForHalf(rates, half);
    } catch {
      legalRate = true;
    }
    if (ecbMro || legalRate) out.push({ half, ecbMro, legalRate });
  }
  return out;
}

export function nextHalfYear(half: HalfYear): HalfYear {
  const year = Number(half.slice(0, 4));
  return half.endsWith('H1') ? `${year}-H2` : `${year + 1}-H1`;
}

/**
 * The half-years whose rate an override makes known beyond the checked table, each with the provenance it meant under
 * the former single `assumption` flag (that flag marked every half-year finance added alike). Entries already given
 * per half-year are kept as they are.
 */
export function provenanceFromFlag(
  checked: RateTable,
  override: Partial<RateTable>,
  flag: { assumption: boolean; source?: string },
  given: RateProvenance[] = [],
): RateProvenance[] {
  const merged = mergeRateTables(checked, override);
  const ends = [
    merged.ecbMroKnownThrough,
    ...merged.ecbMro.map((r) => r.from),
    ...merged.legalRate.map((r) => halfYearStart(r.half)),
  ].filter((x): x is string => !!x);
  const first = [
    ...checked.ecbMro.map((r) => r.from),
    ...checked.legalRate.map((r) => halfYearStart(r.half)),
  ].sort()[0];
  const known = (f: () => unknown) => {
    try {
      f();
      return true;
    } catch {
      return false;
    }
  };
  const out = [...given];
  const has = (half: string, rate: RateProvenance['rate']) => out.some((p) => p.half === half && p.rate === rate);
  for (const m of missingRates(checked, first, ends.sort().pop()!)) {
    const add = (rate: RateProvenance['rate']) =>
      !has(m.half, rate) &&
      out.push({ half: m.half, rate, assumption: flag.assumption, ...(flag.source ? { source: flag.source } : {}) });
    if (m.ecbMro && known(() => ecbMroForHalf(merged, m.half))) add('ecb_mro');
    if (m.legalRate && known(() => legalRateForHalf(merged, m.half))) add('legal_rate');
  }
  return out;
}
