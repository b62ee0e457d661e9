import { getCustomer } from '../adapters/db/customers';
import { type AgencyCase, saveAgencyCase } from '../adapters/db/sends';
import type { Logger } from '../adapters/logger';
import { localDate } from '../core/calendar/time-zone';
import { renderCaseWithdrawal } from '../core/messages/withdrawals';
import type { Invoice } from '../core/model';
import { alertFinance } from './alerts';
import { recordEvent } from './history';
import { agencyEmail, creditor, now } from './runtime';
import { intentIdOf, sendOnce } from './send-once';

/**
 * The invoice of an agency case got paid (or credited) after the agency was told: the agency gets "the case is
 * withdrawn" (at most once, like every message that leaves), the invoice history says so, finance is alerted, and the
 * case is closed. Called by the handoff when the payment races it, and by the daily sweep for later payments.
 */
export async function withdrawCase(agencyCase: AgencyCase, invoice: Invoice, log: Logger): Promise<void> {
  const reason = invoice.status === 'credited' ? 'credited' : 'paid';
  const customer = await getCustomer(invoice.customerId);
  const at = now();
  const message = renderCaseWithdrawal({
    language: 'fr',
    creditor: creditor(),
    customer: { customerId: invoice.customerId, name: customer?.name ?? invoice.customerId },
    caseId: agencyCase.caseId,
    invoices: [{ invoiceId: invoice.invoiceId, currency: invoice.currency, amountCents: invoice.amountCents }],
    settledOn: localDate(at, customer?.timeZone || 'Europe/Paris'),
    reason,
  });
  const to = [agencyEmail()];
  const result = await sendOnce(
    {
      intentId: intentIdOf('withdraw', invoice.invoiceId, agencyCase.caseId),
      kind: 'agency_withdrawal',
      customerId: invoice.customerId,
      invoiceIds: [invoice.invoiceId],
      stepIds: {},
      details: {},
      eventKind: 'agency_case_withdrawn',
      to,
    },
    { to, ...message, tags: { kind: 'agency_withdrawal' } },
    log,
  );
  const messageId = result.outcome === 'sent' ? result.intent.messageId : undefined;
  await recordEvent(invoice.invoiceId, at, 'agency_case_withdrawn', {
    caseId: agencyCase.caseId,
    reason,
    messageId,
    outcome: result.outcome,
    handoffMessageId: agencyCase.messageId,
  });
  await alertFinance({
    kind: 'case_withdrawn',
    title: `${invoice.invoiceId} (${customer?.name ?? invoice.customerId}) : dossier ${agencyCase.caseId} retiré`,
    occurredAt: at.toISOString(),
    details: [
      { label: 'invoice', value: invoice.invoiceId },
      { label: 'case', value: agencyCase.caseId },
      { label: 'status', value: invoice.status },
      { label: 'agency told', value: messageId ?? 'maybe (see the "maybe sent" task)' },
    ],
    action:
      'Le paiement est arrivé après la remise à l’agence : vérifier qu’elle n’a rien encaissé et régler sa ' +
      'commission éventuelle.',
  });
  await saveAgencyCase({ ...agencyCase, status: 'withdrawn', withdrawnAt: at.toISOString() });
  log.info('agency case withdrawn after payment', { invoiceId: invoice.invoiceId, caseId: agencyCase.caseId });
}
