import { describe, expect, it } from 'vitest';
import {
  computeLatePenalties,
  defaultRateTable,
  ecbMroForHalf,
  interestCents,
  l441RateForHalf,
  mergeRateTables,
  missingRates,
  RateTable,
  UnknownRateError,
} from '../../../functions/core/dunning';

const rates = defaultRateTable;

describe('rate table (data, from the checked reference figures)', () => {
  it('gives the L441-10 rates of the reference: 13.15 % in H1 2025, 12.15 % in H2 2025 and H1 2026', () => {
    expect(l441RateForHalf(rates, '2025-H1')).toBe(1315); // MRO 3.15 % in force on 1 Jan 2025 (since 18 Dec 2024)
    expect(l441RateForHalf(rates, '2025-H2')).toBe(1215); // MRO 2.15 % since 11 June 2025
    expect(l441RateForHalf(rates, '2026-H1')).toBe(1215);
    expect(ecbMroForHalf(rates, '2024-H2')).toBe(425); // 4.25 % since 12 June 2024, on 1 July 2024
  });

  it('refuses a half-year the table does not know, naming it, rather than guessing', () => {
    try {
      l441RateForHalf(rates, '2026-H2');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(UnknownRateError);
      expect((e as UnknownRateError).half).toBe('2026-H2');
      expect((e as Error).message).toContain('2026-H2');
    }
    expect(() => l441RateForHalf(rates, '2023-H2')).toThrow(/2023-H2/); // before the first listed MRO change
  });

  it('can be extended by finance (an override loaded at runtime)', () => {
    const extended = RateTable.parse({
      ...rates,
      ecbMroKnownThrough: '2026-07-01',
      legalRate: [...rates.legalRate, { half: '2026-H2', otherCasesBp: 300, privateCreditorBp: 700 }],
    });
    expect(l441RateForHalf(extended, '2026-H2')).toBe(1215);
    expect(
      RateTable.safeParse({ ...rates, legalRate: [{ half: '2026-S2', otherCasesBp: 1, privateCreditorBp: 1 }] })
        .success,
    ).toBe(false);
  });
});

describe('interest of one period: principal x rate x days / 365, rounded half-up to the cent', () => {
  it('rounds exactly half a cent up and just under half a cent down', () => {
    // 1825 x 1000 bp x 1 day / (10000 x 365) = 1 825 000 / 3 650 000 = 0.5 cent -> 1
    expect(interestCents(1825, 1000, 1)).toBe(1);
    // 1824 -> 0.4997 cent -> 0
    expect(interestCents(1824, 1000, 1)).toBe(0);
  });
  it('stays exact on large amounts (integer arithmetic)', () => {
    // 10 000 000,00 € at 12.15 % for 365 days = 1 215 000,00 €
    expect(interestCents(1_000_000_000, 1215, 365)).toBe(121_500_000);
  });
});

