import type { IsoDate } from '../dates';
import type { InForceInvoice } from '../dunning/in-force';
import { type DunningLevel, levelRank, type ReminderLevel } from '../dunning/policy';
import { type LegalIdentity, legalMentions } from '../letters/identity';
import type { InvoiceStatus } from '../model';
import {
  type Addressee,
  daysLateLabel,
  emailGreeting,
  escapeHtml,
  formatDate,
  formatIban,
  htmlDocument,
  htmlTable,
  type Language,
  money,
  type RenderedMessage,
  safeUrl,
  structuredReference,
  textTable,
  totalsByCurrency,
} from './format';
import { inForceHeadline, inForceLines, othersCounted } from './in-force';

export interface Creditor {
  name: string;
  iban: string;
  bic: string;
  address?: string[];
  email?: string;
  phone?: string;
  /** SIREN/SIRET, VAT number... printed on letters (free lines; `legal` is the checked identity). */
  legalIds?: string[];
  /** The legal identity (R123-237 mentions, signatory, accounting contact): required in AWS (adapters/config). */
  legal?: LegalIdentity;
}

export interface ReminderItem {
  invoiceId: string;
  level: ReminderLevel;
  amountCents: number;
  openCents: number;
  dueDate: IsoDate;
  /** Negative before the due date (courtesy reminder). */
  daysLate: number;
  currency: string;
  pdfUrl?: string;
}

export interface ReminderInput {
  language: Language;
  customer: Addressee;
  /**
   * Whether a reminder (1st reminder or later) already went to the customer for one of these invoices, from their
   * history: only then does the message say "Malgré notre précédente relance" / "Malgré nos relances".
   */
  reminded?: boolean;
  creditor: Creditor;
  items: ReminderItem[];
  asOf: IsoDate;
  /** The customer asked for one email per invoice: exactly one item, its number in the subject. */
  perInvoice?: boolean;
  /**
   * The customer's other invoices whose announced level stays in force above this message's (core/dunning/in-force):
   * the subject leads with that level and the body reminds them, so that no message reads as a step down.
   */
  inForce?: InForceInvoice[];
  /** What the policy will claim after a formal notice (it may waive interest or the €40 indemnity); default both. */
  claims?: Claims;
}

/** The late-payment interest and the €40 indemnity a policy claims (`lateInterest`, `fixedIndemnity`). */
export interface Claims {
  interest: boolean;
  indemnity: boolean;
}

export const reminderLevels: readonly ReminderLevel[] = ['courtesy', 'reminder_1', 'reminder_2', 'final_reminder'];

export function highestReminderLevel(levels: ReminderLevel[]): ReminderLevel {
  return levels.reduce<ReminderLevel>(
    (hi, l) => (reminderLevels.indexOf(l) > reminderLevels.indexOf(hi) ? l : hi),
    'courtesy',
  );
}

export const levelLabels: Record<Language, Record<DunningLevel, string>> = {
  fr: {
    courtesy: 'Rappel',
    reminder_1: '1re relance',
    reminder_2: '2e relance',
    final_reminder: 'Dernière relance',
    formal_notice: 'Mise en demeure',
    agency_handoff: 'Recouvrement',
    call: 'Appel',
  },
  en: {
    courtesy: 'Reminder',
    reminder_1: '1st reminder',
    reminder_2: '2nd reminder',
    final_reminder: 'Final reminder',
    formal_notice: 'Formal notice',
    agency_handoff: 'Collection',
    call: 'Call',
  },
};

interface Tone {
  subject(n: number, single: string | undefined): string;
  intro(n: number): string;
  /** `only`: the invoices the ask concerns when the message also lists invoices at a lower level. */
  ask?: (n: number, only?: string[], upcoming?: boolean) => string;
}

