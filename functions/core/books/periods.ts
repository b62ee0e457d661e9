import { type HolidayCalendar, nextBusinessDay } from '../calendar';
import { addDays } from '../dates';
import type { Period } from './model';

export function periodStart(period: Period): string {
  return `${period}-01`;
}

export function periodEnd(period: Period): string {
  return addDays(periodStart(nextPeriod(period)), -1);
}

export function nextPeriod(period: Period): Period {
  const [y, m] = period.split('-').map(Number);
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

export function previousPeriod(period: Period): Period {
  const [y, m] = period.split('-').map(Number);
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

export function periodOf(date: string): Period {
  return date.slice(0, 7);
}

/** A month is closed (its export can be frozen) once its last day is past. */
export function isClosedPeriod(period: Period, today: string): boolean {
  return periodEnd(period) < today;
}

/** The first business day of the month of `date` (weekends and the calendar's public holidays excluded). */
export function firstBusinessDayOfMonth(date: string, calendar: HolidayCalendar): string {
  return nextBusinessDay(`${date.slice(0, 7)}-01`, calendar);
}
