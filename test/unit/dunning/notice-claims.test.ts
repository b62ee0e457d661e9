import { describe, expect, it } from 'vitest';
import {
  claimsBeyondPrincipal,
  latestNotice,
  NoticeClaims,
  noticeClaimsOf,
} from '../../../functions/core/dunning/notice-claims';
import { computeLatePenalties } from '../../../functions/core/dunning/penalties';
import { defaultRateTable } from '../../../functions/core/dunning/rates';

const claims = (overrides: Partial<NoticeClaims> = {}): NoticeClaims => ({
  on: '2026-02-02',
  reference: 'MED-F-1',
  currency: 'EUR',
  principalCents: 120_000,
  interestCents: 2_516,
  indemnityCents: 4_000,
  ...overrides,
});

describe('what a formal notice claimed beyond the principal', () => {
  it('is the interest and the indemnity its letter printed, on its date', () => {
    const penalties = computeLatePenalties({
      principalCents: 120_000,
      dueDate: '2025-12-01',
      asOf: '2026-02-02',
      rates: defaultRateTable,
      debtor: 'business',
    });
    expect(
      noticeClaimsOf({ on: '2026-02-02', reference: 'MED-F-1', currency: 'EUR', principalCents: 120_000, penalties }),
    ).toEqual(claims({ interestCents: penalties.interestCents, indemnityCents: 4_000 }));
    expect(penalties.interestCents).toBeGreaterThan(0);
  });

  it('a consumer’s notice claims nothing beyond the principal on its date (legal interest runs from it on)', () => {
    const penalties = computeLatePenalties({
      principalCents: 120_000,
      dueDate: '2025-12-01',
      asOf: '2026-02-02',
      rates: defaultRateTable,
      debtor: 'consumer',
      formalNoticeDate: '2026-02-02',
    });
    const c = noticeClaimsOf({ on: '2026-02-02', reference: 'MED-F-1', currency: 'EUR', principalCents: 1, penalties });
    expect(claimsBeyondPrincipal(c)).toBe(false);
  });

  it('counts when either the interest or the indemnity was claimed, not when the policy waived both', () => {
    expect(claimsBeyondPrincipal(claims())).toBe(true);
    expect(claimsBeyondPrincipal(claims({ interestCents: 0 }))).toBe(true);
    expect(claimsBeyondPrincipal(claims({ indemnityCents: 0 }))).toBe(true);
    expect(claimsBeyondPrincipal(claims({ interestCents: 0, indemnityCents: 0 }))).toBe(false);
  });

  it('refuses figures that are not cents or a date that is not a day', () => {
    expect(() => NoticeClaims.parse(claims({ interestCents: 25.16 }))).toThrow();
    expect(() => NoticeClaims.parse(claims({ indemnityCents: -4_000 }))).toThrow();
    expect(() => NoticeClaims.parse(claims({ on: '2026-02-30' }))).toThrow();
  });

  it('among several notices of one invoice, the latest is the one in force', () => {
    const first = { stepId: 'formal-notice', claims: claims({ on: '2026-02-02' }) };
    const second = { stepId: 'formal-notice-2', claims: claims({ on: '2026-03-02', interestCents: 3_500 }) };
    expect(latestNotice([second, first])).toBe(second);
    expect(latestNotice([first, second])).toBe(second);
    expect(latestNotice([])).toBeUndefined();
  });
});
