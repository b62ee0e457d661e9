import type { IsoDate, IsoTimestamp } from '../dates';
import type { DunningLevel } from '../dunning/policy';
import {
  escapeHtml,
  formatDate,
  formatTimestamp,
  htmlDocument,
  htmlTable,
  type Language,
  maskIbansIn,
  money,
  type RenderedMessage,
  safeUrl,
  textTable,
} from './format';
import { levelLabels } from './reminder';

/**
 * Internal messages to finance. Subjects never carry a full IBAN (masked whatever the caller passes).
 */
export type FinanceAlertKind =
  | 'workflow_failed'
  | 'send_failed'
  | 'bounce'
  | 'escalation'
  | 'formal_notice_to_post'
  | 'postal_address_missing'
  | 'approval_needed'
  | 'statement_rejected'
  | 'statement_processed'
  | 'statement_to_review'
  | 'statement_stuck'
  | 'anomaly'
  | 'maybe_sent'
  | 'case_withdrawn'
  | 'payment_crossed'
  | 'dunning_exhausted'
  | 'payment_reported'
  | 'dispute_opened'
  | 'payment_promised'
  | 'einvoice_rejected'
  | 'notice_claims_unpaid';

const kindLabels: Record<Language, Record<FinanceAlertKind, string>> = {
  fr: {
    workflow_failed: 'À vérifier : relances arrêtées par une erreur',
    send_failed: 'Échec d’envoi',
    bounce: 'À corriger : adresse e-mail d’un client bloquée',
    escalation: 'Escalade',
    formal_notice_to_post: 'Mise en demeure à poster en recommandé',
    postal_address_missing: 'Adresse manquante : mise en demeure à poster dès que connue',
    approval_needed: 'Approbation requise',
    statement_rejected: 'À corriger : relevé bancaire rejeté',
    statement_processed: 'Relevé bancaire traité',
    statement_to_review: 'À vérifier : opérations du relevé bancaire',
    statement_stuck: 'À redéposer : relevé bancaire resté en attente',
    anomaly: 'Anomalie',
    maybe_sent: 'Envoi incertain (peut-être parti) : à vérifier',
    case_withdrawn: 'Dossier retiré à l’agence (payé)',
    payment_crossed: 'Paiement croisé avec une relance',
    dunning_exhausted: 'À traiter : relances terminées, facture toujours due',
    payment_reported: 'À rapprocher : paiement déclaré par le client',
    dispute_opened: 'À examiner : facture contestée par le client',
    payment_promised: 'Pour information : promesse de paiement du client',
    einvoice_rejected: 'À corriger : facture électronique rejetée',
    notice_claims_unpaid: 'À décider : pénalités de la mise en demeure impayées',
  },
  en: {
    workflow_failed: 'To check: dunning stopped by an error',
    send_failed: 'Send failure',
    bounce: 'To fix: a customer’s e-mail address blocked',
    escalation: 'Escalation',
    formal_notice_to_post: 'Formal notice to post by registered mail',
    postal_address_missing: 'Postal address missing: formal notice to post once known',
    approval_needed: 'Approval needed',
    statement_rejected: 'To fix: bank statement rejected',
    statement_processed: 'Bank statement processed',
    statement_to_review: 'To check: bank statement entries',
    statement_stuck: 'To drop again: bank statement left waiting',
    anomaly: 'Anomaly',
    maybe_sent: 'Message maybe sent: to check',
    case_withdrawn: 'Case withdrawn from the agency (paid)',
    payment_crossed: 'Payment crossed a reminder',
    dunning_exhausted: 'To do: dunning over, invoice still owed',
    payment_reported: 'To match: payment reported by the customer',
    dispute_opened: 'To look into: invoice disputed by the customer',
    payment_promised: 'For information: payment promised by the customer',
    einvoice_rejected: 'To fix: electronic invoice rejected',
    notice_claims_unpaid: 'To decide: formal notice penalties unpaid',
  },
};

