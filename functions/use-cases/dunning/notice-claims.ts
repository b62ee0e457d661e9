import { now } from '../../adapters/clock';
import type { ApplyOutcome } from '../../adapters/db/allocations';
import { getCustomer } from '../../adapters/db/customers';
import { listInvoiceEvents } from '../../adapters/db/events';
import { recordEventOnce } from '../../adapters/db/history';
import { getNoticeClaims } from '../../adapters/db/sends';
import { financeAlertEmail } from '../../adapters/finance-alerts';
import type { Logger } from '../../adapters/logger';
import { stopDunning } from '../../adapters/workflows';
import { claimsBeyondPrincipal, latestNotice } from '../../core/dunning/notice-claims';
import { noticeClaimsUnpaidAlert } from '../../core/messages/tasks';
import type { Invoice } from '../../core/model';
import { alertFinanceOnce, intentIdOf, sentMessage } from './send-once';

/** The levels an invoice reaches only once a formal notice went out for it (its `dunningLevel`, never lowered). */
const afterNotice = new Set<Invoice['dunningLevel']>(['formal_notice', 'agency_handoff']);

/**
 * An invoice whose principal is now paid, and whose formal notice also claimed interest and/or the recovery indemnity:
 * finance is told once (a send intent per invoice and notice: a retry, or the workflow's re-check after the payment's
 * own run told it, sends nothing again) what the letter claimed on top of the principal and nobody paid, to claim or
 * waive, and the invoice's history says so (`notice_claims_unpaid`, once). Nothing is told when the notice claimed
 * nothing beyond the principal (a policy waiving both, a consumer's notice), nor for a notice left "maybe sent".
 * Returns whether there was something to tell.
 */
export async function tellNoticeClaimsUnpaid(invoice: Invoice, log: Logger): Promise<boolean> {
  if (invoice.status !== 'paid' || !afterNotice.has(invoice.dunningLevel)) return false;
  const noticeSteps = new Set(
    (await listInvoiceEvents(invoice.invoiceId))
      .filter((e) => e.kind === 'formal_notice_sent' && typeof e.detail.stepId === 'string')
      .map((e) => String(e.detail.stepId)),
  );
  const notices = await Promise.all([...noticeSteps].map((stepId) => getNoticeClaims(invoice.invoiceId, stepId)));
  const notice = latestNotice(notices.filter((n) => n !== undefined));
  if (!notice || !claimsBeyondPrincipal(notice.claims)) return false;

  const { claims } = notice;
  const customer = await getCustomer(invoice.customerId);
  const received = invoice.collected?.amountCents ?? invoice.receivedCents ?? invoice.amountCents;
  const alert = noticeClaimsUnpaidAlert({
    customer: {
      customerId: invoice.customerId,
      name: customer?.name ?? invoice.customerId,
      isBusiness: customer?.isBusiness ?? true,
    },
    invoiceId: invoice.invoiceId,
    currency: claims.currency,
    received: { cents: received, on: invoice.collected?.on },
    notice: claims,
    at: now().toISOString(),
  });
  const intentId = intentIdOf('notice-claims-unpaid', invoice.invoiceId, notice.stepId);
  const result = await alertFinanceOnce(intentId, financeAlertEmail(alert), log, invoice.customerId);
  const { sent, messageId, at } = sentMessage(result);
  await recordEventOnce(
    invoice.invoiceId,
    at,
    'notice_claims_unpaid',
    {
      stepId: notice.stepId,
      reference: claims.reference,
      noticeOn: claims.on,
      interestCents: claims.interestCents,
      indemnityCents: claims.indemnityCents,
      currency: claims.currency,
      receivedCents: received,
      decision: 'finance',
      intentId,
      ...(sent ? { messageId } : { maybeSent: true }),
    },
    'notice-claims',
  );
  log.info('finance told of a formal notice’s claims left unpaid', {
    invoiceId: invoice.invoiceId,
    stepId: notice.stepId,
    unpaidCents: claims.interestCents + claims.indemnityCents,
  });
  return true;
}

/**
 * The invoices a payment settled (the ingest's match, finance's match through the API): finance hears of what their
 * formal notice also claimed, then their dunning workflows stop. Told before the stop: when telling fails, the
 * workflow still runs, and its re-check before the next step tells finance and ends it.
 */
export async function stopDunningOfPaid(
  outcome: Pick<ApplyOutcome, 'invoices' | 'paidInvoiceIds'>,
  reason: string,
  log: Logger,
): Promise<void> {
  for (const invoiceId of outcome.paidInvoiceIds) {
    const invoice = outcome.invoices.find((i) => i.invoiceId === invoiceId);
    if (invoice) await tellNoticeClaimsUnpaid(invoice, log);
    await stopDunning(invoiceId, reason);
  }
}
