import { z } from 'zod';

/** An ISO calendar date, YYYY-MM-DD. */
export const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD')
  .refine(isValidIsoDate, 'not a calendar date');
export type IsoDate = z.infer<typeof IsoDate>;

/** An ISO UTC timestamp, 2026-11-23T08:30:00.000Z. */
export const IsoTimestamp = z.string().datetime({ offset: false, message: 'expected an ISO UTC timestamp' });
export type IsoTimestamp = z.infer<typeof IsoTimestamp>;

/** Time only ever comes through a clock, so tests and the local stack can bend it. */
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };
export function fixedClock(iso: string): Clock {
  const t = new Date(iso);
  return { now: () => new Date(t) };
}

export function isValidIsoDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

export function toIsoDate(d: Date): IsoDate {
  return d.toISOString().slice(0, 10);
}

/** "2024-01-13" -> "20240113": the basic ISO 8601 form (AAAAMMJJ) of FEC and OFX files. */
export function compactDate(date: IsoDate): string {
  return date.replaceAll('-', '');
}

/** Adds calendar days to an ISO date. */
export function addDays(date: IsoDate, days: number): IsoDate {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return toIsoDate(d);
}

/** Whole days from a to b (b - a). */
export function daysBetween(a: IsoDate, b: IsoDate): number {
  return Math.round(dayNumber(b) - dayNumber(a));
}

/**
 * Days since 1970-01-01 of a date YYYY-MM-DD, counted without building a Date (the matcher writes some 100,000 date
 * reasons for a 50,000-transaction statement); any other text goes through Date.parse, as before. Day 29-31 of a
 * shorter month counts on into the next one, as Date.parse does ("2026-02-30" is 2 March).
 */
function dayNumber(s: string): number {
  if (s.length === 10 && s.charCodeAt(4) === 45 && s.charCodeAt(7) === 45) {
    const y = digitsAt(s, 0, 4);
    const m = digitsAt(s, 5, 2);
    const d = digitsAt(s, 8, 2);
    if (y >= 0 && m >= 1 && m <= 12 && d >= 1 && d <= 31) return daysFromCivil(y, m, d);
  }
  return Date.parse(`${s}T00:00:00Z`) / 86_400_000;
}

/** The number written by `length` ASCII digits from `at`, or -1 when one of them is not a digit. */
function digitsAt(s: string, at: number, length: number): number {
  let n = 0;
  for (let i = at; i < at + length; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil, in 400-year eras). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}