export interface FinanceAlertInput {
  language?: Language;
  kind: FinanceAlertKind;
  /** One line: what happened, e.g. "invoice F-2026-0042: execution failed". */
  title: string;
  occurredAt: IsoTimestamp;
  details?: { label: string; value: string | number }[];
  /** Affected items, one line each (invoices, entries, errors). */
  items?: string[];
  /** What a person should do now. */
  action?: string;
  link?: string;
}

export function renderFinanceAlert(input: FinanceAlertInput): RenderedMessage {
  const language = input.language ?? 'fr';
  const fr = language === 'fr';
  const label = kindLabels[language][input.kind];
  const subject = maskIbansIn(`[encaisse] ${label} – ${input.title}`).replace(/[\r\n]+/g, ' ');
  const when = `${fr ? 'Survenu le' : 'Occurred on'} ${formatTimestamp(input.occurredAt, language)}`;
  const details = (input.details ?? []).map((d) => `${d.label}${fr ? ' :' : ':'} ${d.value}`);
  const link = safeUrl(input.link);
  const text = [
    `${label} – ${input.title}`,
    when,
    ...(details.length ? ['', ...details] : []),
    ...(input.items?.length ? ['', ...input.items.map((i) => `- ${i}`)] : []),
    ...(input.action ? ['', `${fr ? 'À faire :' : 'To do:'} ${input.action}`] : []),
    ...(link ? ['', link] : []),
  ].join('\n');
  const html = htmlDocument(
    language,
    subject,
    [
      `<h2 style="font-size:16px">${escapeHtml(label)} – ${escapeHtml(input.title)}</h2><p>${escapeHtml(when)}</p>`,
      details.length ? `<p>${details.map(escapeHtml).join('<br>')}</p>` : '',
      input.items?.length ? `<ul>${input.items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>` : '',
      input.action
        ? `<p><strong>${escapeHtml(fr ? 'À faire :' : 'To do:')}</strong> ${escapeHtml(input.action)}</p>`
        : '',
      link ? `<p><a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p>` : '',
    ].join(''),
  );
  return { subject, text, html };
}

export interface FinanceDigestInput {
  language?: Language;
  date: IsoDate;
  sent: {
    customerName: string;
    invoiceIds: string[];
    level: DunningLevel;
    channel: string;
    totalCents?: number;
    currency?: string;
    messageId?: string;
  }[];
  escalatingTomorrow: {
    customerName: string;
    invoiceId: string;
    level: DunningLevel;
    openCents: number;
    currency: string;
    requiresApproval?: boolean;
  }[];
  /** `since`: when the item first needed a person (absent: new today). */
  needsPerson: { customerName?: string; invoiceId?: string; reason: string; since?: IsoDate }[];
  failures?: { invoiceId?: string; reason: string }[];
}

/**
 * A digest says something only when a message went out, an escalation comes tomorrow, something failed or a person
 * has NEW work (needing a person since `newSince` or later). Work that waits since earlier is listed in every digest
 * that goes out, and alone makes one when `standingToo` (the sweep sets it on Mondays).
 */
export function digestIsWorthSending(input: FinanceDigestInput, newSince?: IsoDate, standingToo = false): boolean {
  const fresh = input.needsPerson.filter((p) => standingToo || !p.since || !newSince || p.since >= newSince);
  return input.sent.length + input.escalatingTomorrow.length + fresh.length + (input.failures?.length ?? 0) > 0;
}

/**
 * The subject leads with what needs doing, then what escalates tomorrow, then what went out; empty counts are left out.
 */
function digestSubject(language: Language, date: IsoDate, ns: number, ne: number, np: number): string {
  const fr = language === 'fr';
  const s = (n: number, one: string, many: string) => `${n} ${n > 1 ? many : one}`;
  const parts = fr
    ? [np && `À traiter : ${np}`, ne && s(ne, 'escalade demain', 'escalades demain'), ns && s(ns, 'envoi', 'envois')]
    : [np && `To do: ${np}`, ne && `${ne} escalating tomorrow`, ns && `${ns} sent`];
  const what = parts.filter(Boolean).join(fr ? ' · ' : ' · ');
  const tail = fr ? `synthèse des relances du ${formatDate(date, 'fr')}` : `dunning digest ${formatDate(date, 'en')}`;
  return maskIbansIn(`[encaisse] ${what} – ${tail}`);
}

