import type { Batch, BatchMember } from '../adapters/db/dispatch';
import { documentKeys, presignedLink, putDocument } from '../adapters/documents';
import type { Attachment, OutgoingEmail } from '../adapters/mailer';
import { localDate } from '../core/calendar/time-zone';
import { addDays } from '../core/dates';
import type { LatePenalties } from '../core/dunning/penalties';
import { type DunningLevel, levelRank, type Policy, type ReminderLevel } from '../core/dunning/policy';
import { buildFormalNoticePdf, formalNoticeReference } from '../core/letters/formal-notice';
import { daysLateOn } from '../core/messages/format';
import { renderCallTask, renderFormalNoticeEmail } from '../core/messages/notices';
import { renderReminder } from '../core/messages/reminder';
import type { Customer, Invoice } from '../core/model';
import { alertFinance } from '../dunning-shared/alerts';
import { loadRateTable, penaltiesOf } from '../dunning-shared/penalties';
import { reminderRecipients } from '../dunning-shared/recipients';
import { creditor, financeEmails, now } from '../dunning-shared/runtime';

/** How long the invoice PDF link in a reminder stays valid (the SigV4 maximum). */
export const INVOICE_LINK_SECONDS = 7 * 24 * 3600;

/** Days the debtor is given to pay after a formal notice. */
export const FORMAL_NOTICE_DEADLINE_DAYS = 8;

export interface BatchItem {
  invoiceId: string;
  level: DunningLevel;
  invoice: Invoice;
  member: BatchMember;
}

export interface ComposedMessage {
  email: OutgoingEmail;
  /** The invoices the message lists, and the level that set its tone. */
  items: BatchItem[];
  level: DunningLevel;
  /** The history event kind recorded on every included invoice. */
  eventKind: 'reminder_sent' | 'formal_notice_sent' | 'call_task_created';
  /** Per invoice: the stored letter (formal notices), for the history event. */
  documents: Record<string, Record<string, string>>;
  /** Runs once the customer's message went out (e.g. the formal notices to post, to finance). */
  afterSend?: (messageId: string) => Promise<void>;
}

const reminderLevels = new Set<DunningLevel>(['courtesy', 'reminder_1', 'reminder_2', 'final_reminder']);

/** The ONE message of a send-window batch: a grouped reminder, the day's formal notices, or the day's call task. */
export async function composeBatchMessage(input: {
  batch: Batch;
  customer: Customer;
  policy: Policy;
  items: BatchItem[];
  at: Date;
}): Promise<ComposedMessage> {
  const level = input.items.reduce<DunningLevel>(
    (hi, i) => (levelRank(i.level) > levelRank(hi) ? i.level : hi),
    input.items[0].level,
  );
  return { ...(await composeMessage(input)), items: input.items, level };
}

async function composeMessage(input: {
  batch: Batch;
  customer: Customer;
  policy: Policy;
  items: BatchItem[];
  at: Date;
}): Promise<Omit<ComposedMessage, 'items' | 'level'>> {
  const { batch, customer, policy, items, at } = input;
  const asOf = localDate(at, customer.timeZone || 'Europe/Paris');
  if (batch.kind === 'formal_notice') return composeFormalNotices(customer, policy, items, asOf);
  if (batch.kind === 'reminder') {
    const to = await reminderRecipients(customer);
    if (to.length > 0) {
      const message = renderReminder({
        language: customer.language,
        customer: { name: customer.name, isBusiness: customer.isBusiness },
        creditor: creditor(),
        items: await Promise.all(
          items.map(async (i) => ({
            invoiceId: i.invoiceId,
            level: (reminderLevels.has(i.level) ? i.level : 'reminder_1') as ReminderLevel,
            amountCents: i.invoice.amountCents,
            openCents: i.invoice.openCents,
            dueDate: i.invoice.dueDate,
            daysLate: daysLateOn(i.invoice.dueDate, asOf),
            currency: i.invoice.currency,
            // The invoice PDF (documents bucket), when there is one: a link valid as long as SigV4 allows.
            pdfUrl: i.invoice.pdfKey ? await presignedLink(i.invoice.pdfKey, INVOICE_LINK_SECONDS) : undefined,
          })),
        ),
        asOf,
        perInvoice: Boolean(batch.soloInvoiceId),
      });
      return { email: { to, ...message, tags: { kind: 'reminder' } }, eventKind: 'reminder_sent', documents: {} };
    }
    // Every address bounced since the step enlisted: a person calls instead.
  }
  const message = renderCallTask({
    language: 'fr',
    accountManager: customer.accountManagerEmail ? { email: customer.accountManagerEmail } : undefined,
    customer: {
      customerId: customer.customerId,
      name: customer.name,
      segment: customer.segment,
      contacts: customer.contacts,
    },
    items: items.map((i) => ({
      invoiceId: i.invoiceId,
      level: i.level,
      amountCents: i.invoice.amountCents,
      openCents: i.invoice.openCents,
      dueDate: i.invoice.dueDate,
      daysLate: daysLateOn(i.invoice.dueDate, asOf),
      currency: i.invoice.currency,
    })),
    asOf,
  });
  const to = customer.accountManagerEmail ? [customer.accountManagerEmail] : financeEmails();
  return { email: { to, ...message, tags: { kind: 'call_task' } }, eventKind: 'call_task_created', documents: {} };
}

