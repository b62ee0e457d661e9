import { createHash } from 'node:crypto';
import { clock, wallClock } from '../../adapters/clock';
import { recordEvent } from '../../adapters/db/history';
import { getIntent, getIntentEvidence, type SendIntent, writeIntent } from '../../adapters/db/sends';
import { alertFinance } from '../../adapters/finance-alerts';
import type { Logger } from '../../adapters/logger';
import { type OutgoingEmail, sendEmail, sesOutcomeUnknown } from '../../adapters/mailer';
import { maybeSentAlert } from '../../core/messages/tasks';

/**
 * At most once per customer-facing message (issue 11, point 4). The intent is written BEFORE SES is called; a retry
 * that finds an intent still 'sending' (a crash, a timeout or a DynamoDB fault after SES may have accepted it) never
 * sends again: it waits for the SES event stream to confirm the message (the intent id travels as an SES tag, and
 * ses-events records what it sees), and when the doubt window passes without an answer, it hands finance a
 * "maybe sent" task (alert + invoice history) and moves on without sending.
 */

/** The doubt window (wall clock): how long a retry waits for SES's own events before asking a person. */
export const SEND_DOUBT = { confirmSeconds: 180 };

/** Thrown while an earlier attempt's send is unconfirmed and the doubt window runs: the state machine retries later. */
export class SendUnconfirmedError extends Error {
  constructor(readonly intentId: string) {
    super(`send ${intentId} is in doubt: waiting for the SES event stream`);
    this.name = 'SendUnconfirmed';
  }
}

/** A deterministic intent id from what the message is (SES tag values allow letters, digits, _ and -). */
export function intentIdOf(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000'), 'utf8').digest('hex').slice(0, 32);
}

export type SentIntent = SendIntent & { status: 'sent'; messageId: string; sentAt: string };
export type SendOnceResult = { outcome: 'sent'; intent: SentIntent } | { outcome: 'maybe_sent'; intent: SendIntent };

/**
 * What a send leaves to record: whether it surely went out, its SES message id ('' when maybe sent) and when (the
 * send, else `inDoubtAt`, by default when the attempt began).
 */
export function sentMessage(
  result: SendOnceResult,
  inDoubtAt: string = result.intent.since,
): { sent: boolean; messageId: string; at: string } {
  return result.outcome === 'sent'
    ? { sent: true, messageId: result.intent.messageId, at: result.intent.sentAt }
    : { sent: false, messageId: '', at: inDoubtAt };
}

export type IntentDraft = Omit<SendIntent, 'status' | 'attempt' | 'since' | 'messageId' | 'sentAt'>;

/**
 * Writes the intent's next state. A DynamoDB fault is tried again a few times; a write that timed out after it took
 * effect is recognised by reading the intent back (same status, attempt and start), so it never turns into a doubt.
 */
async function persist(
  next: SendIntent,
  expected: Pick<SendIntent, 'status' | 'attempt'> | undefined,
): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await writeIntent(next, expected);
    } catch (err) {
      const stored = await getIntent(next.intentId).catch(() => undefined);
      if (stored && stored.status === next.status && stored.attempt === next.attempt && stored.since === next.since)
        return true;
      if (attempt >= 3) throw err;
      await new Promise((r) => setTimeout(r, 20 * attempt));
    }
  }
}

/**
 * The intent of an earlier attempt, settled without sending: already sent or in doubt. Undefined when it was released
 * (nothing went out) or never written: the caller may compose and send.
 */
export async function settleExisting(intentId: string, log: Logger): Promise<SendOnceResult | undefined> {
  return settleIntent(await getIntent(intentId), log);
}

/** settleExisting on an intent already read. */
async function settleIntent(intent: SendIntent | undefined, log: Logger): Promise<SendOnceResult | undefined> {
  if (!intent || intent.status === 'released') return undefined;
  if (intent.status === 'sent') return { outcome: 'sent', intent: intent as SentIntent };
  if (intent.status === 'maybe_sent') return { outcome: 'maybe_sent', intent };
  return resolveDoubt(intent, log);
}