function tones(
  language: Language,
  level: ReminderLevel,
  anyOverdue: boolean,
  isBusiness: boolean,
  reminded: boolean,
  claims: Claims,
): Tone {
  const fr = language === 'fr';
  const plural = (n: number, one: string, many: string) => (n > 1 ? many : one);
  switch (level) {
    case 'courtesy':
      if (!anyOverdue)
        return fr
          ? {
              subject: (n, one) =>
                one
                  ? `Rappel : échéance prochaine de la facture ${one}`
                  : `Rappel : échéance prochaine de ${n} factures`,
              intro: (n) =>
                `${plural(n, 'La facture ci-dessous arrive', 'Les factures ci-dessous arrivent')} prochainement à ` +
                `échéance. Ce message est un simple rappel : si le règlement est déjà programmé, merci de ne pas en ` +
                `tenir compte.`,
            }
          : {
              subject: (n, one) =>
                one ? `Reminder: invoice ${one} falls due soon` : `Reminder: ${n} invoices fall due soon`,
              intro: (n) =>
                `${plural(n, 'The invoice below falls', 'The invoices below fall')} due shortly. This is a friendly ` +
                `reminder: if payment is already scheduled, please disregard this message.`,
            };
      return fr
        ? {
            subject: (n, one) =>
              one
                ? `Rappel amical : facture ${one} en attente de règlement`
                : `Rappel amical : ${n} factures en attente de règlement`,
            intro: (n) =>
              `Sauf erreur ou omission de notre part, nous n’avons pas encore reçu le règlement ` +
              `${plural(n, 'de la facture', 'des factures')} ci-dessous. Si celui-ci est en cours, merci de ne pas ` +
              `tenir compte de ce message.`,
          }
        : {
            subject: (n, one) =>
              one
                ? `Friendly reminder: invoice ${one} awaiting payment`
                : `Friendly reminder: ${n} invoices awaiting payment`,
            intro: (n) =>
              `Unless we are mistaken, we have not yet received payment for the ${plural(n, 'invoice', 'invoices')} ` +
              `below. If payment is on its way, please disregard this message.`,
          };
    case 'reminder_1':
      return fr
        ? {
            subject: (n, one) => (one ? `Relance : facture ${one} impayée` : `Relance : ${n} factures impayées`),
            intro: (n) =>
              `Sauf erreur de notre part, ` +
              `${plural(n, 'la facture ci-dessous reste impayée', 'les factures ci-dessous restent impayées')} à ce ` +
              `jour.`,
            ask: (_n, _only, upcoming) =>
              'Nous vous remercions de bien vouloir procéder au règlement' +
              `${upcoming ? ' du total échu' : ''} dans les meilleurs délais.`,
          }
        : {
            subject: (n, one) => (one ? `Reminder: invoice ${one} is unpaid` : `Reminder: ${n} unpaid invoices`),
            intro: (n) =>
              `Unless we are mistaken, the ${plural(n, 'invoice below remains', 'invoices below remain')} unpaid to ` +
              `date.`,
            ask: (_n, _only, upcoming) =>
              `We would be grateful if you could settle the ${upcoming ? 'overdue total' : 'amount due'} at your ` +
              'earliest convenience.',
          };
    case 'reminder_2':
      return fr
        ? {
            // "Deuxième" only when a reminder went before (a first message after a skipped step is a plain "Relance").
            subject: (n, one) =>
              `${reminded ? 'Deuxième relance' : 'Relance'} : ` +
              `${one ? `facture ${one} impayée` : `${n} factures impayées`}`,
            intro: (n) =>
              `${reminded ? 'Malgré notre précédente relance' : 'Sauf erreur de notre part'}, ` +
              `${plural(n, 'la facture ci-dessous reste impayée', 'les factures ci-dessous restent impayées')}.`,
            ask: (_n, _only, upcoming) =>
              `Nous vous demandons de procéder au règlement${upcoming ? ' du total échu' : ''} sous 8 jours, ou de ` +
              'nous indiquer sans tarder ce qui s’y oppose.',
          }
        : {
            subject: (n, one) =>
              `${reminded ? 'Second reminder' : 'Reminder'}: ` +
              `${one ? `invoice ${one} is unpaid` : `${n} unpaid invoices`}`,
            intro: (n) =>
              `${reminded ? 'Despite our previous reminder' : 'Unless we are mistaken'}, the ` +
              `${plural(n, 'invoice below remains', 'invoices below remain')} unpaid.`,
            ask: (_n, _only, upcoming) =>
              `Please settle the ${upcoming ? 'overdue total' : 'amount due'} within 8 days, or let us know without ` +
              'delay what prevents payment.',
          };
    case 'final_reminder':
      return fr
        ? {
            subject: (n, one) =>
              one
                ? `Dernière relance avant mise en demeure : facture ${one}`
                : `Dernière relance avant mise en demeure : ${n} factures impayées`,
            intro: (n) =>
              `${reminded ? 'Malgré nos relances' : 'Sauf erreur de notre part'}, ` +
              `${plural(n, 'la facture ci-dessous demeure impayée', 'les factures ci-dessous demeurent impayées')}.`,
            ask: (_n, only) => {
              const which = only ? ` ${plural(only.length, 'de la facture', 'des factures')} ${only.join(', ')}` : '';
              const notice = `Sans règlement${which} sous 8 jours, nous vous adresserons une mise en demeure`;
              if (!isBusiness)
                return claims.interest
                  ? `${notice}, à compter de laquelle des intérêts au taux légal seront dus.`
                  : `${notice}.`;
              const claimed = [
                ...(claims.interest ? ['des pénalités de retard (article L441-10 du Code de commerce)'] : []),
                ...(claims.indemnity
                  ? ['l’indemnité forfaitaire pour frais de recouvrement de 40 € par facture (article D441-5)']
                  : []),
              ];
              if (claimed.length === 0) return `${notice}.`;
              const what = claimed.join(' et ');
              return `${notice}. ${what.charAt(0).toUpperCase()}${what.slice(1)} ${
                claimed.length > 1 ? 'seront alors réclamées' : 'sera alors réclamée'
              }.`;
            },
          }
        : {
            subject: (n, one) =>
              one
                ? `Final reminder before formal notice: invoice ${one}`
                : `Final reminder before formal notice: ${n} unpaid invoices`,
            intro: (n) =>
              `${reminded ? 'Despite our reminders' : 'Unless we are mistaken'}, the ` +
              `${plural(n, 'invoice below remains', 'invoices below remain')} unpaid.`,
            ask: (_n, only) => {
              const which = only ? ` of ${plural(only.length, 'invoice', 'invoices')} ${only.join(', ')}` : '';
              const notice = `Unless payment${which} is received within 8 days, we will send you a formal notice`;
              if (!isBusiness)
                return claims.interest
                  ? `${notice}, from which interest at the statutory rate will be due.`
                  : `${notice}.`;
              const claimed = [
                ...(claims.interest ? ['late-payment penalties (article L441-10 of the French Commercial Code)'] : []),
                ...(claims.indemnity ? ['the fixed recovery indemnity of €40 per invoice (article D441-5)'] : []),
              ];
              if (claimed.length === 0) return `${notice}.`;
              const what = claimed.join(' and ');
              return `${notice}. ${what.charAt(0).toUpperCase()}${what.slice(1)} will then be claimed.`;
            },
          };
  }
}

