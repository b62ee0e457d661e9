import type { IsoDate, IsoTimestamp } from '../dates';
import type { DunningLevel } from '../dunning/policy';
import type { FinanceAlertInput } from './finance';
import { formatDate, formatTimestamp, type Language, money, wordsIn } from './format';
import { levelLabels } from './reminder';

/**
 * The alerts and tasks finance reads, in its language and in plain words: amounts formatted, levels and channels
 * named, never a code name or raw cents. Each builder is pure; the handlers send what it returns.
 */

interface CustomerRef {
  customerId: string;
  name: string;
}

/** A step that needs a person's approval parked the invoice's dunning. */
export function approvalNeededAlert(input: {
  language?: Language;
  customer: CustomerRef;
  invoiceId: string;
  level: DunningLevel;
  openCents: number;
  currency: string;
  at: IsoTimestamp;
}): FinanceAlertInput {
  const { language, l } = wordsIn(input.language);
  const level = levelLabels[language][input.level];
  return {
    language,
    kind: 'approval_needed',
    title: `${input.customer.name} – ${input.invoiceId}${language === 'fr' ? ' :' : ':'} ${level}`,
    occurredAt: input.at,
    details: [
      { label: l('Client', 'Customer'), value: `${input.customer.name} (${input.customer.customerId})` },
      { label: l('Facture', 'Invoice'), value: input.invoiceId },
      { label: l('Étape à valider', 'Step to approve'), value: level },
      { label: l('Reste dû', 'Amount due'), value: money(input.openCents, input.currency, language) },
    ],
    action: l(
      'Pour valider l’étape, reprendre les relances de la facture dans encaisse ; sinon la passer en perte ou la ' +
        'laisser en pause.',
      'To approve the step, resume the invoice’s reminders in encaisse; otherwise write it off or leave it paused.',
    ),
  };
}

/** An invoice went to the collection agency. */
export function handedOverAlert(input: {
  language?: Language;
  invoiceId: string;
  at: IsoTimestamp;
  figures?: { caseId: string; openCents: number; penaltiesCents: number; currency: string };
  noticeInDoubt: boolean;
}): FinanceAlertInput {
  const { language, l } = wordsIn(input.language);
  const f = input.figures;
  return {
    language,
    kind: 'escalation',
    title: l(
      `Facture ${input.invoiceId} remise à l’agence de recouvrement`,
      `Invoice ${input.invoiceId} handed to the collection agency`,
    ),
    occurredAt: input.at,
    details: [
      { label: l('Facture', 'Invoice'), value: input.invoiceId },
      ...(f
        ? [
            { label: l('Dossier', 'Case'), value: f.caseId },
            { label: l('Reste dû', 'Amount due'), value: money(f.openCents, f.currency, language) },
            {
              label: l('Pénalités et indemnité', 'Penalties and indemnity'),
              value: money(f.penaltiesCents, f.currency, language),
            },
          ]
        : []),
      ...(input.noticeInDoubt
        ? [
            {
              label: l('Message à l’agence', 'Notice to the agency'),
              value: l('peut-être parti : voir la tâche « envoi incertain »', 'maybe sent: see the "maybe sent" task'),
            },
          ]
        : []),
    ],
    action: l(
      'Le dossier est chez l’agence : plus de relance interne pour cette facture.',
      'The case is with the agency: no more internal reminders for this invoice.',
    ),
  };
}

/** A payment landed while a reminder or formal notice went out; the customer was told. */
export function paymentCrossedAlert(input: {
  language?: Language;
  customer: CustomerRef;
  invoiceIds: string[];
  messageKind: 'reminder' | 'formal_notice';
  sentOn: IsoDate;
  at: IsoTimestamp;
}): FinanceAlertInput {
  const { language, l } = wordsIn(input.language);
  const notice = input.messageKind === 'formal_notice';
  return {
    language,
    kind: 'payment_crossed',
    title: `${input.customer.name} – ${input.invoiceIds.join(', ')}`,
    occurredAt: input.at,
    details: [
      { label: l('Client', 'Customer'), value: `${input.customer.name} (${input.customer.customerId})` },
      {
        label: l('Message croisé', 'Crossed message'),
        value:
          `${notice ? l('mise en demeure', 'formal notice') : l('relance', 'reminder')} ${l('du', 'of')} ` +
          `${formatDate(input.sentOn, language)}`,
      },
      { label: l('Client prévenu', 'Customer told'), value: l('oui, par e-mail', 'yes, by e-mail') },
    ],
    items: input.invoiceIds,
    action: notice
      ? l(
          'Ne pas poster la mise en demeure de ces factures en recommandé.',
          'Do not post the formal notice of these invoices by registered mail.',
        )
      : l('Rien à faire : le client a été prévenu.', 'Nothing to do: the customer was told.'),
  };
}

