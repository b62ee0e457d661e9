import { z } from 'zod';
import { addDays, type IsoDate, type IsoTimestamp } from '../dates';
import { isBusinessDay } from './business-days';
import type { HolidayCalendar } from './holidays';

/**
 * Time-zone arithmetic with the platform's Intl (IANA zones), no time-zone library.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

export const TimeZone = z.string().min(1).refine(isValidTimeZone, 'not an IANA time zone');

/** Local wall-clock fields of an instant in a zone. */
export function localParts(
  instant: Date | number,
  timeZone: string,
): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const parts = formatter(timeZone).formatToParts(typeof instant === 'number' ? new Date(instant) : instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour') % 24,
    minute: get('minute'),
    second: get('second'),
  };
}

/** Offset of the zone from UTC at an instant, in milliseconds (Paris in summer: +7_200_000). */
export function zoneOffsetMs(instant: number, timeZone: string): number {
  const p = localParts(instant, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** The calendar date an instant falls on in a zone. */
export function localDate(instant: Date | number, timeZone: string): IsoDate {
  const p = localParts(instant, timeZone);
  return `${String(p.year).padStart(4, '0')}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** A send window: a local wall-clock time in a zone, on business days. */
export const SendWindow = z.object({
  time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM'),
  timeZone: TimeZone,
});
export type SendWindow = z.infer<typeof SendWindow>;

export const defaultSendWindow: SendWindow = { time: '08:30', timeZone: 'Europe/Paris' };

/**
 * The UTC instant of `window.time` on local date `date` in `window.timeZone`, correct across DST
 * (08:30 Europe/Paris is 07:30Z in winter, 06:30Z in summer).
 * A wall time that does not exist (in the spring-forward gap) maps to the instant it would be had the clock not
 * jumped, i.e. one hour later in wall time (02:30 -> 03:30 in Paris); an ambiguous one (autumn overlap) maps to
 * its second occurrence (the later instant) — 08:30 is never in either.
 */
export function sendWindowAt(date: IsoDate, window: SendWindow): IsoTimestamp {
  const [y, m, d] = date.split('-').map(Number);
  const [hh, mm] = window.time.split(':').map(Number);
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  const first = wall - zoneOffsetMs(wall, window.timeZone);
  const offset = zoneOffsetMs(first, window.timeZone);
  const instant = wall - offset;
  return new Date(instant).toISOString();
}

/**
 * The first window instant >= notBefore that falls on a business day of the calendar (local date in the window's
 * zone).
 */
export function nextSendWindow(
  notBefore: Date,
  window: SendWindow,
  calendar: HolidayCalendar = 'metropole',
): IsoTimestamp {
  const t0 = notBefore.getTime();
  if (Number.isNaN(t0)) throw new RangeError('notBefore is not a valid date');
  // the window of the previous local day can't be >= notBefore, start there to be safe around midnight
  let day = addDays(localDate(notBefore, window.timeZone), -1);
  for (let i = 0; i < 45; i++) {
    if (isBusinessDay(day, calendar)) {
      const at = sendWindowAt(day, window);
      if (Date.parse(at) >= t0) return at;
    }
    day = addDays(day, 1);
  }
  throw new Error(`no send window within 45 days after ${notBefore.toISOString()}`);
}

/** The send window on the first business day on or after `date` (local). */
export function sendWindowOnOrAfter(
  date: IsoDate,
  window: SendWindow,
  calendar: HolidayCalendar = 'metropole',
): IsoTimestamp {
  let d = date;
  for (let i = 0; i < 40 && !isBusinessDay(d, calendar); i++) d = addDays(d, 1);
  return sendWindowAt(d, window);
}
