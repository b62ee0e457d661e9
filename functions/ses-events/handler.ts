import { z } from 'zod';
import { now } from '../adapters/clock';
import { getCustomer } from '../adapters/db/customers';
import { recordEvent, recordEventOnce } from '../adapters/db/history';
import { raiseDunningLevel } from '../adapters/db/invoices';
import {
  flagBouncedContact,
  getIntent,
  getMessage,
  type MessageRecord,
  recordIntentEvidence,
  writeIntent,
} from '../adapters/db/sends';
import { alertFinance } from '../adapters/finance-alerts';
import type { Logger } from '../adapters/logger';
import { count } from '../adapters/metrics';
import { bounceAlert } from '../core/messages';
import { DunningLevel } from '../core/model';
import { lambda } from '../runtime';

/**
 * SES configuration-set events (delivery, bounce, complaint, open, ...) -> the history of the invoices the message was
 * about. A permanent bounce or a complaint flags the address: the customer's next e-mail step goes to a person.
 * Accepts the EventBridge shape (the CDK stack's event destination) and the SNS shape (Records[].Sns.Message).
 */
const SesEvent = z
  .object({
    eventType: z.string().optional(),
    notificationType: z.string().optional(),
    mail: z
      .object({
        messageId: z.string(),
        timestamp: z.string().optional(),
        destination: z.array(z.string()).default([]),
        tags: z.record(z.string(), z.array(z.string())).optional(),
      })
      .passthrough(),
    bounce: z
      .object({
        bounceType: z.string(),
        bounceSubType: z.string().optional(),
        timestamp: z.string().optional(),
        bouncedRecipients: z
          .array(
            z
              .object({
                emailAddress: z.string(),
                diagnosticCode: z.string().optional(),
                status: z.string().optional(),
              })
              .passthrough(),
          )
          .default([]),
      })
      .passthrough()
      .optional(),
    complaint: z
      .object({
        complainedRecipients: z.array(z.object({ emailAddress: z.string() }).passthrough()).default([]),
        timestamp: z.string().optional(),
        complaintFeedbackType: z.string().optional(),
      })
      .passthrough()
      .optional(),
    delivery: z
      .object({ timestamp: z.string().optional(), recipients: z.array(z.string()).default([]) })
      .passthrough()
      .optional(),
    open: z.object({ timestamp: z.string().optional(), userAgent: z.string().optional() }).passthrough().optional(),
    click: z.object({ timestamp: z.string().optional(), link: z.string().optional() }).passthrough().optional(),
  })
  .passthrough();
type SesEvent = z.infer<typeof SesEvent>;

const EventBridgeEnvelope = z.object({
  source: z.literal('aws.ses'),
  'detail-type': z.string(),
  detail: SesEvent,
  time: z.string().optional(),
});
const SnsEnvelope = z.object({
  Records: z.array(z.object({ Sns: z.object({ Message: z.string() }).passthrough() }).passthrough()).min(1),
});
const Incoming = z.union([EventBridgeEnvelope, SnsEnvelope, SesEvent]);

export function sesEventsOf(event: z.infer<typeof Incoming>): SesEvent[] {
  if ('detail' in event && 'detail-type' in event) return [(event as z.infer<typeof EventBridgeEnvelope>).detail];
  if ('Records' in event)
    return (event as z.infer<typeof SnsEnvelope>).Records.map((r) => SesEvent.parse(JSON.parse(r.Sns.Message)));
  return [event as SesEvent];
}

function describe(e: SesEvent): { kind: string; at: string; detail: Record<string, unknown> } {
  const type = (e.eventType ?? e.notificationType ?? 'unknown').toLowerCase();
  const at =
    e.bounce?.timestamp ??
    e.complaint?.timestamp ??
    e.delivery?.timestamp ??
    e.open?.timestamp ??
    e.click?.timestamp ??
    e.mail.timestamp ??
    now().toISOString();
  const detail: Record<string, unknown> = { messageId: e.mail.messageId };
  if (e.bounce)
    Object.assign(detail, {
      bounceType: e.bounce.bounceType,
      bounceSubType: e.bounce.bounceSubType,
      recipients: e.bounce.bouncedRecipients.map((r) => r.emailAddress),
      diagnostic: e.bounce.bouncedRecipients[0]?.diagnosticCode,
    });
  if (e.complaint)
    Object.assign(detail, {
      recipients: e.complaint.complainedRecipients.map((r) => r.emailAddress),
      feedbackType: e.complaint.complaintFeedbackType,
    });
  if (e.delivery) Object.assign(detail, { recipients: e.delivery.recipients });
  if (e.open) Object.assign(detail, { userAgent: e.open.userAgent });
  if (e.click) Object.assign(detail, { link: e.click.link });
  return { kind: `email_${type}`, at: new Date(at).toISOString(), detail };
}

/** Every e-mail's hard bounces and complaints, one per recipient (what SES's account review counts). */
function countFeedback(e: SesEvent): void {
  if (e.bounce?.bounceType === 'Permanent') count('EmailBounces', Math.max(1, e.bounce.bouncedRecipients.length));
  if (e.complaint) count('EmailComplaints', Math.max(1, e.complaint.complainedRecipients.length));
}