/** Payment details: each line's label and its values (account holder, IBAN, BIC, the references to quote). */
function paymentParts(language: Language, creditor: Creditor, invoiceIds: string[]): [string, string[]][] {
  const refs = invoiceIds.map((id) => {
    const rf = structuredReference(id);
    return rf ? `${id} (${rf})` : id;
  });
  return language === 'fr'
    ? [
        ['Règlement par virement :', []],
        ['Titulaire : ', [creditor.name]],
        ['IBAN : ', [formatIban(creditor.iban)]],
        ['BIC : ', [creditor.bic]],
        ['Référence à indiquer dans le libellé du virement : ', refs],
      ]
    : [
        ['Payment by bank transfer:', []],
        ['Account holder: ', [creditor.name]],
        ['IBAN: ', [formatIban(creditor.iban)]],
        ['BIC: ', [creditor.bic]],
        ['Reference to quote with your transfer: ', refs],
      ];
}

/** Payment details block, as text lines. */
export function paymentDetails(language: Language, creditor: Creditor, invoiceIds: string[]): string[] {
  return paymentParts(language, creditor, invoiceIds).map(([label, values]) => label + values.join(', '));
}

/**
 * Payment details block as an HTML paragraph: each value kept on one line (a narrow mail client broke an invoice
 * number at its hyphen, and a reader copies the IBAN and the reference into a transfer).
 */
