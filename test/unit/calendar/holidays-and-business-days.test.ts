import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addBusinessDays,
  businessDaysBetween,
  easterSunday,
  frenchPublicHolidays,
  isBusinessDay,
  isPublicHoliday,
  nextBusinessDay,
  previousBusinessDay,
  publicHolidayOn,
  publicHolidays,
} from '../../../functions/core/calendar';
import { addDays } from '../../../functions/core/dates';

describe('Easter Sunday, from which the movable French holidays follow', () => {
  it.each([
    [2000, '2000-04-23'],
    [2019, '2019-04-21'],
    [2024, '2024-03-31'],
    [2025, '2025-04-20'],
    [2026, '2026-04-05'],
    [2027, '2027-03-28'],
    [2038, '2038-04-25'], // latest possible date
    [2285, '2285-03-22'], // earliest possible date
  ])('falls in %i on %s', (year, date) => {
    expect(easterSunday(year)).toBe(date);
  });
});

describe('French public holidays (metropolitan)', () => {
  it('are the eleven days of 2026, movable ones computed from Easter', () => {
    expect(frenchPublicHolidays(2026).map((h) => `${h.date} ${h.key}`)).toEqual([
      '2026-01-01 new_year',
      '2026-04-06 easter_monday',
      '2026-05-01 labour_day',
      '2026-05-08 victory_1945',
      '2026-05-14 ascension',
      '2026-05-25 whit_monday',
      '2026-07-14 bastille_day',
      '2026-08-15 assumption',
      '2026-11-01 all_saints',
      '2026-11-11 armistice_1918',
      '2026-12-25 christmas',
    ]);
  });

  it('include Easter Monday, Ascension and Whit Monday of 2027 (Easter on 28 March)', () => {
    expect(isPublicHoliday('2027-03-29')).toBe(true);
    expect(isPublicHoliday('2027-05-06')).toBe(true);
    expect(isPublicHoliday('2027-05-17')).toBe(true);
    expect(isPublicHoliday('2027-03-28')).toBe(false); // Easter Sunday is a Sunday, not a listed holiday
  });
});

describe('Alsace-Moselle public holidays (Code du travail L3134-13)', () => {
  it.each([
    [2025, '2025-04-18'],
    [2026, '2026-04-03'],
    [2027, '2027-03-26'],
    [2028, '2028-04-14'],
  ])('add Good Friday, two days before Easter (%i: %s), and 26 December', (year, goodFriday) => {
    const days = publicHolidays(year, 'alsace-moselle');
    expect(days).toHaveLength(13);
    expect(days.find((h) => h.key === 'good_friday')?.date).toBe(goodFriday);
    expect(days.find((h) => h.key === 'st_stephen')?.date).toBe(`${year}-12-26`);
    expect(days.map((h) => h.date)).toEqual([...days.map((h) => h.date)].sort());
  });

  it('name the two days in French and English', () => {
    expect(publicHolidayOn('2027-03-26', 'alsace-moselle')).toMatchObject({
      nameFr: 'Vendredi saint',
      nameEn: 'Good Friday',
    });
    expect(publicHolidayOn('2027-12-26', 'alsace-moselle')).toMatchObject({
      nameFr: 'Saint-Étienne',
      nameEn: 'St Stephen’s Day',
    });
  });

  it('leave the metropolitan calendar its eleven days', () => {
    expect(publicHolidays(2027, 'metropole')).toEqual(frenchPublicHolidays(2027));
    expect(publicHolidays(2027)).toHaveLength(11);
    expect(isPublicHoliday('2027-03-26')).toBe(false);
    expect(isPublicHoliday('2027-12-26', 'metropole')).toBe(false);
    expect(isPublicHoliday('2027-03-26', 'alsace-moselle')).toBe(true);
  });
});

