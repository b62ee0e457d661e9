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
  interestPending: 'en cours de calcul',
  interestPendingNote:
    'Les pénalités de retard s’y ajoutent : leur montant sera calculé dès la publication du taux du semestre.',
  colDocument: 'Document',
  colPay: 'Virement',
  download: 'Télécharger',
  total: 'Total dû',
  payTitle: 'Payer par virement',
  /** `{invoice}`: the invoice's number. */
  payOneTitle: 'Payer par virement la facture {invoice}',
  payOne: 'Payer cette facture',
  payAll: 'Payer plutôt tout ce qui est dû',
  penaltiesApart:
    'Ce montant est celui des factures : les pénalités de retard et l’indemnité forfaitaire s’y ajoutent.',
  payIntro: 'Scannez ce code avec l’application de votre banque : le virement est prérempli.',
  payManual: 'Ou saisissez ces coordonnées :',
  beneficiary: 'Bénéficiaire',
  amount: 'Montant',
  reference: 'Référence à indiquer',
  remittance: 'Libellé à indiquer',
  qrLabel: 'Code QR de virement SEPA',
  paidTitle: 'J’ai payé',
  paidDate: 'Date du paiement',
  paidAmount: 'Montant payé',
  paidSubmit: 'Envoyer',
  disputeTitle: 'Je conteste',
  disputeInvoice: 'Facture contestée',
  disputeReason: 'Motif',
  disputeFile:
    'Pièce jointe (facultative) : un PDF, un JPEG ou un PNG de 4 Mo au plus. Un fichier plus lourd ne peut pas ' +
    'être reçu : réduisez la photo ou le scan avant de l’envoyer.',
  disputeSubmit: 'Envoyer la contestation',
  promiseTitle: 'Je m’engage à payer le …',
  promiseDate: 'Date de paiement',
  promiseSubmit: 'Je m’engage',
  contact: 'Une question ? Contactez',
  donePaid:
    'Merci : votre paiement est noté. Pour les factures qu’il règle entièrement, nos relances attendent quelques ' +
    'jours qu’il apparaisse sur notre relevé.',
  doneDispute:
    'Votre contestation est enregistrée : nous ne relancerons pas cette facture avant de vous avoir répondu.',
  donePromise: 'Votre engagement est noté : pas de relance pour ces factures d’ici là.',
  /** After a promise, when a pause agreed with finance already runs later on some invoices (`{invoices}`, `{date}`). */
  donePromiseHeld: 'Votre engagement est noté.',
  promiseHeldOne:
    'Pour la facture {invoices}, les relances restent suspendues jusqu’au {date}, comme convenu avec nous.',
  promiseHeldMany:
    'Pour les factures {invoices}, les relances restent suspendues jusqu’au {date}, comme convenu avec nous.',
  promiseHeldOthers: 'Pour les autres factures, pas de relance d’ici la date que vous avez indiquée.',
  refusedForm: 'Le formulaire n’a pas pu être accepté : rechargez la page et recommencez.',
  notRecorded:
    'Votre réponse n’a pas pu être enregistrée pour le moment : rien n’a été noté, réessayez dans un instant.',
  unavailableTitle: 'Page momentanément indisponible',
  unavailableBody: 'Cette page ne peut pas être affichée pour le moment : réessayez dans un instant.',
  inProgress:
    'Votre réponse est en cours d’enregistrement : rechargez la page dans un instant pour voir si elle est notée.',
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
  interestPending: 'being computed',
  interestPendingNote:
    'Late-payment interest comes on top: its amount will be computed as soon as the half-year’s rate is published.',
  colDocument: 'Document',
  colPay: 'Transfer',
  download: 'Download',
  total: 'Total owed',
  payTitle: 'Pay by bank transfer',
  payOneTitle: 'Pay invoice {invoice} by bank transfer',
  payOne: 'Pay this invoice',
  payAll: 'Pay everything due instead',
  penaltiesApart: 'This is the amount of the invoices: late-payment interest and the fixed indemnity come on top.',
  payIntro: 'Scan this code with your banking app: the transfer is filled in for you.',
  payManual: 'Or enter these details:',
  beneficiary: 'Payee',
  amount: 'Amount',
  reference: 'Reference to quote',
  remittance: 'Description to quote',
  qrLabel: 'SEPA credit transfer QR code',
  paidTitle: 'I have paid',
  paidDate: 'Payment date',
  paidAmount: 'Amount paid',
  paidSubmit: 'Send',
  disputeTitle: 'I dispute an invoice',
  disputeInvoice: 'Disputed invoice',
  disputeReason: 'Reason',
  disputeFile:
    'Attachment (optional): a PDF, a JPEG or a PNG of 4 MB at most. A heavier file cannot be received: make the ' +
    'photo or scan smaller before sending it.',
  disputeSubmit: 'Send the dispute',
  promiseTitle: 'I promise to pay on …',
  promiseDate: 'Payment date',
  promiseSubmit: 'I promise',
  contact: 'A question? Contact',
  donePaid:
    'Thank you: your payment is noted. For the invoices it pays in full, our reminders wait a few days for it to ' +
    'reach our bank statement.',
  doneDispute: 'Your dispute is recorded: we will not remind you of this invoice before we have answered you.',
  donePromise: 'Your promise is noted: no reminder for these invoices until then.',
  donePromiseHeld: 'Your promise is noted.',
  promiseHeldOne: 'For invoice {invoices}, reminders stay paused until {date}, as agreed with us.',
  promiseHeldMany: 'For invoices {invoices}, reminders stay paused until {date}, as agreed with us.',
  promiseHeldOthers: 'For the other invoices, no reminder before the date you gave.',
  refusedForm: 'The form could not be accepted: reload the page and try again.',
  notRecorded: 'Your answer could not be recorded just now: nothing was noted, please try again in a moment.',
  unavailableTitle: 'Page temporarily unavailable',
  unavailableBody: 'This page cannot be shown just now: please try again in a moment.',
  inProgress: 'Your answer is being recorded: reload the page in a moment to see whether it is noted.',
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