/** The day's formal notices to post by registered mail, or, without a postal address, to post once it is found. */
export function noticesToPostAlert(input: {
  language?: Language;
  customer: CustomerRef;
  notices: { invoiceId: string; reference: string }[];
  deadline: IsoDate;
  emailed: boolean;
  postal: boolean;
  at: IsoTimestamp;
}): FinanceAlertInput {
  const { language, l } = wordsIn(input.language);
  const registered = l('en recommandé avec accusé de réception', 'by registered mail with acknowledgement of receipt');
  return {
    language,
    kind: input.postal ? 'formal_notice_to_post' : 'postal_address_missing',
    title: `${input.customer.name} – ${input.notices.map((n) => n.invoiceId).join(', ')}`,
    occurredAt: input.at,
    details: [
      { label: l('Client', 'Customer'), value: `${input.customer.name} (${input.customer.customerId})` },
      {
        label: l('E-mail au client', 'E-mail to the customer'),
        value: input.emailed ? l('envoyé', 'sent') : l('aucune adresse e-mail valide', 'no valid e-mail address'),
      },
      { label: l('Date limite de paiement', 'Payment deadline'), value: formatDate(input.deadline, language) },
    ],
    items: input.notices.map(
      (n) => `${l('Facture', 'Invoice')} ${n.invoiceId}${l(' : mise en demeure', ': formal notice')} ${n.reference}`,
    ),
    action: input.postal
      ? l(`Envoyer chaque lettre jointe ${registered}.`, `Send each attached letter ${registered}.`)
      : l(
          `Adresse postale manquante : la demander au client (ou la retrouver), la saisir sur sa fiche, puis ` +
            `envoyer chaque lettre jointe ${registered}.`,
          `Postal address missing: ask the customer for it (or find it), enter it on their record, then send each ` +
            `attached letter ${registered}.`,
        ),
  };
}

const messageKinds: Record<Language, Record<string, string>> = {
  fr: {
    reminder: 'relance',
    formal_notice: 'mise en demeure',
    call: 'tâche d’appel',
    agency_handoff: 'transmission à l’agence',
    agency_withdrawal: 'retrait du dossier à l’agence',
    payment_crossed: 'message « paiement croisé »',
    digest: 'synthèse quotidienne des relances',
  },
  en: {
    reminder: 'reminder',
    formal_notice: 'formal notice',
    call: 'call task',
    agency_handoff: 'handoff to the agency',
    agency_withdrawal: 'case withdrawal to the agency',
    payment_crossed: '"payment crossed" message',
    digest: 'daily dunning digest',
  },
};

/** A message SES neither confirmed nor refused: finance checks, encaisse sends nothing again. */
export function maybeSentAlert(input: {
  language?: Language;
  messageKind: string;
  customerId: string;
  invoiceIds: string[];
  to: string[];
  since: IsoTimestamp;
  at: IsoTimestamp;
}): FinanceAlertInput {
  const { language, l } = wordsIn(input.language);
  const what =
    messageKinds[language][input.messageKind] ??
    (input.messageKind.startsWith('alert_')
      ? l('alerte au service comptable', 'alert to finance')
      : l('message', 'message'));
  return {
    language,
    kind: 'maybe_sent',
    title: [input.customerId, input.invoiceIds.join(', '), what].filter(Boolean).join(' – '),
    occurredAt: input.at,
    details: [
      { label: l('Message', 'Message'), value: what },
      { label: l('Destinataires', 'Recipients'), value: input.to.join(', ') },
      {
        label: l('Envoi tenté le', 'Send attempted on'),
        value: formatTimestamp(input.since, language),
      },
    ],
    items: input.invoiceIds,
    action: l(
      'L’envoi a peut-être eu lieu : SES ne l’a ni confirmé ni refusé. Vérifier dans la boîte d’envoi ou les ' +
        'journaux SES ; encaisse ne le renverra pas. Si rien n’est parti, envoyer le message à la main.',
      'The message may have gone out: SES neither confirmed nor refused it. Check the sent mail or the SES logs; ' +
        'encaisse will not send it again. If nothing went out, send it by hand.',
    ),
  };
}

