import type { IsoDate } from '../dates';
import {
  type Addressee,
  emailGreeting,
  escapeHtml,
  formatDate,
  htmlDocument,
  type Language,
  money,
  type RenderedMessage,
} from './format';
import { type Creditor, signature } from './reminder';

/**
 * The messages that take something back once a payment landed after a message went out (issue 11, point 11):
 * to the agency, "the case is withdrawn"; to the customer, "your payment crossed our reminder, disregard it".
 * Each is written in its reader's language only.
 */

export interface CaseWithdrawalInput {
  language: Language;
  creditor: Creditor;
  customer: { customerId: string; name: string };
  caseId: string;
  invoices: { invoiceId: string; currency: string; amountCents: number }[];
  /** Why: the invoice was paid (or credited) on this date. */
  settledOn: IsoDate;
  reason: 'paid' | 'credited';
}

export function renderCaseWithdrawal(input: CaseWithdrawalInput): RenderedMessage {
  const { language, creditor, customer, caseId } = input;
  const fr = language === 'fr';
  const ids = input.invoices.map((i) => i.invoiceId).join(', ');
  const subject = fr
    ? `Retrait du dossier ${caseId} – ${creditor.name} c/ ${customer.name}`
    : `Case ${caseId} withdrawn – ${creditor.name} v. ${customer.name}`;
  const how = fr
    ? input.reason === 'paid'
      ? 'réglée'
      : 'soldée par un avoir'
    : input.reason === 'paid'
      ? 'paid'
      : 'settled by a credit note';
  const lines = fr
    ? [
        'Bonjour,',
        `La créance du dossier ${caseId} sur ${customer.name} (réf. client ${customer.customerId}, ` +
          `facture${input.invoices.length > 1 ? 's' : ''} ${ids}) a été ${how} le ` +
          `${formatDate(input.settledOn, 'fr')}.`,
        `Nous vous retirons ce dossier : merci de cesser toute démarche de recouvrement et de ne rien encaisser à ` +
          `ce titre.`,
      ]
    : [
        'Hello,',
        `The claim of case ${caseId} on ${customer.name} (customer ref. ${customer.customerId}, ` +
          `invoice${input.invoices.length > 1 ? 's' : ''} ${ids}) was ${how} on ${formatDate(input.settledOn, 'en')}.`,
        'We withdraw this case: please stop every collection step and collect nothing for it.',
      ];
  const text = [...lines, '', ...signature(language, creditor)].join('\n');
  const html = htmlDocument(
    language,
    subject,
    [
      ...lines.map((l) => `<p>${escapeHtml(l)}</p>`),
      `<p>${signature(language, creditor).map(escapeHtml).join('<br>')}</p>`,
    ].join(''),
  );
  return { subject, text, html };
}

export interface PaymentCrossedInput {
  language: Language;
  creditor: Creditor;
  customer: Addressee;
  /** The invoices of the message whose payment had landed: no longer owed. */
  invoices: { invoiceId: string; currency: string; amountCents: number }[];
  /** What the customer received: a reminder or a formal notice. */
  messageKind: 'reminder' | 'formal_notice';
  sentOn: IsoDate;
}

export function renderPaymentCrossed(input: PaymentCrossedInput): RenderedMessage {
  const { language, creditor, customer } = input;
  const fr = language === 'fr';
  const notice = input.messageKind === 'formal_notice';
  const items = input.invoices.map((i) => `${i.invoiceId} (${money(i.amountCents, i.currency, language)})`);
  const list =
    items.length > 1 ? `${items.slice(0, -1).join(', ')} ${fr ? 'et' : 'and'} ${items[items.length - 1]}` : items[0];
  const several = input.invoices.length > 1;
  const subject = fr
    ? `Votre règlement a bien été reçu – ${creditor.name}`
    : `Your payment was received – ${creditor.name}`;
  const what = fr
    ? notice
      ? 'notre mise en demeure'
      : 'notre relance'
    : notice
      ? 'our formal notice'
      : 'our reminder';
  const lines = fr
    ? [
        emailGreeting(customer, 'fr'),
        `Votre règlement ${several ? 'des factures' : 'de la facture'} ${list} nous est parvenu alors que ${what} ` +
          `du ${formatDate(input.sentOn, 'fr')} partait : merci, et ne tenez pas compte de ${what} pour ` +
          `${several ? 'ces factures' : 'cette facture'}.`,
      ]
    : [
        emailGreeting(customer, 'en'),
        `Your payment of ${several ? 'invoices' : 'invoice'} ${list} reached us while ${what} of ` +
          `${formatDate(input.sentOn, 'en')} was going out: thank you, and please disregard ${what} for ` +
          `${several ? 'these invoices' : 'this invoice'}.`,
      ];
  const text = [...lines, '', ...signature(language, creditor)].join('\n');
  const html = htmlDocument(
    language,
    subject,
    [
      ...lines.map((l) => `<p>${escapeHtml(l)}</p>`),
      `<p>${signature(language, creditor).map(escapeHtml).join('<br>')}</p>`,
    ].join(''),
  );
  return { subject, text, html };
}
