import { now } from '../adapters/clock';
import { creditor, financeEmails } from '../adapters/config';
import { paymentsOf } from '../adapters/db/api-reads';
import { getCustomer } from '../adapters/db/customers';
import { type Batch, type BatchMember, dispatchKeyOf, listMembers } from '../adapters/db/dispatch';
import { getRateOverride, loadRateTable } from '../adapters/db/rates';
import { getIntent, type SendRecord } from '../adapters/db/sends';
import { documentKeys, getDocument, presignedLink, putDocument } from '../adapters/documents';
import { financeAlertEmail } from '../adapters/finance-alerts';
import type { Logger } from '../adapters/logger';
import type { Attachment, OutgoingEmail } from '../adapters/mailer';
import { localDate } from '../core/calendar/time-zone';
import { addDays } from '../core/dates';
import type { InForceInvoice } from '../core/dunning/in-force';
import { penaltiesOf } from '../core/dunning/invoice-penalties';
import { type NoticeClaims, noticeClaimsOf } from '../core/dunning/notice-claims';
import type { LatePenalties } from '../core/dunning/penalties';
import { type DunningLevel, levelRank, type Policy, type ReminderLevel } from '../core/dunning/policy';
import {
  defaultRateTable,
  halfYearOf,
  legalRateForHalf,
  type RateProvenance,
  type RateTable,
} from '../core/dunning/rates';
import { namedRecipient } from '../core/dunning/recipients';
import { buildFormalNoticePdf, type FormalNoticeInput, formalNoticeReference } from '../core/letters/formal-notice';
import { rateNoteOf, rateNotesFor } from '../core/letters/rate-notes';
import { daysLateOn } from '../core/messages/format';
import { renderCallTask, renderFormalNoticeEmail } from '../core/messages/notices';
import { alreadyReminded, effectiveLevel, renderReminder } from '../core/messages/reminder';
import { noticesToPostAlert } from '../core/messages/tasks';
import type { Customer, Invoice } from '../core/model';
import { epcTransferFor } from '../core/payments/epc-transfer';
import { issueCustomerLink } from '../customer-page/issue-link';
import { withCustomerLink } from '../customer-page/message-link';
import { levelsInForceAbove, type SameWindowAnnouncements } from '../use-cases/dunning/level-in-force';
import { alertFinanceOnce, intentIdOf, settleExisting } from '../use-cases/dunning/send-once';
import { recipientsOf } from '../use-cases/dunning/step-context';

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
  /** Per invoice (formal notices): what the letter claimed on top of the principal, kept with its send record. */
  claims?: Record<string, NoticeClaims>;
  /** Runs once the customer's message went out (e.g. the formal notices to post, to finance). */
  afterSend?: (messageId: string, log: Logger) => Promise<void>;
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
  // Each invoice at its step's level, or higher if it already reached more: a message never lowers an invoice's tone.
  const items = input.items.map((i) => ({ ...i, level: effectiveLevel(i.level, i.invoice.dunningLevel) }));
  const level = items.reduce<DunningLevel>(
    (hi, i) => (levelRank(i.level) > levelRank(hi) ? i.level : hi),
    items[0].level,
  );
  // A reminder never reads as a step down: the customer's other invoices at a higher level still in force are recalled.
  const inForce =
    input.batch.kind === 'reminder'
      ? await levelsInForceAbove(
          input.customer,
          { invoiceIds: items.map((i) => i.invoiceId), level },
          await noticesInTheSameWindow(input.batch),
        )
      : [];
  return { ...(await composeMessage({ ...input, items, inForce })), items, level };
}

/** The formal notices of the same customer and send window, which go out beside a reminder batch. */
async function noticesInTheSameWindow(batch: Batch): Promise<SameWindowAnnouncements | undefined> {
  if (batch.soloInvoiceId) return undefined;
  const members = await listMembers(dispatchKeyOf(batch.customerId, batch.windowAt, 'formal_notice'));
  return {
    windowAt: batch.windowAt,
    members: members.map((m) => ({ invoiceId: m.invoiceId, level: 'formal_notice' })),
  };
}

