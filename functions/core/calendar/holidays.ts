import { addDays, type IsoDate } from '../dates';

/**
 * French public holidays ("jours fériés") of metropolitan France, computed for any Gregorian year.
 * Alsace-Moselle's two extra days (Good Friday, 26 December) are not included: a creditor there can pass
 * them as extra closed days to the business-day functions.
 */
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
    | 'christmas';
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

const cache = new Map<number, PublicHoliday[]>();

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
  list.sort((p, q) => (p.date < q.date ? -1 : p.date > q.date ? 1 : 0));
  cache.set(year, list);
  return list;
}

export function publicHolidayOn(date: IsoDate): PublicHoliday | undefined {
  return frenchPublicHolidays(Number(date.slice(0, 4))).find((h) => h.date === date);
}

export function isPublicHoliday(date: IsoDate): boolean {
  return publicHolidayOn(date) !== undefined;
}
