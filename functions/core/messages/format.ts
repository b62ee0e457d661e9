import { localParts } from '../calendar/time-zone';
import { daysBetween, type IsoDate, type IsoTimestamp } from '../dates';
import type { InvoiceStatus } from '../model/invoice';
import { formatMoney } from '../money';
import { creditorReferenceFor } from '../payments/creditor-reference';

export type Language = 'fr' | 'en';

export interface RenderedMessage {
  subject: string;
  text: string;
  html: string;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/** Only http(s) links go into an href; anything else (javascript:, data:) is dropped. */
export function safeUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  return /^https?:\/\//i.test(url.trim()) ? url.trim() : undefined;
}

export function money(cents: number, currency: string, language: Language): string {
  return formatMoney(cents, currency, language);
}

/** An invoice's status in words: one vocabulary for e-mails, the API's refusals, the import report and the console. */
export const invoiceStatusNames: Record<Language, Record<InvoiceStatus, string>> = {
  fr: {
    open: 'ouverte',
    partially_paid: 'partiellement payée',
    paid: 'payée',
    in_collection: 'en recouvrement',
    written_off: 'passée en perte',
    credited: 'soldée par un avoir',
  },
  en: {
    open: 'open',
    partially_paid: 'partially paid',
    paid: 'paid',
    in_collection: 'in collection',
    written_off: 'written off',
    credited: 'credited',
  },
};

/** A status as stored (`partially_paid`) or as an English sentence writes it (`partially paid`), in words. */
export function invoiceStatusName(status: string, language: Language): string {
  return invoiceStatusNames[language][status.replace(/ /g, '_') as InvoiceStatus] ?? status;
}

/** 2026-11-23 -> "23/11/2026" (fr) or "23 Nov 2026" (en), computed without the host's locale data. */
export function formatDate(date: IsoDate, language: Language): string {
  const [y, m, d] = date.split('-');
  if (language === 'fr') return `${d}/${m}/${y}`;
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  return `${Number(d)} ${months[Number(m) - 1]} ${y}`;
}

/** A message's language (French unless told) and its `l(fr, en)`, which picks the text of that language. */
export function wordsIn(language: Language | undefined): { language: Language; l: (fr: string, en: string) => string } {
  const lang = language ?? 'fr';
  return { language: lang, l: (fr, en) => inLanguage(lang, fr, en) };
}

/** The text of the reader's language: `inLanguage(language, 'Reçu le', 'Received on')`. */
export function inLanguage(language: Language, fr: string, en: string): string {
  return language === 'fr' ? fr : en;
}

/** An instant's day and "HH:MM" on the wall clock of Paris, where finance and the send windows live. */
export function parisDayAndTime(instant: number): { day: IsoDate; time: string } {
  const p = localParts(instant, 'Europe/Paris');
  const pad = (n: number) => String(n).padStart(2, '0');
  return { day: `${p.year}-${pad(p.month)}-${pad(p.day)}`, time: `${pad(p.hour)}:${pad(p.minute)}` };
}

/** "30/11/2026 11:00 (heure de Paris)" / "30 Nov 2026 11:00 (Paris time)": the wall clock finance reads. */
export function formatTimestamp(ts: IsoTimestamp, language: Language): string {
  const { day, time } = parisDayAndTime(Date.parse(ts));
  return `${formatDate(day, language)} ${time} (${inLanguage(language, 'heure de Paris', 'Paris time')})`;
}

/** "FR76 3000 6000 0112 3456 7890 189" */
export function formatIban(iban: string): string {
  return iban
    .replace(/\s+/g, '')
    .toUpperCase()
    .replace(/(.{4})(?=.)/g, '$1 ');
}

/** "FR76 **** **** **** **** ***0 189": country, check digits and the last 4 characters kept. */
export function maskIban(iban: string): string {
  const raw = iban.replace(/\s+/g, '').toUpperCase();
  if (raw.length < 10) return '****';
  return formatIban(raw.slice(0, 4) + '*'.repeat(raw.length - 8) + raw.slice(-4));
}

/** Masks anything that looks like an IBAN in a line of text (used for finance subjects). */
export function maskIbansIn(text: string): string {
  return text.replace(/\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b/g, (m) => maskIban(m));
}

export function daysLateLabel(daysLate: number, language: Language): string {
  if (language === 'fr') {
    if (daysLate < 0) return `échéance dans ${-daysLate} jour${-daysLate > 1 ? 's' : ''}`;
    if (daysLate === 0) return 'échue aujourd’hui';
    return `${daysLate} jour${daysLate > 1 ? 's' : ''} de retard`;
  }
  if (daysLate < 0) return `due in ${-daysLate} day${-daysLate > 1 ? 's' : ''}`;
  if (daysLate === 0) return 'due today';
  return `${daysLate} day${daysLate > 1 ? 's' : ''} late`;
}

