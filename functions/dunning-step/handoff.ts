import { agencyEmail, creditor } from '../adapters/config';
import { paymentsOf } from '../adapters/db/api-reads';
import { listInvoiceEvents } from '../adapters/db/events';
import { getInvoice, saveInvoice, VersionConflictError } from '../adapters/db/invoices';
import { loadRateTable } from '../adapters/db/rates';
import { getAgencyCase, recordSend } from '../adapters/db/sends';
import { documentKeys, presignedLink, putDocument } from '../adapters/documents';
import { financeAlertEmail } from '../adapters/finance-alerts';
import type { Logger } from '../adapters/logger';
import { localDate } from '../core/calendar/time-zone';
import { penaltiesOf } from '../core/dunning/invoice-penalties';
import type { Policy, PolicyStep } from '../core/dunning/policy';
import { sendTiming } from '../core/dunning/timing';
import { buildAgencyCaseFile } from '../core/letters/agency-case';
import { renderAgencyNotice } from '../core/messages/notices';
import { handedOverAlert } from '../core/messages/tasks';
import { type Customer, type Invoice, isOwed } from '../core/model';
import { withCustomerLink } from '../customer-page/message-link';
import { alertFinanceOnce, intentIdOf, sendOnce, sentMessage } from '../use-cases/dunning/send-once';
import { withdrawCase } from '../use-cases/dunning/withdrawal';

/** How long the agency's link to the case file stays valid (the SigV4 maximum; see documents.ts for the caveat). */
export const CASE_FILE_LINK_SECONDS = 7 * 24 * 3600;

/**
 * Agency handoff: the case file (JSON + PDF: identity, contacts, invoice, amounts with penalties, the full reminder and
 * contact history, the formal notice) goes to S3, the agency gets a notice with a time-limited link, the invoice
 * becomes 'in_collection' (internal reminders stop) and finance is alerted.
 * The invoice is read again right before the notice goes out; the notice goes through a send intent (at most once,
 * or a "maybe sent" task for finance), then the SEND record and the open case, then the invoice status and the
 * alert (finishHandoff, which a retry completes; a payment that raced the handoff withdraws the case).
 */
