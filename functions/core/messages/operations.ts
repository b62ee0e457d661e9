import type { IsoTimestamp } from '../dates';
import type { FinanceAlertInput } from './finance';
import { type Language, wordsIn } from './format';

/**
 * Alerts of the machinery finance relies on (an e-mail address refused, a dunning workflow stopped by an error), in
 * finance's language and plain words. Technical references stay, labelled as such, for whoever investigates.
 */

const colon = (language: Language) => (language === 'fr' ? ' :' : ':');

/** A permanent bounce or a complaint flagged a customer's address: the next e-mail step becomes a call. */
export function bounceAlert(input: {
  language?: Language;
  customer: { customerId: string; name?: string };
  refused: string[];
  complained: string[];
  messageId: string;
  invoiceIds: string[];
  at: IsoTimestamp;
}): FinanceAlertInput {
  const { language, l } = wordsIn(input.language);
  const { customer, refused, complained } = input;
  const who = customer.name ? `${customer.name} (${customer.customerId})` : customer.customerId;
  const addresses = [...refused, ...complained].join(', ');
  return {
    language,
    kind: 'bounce',
    title: `${customer.name ?? customer.customerId}${colon(language)} ${addresses}`,
    occurredAt: input.at,
    details: [
      { label: l('Client', 'Customer'), value: who },
      ...(refused.length
        ? [
            {
              label: l('Adresse refusée par le serveur du client', 'Address refused by the customer’s mail server'),
              value: refused.join(', '),
            },
          ]
        : []),
      ...(complained.length
        ? [
            {
              label: l('Message signalé comme indésirable par', 'Message reported as spam by'),
              value: complained.join(', '),
            },
          ]
        : []),
      ...(input.invoiceIds.length
        ? [{ label: l('Factures concernées', 'Invoices concerned'), value: input.invoiceIds.join(', ') }]
        : []),
      { label: l('Référence technique du message', 'Technical reference of the message'), value: input.messageId },
    ],
    action: l(
      'corriger ou remplacer l’adresse du contact dans la fiche du client. D’ici là, plus aucun e-mail ne part à ' +
        'cette adresse : la prochaine relance du client devient un appel.',
      'correct or replace the contact’s address on the customer’s record. Until then no e-mail goes to that address: ' +
        'the customer’s next reminder becomes a call.',
    ),
  };
}

/** Known causes of a stopped workflow, in words; anything else is an unexpected technical error. */
const causes: Record<Language, Record<string, string>> = {
  fr: {
    'States.Timeout': 'le traitement a dépassé le délai qui lui était accordé',
    UnknownRateError: 'un taux de pénalités de retard manque pour un semestre : le saisir dans les taux d’encaisse',
    UnknownPolicyError: 'le scénario de relance de la facture est introuvable',
    Throttled: 'le service d’envoi d’e-mails a refusé les envois (quota atteint), même après plusieurs essais',
    SendUnconfirmed: 'l’envoi d’un message n’a pas pu être confirmé',
  },
  en: {
    'States.Timeout': 'the processing took longer than the time it was given',
    UnknownRateError: 'a late-payment rate is missing for a half-year: enter it in encaisse’s rates',
    UnknownPolicyError: 'the invoice’s dunning policy cannot be found',
    Throttled: 'the e-mail service refused to send (quota reached), even after several attempts',
    SendUnconfirmed: 'sending a message could not be confirmed',
  },
};

/**
 * A dunning workflow failed or timed out. The error's full text stays in the invoice's history (and in Step
 * Functions); the alert names the cause in words and gives the technical references.
 */
export function workflowFailedAlert(input: {
  language?: Language;
  invoiceId?: string;
  executionArn: string;
  timedOut: boolean;
  error?: string;
  at: IsoTimestamp;
}): FinanceAlertInput {
  const { language, l } = wordsIn(input.language);
  const { invoiceId, error } = input;
  const why =
    causes[language][error ?? (input.timedOut ? 'States.Timeout' : '')] ??
    (input.timedOut
      ? causes[language]['States.Timeout']
      : l('erreur technique inattendue', 'unexpected technical error'));
  const technical = [error, input.executionArn].filter(Boolean).join(' · ');
  return {
    language,
    kind: 'workflow_failed',
    title: invoiceId
      ? l(`facture ${invoiceId}`, `invoice ${invoiceId}`)
      : l('facture non identifiée', 'invoice not identified'),
    occurredAt: input.at,
    details: [
      { label: l('Facture', 'Invoice'), value: invoiceId ?? l('non identifiée', 'not identified') },
      { label: l('Cause', 'Cause'), value: why },
      {
        label: l('Détail complet de l’erreur', 'Full text of the error'),
        value: invoiceId
          ? l('dans l’historique de la facture', 'in the invoice’s history')
          : l('dans la console Step Functions (exécution ci-dessous)', 'in the Step Functions console (see below)'),
      },
      { label: l('Référence technique', 'Technical reference'), value: technical },
    ],
    action: l(
      'vérifier la facture et, si besoin, corriger la cause. Le balayage quotidien reprend ensuite ses relances ' +
        'de lui-même ; pour les reprendre tout de suite, redémarrer les relances de la facture par l’API ' +
        '(opération restartDunning).',
      'check the invoice and, if need be, fix the cause. The daily sweep then resumes its reminders by itself; to ' +
        'resume them at once, restart the invoice’s dunning through the API (operation restartDunning).',
    ),
  };
}