/** How a message went out, in the digest's "Canal" column. */
const channelNames: Record<Language, Record<string, string>> = {
  fr: { email: 'e-mail', letter: 'courrier', formal_notice: 'courrier et e-mail', call_task: 'téléphone' },
  en: { email: 'e-mail', letter: 'post', formal_notice: 'post and e-mail', call_task: 'phone' },
};

export function renderFinanceDigest(input: FinanceDigestInput): RenderedMessage {
  const language = input.language ?? 'fr';
  const fr = language === 'fr';
  const ns = input.sent.length;
  const ne = input.escalatingTomorrow.length;
  const np = input.needsPerson.length + (input.failures?.length ?? 0);
  const subject = digestSubject(language, input.date, ns, ne, np);
  const sentHeaders = fr
    ? ['Client', 'Niveau', 'Canal', 'Factures', 'Montant']
    : ['Customer', 'Level', 'Channel', 'Invoices', 'Amount'];
  const sentRows = input.sent.map((s) => [
    s.customerName,
    levelLabels[language][s.level],
    channelNames[language][s.channel] ?? s.channel,
    s.invoiceIds.join(', '),
    s.totalCents !== undefined ? money(s.totalCents, s.currency ?? 'EUR', language) : '',
  ]);
  const escHeaders = fr
    ? ['Client', 'Facture', 'Niveau demain', 'Reste dû', 'Approbation']
    : ['Customer', 'Invoice', 'Level tomorrow', 'Amount due', 'Approval'];
  const escRows = input.escalatingTomorrow.map((e) => [
    e.customerName,
    e.invoiceId,
    levelLabels[language][e.level],
    money(e.openCents, e.currency, language),
    e.requiresApproval ? (fr ? 'requise' : 'required') : '',
  ]);
  const people = [
    ...input.needsPerson.map(
      (p) =>
        [p.customerName, p.invoiceId, p.reason].filter(Boolean).join(' – ') +
        (p.since ? (fr ? ` (depuis le ${formatDate(p.since, 'fr')})` : ` (since ${formatDate(p.since, 'en')})`) : ''),
    ),
    ...(input.failures ?? []).map(
      (f) => `${fr ? 'Échec' : 'Failure'}${f.invoiceId ? ` ${f.invoiceId}` : ''} – ${f.reason}`,
    ),
  ];
  const none = fr ? '(aucun)' : '(none)';
  const titles = fr
    ? { sent: 'Envoyé aujourd’hui', esc: 'Escalades prévues demain', people: 'À traiter par une personne' }
    : { sent: 'Sent today', esc: 'Escalating tomorrow', people: 'Needs a person' };
  const text = [
    subject.replace('[encaisse] ', ''),
    '',
    `${titles.sent} (${ns})`,
    ns ? textTable(sentHeaders, sentRows, [4]) : none,
    '',
    `${titles.esc} (${ne})`,
    ne ? textTable(escHeaders, escRows, [3]) : none,
    '',
    `${titles.people} (${np})`,
    ...(np ? people.map((p) => `- ${p}`) : [none]),
  ].join('\n');
  const html = htmlDocument(
    language,
    subject,
    [
      `<h2 style="font-size:16px">${escapeHtml(subject.replace('[encaisse] ', ''))}</h2>`,
      `<h3 style="font-size:14px">${escapeHtml(titles.sent)} (${ns})</h3>`,
      ns
        ? htmlTable(
            sentHeaders,
            sentRows.map((r) => r.map(escapeHtml)),
            [4],
          )
        : `<p>${none}</p>`,
      `<h3 style="font-size:14px">${escapeHtml(titles.esc)} (${ne})</h3>`,
      ne
        ? htmlTable(
            escHeaders,
            escRows.map((r) => r.map(escapeHtml)),
            [3],
          )
        : `<p>${none}</p>`,
      `<h3 style="font-size:14px">${escapeHtml(titles.people)} (${np})</h3>`,
      np ? `<ul>${people.map((p) => `<li>${escapeHtml(p)}</li>`).join('')}</ul>` : `<p>${none}</p>`,
    ].join(''),
  );
  return { subject, text, html };
}
