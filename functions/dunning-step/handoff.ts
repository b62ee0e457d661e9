import { listInvoiceEvents } from '../adapters/db/events';
import { saveInvoice } from '../adapters/db/invoices';
import { recordSend } from '../adapters/db/sends';
import { documentKeys, presignedLink, putDocument } from '../adapters/documents';
import { sendEmail } from '../adapters/mailer';
import { Policy, PolicyStep } from '../core/dunning/policy';
import { buildAgencyCaseFile } from '../core/letters/agency-case';
import { renderAgencyNotice } from '../core/messages/notices';
import { Customer, Invoice, isOwed } from '../core/model';
import { localDate } from '../core/calendar/time-zone';
import { alertFinance } from '../dunning-shared/alerts';
import { loadRateTable, penaltiesOf } from '../dunning-shared/penalties';
import { agencyEmail, creditor } from '../dunning-shared/runtime';

/** How long the agency's link to the case file stays valid (the SigV4 maximum; see documents.ts for the caveat). */
export const CASE_FILE_LINK_SECONDS = 7 * 24 * 3600;

/**
 * Agency handoff: the case file (JSON + PDF: identity, contacts, invoice, amounts with penalties, the full reminder and
 * contact history, the formal notice) goes to S3, the agency gets a notice with a time-limited link, the invoice
 * becomes 'in_collection' (internal reminders stop) and finance is alerted.
 * Order matters for retries: documents, notice, then the SEND record (so a retry never mails the agency twice),
 * then the invoice status and the alert (finishHandoff, which a retry completes).
 */
export async function handOffToAgency(input: { invoice: Invoice; customer: Customer; policy: Policy; step: PolicyStep; at: Date }): Promise<void> {
  const { invoice, customer, policy, step, at } = input;
  const asOf = localDate(at, customer.timeZone || 'Europe/Paris');
  const events = await listInvoiceEvents(invoice.invoiceId);
  const notice = [...events].reverse().find((e) => e.kind === 'formal_notice_sent');
  const noticeDate = notice ? notice.at.slice(0, 10) : undefined;
  const penalties = penaltiesOf(invoice, customer, policy, asOf, noticeDate, await loadRateTable());
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
    history: events.map((e) => ({
      at: e.at,
      invoiceId: e.invoiceId,
      kind: e.kind,
      channel: typeof e.detail.channel === 'string' ? e.detail.channel : undefined,
      level: typeof e.detail.level === 'string' ? e.detail.level : undefined,
      messageId: typeof e.detail.messageId === 'string' ? e.detail.messageId : undefined,
      detail: JSON.stringify(e.detail),
    })),
    formalNotice: notice && noticeDate
      ? { reference: String(notice.detail.reference ?? ''), date: noticeDate, documentKey: typeof notice.detail.pdfKey === 'string' ? notice.detail.pdfKey : undefined }
      : undefined,
    asOf,
  });
  const jsonKey = documentKeys.caseFileJson(invoice.invoiceId, asOf);
  const pdfKey = documentKeys.caseFilePdf(invoice.invoiceId, asOf);
  await putDocument(jsonKey, JSON.stringify(file.json, null, 2), 'application/json');
  await putDocument(pdfKey, file.pdf, 'application/pdf');
  const url = await presignedLink(pdfKey, CASE_FILE_LINK_SECONDS);
  const expiresAt = new Date(at.getTime() + CASE_FILE_LINK_SECONDS * 1000).toISOString();
  const message = renderAgencyNotice({
    language: 'fr',
    creditor: creditor(),
    customer: { customerId: customer.customerId, name: customer.name },
    caseId,
    link: { url, expiresAt },
    invoices: [{ invoiceId: invoice.invoiceId, openCents: invoice.openCents, currency: invoice.currency, dueDate: invoice.dueDate, penaltiesCents: penalties.totalCents }],
    asOf,
    formalNoticeDate: noticeDate,
  });
  const { messageId } = await sendEmail({ to: [agencyEmail()], ...message, tags: { kind: 'agency_handoff' } });
  await recordSend(
    { invoiceId: invoice.invoiceId, stepId: step.stepId, messageId, kind: 'agency_handoff', at: at.toISOString() },
    {
      at: at.toISOString(),
      kind: 'agency_notice_sent',
      actor: 'system:dunning',
      detail: { stepId: step.stepId, channel: step.channel, level: step.level, messageId, caseId, caseFileJsonKey: jsonKey, caseFilePdfKey: pdfKey, linkExpiresAt: expiresAt, penaltiesCents: penalties.totalCents },
    },
  );
  await finishHandoff(invoice, step, messageId, at, { caseId, openCents: invoice.openCents, penaltiesCents: penalties.totalCents });
}

/** The part of a handoff a retry completes: the invoice goes 'in_collection', finance hears about it. */
export async function finishHandoff(invoice: Invoice, step: PolicyStep, messageId: string, at: Date, figures?: { caseId: string; openCents: number; penaltiesCents: number }): Promise<void> {
  if (!isOwed(invoice)) return;
  await saveInvoice(invoice, { ...invoice, status: 'in_collection' }, {
    at: at.toISOString(),
    kind: 'status_changed',
    actor: 'system:dunning',
    detail: { from: invoice.status, to: 'in_collection', stepId: step.stepId, messageId },
  });
  await alertFinance({
    kind: 'escalation',
    title: `${invoice.invoiceId} remise à l’agence de recouvrement`,
    occurredAt: at.toISOString(),
    details: [
      { label: 'invoice', value: invoice.invoiceId },
      { label: 'customer', value: invoice.customerId },
      ...(figures ? [{ label: 'case', value: figures.caseId }, { label: 'open (cents)', value: figures.openCents }, { label: 'penalties (cents)', value: figures.penaltiesCents }] : []),
    ],
    action: 'Le dossier est chez l’agence : plus de relance interne pour cette facture.',
  });
}