describe('L441-10 penalties of a business debtor', () => {
  it('an amount paid late bears penalties for the days it was owed, what is still owed until the notice', () => {
    // 10 000 € due 15/01/2026; 6 000 € paid 01/03/2026; notice 15/04/2026: 4 000 € still owed, all at 12,15 %
    // 16/01 -> 28/02: 44 days on 10 000 €: 1000000 x 1215 x 44 / 3 650 000 = 14646.6 -> 14647
    // 01/03 -> 15/04: 46 days on 4 000 €: 400000 x 1215 x 46 / 3 650 000 = 6124.9 -> 6125 ; = 20 772 (not 11 984)
    const p = computeLatePenalties({
      principalCents: 400_000,
      dueDate: '2026-01-15',
      asOf: '2026-04-15',
      rates,
      debtor: 'business',
      payments: [{ on: '2026-03-01', cents: 600_000 }],
    });
    expect(p.periods.map((x) => [x.from, x.to, x.days, x.baseCents, x.cents])).toEqual([
      ['2026-01-16', '2026-02-28', 44, 1_000_000, 14_647],
      ['2026-03-01', '2026-04-15', 46, 400_000, 6_125],
    ]);
    expect(p.interestCents).toBe(20_772);
    expect(p.amountDueCents).toBe(400_000 + 20_772 + 4_000);
  });

  it('a payment on or before the first day of lateness changes nothing', () => {
    const p = computeLatePenalties({
      principalCents: 100_000,
      dueDate: '2025-06-15',
      asOf: '2025-08-14',
      rates,
      debtor: 'business',
      payments: [{ on: '2025-06-10', cents: 50_000 }],
    });
    expect(p.interestCents).toBe(2038);
  });

  it('split across half-years, each at its own rate, plus the €40 indemnity', () => {
    // 1 000,00 € due 15 June 2025, as of 14 August 2025 (60 days late)
    // 16 -> 30 June 2025: 15 days at 13.15 %: 100000 x 1315 x 15 / 3 650 000 = 540.41 -> 540
    // 1 July -> 14 Aug 2025: 45 days at 12.15 %: 100000 x 1215 x 45 / 3 650 000 = 1497.95 -> 1498
    const p = computeLatePenalties({
      principalCents: 100_000,
      dueDate: '2025-06-15',
      asOf: '2025-08-14',
      rates,
      debtor: 'business',
    });
    expect(p.periods).toEqual([
      { from: '2025-06-16', to: '2025-06-30', days: 15, rateBp: 1315, cents: 540, baseCents: 100_000 },
      { from: '2025-07-01', to: '2025-08-14', days: 45, rateBp: 1215, cents: 1498, baseCents: 100_000 },
    ]);
    expect(p).toMatchObject({
      interestCents: 2038,
      indemnityCents: 4000,
      totalCents: 6038,
      amountDueCents: 106_038,
      basis: 'l441_10',
      daysLate: 60,
    });
  });

  it('across a year end', () => {
    // 5 000,00 € due 20 Dec 2025, as of 9 Jan 2026
    // 21 -> 31 Dec: 11 days at 12.15 %: 500000 x 1215 x 11 / 3 650 000 = 1830.82 -> 1831
    // 1 -> 9 Jan 2026: 9 days at 12.15 %: 500000 x 1215 x 9 / 3 650 000 = 1497.95 -> 1498
    const p = computeLatePenalties({
      principalCents: 500_000,
      dueDate: '2025-12-20',
      asOf: '2026-01-09',
      rates,
      debtor: 'business',
    });
    expect(p.periods.map((x) => [x.days, x.cents])).toEqual([
      [11, 1831],
      [9, 1498],
    ]);
    expect(p.interestCents).toBe(3329);
  });

  it('counts 29 February in a leap year with the same 365-day divisor', () => {
    // 1 000,00 € due 28 Feb 2024, as of 1 March 2024: 2 days at 4.50 % + 10 = 14.50 %
    // 100000 x 1450 x 2 / 3 650 000 = 79.45 -> 79
    const p = computeLatePenalties({
      principalCents: 100_000,
      dueDate: '2024-02-28',
      asOf: '2024-03-01',
      rates,
      debtor: 'business',
    });
    expect(p.periods).toEqual([
      { from: '2024-02-29', to: '2024-03-01', days: 2, rateBp: 1450, cents: 79, baseCents: 100_000 },
    ]);
  });

  it('nothing before or on the due date', () => {
    const p = computeLatePenalties({
      principalCents: 100_000,
      dueDate: '2025-06-15',
      asOf: '2025-06-15',
      rates,
      debtor: 'business',
    });
    expect(p).toMatchObject({ periods: [], interestCents: 0, indemnityCents: 0, totalCents: 0, daysLate: 0 });
  });

  it('a contract rate below 3 x the legal rate is raised to that floor', () => {
    // 2 500,00 € due 30 Sep 2025, as of 30 Oct 2025: 30 days. Contract 5 % < 3 x 2.76 % = 8.28 %
    // 250000 x 828 x 30 / 3 650 000 = 1701.37 -> 1701
    const p = computeLatePenalties({
      principalCents: 250_000,
      dueDate: '2025-09-30',
      asOf: '2025-10-30',
      rates,
      debtor: 'business',
      contractRateBp: 500,
    });
    expect(p.periods).toEqual([
      { from: '2025-10-01', to: '2025-10-30', days: 30, rateBp: 828, cents: 1701, baseCents: 250_000, floored: true },
    ]);
    expect(p.basis).toBe('contract');
  });

  it('a contract rate above the floor applies as is', () => {
    // 250000 x 1500 x 30 / 3 650 000 = 3082.19 -> 3082
    const p = computeLatePenalties({
      principalCents: 250_000,
      dueDate: '2025-09-30',
      asOf: '2025-10-30',
      rates,
      debtor: 'business',
      contractRateBp: 1500,
    });
    expect(p.periods[0]).toMatchObject({ rateBp: 1500, cents: 3082 });
  });

  it('a late period running into an unknown half-year is an error naming it', () => {
    expect(() =>
      computeLatePenalties({
        principalCents: 100_000,
        dueDate: '2026-06-15',
        asOf: '2026-08-01',
        rates,
        debtor: 'business',
      }),
    ).toThrow(UnknownRateError);
    expect(() =>
      computeLatePenalties({
        principalCents: 100_000,
        dueDate: '2026-06-15',
        asOf: '2026-08-01',
        rates,
        debtor: 'business',
      }),
    ).toThrow(/2026-H2/);
  });

  it('a policy may waive interest or the indemnity', () => {
    const base = {
      principalCents: 100_000,
      dueDate: '2025-06-15',
      asOf: '2025-08-14',
      rates,
      debtor: 'business' as const,
    };
    expect(computeLatePenalties({ ...base, lateInterest: 'none' })).toMatchObject({
      interestCents: 0,
      indemnityCents: 4000,
      basis: 'none',
    });
    expect(computeLatePenalties({ ...base, fixedIndemnity: false })).toMatchObject({
      interestCents: 2038,
      indemnityCents: 0,
    });
  });
});

