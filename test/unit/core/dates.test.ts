import { describe, expect, it } from 'vitest';
import { compactDate, daysBetween, toIsoDate } from '../../../functions/core/dates';

describe('dates as FEC and OFX files write them', () => {
  it('an ISO date in the basic form AAAAMMJJ', () => {
    expect(compactDate('2024-01-13')).toBe('20240113');
    expect(compactDate('1999-12-31')).toBe('19991231');
  });
});

describe('days between two dates', () => {
  const byDateParse = (a: string, b: string) =>
    Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);

  it('counts the days of every date from 1999 to 2032 as the calendar does, leap days included', () => {
    const start = Date.UTC(1999, 0, 1);
    for (let d = 0; d < 12_500; d += 1) {
      const day = toIsoDate(new Date(start + d * 86_400_000));
      expect(daysBetween('2026-03-01', day)).toBe(byDateParse('2026-03-01', day));
      expect(daysBetween(day, '1970-01-01')).toBe(-d - 10_592);
    }
  });

  it('reads the odd texts as Date.parse reads them: the 30th of February, year 0, a month 13, a time', () => {
    for (const odd of [
      '2026-02-30',
      '2026-04-31',
      '2100-02-29',
      '0000-01-01',
      '0000-02-29',
      '9999-12-31',
      '2026-13-01',
      '2026-01-00',
      '2026-1-10',
      'soon',
      '2026-05-10T12:00:00',
    ])
      expect(daysBetween('2026-01-01', odd)).toEqual(byDateParse('2026-01-01', odd));
    expect(daysBetween('2026-02-27', '2026-02-30')).toBe(3);
    expect(daysBetween('2026-01-01', '2026-13-01')).toBeNaN();
  });
});