describe('business days', () => {
  it('exclude Saturdays, Sundays, 1 May, Easter Monday and 14 July', () => {
    expect(isBusinessDay('2026-05-01')).toBe(false); // Friday, Labour Day
    expect(isBusinessDay('2026-05-02')).toBe(false); // Saturday
    expect(isBusinessDay('2026-05-03')).toBe(false); // Sunday
    expect(isBusinessDay('2026-04-06')).toBe(false); // Easter Monday
    expect(isBusinessDay('2026-07-14')).toBe(false); // Tuesday, Bastille Day
    expect(isBusinessDay('2026-05-04')).toBe(true);
    expect(isBusinessDay('2026-07-13')).toBe(true);
  });

  it('in Alsace-Moselle exclude Good Friday and 26 December, which stay business days elsewhere', () => {
    expect(isBusinessDay('2026-04-03')).toBe(true);
    expect(isBusinessDay('2026-04-03', 'metropole')).toBe(true);
    expect(isBusinessDay('2026-04-03', 'alsace-moselle')).toBe(false);
    expect(isBusinessDay('2025-12-26')).toBe(true); // a Friday
    expect(isBusinessDay('2025-12-26', 'alsace-moselle')).toBe(false);
    expect(isBusinessDay('2026-04-02', 'alsace-moselle')).toBe(true); // Maundy Thursday is worked
  });

  it('in Alsace-Moselle, Thursday 25 March 2027 + 1 business day is Tuesday 30 March (after Good Friday)', () => {
    expect(addBusinessDays('2027-03-25', 1, 'alsace-moselle')).toBe('2027-03-30');
    expect(addBusinessDays('2027-03-25', 1)).toBe('2027-03-26');
    expect(nextBusinessDay('2027-03-26', 'alsace-moselle')).toBe('2027-03-30');
    expect(previousBusinessDay('2025-12-28', 'alsace-moselle')).toBe('2025-12-24');
    expect(businessDaysBetween('2025-12-24', '2025-12-29', 'alsace-moselle')).toBe(1);
    expect(businessDaysBetween('2025-12-24', '2025-12-29')).toBe(2);
  });

  it('the day after Thursday 30 April 2026 is Monday 4 May (1 May and the weekend skipped)', () => {
    expect(addBusinessDays('2026-04-30', 1)).toBe('2026-05-04');
    expect(addBusinessDays('2026-05-04', -1)).toBe('2026-04-30');
  });

  it('skip the 8 May bridge: Thursday 7 May + 1 business day is Monday 11 May', () => {
    expect(addBusinessDays('2026-05-07', 1)).toBe('2026-05-11');
  });

  it('count backwards over 14 July: 3 business days before Wednesday 15 July 2026 is Thursday 9 July', () => {
    expect(addBusinessDays('2026-07-15', -3)).toBe('2026-07-09');
  });

  it('cross month and year ends', () => {
    expect(addBusinessDays('2026-01-30', 1)).toBe('2026-02-02');
    expect(addBusinessDays('2026-12-24', 1)).toBe('2026-12-28');
    expect(addBusinessDays('2026-12-31', 1)).toBe('2027-01-04'); // 1 Jan Friday, then the weekend
    expect(addBusinessDays('2026-02-27', 2)).toBe('2026-03-03');
  });

  it('adding zero business days keeps the date, even a Sunday', () => {
    expect(addBusinessDays('2026-05-03', 0)).toBe('2026-05-03');
  });

  it('next business day is the date itself on a business day, else the following one', () => {
    expect(nextBusinessDay('2026-05-04')).toBe('2026-05-04');
    expect(nextBusinessDay('2026-05-01')).toBe('2026-05-04');
    expect(nextBusinessDay('2026-12-25')).toBe('2026-12-28');
    expect(previousBusinessDay('2026-05-03')).toBe('2026-04-30');
  });

  it('moving n business days and back returns to the same business day, and lands on a business day', () => {
    const businessDay = fc.integer({ min: 0, max: 365 * 6 }).map((k) => nextBusinessDay(addDays('2024-01-01', k)));
    fc.assert(
      fc.property(businessDay, fc.integer({ min: -60, max: 60 }), (day, n) => {
        const moved = addBusinessDays(day, n);
        expect(isBusinessDay(moved)).toBe(true);
        expect(addBusinessDays(moved, -n)).toBe(day);
        expect(businessDaysBetween(day, moved)).toBe(n);
      }),
      { numRuns: 300 },
    );
  });
});