describe('consumer debtor', () => {
  it('no €40 indemnity; legal-rate interest from the day after the formal notice', () => {
    // 800,00 € due 1 March 2025, formal notice 10 April 2025, as of 10 May 2025
    // 11 April -> 10 May: 30 days at the legal rate H1 2025 "other cases" 3.71 %
    // 80000 x 371 x 30 / 3 650 000 = 243.95 -> 244
    const p = computeLatePenalties({
      principalCents: 80_000,
      dueDate: '2025-03-01',
      asOf: '2025-05-10',
      rates,
      debtor: 'consumer',
      formalNoticeDate: '2025-04-10',
    });
    expect(p).toMatchObject({ indemnityCents: 0, interestCents: 244, basis: 'legal_rate' });
    expect(p.periods).toEqual([
      { from: '2025-04-11', to: '2025-05-10', days: 30, rateBp: 371, cents: 244, baseCents: 80_000 },
    ]);
  });

  it('no interest at all before a formal notice', () => {
    const p = computeLatePenalties({
      principalCents: 80_000,
      dueDate: '2025-03-01',
      asOf: '2025-05-10',
      rates,
      debtor: 'consumer',
    });
    expect(p).toMatchObject({ periods: [], interestCents: 0, indemnityCents: 0, totalCents: 0 });
  });

  it('uses the private-creditor column only when the creditor is a private person', () => {
    // 80000 x 721 x 30 / 3 650 000 = 474.08 -> 474
    const p = computeLatePenalties({
      principalCents: 80_000,
      dueDate: '2025-03-01',
      asOf: '2025-05-10',
      rates,
      debtor: 'consumer',
      formalNoticeDate: '2025-04-10',
      creditor: 'private',
    });
    expect(p.interestCents).toBe(474);
  });
});

describe('keeping the rate table current', () => {
  it('lists the half-years finance still has to fill in (H2 2026 is not in the checked reference)', () => {
    expect(missingRates(rates, '2025-01-01', '2026-11-23')).toEqual([
      { half: '2026-H2', ecbMro: true, legalRate: true },
    ]);
    expect(missingRates(rates, '2025-01-01', '2026-06-30')).toEqual([]);
  });

  it('merges a finance override: new half-year, MRO confirmed further, later entries win', () => {
    // illustrative figures for the test only, not real rates
    const merged = mergeRateTables(rates, {
      ecbMro: [{ from: '2026-06-11', rateBp: 200 }],
      ecbMroKnownThrough: '2026-07-01',
      legalRate: [{ half: '2026-H2', otherCasesBp: 250, privateCreditorBp: 650 }],
    });
    expect(l441RateForHalf(merged, '2026-H2')).toBe(1200);
    expect(l441RateForHalf(merged, '2026-H1')).toBe(1215);
    expect(missingRates(merged, '2025-01-01', '2026-11-23')).toEqual([]);
    // a business invoice due 15 June 2026, as of 15 July 2026: 15 days at 12.15 % then 15 days at 12.00 %
    // 100000 x 1215 x 15 / 3 650 000 = 499.32 -> 499 ; 100000 x 1200 x 15 / 3 650 000 = 493.15 -> 493
    const p = computeLatePenalties({
      principalCents: 100_000,
      dueDate: '2026-06-15',
      asOf: '2026-07-15',
      rates: merged,
      debtor: 'business',
    });
    expect(p.periods.map((x) => x.cents)).toEqual([499, 493]);
  });
});
