import { addDays, type IsoDate } from '../dates';
import { type HolidayCalendar, isPublicHoliday } from './holidays';

/**
 * Business days ("jours ouvrés"): Monday to Friday, except the public holidays of the creditor's holiday calendar
 * (`metropole` unless given: Alsace-Moselle adds Good Friday and 26 December). Saturday is not a business day here
 * (no reminder goes out on a Saturday), Sunday and 1 May never are.
 */
export function isBusinessDay(date: IsoDate, calendar: HolidayCalendar = 'metropole'): boolean {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  if (weekday === 0 || weekday === 6) return false;
  return !isPublicHoliday(date, calendar);
}

/**
 * The first business day ON OR AFTER `date` (the date itself when it is a business day).
 * This is the rule for a calendar-day step that lands on a weekend or a holiday: it moves forward to this day.
 */
export function nextBusinessDay(date: IsoDate, calendar: HolidayCalendar = 'metropole'): IsoDate {
  let d = date;
  for (let i = 0; i < 40; i++) {
    if (isBusinessDay(d, calendar)) return d;
    d = addDays(d, 1);
  }
  throw new Error(`no business day within 40 days of ${date}`);
}

/** The last business day ON OR BEFORE `date`. */
export function previousBusinessDay(date: IsoDate, calendar: HolidayCalendar = 'metropole'): IsoDate {
  let d = date;
  for (let i = 0; i < 40; i++) {
    if (isBusinessDay(d, calendar)) return d;
    d = addDays(d, -1);
  }
  throw new Error(`no business day within 40 days before ${date}`);
}

/**
 * Moves `n` business days from `date`: +1 is the next business day strictly after `date`, -1 the previous one
 * strictly before it, whatever `date` itself is. n = 0 returns `date` unchanged (possibly a non-business day;
 * use nextBusinessDay to land on one).
 */
export function addBusinessDays(date: IsoDate, n: number, calendar: HolidayCalendar = 'metropole'): IsoDate {
  if (!Number.isInteger(n)) throw new RangeError(`business days must be an integer: ${n}`);
  const step = n < 0 ? -1 : 1;
  let left = Math.abs(n);
  let d = date;
  while (left > 0) {
    d = addDays(d, step);
    if (isBusinessDay(d, calendar)) left--;
  }
  return d;
}

/** Business days in (from, to]: how many business days pass going from `from` to `to` (negative when to < from). */
export function businessDaysBetween(from: IsoDate, to: IsoDate, calendar: HolidayCalendar = 'metropole'): number {
  if (to < from) return -businessDaysBetween(to, from, calendar);
  let count = 0;
  for (let d = addDays(from, 1); d <= to; d = addDays(d, 1)) if (isBusinessDay(d, calendar)) count++;
  return count;
}
