import type { InForceInvoice } from '../dunning/in-force';
import type { DunningLevel } from '../dunning/policy';
import { formatDate, type Language, money } from './format';

/**
 * How a reminder speaks of the customer's other invoices whose announced level stays in force above the message's own
 * (core/dunning/in-force.ts): the subject leads with that level ("Dernière relance avant mise en demeure en cours :
 * facture A, et facture D en relance"), and the body reminds each of them at its own level, with its date, under
 * "Pour rappel", apart from the table of the invoices the message is about (each at its own level).
 */

const headlines: Record<Language, Partial<Record<DunningLevel, string>>> = {
  fr: {
    reminder_1: 'Relance',
    reminder_2: 'Deuxième relance',
    final_reminder: 'Dernière relance avant mise en demeure',
    formal_notice: 'Mise en demeure',
    agency_handoff: 'Recouvrement',
  },
  en: {
    reminder_1: 'Reminder',
    reminder_2: 'Second reminder',
    final_reminder: 'Final reminder before formal notice',
    formal_notice: 'Formal notice',
    agency_handoff: 'Collection',
  },
};

/** The level in words, then how it was announced ("envoyée le" + date). */
const phrases: Record<Language, Partial<Record<DunningLevel, [string, string]>>> = {
  fr: {
    reminder_1: ['relance', 'envoyée le'],
    reminder_2: ['deuxième relance', 'envoyée le'],
    final_reminder: ['dernière relance avant mise en demeure', 'envoyée le'],
    formal_notice: ['mise en demeure', 'envoyée le'],
    agency_handoff: ['dossier confié à notre agence de recouvrement', 'le'],
  },
  en: {
    reminder_1: ['reminder', 'sent on'],
    reminder_2: ['second reminder', 'sent on'],
    final_reminder: ['final reminder before formal notice', 'sent on'],
    formal_notice: ['formal notice', 'sent on'],
    agency_handoff: ['case handed to our collection agency', 'on'],
  },
};

/** "facture A", "factures A et B", "factures A, B et C", "4 factures" (and in English). */
function invoicesNamed(ids: string[], language: Language): string {
  const fr = language === 'fr';
  if (ids.length > 3) return fr ? `${ids.length} factures` : `${ids.length} invoices`;
  const and = fr ? ' et ' : ' and ';
  const list = ids.length === 1 ? ids[0] : `${ids.slice(0, -1).join(', ')}${and}${ids.at(-1)}`;
  return `${fr ? 'facture' : 'invoice'}${ids.length > 1 ? 's' : ''} ${list}`;
}

/**
 * A reminder's other invoices counted by state, for its subject: "3 autres factures en relance et 1 à échéance
 * prochaine" / "3 other outstanding invoices and 1 falling due soon". An invoice not yet due (a courtesy reminder
 * grouped with overdue ones) is not counted "en relance".
 */
export function othersCounted(overdue: number, upcoming: number, language: Language): string {
  const s = (n: number) => (n > 1 ? 's' : '');
  if (language === 'fr') {
    if (overdue === 0) return `${upcoming} autre${s(upcoming)} facture${s(upcoming)} à échéance prochaine`;
    const late = `${overdue} autre${s(overdue)} facture${s(overdue)} en relance`;
    return upcoming === 0 ? late : `${late} et ${upcoming} à échéance prochaine`;
  }
  if (overdue === 0) return `${upcoming} other invoice${s(upcoming)} falling due soon`;
  const late = `${overdue} other outstanding invoice${s(overdue)}`;
  return upcoming === 0 ? late : `${late} and ${upcoming} falling due soon`;
}

/**
 * The subject's headline when a higher level stays in force: that level first, with its invoices, then the message's
 * own invoices ("en relance" / "outstanding", or "à échéance prochaine" / "falling due soon" for one not yet due).
 */
export function inForceHeadline(
  inForce: InForceInvoice[],
  own: { invoiceIds: string[]; overdue: number },
  language: Language,
): string {
  const fr = language === 'fr';
  const top = inForce[0].level;
  const atTop = inForce.filter((i) => i.level === top).map((i) => i.invoiceId);
  const n = own.invoiceIds.length;
  const ownPart =
    n === 1
      ? `${fr ? 'facture' : 'invoice'} ${own.invoiceIds[0]} ${
          own.overdue > 0 ? (fr ? 'en relance' : 'outstanding') : fr ? 'à échéance prochaine' : 'falling due soon'
        }`
      : othersCounted(own.overdue, n - own.overdue, language);
  return fr
    ? `${headlines.fr[top]} en cours : ${invoicesNamed(atTop, 'fr')}, et ${ownPart}`
    : `${headlines.en[top]} pending: ${invoicesNamed(atTop, 'en')}, and ${ownPart}`;
}

/** The body's "Pour rappel" lines: each invoice at its own level in force, with its date and what is left to pay. */
export function inForceLines(inForce: InForceInvoice[], language: Language): string[] {
  const fr = language === 'fr';
  const intro = fr
    ? `Pour rappel, ${
        inForce.length > 1
          ? 'les factures suivantes restent impayées et les démarches engagées suivent leur cours'
          : 'la facture suivante reste impayée et la démarche engagée suit son cours'
      } :`
    : `As a reminder, the following ${
        inForce.length > 1
          ? 'invoices remain unpaid and the steps taken stand'
          : 'invoice remains unpaid and the step taken stands'
      }:`;
  return [
    intro,
    ...inForce.map((i) => {
      const [what, when] = phrases[language][i.level]!;
      const dated = i.since ? ` ${when} ${formatDate(i.since, language)}` : '';
      const left = money(i.openCents, i.currency, language);
      return fr
        ? `– Facture ${i.invoiceId} : ${what}${dated}, reste dû ${left}`
        : `– Invoice ${i.invoiceId}: ${what}${dated}, amount due ${left}`;
    }),
  ];
}