/** A case the agency held was withdrawn: the invoice got paid (or credited) after the handoff. */
export function caseWithdrawnAlert(input: {
  language?: Language;
  invoiceId: string;
  customerName: string;
  caseId: string;
  reason: 'paid' | 'credited';
  agencyTold: boolean;
  at: IsoTimestamp;
}): FinanceAlertInput {
  const { language, l } = wordsIn(input.language);
  return {
    language,
    kind: 'case_withdrawn',
    title: l(
      `${input.invoiceId} (${input.customerName}) : dossier ${input.caseId} retiré`,
      `${input.invoiceId} (${input.customerName}): case ${input.caseId} withdrawn`,
    ),
    occurredAt: input.at,
    details: [
      { label: l('Facture', 'Invoice'), value: input.invoiceId },
      { label: l('Dossier', 'Case'), value: input.caseId },
      {
        label: l('Règlement', 'Settlement'),
        value: input.reason === 'paid' ? l('payée', 'paid') : l('soldée par un avoir', 'settled by a credit note'),
      },
      {
        label: l('Agence prévenue', 'Agency told'),
        value: input.agencyTold
          ? l('oui', 'yes')
          : l('peut-être : voir la tâche « envoi incertain »', 'maybe: see the "maybe sent" task'),
      },
    ],
    action: l(
      'Le paiement est arrivé après la remise à l’agence : vérifier qu’elle n’a rien encaissé et régler sa ' +
        'commission éventuelle.',
      'The payment arrived after the handoff: check the agency collected nothing and settle any commission it is owed.',
    ),
  };
}

/**
 * An invoice's principal is paid, and its formal notice also claimed late-payment interest and/or the recovery
 * indemnity that nobody paid (the notice's payment code pays the principal only): finance decides whether to claim
 * them or waive them. The figures are those the letter printed on its date.
 */
export function noticeClaimsUnpaidAlert(input: {
  language?: Language;
  customer: CustomerRef & { isBusiness: boolean };
  invoiceId: string;
  currency: string;
  /** The cash the invoice received in all, and the day it became paid (its `collected`). */
  received: { cents: number; on?: IsoDate };
  notice: { reference: string; on: IsoDate; interestCents: number; indemnityCents: number };
  at: IsoTimestamp;
}): FinanceAlertInput {
  const { language, l } = wordsIn(input.language);
  const { notice, currency } = input;
  const m = (cents: number) => money(cents, currency, language);
  const unpaid = notice.interestCents + notice.indemnityCents;
  const interestLabel = input.customer.isBusiness
    ? l('Pénalités de retard réclamées', 'Late-payment penalties claimed')
    : l('Intérêts au taux légal réclamés', 'Statutory interest claimed');
  const receivedOn = input.received.on
    ? ` (${l('soldée le', 'settled on')} ${formatDate(input.received.on, language)})`
    : '';
  return {
    language,
    kind: 'notice_claims_unpaid',
    title: l(
      `${input.customer.name} – facture ${input.invoiceId} : ${m(unpaid)} réclamés par la mise en demeure, impayés`,
      `${input.customer.name} – invoice ${input.invoiceId}: ${m(unpaid)} claimed by the formal notice, unpaid`,
    ),
    occurredAt: input.at,
    details: [
      { label: l('Client', 'Customer'), value: `${input.customer.name} (${input.customer.customerId})` },
      { label: l('Facture', 'Invoice'), value: input.invoiceId },
      { label: l('Principal reçu', 'Principal received'), value: `${m(input.received.cents)}${receivedOn}` },
      {
        label: l('Mise en demeure', 'Formal notice'),
        value: `${notice.reference} ${l('du', 'of')} ${formatDate(notice.on, language)}`,
      },
      ...(notice.interestCents > 0 ? [{ label: interestLabel, value: m(notice.interestCents) }] : []),
      ...(notice.indemnityCents > 0
        ? [
            {
              label: l('Indemnité forfaitaire de recouvrement', 'Fixed recovery indemnity'),
              value: m(notice.indemnityCents),
            },
          ]
        : []),
      { label: l('Réclamé en plus du principal, impayé', 'Claimed on top of the principal, unpaid'), value: m(unpaid) },
    ],
    action: l(
      'Décider de réclamer ces sommes au client (facture de pénalités, courrier) ou d’y renoncer : encaisse ne les ' +
        'réclamera pas de lui-même. Les intérêts sont ceux arrêtés à la date de la mise en demeure.',
      'Decide whether to claim these amounts from the customer (a penalty invoice, a letter) or to waive them: ' +
        'encaisse will not claim them by itself. The interest is the amount accrued on the formal notice’s date.',
    ),
  };
}