export function paymentDetailsHtml(language: Language, creditor: Creditor, invoiceIds: string[]): string {
  const whole = (v: string) => `<span style="white-space:nowrap">${escapeHtml(v)}</span>`;
  const lines = paymentParts(language, creditor, invoiceIds).map(
    ([label, values]) => escapeHtml(label) + values.map(whole).join(', '),
  );
  return `<p>${lines.join('<br>')}</p>`;
}

/** Closing lines of every customer e-mail: who writes, how to reach them, and the company's legal mentions. */
export function signature(language: Language, creditor: Creditor): string[] {
  const fr = language === 'fr';
  const contact = creditor.legal?.accounting;
  const who = contact ? `${contact.name}, ` : '';
  const lines = fr
    ? ['Cordialement,', `${who}Service comptabilité clients – ${creditor.name}`]
    : ['Kind regards,', `${who}Accounts receivable, ${creditor.name}`];
  const email = contact?.email ?? creditor.email;
  const phone = contact?.phone ?? creditor.phone;
  if (email || phone) lines.push([email, phone].filter(Boolean).join(' · '));
  if (creditor.legal) lines.push('', ...legalMentions(creditor.name, creditor.legal, language));
  return lines;
}

export function renderReminder(input: ReminderInput): RenderedMessage {
  const { language, customer, creditor, asOf } = input;
  if (input.items.length === 0) throw new Error('a reminder needs at least one invoice');
  if (input.perInvoice && input.items.length !== 1) throw new Error('a per-invoice reminder lists exactly one invoice');
  const fr = language === 'fr';
  const items = [...input.items].sort(compareItems);
  const level = highestReminderLevel(items.map((i) => i.level));
  const overdue = items.filter((i) => i.daysLate > 0).length;
  const anyOverdue = overdue > 0;
  const claims = input.claims ?? { interest: true, indemnity: true };
  const tone = tones(language, level, anyOverdue, customer.isBusiness !== false, input.reminded ?? false, claims);
  const n = items.length;
  // The subject announces the highest level for the invoices at that level only; the others are counted apart.
  const top = items.filter((i) => i.level === level);
  const others = items.filter((i) => i.level !== level);
  const overdueOthers = others.filter((i) => i.daysLate > 0).length;
  const headline = tone.subject(top.length, top.length === 1 ? top[0].invoiceId : undefined);
  const rest =
    others.length === 0
      ? ''
      : `${fr ? ', et' : ', plus'} ${othersCounted(overdueOthers, others.length - overdueOthers, language)}`;
  const above = (input.inForce ?? [])
    .filter((i) => levelRank(i.level) > levelRank(level))
    .sort((a, b) => levelRank(b.level) - levelRank(a.level));
  const invoiceIds = items.map((i) => i.invoiceId);
  const own = { invoiceIds, overdue };
  const subject = `${creditor.name} – ${above.length ? inForceHeadline(above, own, language) : `${headline}${rest}`}`;
  const reminder = above.length ? inForceLines(above, language) : [];
  const ask = tone.ask?.(
    n,
    others.length > 0 ? top.map((i) => i.invoiceId) : undefined,
    items.some((i) => i.daysLate <= 0) && anyOverdue,
  );
  const greeting = emailGreeting(customer, language);
  const asOfLine = fr ? `Situation au ${formatDate(asOf, 'fr')}.` : `Position as of ${formatDate(asOf, 'en')}.`;
  const headers = fr
    ? ['Facture', 'Niveau', 'Échéance', 'Retard', 'Montant', 'Reste dû']
    : ['Invoice', 'Level', 'Due date', 'Days late', 'Amount', 'Amount due'];
  const cells = items.map((i) => [
    i.invoiceId,
    levelLabels[language][i.level],
    formatDate(i.dueDate, language),
    daysLateLabel(i.daysLate, language),
    money(i.amountCents, i.currency, language),
    money(i.openCents, i.currency, language),
  ]);
  // An invoice not yet due is listed with its date, apart from the overdue total the message asks for now.
  const upcoming = anyOverdue ? items.filter((i) => i.daysLate <= 0) : [];
  const sum = (list: ReminderItem[]) =>
    totalsByCurrency(list)
      .map((t) => money(t.cents, t.currency, language))
      .join(' + ');
  const totalLine = upcoming.length
    ? `${fr ? 'Total échu à régler :' : 'Overdue total to pay:'} ${sum(items.filter((i) => i.daysLate > 0))}`
    : `${fr ? 'Total dû :' : 'Total due:'} ${sum(items)}`;
  const upcomingLines = upcoming.map((i) =>
    fr
      ? `Facture ${i.invoiceId} : ${money(i.openCents, i.currency, 'fr')}, à régler à son échéance du ` +
        `${formatDate(i.dueDate, 'fr')} (non comprise dans le total échu).`
      : `Invoice ${i.invoiceId}: ${money(i.openCents, i.currency, 'en')}, to be paid on its due date, ` +
        `${formatDate(i.dueDate, 'en')} (not in the overdue total).`,
  );
  const payment = paymentDetails(language, creditor, invoiceIds);
  const closing = fr
    ? 'Si vous avez déjà effectué ce règlement, merci de ne pas tenir compte de ce message. Pour toute question ou ' +
      'contestation, répondez simplement à ce message.'
    : 'If you have already paid, please disregard this message. For any question or dispute, simply reply to this ' +
      'message.';
  const links = items
    .filter((i) => safeUrl(i.pdfUrl))
    .map((i) => `${fr ? 'Facture' : 'Invoice'} ${i.invoiceId}${fr ? ' :' : ':'} ${safeUrl(i.pdfUrl)}`);

  const text = [
    greeting,
    '',
    tone.intro(n),
    asOfLine,
    '',
    textTable(headers, cells, [4, 5]),
    '',
    totalLine,
    ...upcomingLines,
    ...(ask ? ['', ask] : []),
    ...(reminder.length ? ['', ...reminder] : []),
    ...(links.length ? ['', ...links] : []),
    '',
    ...payment,
    '',
    closing,
    '',
    ...signature(language, creditor),
  ].join('\n');

  const htmlRows = items.map((i, k) => {
    const url = safeUrl(i.pdfUrl);
    const id = url ? `<a href="${escapeHtml(url)}">${escapeHtml(i.invoiceId)}</a>` : escapeHtml(i.invoiceId);
    return [id, ...cells[k].slice(1).map(escapeHtml)];
  });
  const html = htmlDocument(
    language,
    subject,
    [
      `<p>${escapeHtml(greeting)}</p>`,
      `<p>${escapeHtml(tone.intro(n))}<br>${escapeHtml(asOfLine)}</p>`,
      htmlTable(headers, htmlRows, [4, 5], [0, 2, 4, 5]),
      `<p><strong>${escapeHtml(totalLine)}</strong>${upcomingLines.map((l) => `<br>${escapeHtml(l)}`).join('')}</p>`,
      ask ? `<p>${escapeHtml(ask)}</p>` : '',
      reminder.length ? `<p>${reminder.map(escapeHtml).join('<br>')}</p>` : '',
      paymentDetailsHtml(language, creditor, invoiceIds),
      `<p>${escapeHtml(closing)}</p>`,
      `<p>${signature(language, creditor).map(escapeHtml).join('<br>')}</p>`,
    ].join(''),
  );
  return { subject, text, html };
}

