import { z } from 'zod';
import { addDays, type IsoDate } from '../dates';

/**
 * French public holidays ("jours fériés"), computed for any Gregorian year, by holiday calendar:
 * - `metropole`: the eleven days of metropolitan France;
 * - `alsace-moselle`: those and the two days the Bas-Rhin, Haut-Rhin and Moselle keep (Code du travail L3134-13):
 *   Good Friday (Vendredi saint) and 26 December (Saint-Étienne).
 * The calendar is a deployment setting (lib/settings.ts `holidayCalendar`), passed in by each handler: core never
 * reads it from the environment.
 */
export const HolidayCalendar = z.enum(['metropole', 'alsace-moselle']);
export type HolidayCalendar = z.infer<typeof HolidayCalendar>;

export interface PublicHoliday {
  date: IsoDate;
  key:
    | 'new_year'
    | 'easter_monday'
    | 'labour_day'
    | 'victory_1945'
    | 'ascension'
    | 'whit_monday'
    | 'bastille_day'
    | 'assumption'
    | 'all_saints'
    | 'armistice_1918'
    | 'christmas'
    | 'good_friday'
    | 'st_stephen';
  nameFr: string;
  nameEn: string;
}

/** Easter Sunday (Anonymous Gregorian algorithm, Meeus/Jones/Butcher). */
export function easterSunday(year: number): IsoDate {
  if (!Number.isInteger(year) || year < 1583 || year > 9999) throw new RangeError(`year out of range: ${year}`);
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

const byDate = (p: PublicHoliday, q: PublicHoliday) => (p.date < q.date ? -1 : p.date > q.date ? 1 : 0);

const cache = new Map<number, PublicHoliday[]>();
const alsaceMoselleCache = new Map<number, PublicHoliday[]>();

/**
 * The public holidays of a year for a calendar, in date order: with Saturdays and Sundays, the days that are not
 * business days.
 */
export function publicHolidays(year: number, calendar: HolidayCalendar = 'metropole'): PublicHoliday[] {
  if (calendar === 'metropole') return frenchPublicHolidays(year);
  const hit = alsaceMoselleCache.get(year);
  if (hit) return hit;
  const y = String(year).padStart(4, '0');
  const list: PublicHoliday[] = [
    ...frenchPublicHolidays(year),
    { date: addDays(easterSunday(year), -2), key: 'good_friday', nameFr: 'Vendredi saint', nameEn: 'Good Friday' },
    { date: `${y}-12-26`, key: 'st_stephen', nameFr: 'Saint-Étienne', nameEn: 'St Stephen’s Day' },
  ];
  list.sort(byDate);
  alsaceMoselleCache.set(year, list);
  return list;
}

/** The eleven metropolitan public holidays of a year, in date order. */
export function frenchPublicHolidays(year: number): PublicHoliday[] {
  const hit = cache.get(year);
  if (hit) return hit;
  const easter = easterSunday(year);
  const y = String(year).padStart(4, '0');
  const list: PublicHoliday[] = [
    { date: `${y}-01-01`, key: 'new_year', nameFr: 'Jour de l’an', nameEn: 'New Year’s Day' },
    { date: addDays(easter, 1), key: 'easter_monday', nameFr: 'Lundi de Pâques', nameEn: 'Easter Monday' },
    { date: `${y}-05-01`, key: 'labour_day', nameFr: 'Fête du Travail', nameEn: 'Labour Day' },
    { date: `${y}-05-08`, key: 'victory_1945', nameFr: 'Victoire 1945', nameEn: 'Victory in Europe Day' },
    { date: addDays(easter, 39), key: 'ascension', nameFr: 'Ascension', nameEn: 'Ascension Day' },
    { date: addDays(easter, 50), key: 'whit_monday', nameFr: 'Lundi de Pentecôte', nameEn: 'Whit Monday' },
    { date: `${y}-07-14`, key: 'bastille_day', nameFr: 'Fête nationale', nameEn: 'Bastille Day' },
    { date: `${y}-08-15`, key: 'assumption', nameFr: 'Assomption', nameEn: 'Assumption Day' },
    { date: `${y}-11-01`, key: 'all_saints', nameFr: 'Toussaint', nameEn: 'All Saints’ Day' },
    { date: `${y}-11-11`, key: 'armistice_1918', nameFr: 'Armistice 1918', nameEn: 'Armistice Day' },
    { date: `${y}-12-25`, key: 'christmas', nameFr: 'Noël', nameEn: 'Christmas Day' },
  ];
  list.sort(byDate);
  cache.set(year, list);
  return list;
}

/** The public holiday of a calendar falling on `date`, with its French and English names. */
export function publicHolidayOn(date: IsoDate, calendar: HolidayCalendar = 'metropole'): PublicHoliday | undefined {
  return publicHolidays(Number(date.slice(0, 4)), calendar).find((h) => h.date === date);
}

export function isPublicHoliday(date: IsoDate, calendar: HolidayCalendar = 'metropole'): boolean {
  return publicHolidayOn(date, calendar) !== undefined;
}