async function composeMessage(input: {
  batch: Batch;
  customer: Customer;
  policy: Policy;
  items: BatchItem[];
  at: Date;
  inForce: InForceInvoice[];
}): Promise<Omit<ComposedMessage, 'items' | 'level'>> {
  const { batch, customer, policy, items, at } = input;
  const asOf = localDate(at, customer.timeZone || 'Europe/Paris');
  if (batch.kind === 'formal_notice') return composeFormalNotices(customer, policy, items, asOf);
  if (batch.kind === 'reminder') {
    const to = await recipientsOf(customer);
    if (to.length > 0) {
      const message = renderReminder({
        language: customer.language,
        customer: { ...addresseeOf(customer), contactName: namedRecipient(customer, to) },
        reminded: items.some((i) => alreadyReminded(i.invoice.dunningLevel)),
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
        inForce: input.inForce,
        claims: { interest: policy.lateInterest !== 'none', indemnity: policy.fixedIndemnity },
      });
      // The customer's page: a personal link and the EPC payment QR code (functions/customer-page/message-link.ts).
      const linked = await withCustomerLink(message, {
        customer,
        invoices: items.map((i) => i.invoice),
        creditor: creditor(),
        purpose: 'reminder',
        now: at,
        withQr: true,
      });
      const documents = Object.fromEntries(items.map((i) => [i.invoiceId, { customerLinkId: linked.linkId }]));
      return {
        email: {
          to,
          ...replyTo(),
          ...linked.message,
          attachments: linked.attachments,
          tags: { kind: 'reminder' },
        },
        eventKind: 'reminder_sent',
        documents,
      };
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
  const override = await getRateOverride();
  const documents: Record<string, Record<string, string>> = {};
  const claims: Record<string, NoticeClaims> = {};
  const link = await issueCustomerLink(customer.customerId, 'formal_notice', now());
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
    const penalties = penaltiesOf(invoice, customer, policy, asOf, asOf, rates, await paymentsOf(invoice.invoiceId));
    const reference = formalNoticeReference(invoice.invoiceId, asOf);
    const pdf = await buildFormalNoticePdf({
      language: customer.language,
      creditor: creditor(),
      debtor: { ...addresseeOf(customer), address: customer.postalAddress },
      reminded: alreadyReminded(invoice.dunningLevel),
      ...publishedRates(customer, penalties, asOf, rates, override?.provenance ?? []),
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
      customerPage: {
        url: link.shortUrl,
        epcPayload: epcTransferFor([invoice], creditor(), customer.language)?.payload,
      },
    });
    const key = documentKeys.formalNotice(invoice.invoiceId, asOf);
    await putDocument(key, pdf, 'application/pdf');
    const attachmentName = `${reference}.pdf`;
    attachments.push({ filename: attachmentName, contentType: 'application/pdf', content: pdf });
    documents[invoice.invoiceId] = { pdfKey: key, reference, deadline, penaltiesCents: String(penalties.totalCents) };
    claims[invoice.invoiceId] = noticeClaimsOf({
      on: asOf,
      reference,
      currency: invoice.currency,
      principalCents: invoice.openCents,
      penalties,
    });
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
  const postal = customer.postalAddress.length > 0;
  const rendered = renderFormalNoticeEmail({
    language: customer.language,
    customer: addresseeOf(customer),
    reminded: items.some((i) => alreadyReminded(i.invoice.dunningLevel)),
    creditor: creditor(),
    notices,
    deadline,
    asOf,
    byRegisteredLetter: postal,
  });
  const linked = await withCustomerLink(rendered, {
    customer,
    invoices: items.map((i) => i.invoice),
    creditor: creditor(),
    purpose: 'formal_notice',
    now: now(),
    withQr: true,
    link,
  });
  const message = linked.message;
  for (const i of items) documents[i.invoiceId] = { ...documents[i.invoiceId], customerLinkId: linked.linkId };
  const customerTo = await recipientsOf(customer, { legal: true });
  const to = customerTo.length > 0 ? customerTo : financeEmails();
  return {
    email: {
      to,
      ...replyTo(),
      ...message,
      attachments: [...attachments, ...linked.attachments],
      tags: { kind: 'formal_notice' },
    },
    eventKind: 'formal_notice_sent',
    documents,
    claims,
    afterSend: (messageId, log) =>
      tellFinanceToPost(
        { customer, documents, deadline, emailed: customerTo.length > 0, postal, messageId, attachments },
        log,
      ),
  };
}

/**
 * Finance posts the letters by registered mail (LRAR), or, without a postal address, first finds it: one alert,
 * sent through a send intent like a customer message (at most once; a "maybe sent" outcome becomes finance's task).
 */
async function tellFinanceToPost(
  input: {
    customer: Customer;
    documents: Record<string, Record<string, string>>;
    deadline: string;
    emailed: boolean;
    postal: boolean;
    messageId: string;
    attachments: Attachment[];
  },
  log: Logger,
): Promise<void> {
  const { customer, documents, deadline, postal } = input;
  const notices = Object.entries(documents).map(([invoiceId, d]) => ({ invoiceId, reference: d.reference }));
  const alert = financeAlertEmail(
    noticesToPostAlert({ customer, notices, deadline, emailed: input.emailed, postal, at: now().toISOString() }),
    input.attachments,
  );
  await alertFinanceOnce(noticeToPostIntentId(input.messageId), alert, log, customer.customerId);
}

/**
 * How the letter speaks of its rates: for a business, the status of each half-year's L441-10 rate (published,
 * entered by finance, assumed) and of its legal rate (a contract rate's floor); for a consumer, the legal interest rate
 * of the notice's half-year when known. Each half-year's status is finance's entry for it (adapters/db/rates.ts).
 */
function publishedRates(
  customer: Customer,
  penalties: LatePenalties,
  asOf: string,
  rates: RateTable,
  provenance: RateProvenance[],
): Pick<FormalNoticeInput, 'rateNotes' | 'legalRate'> {
  if (customer.isBusiness)
    return {
      rateNotes: rateNotesFor(
        penalties.periods.map((p) => p.from),
        defaultRateTable,
        rates,
        provenance,
      ),
    };
  const half = halfYearOf(asOf);
  try {
    return {
      legalRate: {
        bp: legalRateForHalf(rates, half),
        half,
        ...rateNoteOf(half, 'legal_rate', defaultRateTable, rates, provenance),
      },
    };
  } catch {
    return {}; // not known: the letter names the legal rate without a figure
  }
}

/**
 * Whenever a workflow finds its formal notice sent (a retry of the run that sent it, or another invoice of the same
 * message): the "to post" alert is settled if an attempt left it in doubt, and sent if it never went out (SES refused
 * it, or the run stopped before trying), rebuilt from what the notice's send intent recorded, its letters read back
 * from the documents bucket. Its own intent keeps it to one alert whichever workflow gets there first.
 */
export async function settleAfterSend(
  send: Pick<SendRecord, 'kind' | 'messageId' | 'dispatchKey'>,
  log: Logger,
): Promise<void> {
  if (send.kind !== 'formal_notice' || !send.messageId || !send.dispatchKey) return;
  if (await settleExisting(noticeToPostIntentId(send.messageId), log)) return;
  const notice = await getIntent(intentIdOf('batch', send.dispatchKey));
  if (notice?.status !== 'sent' || notice.messageId !== send.messageId) {
    log.error('formal notice sent, but its send intent is gone: the "to post" alert cannot be rebuilt', { ...send });
    return;
  }
  const customer = await getCustomer(notice.customerId);
  if (!customer) throw new Error(`customer ${notice.customerId} of formal notice ${send.messageId} not found`);
  const documents = notice.details as Record<string, Record<string, string>>;
  const letters = Object.values(documents);
  const attachments = await Promise.all(
    letters.map(async (d) => ({
      filename: `${d.reference}.pdf`,
      contentType: 'application/pdf',
      content: await getDocument(d.pdfKey),
    })),
  );
  const finance = new Set(financeEmails());
  await tellFinanceToPost(
    {
      customer,
      documents,
      deadline: letters[0].deadline,
      emailed: notice.to.some((to) => !finance.has(to)),
      postal: customer.postalAddress.length > 0,
      messageId: send.messageId,
      attachments,
    },
    log,
  );
}

const noticeToPostIntentId = (messageId: string) => intentIdOf('notice-to-post', messageId);

/**
 * A customer's answer goes to the accounting contact the signature names (the sender address is not read): the
 * reminder says "répondez simplement à ce message".
 */
function replyTo(): { replyTo?: string[] } {
  const address = creditor().legal?.accounting.email;
  return address ? { replyTo: [address] } : {};
}

/** The debtor as letters address them: name, business or not, civility and family name when known. */
export function addresseeOf(customer: Customer): {
  name: string;
  isBusiness: boolean;
  civility?: 'madame' | 'monsieur';
  familyName?: string;
} {
  return {
    name: customer.name,
    isBusiness: customer.isBusiness,
    civility: customer.civility,
    familyName: customer.familyName,
  };
}
