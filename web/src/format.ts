import { lang } from './i18n';

const locale = () => (lang.value === 'fr' ? 'fr-FR' : 'en-GB');

/** Integer cents to "1 234,56 €": the only place cents become text. */
export function money(cents: number, currency = 'EUR'): string {
  return new Intl.NumberFormat(locale(), { style: 'currency', currency }).format(cents / 100);
}

/** "YYYY-MM-DD" or an ISO timestamp, shown as a date (and time when given). */
export function date(iso: string | undefined): string {
  if (!iso) return '—';
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) {
    const [y, m, d] = iso.split('-').map(Number);
    return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeZone: 'UTC' }).format(Date.UTC(y, m - 1, d));
  }
  return new Intl.DateTimeFormat(locale(), {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'Europe/Paris',
  }).format(new Date(iso));
}

/** "YYYY-MM-DD" as day and month for a chart's axis: "31/07". */
export function shortDate(iso: string): string {
  const [y, m, d] = iso.slice(0, 10).split('-').map(Number);
  return new Intl.DateTimeFormat(locale(), { day: '2-digit', month: '2-digit', timeZone: 'UTC' }).format(
    Date.UTC(y, m - 1, d),
  );
}

/** A number in the reader's convention: "86,7" in French, "86.7" in English. */
export function decimal(n: number, digits = 1): string {
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: digits }).format(n);
}

/** "120,50" or "120.50" to 12050 cents; undefined when it is not an amount. */
export function parseEuros(text: string): number | undefined {
  const s = text.trim().replace(/\s/g, '').replace(',', '.');
  if (!/^\d+(\.\d{1,2})?$/.test(s)) return undefined;
  const [units, dec = ''] = s.split('.');
  return Number(units) * 100 + Number(dec.padEnd(2, '0'));
}

export function bytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(0)} Mo` : `${Math.ceil(n / 1024)} ko`;
}