/**
 * A message sent through a send intent carries the tag `intent`: any event of it (send, delivery, bounce...) proves SES
 * accepted it. The evidence settles a retry in doubt; an intent already handed to finance as "maybe sent" is closed as
 * sent, the invoices' history says so and their dunning level rises. Those follow-ups come first, each done once
 * whichever of the message's events gets here (the history line keyed by the intent, the level raised only upward),
 * and the intent is closed last: a run cut in between leaves it open, and the retry, or the message's next event,
 * finishes them (closed first, a retry found it closed and did nothing).
 */
async function recordEvidence(e: SesEvent, log: Logger): Promise<void> {
  const intentId = e.mail.tags?.intent?.[0];
  if (!intentId || !/^[0-9a-f]{32}$/.test(intentId)) return;
  const type = (e.eventType ?? e.notificationType ?? 'unknown').toLowerCase();
  const at = e.mail.timestamp ? new Date(e.mail.timestamp).toISOString() : now().toISOString();
  await recordIntentEvidence({ intentId, messageId: e.mail.messageId, eventType: type, at });
  const intent = await getIntent(intentId);
  if (intent?.status !== 'maybe_sent') return;
  for (const invoiceId of intent.invoiceIds) {
    // It went out after all: the invoice's dunning level rises as for a message known sent at once.
    const level = DunningLevel.safeParse(intent.details[invoiceId]?.level).data;
    if (level) await raiseDunningLevel(invoiceId, level);
    const detail = { intentId, messageId: e.mail.messageId, eventType: type, task: 'closed' };
    await recordEventOnce(invoiceId, at, 'send_confirmed', detail, `confirmed-${intentId.slice(0, 16)}`);
  }
  if (await writeIntent({ ...intent, status: 'sent', messageId: e.mail.messageId, sentAt: at }, intent))
    log.info('a send in doubt is confirmed by SES', { intentId, messageId: e.mail.messageId });
}

/**
 * Who a message was about when its record is not there (yet): its send intent, by the message's `intent` tag. The
 * record is written after the send, so a bounce can arrive before it (the sender failed after SES accepted the
 * message and is retried later), and a message settled as "maybe sent", then confirmed, never gets one: without this a
 * bounce of such a message flagged nothing and told no one. Finance's own alerts (no customer) are left out.
 */
async function messageOfIntent(
  e: SesEvent,
): Promise<Pick<MessageRecord, 'messageId' | 'customerId' | 'invoiceIds'> | undefined> {
  const intentId = e.mail.tags?.intent?.[0];
  const intent = intentId && /^[0-9a-f]{32}$/.test(intentId) ? await getIntent(intentId) : undefined;
  if (!intent?.customerId || intent.invoiceIds.length === 0) return undefined;
  return { messageId: e.mail.messageId, customerId: intent.customerId, invoiceIds: intent.invoiceIds };
}

/** The customer's name for finance's alert; the alert goes out without it if the read fails. */
async function customerName(customerId: string, log: Logger): Promise<string | undefined> {
  try {
    return (await getCustomer(customerId))?.name;
  } catch (error) {
    log.warn('customer of a bounce could not be read', { customerId, error });
    return undefined;
  }
}

export const handler = lambda(
  {
    name: 'ses-events',
    settings: ['TABLE_NAME', 'SENDER_EMAIL', 'FINANCE_EMAILS'],
    event: Incoming,
    // The e-mail's SES tag `correlation`: its bounce or complaint is logged under the work that sent it.
    correlationId: (event) => sesEventsOf(event)[0]?.mail.tags?.correlation?.[0],
  },
  async (event, log) => {
    let recorded = 0;
    for (const e of sesEventsOf(event)) {
      countFeedback(e);
      await recordEvidence(e, log);
      const message = (await getMessage(e.mail.messageId)) ?? (await messageOfIntent(e));
      if (!message) {
        log.info('event of a message not about invoices', { messageId: e.mail.messageId, type: e.eventType });
        continue;
      }
      const { kind, at, detail } = describe(e);
      for (const invoiceId of message.invoiceIds) {
        await recordEvent(invoiceId, at, kind, detail);
        recorded += 1;
      }
      const hard = e.bounce?.bounceType === 'Permanent' ? e.bounce.bouncedRecipients.map((r) => r.emailAddress) : [];
      const complained = e.complaint?.complainedRecipients.map((r) => r.emailAddress) ?? [];
      for (const email of hard)
        await flagBouncedContact({
          customerId: message.customerId,
          email,
          at,
          kind: 'hard_bounce',
          messageId: message.messageId,
        });
      for (const email of complained)
        await flagBouncedContact({
          customerId: message.customerId,
          email,
          at,
          kind: 'complaint',
          messageId: message.messageId,
        });
      if (hard.length || complained.length) {
        await alertFinance(
          bounceAlert({
            customer: { customerId: message.customerId, name: await customerName(message.customerId, log) },
            refused: hard,
            complained,
            messageId: message.messageId,
            invoiceIds: message.invoiceIds,
            at,
          }),
        );
      }
    }
    return { recorded };
  },
);
