import type { DunningLevel } from '../dunning/policy';
import { invoiceStatusName, type Language, money } from './format';
import { latenessInWords, movedInWords } from './lateness';
import { levelLabels } from './reminder';

/**
 * An invoice's history in words, for people (the agency's case file, call tasks): never the event's code name.
 * Unknown kinds read as "Autre événement" / "Other event" rather than leaking an identifier.
 */
const eventLabels: Record<Language, Record<string, string>> = {
  fr: {
    imported: 'Facture importée',
    call: 'Appel au client',
    created: 'Facture créée',
    dunning_policy_pinned: 'Plan de relance appliqué',
    dunning_policy_switched: 'Plan de relance changé',
    dunning_step_planned: 'Étape de relance planifiée',
    reminder_sent: 'Relance envoyée',
    dunning_message_sent: 'Message de relance envoyé',
    formal_notice_sent: 'Mise en demeure envoyée',
    call_task_created: 'Appel confié au chargé de compte',
    agency_notice_sent: 'Dossier transmis à l’agence de recouvrement',
    dunning_send_skipped: 'Envoi non fait : facture réglée, en pause ou plus due',
    dunning_step_skipped: 'Étape non faite',
    dunning_rescheduled: 'Envoi reporté au créneau suivant',
    dunning_step_closed_in_doubt: 'Envoi incertain, vérifié par le service comptable',
    send_maybe_sent: 'Envoi incertain, vérifié par le service comptable',
    send_confirmed: 'Envoi confirmé',
    dunning_approval_requested: 'Validation demandée au service comptable',
    dunning_paused: 'Relances suspendues',
    dunning_suspended: 'Relances suspendues',
    dunning_restarted: 'Relances reprises',
    dunning_stopped: 'Relances arrêtées',
    dunning_ended: 'Relances terminées',
    dunning_failed: 'Incident de relance',
    dunning_switched_to_person: 'Relances confiées à une personne',
    status_changed: 'Statut de la facture changé',
    allocation: 'Paiement reçu',
    allocation_undone: 'Paiement annulé',
    returned_payment: 'Paiement rejeté par la banque',
    promise_broken: 'Promesse de paiement non tenue',
    payment_crossed_notice_sent: 'Client informé que son paiement a croisé notre message',
    hard_bounce: 'Adresse e-mail en échec',
    bounce: 'Adresse e-mail en échec',
    complaint: 'Message signalé comme indésirable',
    write_off: 'Passage en perte',
    agency_case_withdrawn: 'Dossier retiré à l’agence',
    notice_claims_unpaid: 'Pénalités de la mise en demeure impayées : décision demandée au service comptable',
  },
  en: {
    imported: 'Invoice imported',
    call: 'Call to the customer',
    created: 'Invoice created',
    dunning_policy_pinned: 'Dunning plan applied',
    dunning_policy_switched: 'Dunning plan changed',
    dunning_step_planned: 'Dunning step planned',
    reminder_sent: 'Reminder sent',
    dunning_message_sent: 'Dunning message sent',
    formal_notice_sent: 'Formal notice sent',
    call_task_created: 'Call handed to the account manager',
    agency_notice_sent: 'Case handed to the collection agency',
    dunning_send_skipped: 'Not sent: invoice paid, paused or no longer owed',
    dunning_step_skipped: 'Step not taken',
    dunning_rescheduled: 'Send moved to the next window',
    dunning_step_closed_in_doubt: 'Send uncertain, checked by the accounts department',
    send_maybe_sent: 'Send uncertain, checked by the accounts department',
    send_confirmed: 'Send confirmed',
    dunning_approval_requested: 'Approval asked of the accounts department',
    dunning_paused: 'Reminders paused',
    dunning_suspended: 'Reminders paused',
    dunning_restarted: 'Reminders resumed',
    dunning_stopped: 'Reminders stopped',
    dunning_ended: 'Reminders ended',
    dunning_failed: 'Dunning incident',
    dunning_switched_to_person: 'Reminders handed to a person',
    status_changed: 'Invoice status changed',
    allocation: 'Payment received',
    allocation_undone: 'Payment undone',
    returned_payment: 'Payment returned by the bank',
    promise_broken: 'Payment promise not kept',
    payment_crossed_notice_sent: 'Customer told their payment crossed our message',
    hard_bounce: 'E-mail address bouncing',
    bounce: 'E-mail address bouncing',
    complaint: 'Message reported as spam',
    write_off: 'Written off',
    agency_case_withdrawn: 'Case withdrawn from the agency',
    notice_claims_unpaid: 'Formal notice penalties unpaid: decision asked of the accounts department',
  },
};

const channelLabels: Record<Language, Record<string, string>> = {
  fr: {
    email: 'par e-mail',
    formal_notice: 'par courrier et e-mail',
    call_task: 'par téléphone',
    agency_handoff: 'à l’agence',
  },
  en: {
    email: 'by e-mail',
    formal_notice: 'by post and e-mail',
    call_task: 'by phone',
    agency_handoff: 'to the agency',
  },
};

const roleLabels: Record<Language, Record<string, string>> = {
  fr: {
    billing: 'facturation',
    accounts_payable: 'comptabilité fournisseurs',
    primary: 'contact principal',
    legal: 'service juridique',
    other: 'autre contact',
  },
  en: {
    billing: 'billing',
    accounts_payable: 'accounts payable',
    primary: 'main contact',
    legal: 'legal department',
    other: 'other contact',
  },
};

/** A contact's role in words ("facturation", "comptabilité fournisseurs"). */
export function contactRoleLabel(role: string | undefined, language: Language): string | undefined {
  return role === undefined ? undefined : (roleLabels[language][role] ?? roleLabels[language].other);
}

export interface HistoryEvent {
  kind: string;
  detail?: Record<string, unknown>;
}

/**
 * One event in words: "Relance envoyée – 2e relance, par e-mail", "Statut de la facture changé : ouverte → en
 * recouvrement".
 */
export function describeEvent(event: HistoryEvent, language: Language): string {
  const d = event.detail ?? {};
  const label = eventLabels[language][event.kind] ?? (language === 'fr' ? 'Autre événement' : 'Other event');
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const parts: string[] = [];
  const level = str(d.level);
  if (level && level in levelLabels[language]) parts.push(levelLabels[language][level as DunningLevel]);
  const channel = str(d.channel);
  if (channel && channelLabels[language][channel]) parts.push(channelLabels[language][channel]);
  if (event.kind === 'status_changed' && str(d.from) && str(d.to)) {
    const s = (status: string) => invoiceStatusName(status, language);
    return `${label}${language === 'fr' ? ' :' : ':'} ${s(str(d.from)!)} → ${s(str(d.to)!)}`;
  }
  if (typeof d.amountCents === 'number') parts.push(money(d.amountCents, str(d.currency) ?? 'EUR', language));
  const reference = str(d.reference);
  if (reference) parts.push(`${language === 'fr' ? 'réf.' : 'ref.'} ${reference}`);
  const base = parts.length ? `${label} – ${parts.join(', ')}` : label;
  const late = latenessInWords(d, language) ?? movedInWords(d, language);
  return late ? `${base} – ${late}` : base;
}
