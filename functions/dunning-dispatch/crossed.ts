import { now } from '../adapters/clock';
import { creditor } from '../adapters/config';
import { getCustomer } from '../adapters/db/customers';
import { recordEvent } from '../adapters/db/history';
import { getInvoice } from '../adapters/db/invoices';
import { alertFinance } from '../adapters/finance-alerts';
import type { Logger } from '../adapters/logger';
import { localDate } from '../core/calendar/time-zone';
import { paymentCrossedAlert } from '../core/messages/tasks';
import { renderPaymentCrossed } from '../core/messages/withdrawals';
import type { Customer, Invoice } from '../core/model';
import { intentIdOf, type SentIntent, sendOnce } from '../use-cases/dunning/send-once';
import { addresseeOf } from './compose';

/**
 * A payment that lands while a reminder or formal notice goes out (after the re-check, before SES accepted it): the
 * invoices of the message are read again right after the send; those paid (or credited) meanwhile get one message to
 * the customer ("your payment crossed our message, disregard it"), sent at most once like any customer message,
 * a line in their history, and an alert to finance. `known`: the customer when the caller read it already.
 */
export async function tellCrossedPayments(sent: SentIntent, known: Customer | undefined, log: Logger): Promise<void> {
  if (sent.kind !== 'reminder' && sent.kind !== 'formal_notice') return;
  const invoices = await Promise.all(sent.invoiceIds.map((id) => getInvoice(id)));
  const settled = invoices.filter(
    (i): i is Invoice => i !== undefined && (i.status === 'paid' || i.status === 'credited'),
  );
  if (settled.length === 0) return;
  const customer = known ?? (await getCustomer(sent.customerId));
  if (!customer) return;
  const at = now();
  const sentOn = localDate(new Date(sent.sentAt), customer.timeZone || 'Europe/Paris');
  const message = renderPaymentCrossed({
    language: customer.language,
    creditor: creditor(),
    customer: addresseeOf(customer),
    invoices: settled.map((i) => ({ invoiceId: i.invoiceId, currency: i.currency, amountCents: i.amountCents })),
    messageKind: sent.kind,
    sentOn,
  });
  const ids = settled.map((i) => i.invoiceId);
  const result = await sendOnce(
    {
      intentId: intentIdOf('crossed', sent.intentId),
      kind: 'payment_crossed',
      customerId: customer.customerId,
      invoiceIds: ids,
      stepIds: {},
      details: {},
      eventKind: 'payment_crossed_notice_sent',
      to: sent.to,
    },
    { to: sent.to, ...message, tags: { kind: 'payment_crossed' } },
    log,
  );
  if (result.outcome !== 'sent') return;
  for (const id of ids)
    await recordEvent(id, at, 'payment_crossed_notice_sent', {
      messageId: result.intent.messageId,
      crossedMessageId: sent.messageId,
      messageKind: sent.kind,
    });
  await alertFinance(
    paymentCrossedAlert({ customer, invoiceIds: ids, messageKind: sent.kind, sentOn, at: at.toISOString() }),
  );
  log.info('payment crossed a message: customer told', { intentId: sent.intentId, invoices: ids.length });
}
