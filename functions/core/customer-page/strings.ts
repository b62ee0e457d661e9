/**
 * Every word the customer's page shows, in French and in English. One dictionary per language with the same keys
 * (the type checks it), so a page never mixes the two.
 */
import type { DunningLevel } from '../dunning/policy';

const fr = {
  title: 'Vos factures',
  hello: 'Bonjour',
  intro: 'Voici les factures qui restent à régler à',
  noInvoices: 'Aucune facture ne reste à régler. Merci !',
  colNumber: 'Facture',
  colIssued: 'Émise le',
  colDue: 'Échéance',
  colOwed: 'Reste dû',
  colLevel: 'Étape',
  colPenalties: 'Pénalités de retard',
  colIndemnity: 'Indemnité forfaitaire',
  colDocument: 'Document',
  download: 'Télécharger',
  total: 'Total dû',
  payTitle: 'Payer par virement',
  payIntro: 'Scannez ce code avec l’application de votre banque : le virement est prérempli.',
  payManual: 'Ou saisissez ces coordonnées :',
  beneficiary: 'Bénéficiaire',
  amount: 'Montant',
  reference: 'Référence à indiquer',
  qrLabel: 'Code QR de virement SEPA',
  paidTitle: 'J’ai payé',
  paidDate: 'Date du paiement',
  paidAmount: 'Montant payé',
  paidSubmit: 'Envoyer',
  disputeTitle: 'Je conteste',
  disputeInvoice: 'Facture contestée',
  disputeReason: 'Motif',
  disputeFile: 'Pièce jointe (facultative, 5 Mo au plus)',
  disputeSubmit: 'Envoyer la contestation',
  promiseTitle: 'Je m’engage à payer le …',
  promiseDate: 'Date de paiement',
  promiseSubmit: 'Je m’engage',
  contact: 'Une question ? Contactez',
  invalidTitle: 'Lien invalide ou expiré',
  invalidBody:
    'Ce lien n’est pas ou plus valide. Si vous avez reçu un courrier de notre part, contactez l’expéditeur pour en ' +
    'obtenir un nouveau.',
} as const;

export type StringKey = keyof typeof fr;

const en: Record<StringKey, string> = {
  title: 'Your invoices',
  hello: 'Hello',
  intro: 'These invoices are still to be paid to',
  noInvoices: 'No invoice is left to pay. Thank you!',
  colNumber: 'Invoice',
  colIssued: 'Issued on',
  colDue: 'Due date',
  colOwed: 'Amount owed',
  colLevel: 'Stage',
  colPenalties: 'Late-payment interest',
  colIndemnity: 'Fixed recovery fee',
  colDocument: 'Document',
  download: 'Download',
  total: 'Total owed',
  payTitle: 'Pay by bank transfer',
  payIntro: 'Scan this code with your banking app: the transfer is filled in for you.',
  payManual: 'Or enter these details:',
  beneficiary: 'Payee',
  amount: 'Amount',
  reference: 'Reference to quote',
  qrLabel: 'SEPA credit transfer QR code',
  paidTitle: 'I have paid',
  paidDate: 'Payment date',
  paidAmount: 'Amount paid',
  paidSubmit: 'Send',
  disputeTitle: 'I dispute an invoice',
  disputeInvoice: 'Disputed invoice',
  disputeReason: 'Reason',
  disputeFile: 'Attachment (optional, 5 MB at most)',
  disputeSubmit: 'Send the dispute',
  promiseTitle: 'I promise to pay on …',
  promiseDate: 'Payment date',
  promiseSubmit: 'I promise',
  contact: 'A question? Contact',
  invalidTitle: 'Invalid or expired link',
  invalidBody: 'This link is not, or no longer, valid. If you received a letter from us, ask its sender for a new one.',
};

export const STRINGS: Record<'fr' | 'en', Record<StringKey, string>> = { fr, en };

export const LEVEL_LABELS: Record<'fr' | 'en', Record<DunningLevel, string>> = {
  fr: {
    courtesy: 'Rappel avant échéance',
    reminder_1: 'Première relance',
    reminder_2: 'Deuxième relance',
    final_reminder: 'Dernière relance',
    formal_notice: 'Mise en demeure',
    agency_handoff: 'Transmise au recouvrement',
    call: 'Appel',
  },
  en: {
    courtesy: 'Courtesy reminder',
    reminder_1: 'First reminder',
    reminder_2: 'Second reminder',
    final_reminder: 'Final reminder',
    formal_notice: 'Formal notice',
    agency_handoff: 'Passed to a collection agency',
    call: 'Phone call',
  },
};