function compareItems(a: { dueDate: string; invoiceId: string }, b: { dueDate: string; invoiceId: string }): number {
  if (a.dueDate !== b.dueDate) return a.dueDate < b.dueDate ? -1 : 1;
  return a.invoiceId < b.invoiceId ? -1 : a.invoiceId > b.invoiceId ? 1 : 0;
}

/**
 * The most invoices one message lists. A customer with more invoices due in one send window gets the oldest due here
 * and the rest in the next windows: one message of hundreds of formal notices (a PDF each, built, stored and attached
 * within the dispatch's 60 s) would outgrow the function's time, its send intent (one DynamoDB item, 400 KB) and SES's
 * 40 MB message.
 */
export const MAX_INVOICES_PER_MESSAGE = 100;

/** One enlisted invoice of a customer's send window, as the dispatcher re-read it just before sending. */
export interface DispatchMember {
  invoiceId: string;
  level: DunningLevel;
  openCents: number;
  dueDate: IsoDate;
  /** Current status; absent = owed when openCents > 0. */
  status?: InvoiceStatus;
  /** A pause added between the step and the send leaves the invoice out. */
  paused?: boolean;
}

export interface DispatchGroup<T extends DispatchMember> {
  /**
   * Still-owed members, one per invoice (its highest level), sorted by due date then invoice number, at most
   * MAX_INVOICES_PER_MESSAGE.
   */
  include: T[];
  /** Still-owed members beyond MAX_INVOICES_PER_MESSAGE (the latest due): for the next send window. */
  deferred: T[];
  excluded: { invoiceId: string; reason: 'paid' | 'not_owed' | 'paused' | 'duplicate' }[];
  /** The message level: highest level among included members; undefined when nothing is left to send. */
  level: DunningLevel | undefined;
}