export async function handOffToAgency(input: {
  invoice: Invoice;
  customer: Customer;
  policy: Policy;
  step: PolicyStep;
  at: Date;
  log: Logger;
  /** The step's planned time (`plan.at`): a handoff after its window says how late and why in its history. */
  plannedAt?: string;
}): Promise<'handed_off' | 'not_owed'> {
  const { invoice, customer, policy, step, at, log } = input;
  const asOf = localDate(at, customer.timeZone || 'Europe/Paris');
  const events = await listInvoiceEvents(invoice.invoiceId);
  const notice = [...events].reverse().find((e) => e.kind === 'formal_notice_sent');
  const noticeDate = notice ? notice.at.slice(0, 10) : undefined;
  const payments = await paymentsOf(invoice.invoiceId);
  const penalties = penaltiesOf(invoice, customer, policy, asOf, noticeDate, await loadRateTable(), payments);
  const caseId = `REC-${invoice.invoiceId.replace(/[^A-Za-z0-9-]/g, '')}-${asOf.replace(/-/g, '')}`;
  const file = await buildAgencyCaseFile({
    language: customer.language,
    caseId,
    creditor: creditor(),
    customer: {
      customerId: customer.customerId,
      name: customer.name,
      isBusiness: customer.isBusiness,
      segment: customer.segment,
      language: customer.language,
      postalAddress: customer.postalAddress,
      contacts: customer.contacts,
      ibans: customer.ibans,
    },
    invoices: [{ ...invoice, penalties }],
    history: events.map((e) => ({ at: e.at, invoiceId: e.invoiceId, kind: e.kind, detail: e.detail })),
    formalNotice:
      notice && noticeDate
        ? {
            reference: String(notice.detail.reference ?? ''),
            date: noticeDate,
            documentKey: typeof notice.detail.pdfKey === 'string' ? notice.detail.pdfKey : undefined,
          }
        : undefined,
    asOf,
  });
  const jsonKey = documentKeys.caseFileJson(invoice.invoiceId, asOf);
  const pdfKey = documentKeys.caseFilePdf(invoice.invoiceId, asOf);
  await putDocument(jsonKey, JSON.stringify(file.json, null, 2), 'application/json');
  await putDocument(pdfKey, file.pdf, 'application/pdf');
  const url = await presignedLink(pdfKey, CASE_FILE_LINK_SECONDS);
  const expiresAt = new Date(at.getTime() + CASE_FILE_LINK_SECONDS * 1000).toISOString();
  const agencyNotice = renderAgencyNotice({
    language: 'fr',
    creditor: creditor(),
    customer: { customerId: customer.customerId, name: customer.name },
    caseId,
    link: { url, expiresAt },
    invoices: [
      {
        invoiceId: invoice.invoiceId,
        openCents: invoice.openCents,
        currency: invoice.currency,
        dueDate: invoice.dueDate,
        penaltiesCents: penalties.totalCents,
      },
    ],
    asOf,
    formalNoticeDate: noticeDate,
  });
  // The debtor's page, for the agency to hand on (functions/customer-page/message-link.ts).
  const { message } = await withCustomerLink(agencyNotice, {
    customer,
    invoices: [invoice],
    creditor: creditor(),
    purpose: 'agency_handoff',
    now: at,
    withQr: false,
    forAgency: { language: 'fr' },
  });
  // Re-checked right before the send: a payment recorded while the case file was built stops the handoff.
  const fresh = await getInvoice(invoice.invoiceId);
  if (!fresh || !isOwed(fresh)) return 'not_owed';
  const detail = {
    stepId: step.stepId,
    channel: step.channel,
    level: step.level,
    caseId,
    caseFileJsonKey: jsonKey,
    caseFilePdfKey: pdfKey,
    linkExpiresAt: expiresAt,
    penaltiesCents: penalties.totalCents,
  };
  const to = [agencyEmail()];
  const result = await sendOnce(
    {
      intentId: intentIdOf('handoff', invoice.invoiceId, step.stepId),
      kind: 'agency_handoff',
      customerId: customer.customerId,
      invoiceIds: [invoice.invoiceId],
      stepIds: { [invoice.invoiceId]: step.stepId },
      details: { [invoice.invoiceId]: detail },
      eventKind: 'agency_notice_sent',
      to,
    },
    { to, ...message, tags: { kind: 'agency_handoff' } },
    log,
  );
  const { sent, messageId, at: sentAt } = sentMessage(result, at.toISOString());
  const timing =
    input.plannedAt && sent
      ? sendTiming({
          plannedAt: input.plannedAt,
          sentAt,
          stepRanAt: at.toISOString(),
          attempts: result.intent.attempt,
        })
      : undefined;
  // The agency case in the same write as the send record: a retry that finds the send finds the case, which the sweep
  // reads to withdraw it when the invoice gets paid.
  await recordSend(
    {
      invoiceId: invoice.invoiceId,
      stepId: step.stepId,
      messageId,
      kind: 'agency_handoff',
      at: sentAt,
      ...(sent ? {} : { maybeSent: true }),
    },
    {
      at: sentAt,
      kind: sent ? 'agency_notice_sent' : 'dunning_step_closed_in_doubt',
      actor: 'system:dunning',
      detail: { ...detail, messageId, intentId: result.intent.intentId, ...timing },
    },
    sent ? step.level : undefined,
    { invoiceId: invoice.invoiceId, customerId: customer.customerId, caseId, messageId, sentAt, status: 'open' },
  );
  await finishHandoff(invoice.invoiceId, step, messageId, at, log, {
    caseId,
    openCents: invoice.openCents,
    penaltiesCents: penalties.totalCents,
    currency: invoice.currency,
  });
  return 'handed_off';
}

/** A version conflict on the status write is resolved by reading again, never by failing the workflow. */
const STATUS_WRITE_ATTEMPTS = 5;

/**
 * The part of a handoff a retry completes: the invoice goes 'in_collection' (a version conflict is read again, never a
 * failure) and finance hears about it once (a send intent: a retry after the status write still alerts, never twice);
 * when the invoice was paid (or credited) meanwhile, the agency is told the case is withdrawn instead.
 */
export async function finishHandoff(
  invoiceId: string,
  step: PolicyStep,
  messageId: string,
  at: Date,
  log: Logger,
  figures?: { caseId: string; openCents: number; penaltiesCents: number; currency: string },
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const invoice = await getInvoice(invoiceId);
    if (!invoice) return;
    if (invoice.status === 'in_collection') break;
    if (!isOwed(invoice)) {
      const agencyCase = await getAgencyCase(invoiceId);
      if (agencyCase?.status === 'open' && (invoice.status === 'paid' || invoice.status === 'credited'))
        await withdrawCase(agencyCase, invoice, log);
      return;
    }
    try {
      await saveInvoice(
        invoice,
        { ...invoice, status: 'in_collection' },
        {
          at: at.toISOString(),
          kind: 'status_changed',
          actor: 'system:dunning',
          detail: { from: invoice.status, to: 'in_collection', stepId: step.stepId, messageId },
        },
      );
      break;
    } catch (err) {
      if (!(err instanceof VersionConflictError) || attempt >= STATUS_WRITE_ATTEMPTS) throw err;
      log.info('invoice changed during the handoff: reading it again', { invoiceId, attempt });
    }
  }
  const alert = financeAlertEmail(
    handedOverAlert({ invoiceId, at: at.toISOString(), figures, noticeInDoubt: !messageId }),
  );
  await alertFinanceOnce(intentIdOf('escalation-alert', invoiceId, step.stepId), alert, log);
}
