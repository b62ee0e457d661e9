import type { IsoDate, IsoTimestamp } from '../dates';
import type { FinanceAlertInput } from './finance';
import { formatDate, type Language, money, wordsIn } from './format';

/**
 * What a customer answered from their payment page (paid, disputed, promised), told to finance in its language:
 * the subject leads with what finance has to do, dates and amounts as the reader writes them.
 */
export type CustomerAnswer =
  | {
      kind: 'payment_reported';
      paidOn: IsoDate;
      amountCents: number;
      remindersWaitUntil: IsoDate;
      /** The invoices the amount pays in full (their reminders wait), and what is owed on those it was counted on. */
      pausedInvoiceIds: readonly string[];
      owedCents: number;
    }
  | { kind: 'dispute_opened'; invoiceId: string; reason: string; documentKey?: string }
  | {
      kind: 'payment_promised';
      promisedFor: IsoDate;
      /** A promise that replaces one still recorded: when the first of the chain was made, and its last date. */
      renewal?: { firstPromisedOn: IsoDate; previousPromisedFor?: IsoDate };
      /**
       * The invoices whose promise pause finance set runs to that date or later: it stays as finance set it (the
       * others wait for the customer's date).
       */
      financeKept?: readonly { invoiceId: string; until: IsoDate }[];
      /** Every invoice the promise covers is one of financeKept: none waits for the customer's date. */
      financeKeptAll?: boolean;
    };

export function customerAnswerAlert(input: {
  language?: Language;
  customer: { customerId: string; name: string };
  linkId: string;
  answer: CustomerAnswer;
  at: IsoTimestamp;
}): FinanceAlertInput {
  const { language, l } = wordsIn(input.language);
  const date = (d: IsoDate) => formatDate(d, language);
  const { customer, answer } = input;
  const common = {
    language,
    kind: answer.kind,
    occurredAt: input.at,
    details: [
      { label: l('Client', 'Customer'), value: `${customer.name} (${customer.customerId})` },
      { label: l('Référence technique du lien', 'Technical reference of the link'), value: input.linkId },
    ],
  };
  switch (answer.kind) {
    case 'payment_reported': {
      const amount = money(answer.amountCents, 'EUR', language);
      const paused = answer.pausedInvoiceIds.join(', ');
      const short = answer.amountCents < answer.owedCents;
      const owed = money(answer.owedCents, 'EUR', language);
      return {
        ...common,
        title: customer.name,
        items: [
          l(`Payé le ${date(answer.paidOn)}`, `Paid on ${date(answer.paidOn)}`),
          l(`Montant : ${amount}`, `Amount: ${amount}`),
          answer.pausedInvoiceIds.length
            ? l(
                `Relances suspendues jusqu’au ${date(answer.remindersWaitUntil)} pour les factures que ce montant ` +
                  `règle entièrement : ${paused}`,
                `Reminders paused until ${date(answer.remindersWaitUntil)} for the invoices this amount pays in ` +
                  `full: ${paused}`,
              )
            : l(
                `Ce montant ne règle entièrement aucune facture : aucune relance n’est suspendue.`,
                `This amount pays no invoice in full: no reminder is paused.`,
              ),
          ...(short
            ? [
                l(
                  `Le montant déclaré est inférieur au total dû (${owed}) : les autres factures continuent d’être ` +
                    'relancées.',
                  `The amount reported is less than the total owed (${owed}): the other invoices go on being chased.`,
                ),
              ]
            : []),
        ],
        action: l(
          'rapprocher le virement dès qu’il apparaît au relevé.',
          'match the transfer as soon as it appears on the statement.',
        ),
      };
    }
    case 'dispute_opened':
      return {
        ...common,
        title: l(
          `${customer.name} – contestation de la facture ${answer.invoiceId}`,
          `${customer.name} – dispute of invoice ${answer.invoiceId}`,
        ),
        items: [
          l(`Motif donné par le client : ${answer.reason}`, `Reason given by the customer: ${answer.reason}`),
          ...(answer.documentKey
            ? [l(`Pièce jointe conservée sous ${answer.documentKey}`, `Attached file kept at ${answer.documentKey}`)]
            : []),
        ],
        action: l(
          'examiner la contestation, répondre au client, puis reprendre ou arrêter les relances de la facture.',
          'look into the dispute, answer the customer, then resume or stop the invoice’s reminders.',
        ),
      };
    case 'payment_promised': {
      const { renewal } = answer;
      const previous = renewal?.previousPromisedFor ? date(renewal.previousPromisedFor) : '–';
      const renewed = renewal && [
        l(
          `Engagement repoussé : le client avait promis de payer le ${previous}` +
            ` (premier engagement pris le ${date(renewal.firstPromisedOn)})`,
          `Promise renewed: the customer had promised to pay on ${previous}` +
            ` (first promise made on ${date(renewal.firstPromisedOn)})`,
        ),
      ];
      return {
        ...common,
        title: l(
          `${customer.name} – paiement ${renewal ? 'repoussé au' : 'promis pour le'} ${date(answer.promisedFor)}`,
          `${customer.name} – payment ${renewal ? 'put off to' : 'promised for'} ${date(answer.promisedFor)}`,
        ),
        items: [
          answer.financeKeptAll
            ? l(
                'Aucune relance suspendue à cette date : chaque facture garde la suspension que vous aviez fixée, ' +
                  'plus longue',
                'No reminder paused to that date: each invoice keeps the longer pause you set',
              )
            : answer.financeKept?.length
              ? l(
                  `Relances des autres factures suspendues jusqu’au ${date(answer.promisedFor)}`,
                  `Reminders of the other invoices paused until ${date(answer.promisedFor)}`,
                )
              : l(
                  `Relances suspendues jusqu’au ${date(answer.promisedFor)}`,
                  `Reminders paused until ${date(answer.promisedFor)}`,
                ),
          ...(answer.financeKept ?? []).map((k) =>
            l(
              `Facture ${k.invoiceId} : la suspension que vous aviez fixée jusqu’au ${date(k.until)} est maintenue`,
              `Invoice ${k.invoiceId}: the pause you set until ${date(k.until)} stays`,
            ),
          ),
          ...(renewed ?? []),
        ],
        action: renewal
          ? l(
              'voir avec le client s’il paiera à cette date : il a repoussé son engagement (pas au-delà de la ' +
                'limite de sa politique, comptée depuis son premier engagement) ; sinon les relances reprennent ' +
                'd’elles-mêmes.',
              'check with the customer that they will pay on that date: they have put off their promise (not beyond ' +
                'their policy’s limit, counted from the first promise); otherwise the reminders resume by themselves.',
            )
          : l(
              'rien à faire : les relances reprennent d’elles-mêmes si le paiement n’arrive pas.',
              'nothing to do: the reminders resume by themselves if the payment does not arrive.',
            ),
      };
    }
  }
}