/**
 * Given the enlisted members of one customer's window, the invoices to put in the message (those still owed, not
 * paused), sorted, and the level that sets the message's tone. An invoice enlisted twice appears once, at its
 * highest level.
 */
export function groupForDispatch<T extends DispatchMember>(members: readonly T[]): DispatchGroup<T> {
  const excluded: DispatchGroup<T>['excluded'] = [];
  const byInvoice = new Map<string, T>();
  for (const m of members) {
    const prev = byInvoice.get(m.invoiceId);
    if (prev) {
      excluded.push({ invoiceId: m.invoiceId, reason: 'duplicate' });
      if (levelRank(m.level) > levelRank(prev.level)) byInvoice.set(m.invoiceId, m);
    } else byInvoice.set(m.invoiceId, m);
  }
  const include: T[] = [];
  for (const m of byInvoice.values()) {
    if (
      m.status === 'paid' ||
      (m.openCents <= 0 && (m.status === undefined || m.status === 'open' || m.status === 'partially_paid'))
    )
      excluded.push({ invoiceId: m.invoiceId, reason: 'paid' });
    else if (m.status && m.status !== 'open' && m.status !== 'partially_paid')
      excluded.push({ invoiceId: m.invoiceId, reason: 'not_owed' });
    else if (m.paused) excluded.push({ invoiceId: m.invoiceId, reason: 'paused' });
    else include.push(m);
  }
  include.sort(compareItems);
  const deferred = include.splice(MAX_INVOICES_PER_MESSAGE);
  const level = include.reduce<DunningLevel | undefined>(
    (hi, m) => (hi === undefined || levelRank(m.level) > levelRank(hi) ? m.level : hi),
    undefined,
  );
  return { include, deferred, excluded, level };
}

/**
 * The level an invoice is reminded at: its step's level, or the level it already reached if that is higher (a step
 * planned before a higher one went out never lowers the tone for that invoice).
 */
export function effectiveLevel(stepLevel: DunningLevel, reachedLevel: DunningLevel | undefined): DunningLevel {
  return reachedLevel !== undefined && levelRank(reachedLevel) > levelRank(stepLevel) ? reachedLevel : stepLevel;
}

/**
 * Whether an invoice already received a reminder proper (1st reminder or later; a courtesy reminder does not count).
 */
export function alreadyReminded(reachedLevel: DunningLevel | undefined): boolean {
  return reachedLevel !== undefined && levelRank(reachedLevel) >= levelRank('reminder_1');
}