/** Sends `email` once for `draft`, or settles what an earlier attempt left (see settleExisting). */
export async function sendOnce(draft: IntentDraft, email: OutgoingEmail, log: Logger): Promise<SendOnceResult> {
  const earlier = await getIntent(draft.intentId);
  if (earlier && earlier.status !== 'released') return (await settleIntent(earlier, log))!;
  const intent: SendIntent = {
    ...draft,
    status: 'sending',
    attempt: (earlier?.attempt ?? 0) + 1,
    since: wallClock().now().toISOString(),
  };
  if (!(await persist(intent, earlier)))
    return (await settleExisting(draft.intentId, log)) ?? sendOnce(draft, email, log);
  let messageId: string;
  try {
    messageId = (await sendEmail({ ...email, tags: { ...email.tags, intent: draft.intentId } })).messageId;
  } catch (err) {
    if (!sesOutcomeUnknown(err)) await persist({ ...intent, status: 'released' }, intent).catch(() => undefined);
    throw err;
  }
  const sent: SentIntent = { ...intent, status: 'sent', messageId, sentAt: clock().now().toISOString() };
  await persist(sent, intent);
  return { outcome: 'sent', intent: sent };
}

/**
 * A finance alert (`financeAlertEmail`) sent once for `intentId`: a retry sends it if it was refused, settles it if
 * it went out, and a doubt becomes a "maybe sent" task. For the alerts that ask finance to act, which a retry must not
 * lose nor repeat.
 */
export function alertFinanceOnce(
  intentId: string,
  alert: OutgoingEmail,
  log: Logger,
  /** The customer the alert is about, named in a "maybe sent" task. */
  customerId = '',
): Promise<SendOnceResult> {
  const draft: IntentDraft = {
    intentId,
    kind: alert.tags?.kind ?? 'alert',
    customerId,
    invoiceIds: [],
    stepIds: {},
    details: {},
    eventKind: 'finance_alerted',
    to: alert.to,
  };
  return sendOnce(draft, alert, log);
}

/** An intent left 'sending': the SES event stream answers, or the doubt window runs, or finance is asked. */
async function resolveDoubt(intent: SendIntent, log: Logger): Promise<SendOnceResult> {
  const evidence = await getIntentEvidence(intent.intentId);
  if (evidence) {
    const sent: SentIntent = { ...intent, status: 'sent', messageId: evidence.messageId, sentAt: evidence.at };
    await persist(sent, intent);
    log.info('send in doubt confirmed by SES', {
      intentId: intent.intentId,
      messageId: evidence.messageId,
      eventType: evidence.eventType,
    });
    return { outcome: 'sent', intent: sent };
  }
  if (wallClock().now().getTime() - Date.parse(intent.since) < SEND_DOUBT.confirmSeconds * 1000)
    throw new SendUnconfirmedError(intent.intentId);
  await tellFinanceMaybeSent(intent);
  const maybe = { ...intent, status: 'maybe_sent' as const };
  await persist(maybe, intent);
  log.warn('send in doubt handed to finance (maybe sent)', { intentId: intent.intentId, kind: intent.kind });
  return { outcome: 'maybe_sent', intent: maybe };
}

/** The "maybe sent" task: one alert to finance, and the history of every invoice concerned says so. */
async function tellFinanceMaybeSent(intent: SendIntent): Promise<void> {
  const at = clock().now();
  const detail = {
    intentId: intent.intentId,
    messageKind: intent.kind,
    to: intent.to,
    task: 'open',
    since: intent.since,
  };
  for (const invoiceId of intent.invoiceIds)
    await recordEvent(invoiceId, at, 'send_maybe_sent', { ...detail, stepId: intent.stepIds[invoiceId] });
  // Tagged with the intent (SES tag 'intent') so the logs find it; the alert itself speaks in words
  // (core/messages/tasks).
  await alertFinance(
    maybeSentAlert({
      messageKind: intent.kind,
      customerId: intent.customerId,
      invoiceIds: intent.invoiceIds,
      to: intent.to,
      since: intent.since,
      at: at.toISOString(),
    }),
  );
}