export function daysLateOn(dueDate: IsoDate, asOf: IsoDate): number {
  return daysBetween(dueDate, asOf);
}

/** ISO 11649 structured creditor reference of an invoice number (see payments/creditor-reference). */
export const structuredReference = creditorReferenceFor;

/** Totals per currency, in first-seen order. */
export function totalsByCurrency(
  items: { openCents: number; currency: string }[],
): { currency: string; cents: number }[] {
  const map = new Map<string, number>();
  for (const i of items) map.set(i.currency, (map.get(i.currency) ?? 0) + i.openCents);
  return [...map].map(([currency, cents]) => ({ currency, cents }));
}

/** A minimal, mail-client-safe HTML document. */
export function htmlDocument(language: Language, title: string, body: string): string {
  return (
    `<!DOCTYPE html><html lang="${language}"><head><meta charset="utf-8"><meta name="viewport" ` +
    `content="width=device-width"><title>${escapeHtml(title)}</title></head><body ` +
    `style="font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#222;line-height:1.45">${body}</body></html>`
  );
}

/**
 * An HTML table; `alignRight`: the amount columns; `whole`: the columns whose cells stay on one line (an invoice number
 * broken at its hyphen in a narrow mail window is misread when quoted with a payment; a due date read as "15 / Jun /
 * 2025" is hard to read).
 */
export function htmlTable(
  headers: string[],
  rows: string[][],
  alignRight: number[] = [],
  whole: number[] = [],
): string {
  const th = headers
    .map(
      (h, i) =>
        `<th style="text-align:${alignRight.includes(i) ? 'right' : 'left'};border-bottom:1px solid ` +
        `#999;padding:4px 8px">${escapeHtml(h)}</th>`,
    )
    .join('');
  const trs = rows
    .map(
      (r) =>
        `<tr>${r
          .map(
            (c, i) =>
              `<td style="text-align:${alignRight.includes(i) ? 'right' : 'left'};padding:4px ` +
              `8px;border-bottom:1px solid #eee${whole.includes(i) ? ';white-space:nowrap' : ''}">${c}</td>`,
          )
          .join('')}</tr>`,
    )
    .join('');
  return (
    `<table style="border-collapse:collapse" cellpadding="0" ` +
    `cellspacing="0"><thead><tr>${th}</tr></thead><tbody>${trs}</tbody></table>`
  );
}

/** Plain-text table with padded columns. */
export function textTable(headers: string[], rows: string[][], alignRight: number[] = []): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r: string[]) =>
    r
      .map((c, i) => (alignRight.includes(i) ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [fmt(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt)].join('\n');
}

/** Who a message is addressed to: a company, or a person whose civility and family name may be known. */
export interface Addressee {
  name: string;
  isBusiness?: boolean;
  civility?: 'madame' | 'monsieur';
  familyName?: string;
  /** The one named contact an e-mail goes to, greeted instead of the company (core/dunning namedRecipient). */
  contactName?: string;
}

function civilityWord(who: Addressee, language: Language): string | undefined {
  if (!who.civility) return undefined;
  if (language === 'fr') return who.civility === 'madame' ? 'Madame' : 'Monsieur';
  return who.civility === 'madame' ? 'Ms' : 'Mr';
}

/** A letter's salutation: "Madame Petit," when the person is known, else "Madame, Monsieur," ("Dear Sir or Madam,"). */
export function letterSalutation(who: Addressee, language: Language): string {
  const civility = civilityWord(who, language);
  if (civility && who.familyName)
    return language === 'fr' ? `${civility} ${who.familyName},` : `Dear ${civility} ${who.familyName},`;
  if (civility) return language === 'fr' ? `${civility},` : `Dear ${civility === 'Ms' ? 'Madam' : 'Sir'},`;
  return language === 'fr' ? 'Madame, Monsieur,' : 'Dear Sir or Madam,';
}

/** The civility repeated in a French letter's closing formula ("agréer, Madame, l'expression..."). */
export function closingCivility(who: Addressee): string {
  return who.civility === 'madame' ? 'Madame' : who.civility === 'monsieur' ? 'Monsieur' : 'Madame, Monsieur';
}

/**
 * An e-mail's greeting: "Bonjour Madame Petit," when the person is known, else "Bonjour Claire Dubois," when the
 * e-mail goes to one named contact, else "Bonjour <name>,".
 */
export function emailGreeting(who: Addressee, language: Language): string {
  const civility = civilityWord(who, language);
  const name = civility && who.familyName ? `${civility} ${who.familyName}` : (who.contactName ?? who.name);
  return language === 'fr' ? `Bonjour ${name},` : `Dear ${name},`;
}
