import { getCustomer } from '../adapters/db/customers';
import { getInvoice } from '../adapters/db/invoices';
import type { Logger } from '../adapters/logger';
import { localDate } from '../core/calendar/time-zone';
import { renderPaymentCrossed } from '../core/messages/withdrawals';
import type { Invoice } from '../core/model';
import { alertFinance } from '../dunning-shared/alerts';
import { recordEvent } from '../dunning-shared/history';
import { creditor, now } from '../dunning-shared/runtime';
import { intentIdOf, type SentIntent, sendOnce } from '../dunning-shared/send-once';

/**
 * A payment that lands while a reminder or formal notice goes out (after the re-check, before SES accepted it): the
 * invoices of the message are read again right after the send; those paid (or credited) meanwhile get one message to
 * the customer ("your payment crossed our message, disregard it"), sent at most once like any customer message,
 * a line in their history, and an alert to finance.
 */
export async function tellCrossedPayments(sent: SentIntent, log: Logger): Promise<void> {
  if (sent.kind !== 'reminder' && sent.kind !== 'formal_notice') return;
  const invoices = await Promise.all(sent.invoiceIds.map((id) => getInvoice(id)));
  const settled = invoices.filter(
    (i): i is Invoice => i !== undefined && (i.status === 'paid' || i.status === 'credited'),
  );
  if (settled.length === 0) return;
  const customer = await getCustomer(sent.customerId);
  if (!customer) return;
  const at = now();
  const message = renderPaymentCrossed({
    language: customer.language,
    creditor: creditor(),
    customer: { name: customer.name },
    invoices: settled.map((i) => ({ invoiceId: i.invoiceId, currency: i.currency, amountCents: i.amountCents })),
    messageKind: sent.kind,
    sentOn: localDate(new Date(sent.sentAt), customer.timeZone || 'Europe/Paris'),
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
  await alertFinance({
    kind: 'payment_crossed',
    title: `${customer.name} – ${ids.join(', ')}`,
    occurredAt: at.toISOString(),
    details: [
      { label: 'customer', value: customer.customerId },
      { label: 'message', value: `${sent.kind} ${sent.messageId}` },
      { label: 'told the customer', value: result.intent.messageId },
    ],
    items: ids,
    action:
      sent.kind === 'formal_notice'
        ? 'Ne pas poster la mise en demeure de ces factures en recommandé.'
        : 'Rien à faire : le client a été prévenu.',
  });
  log.info('payment crossed a message: customer told', { intentId: sent.intentId, invoices: ids.length });
}