async function composeFormalNotices(
  customer: Customer,
  policy: Policy,
  items: BatchItem[],
  asOf: string,
): Promise<Omit<ComposedMessage, 'items' | 'level'>> {
  const deadline = addDays(asOf, FORMAL_NOTICE_DEADLINE_DAYS);
  const attachments: Attachment[] = [];
  const rates = await loadRateTable();
  const documents: Record<string, Record<string, string>> = {};
  const notices: {
    invoiceId: string;
    amountCents: number;
    openCents: number;
    dueDate: string;
    currency: string;
    penalties: LatePenalties;
    attachmentName: string;
  }[] = [];
  for (const item of items) {
    const invoice = item.invoice;
    const penalties = penaltiesOf(invoice, customer, policy, asOf, asOf, rates);
    const reference = formalNoticeReference(invoice.invoiceId, asOf);
    const pdf = await buildFormalNoticePdf({
      language: customer.language,
      creditor: creditor(),
      debtor: { name: customer.name, address: customer.postalAddress, isBusiness: customer.isBusiness },
      invoices: [
        {
          invoiceId: invoice.invoiceId,
          issueDate: invoice.issueDate,
          dueDate: invoice.dueDate,
          amountCents: invoice.amountCents,
          openCents: invoice.openCents,
          currency: invoice.currency,
        },
      ],
      penalties: [penalties],
      deadline,
      asOf,
      reference,
    });
    const key = documentKeys.formalNotice(invoice.invoiceId, asOf);
    await putDocument(key, pdf, 'application/pdf');
    const attachmentName = `${reference}.pdf`;
    attachments.push({ filename: attachmentName, contentType: 'application/pdf', content: pdf });
    documents[invoice.invoiceId] = { pdfKey: key, reference, deadline, penaltiesCents: String(penalties.totalCents) };
    notices.push({
      invoiceId: invoice.invoiceId,
      amountCents: invoice.amountCents,
      openCents: invoice.openCents,
      dueDate: invoice.dueDate,
      currency: invoice.currency,
      penalties,
      attachmentName,
    });
  }
  const message = renderFormalNoticeEmail({
    language: customer.language,
    customer: { name: customer.name, isBusiness: customer.isBusiness },
    creditor: creditor(),
    notices,
    deadline,
    asOf,
  });
  const customerTo = await reminderRecipients(customer, { legal: true });
  const to = customerTo.length > 0 ? customerTo : financeEmails();
  return {
    email: { to, ...message, attachments, tags: { kind: 'formal_notice' } },
    eventKind: 'formal_notice_sent',
    documents,
    afterSend: async (messageId) => {
      await alertFinance(
        {
          kind: 'formal_notice_to_post',
          title: `${customer.name} – ${items.map((i) => i.invoiceId).join(', ')}`,
          occurredAt: now().toISOString(),
          details: [
            { label: 'customer', value: customer.customerId },
            { label: 'e-mail', value: customerTo.length ? `sent (${messageId})` : 'no deliverable address: post only' },
            { label: 'deadline', value: deadline },
          ],
          items: Object.entries(documents).map(([id, d]) => `${id}: ${d.reference} (${d.pdfKey})`),
          action: 'Envoyer chaque lettre jointe en recommandé avec accusé de réception (LRAR).',
        },
        attachments,
      );
    },
  };
}
