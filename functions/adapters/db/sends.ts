import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { NoticeClaims } from '../../core/dunning/notice-claims';
import type { DunningLevel } from '../../core/model';
import { dynamo } from '../aws-clients';
import { correlationId } from '../logger';
import { type InvoiceEvent, invoiceEventPut } from './events';
import { dunningLevelRaise } from './invoices';
import { keys } from './keys';
import { queryAll, tableName } from './table';

/**
 * What was sent, once:
 * - SEND#<invoice>#<step> / SEND: the proof an invoice's step was sent (message id). Written together with the
 *   invoice's history event in one transaction, conditional on absence: a retry never records (nor sends) twice.
 * - MESSAGE#<sesMessageId> / MESSAGE: which invoices an SES message was about, for delivery/bounce/open events.
 * - CUSTOMER#<id> / BOUNCE#<email>: a contact address that hard-bounced (or complained): the next e-mail step of
 *   that customer goes to a person instead.
 */

export interface SendRecord {
  invoiceId: string;
  stepId: string;
  messageId: string;
  kind: string;
  at: string;
  dispatchKey?: string;
  /** Closed in doubt: SES may or may not have accepted the message; finance has a "maybe sent" task. */
  maybeSent?: boolean;
  /** A formal notice: what its letter claimed on top of the principal (interest, indemnity), on its date. */
  claims?: NoticeClaims;
}

export async function getSend(invoiceId: string, stepId: string): Promise<SendRecord | undefined> {
  const res = await dynamo_get(keys.send(invoiceId, stepId));
  return res ? (res as unknown as SendRecord) : undefined;
}

/**
 * The claims a formal notice's send record holds (validated: a record whose claims do not read is an error, never a
 * guess); undefined when the step sent no formal notice or recorded no claims (a notice sent before they were kept).
 */
export async function getNoticeClaims(
  invoiceId: string,
  stepId: string,
): Promise<{ stepId: string; claims: NoticeClaims } | undefined> {
  const send = await dynamo_get(keys.send(invoiceId, stepId));
  if (send?.kind !== 'formal_notice' || send.claims === undefined) return undefined;
  return { stepId, claims: NoticeClaims.parse(send.claims) };
}

/**
 * Records that an invoice's step was sent, with its history event, atomically. Returns false when it was
 * already recorded (a retry): the event is then not written again.
 * With `level` (a message that went out), the same transaction raises the invoice's `dunningLevel` to it and bumps its
 * `version` (so a writer holding an older read conflicts instead of putting the old level back), conditional on the
 * stored level being absent or lower: the level never goes down. When the stored level is already as high (or the
 * invoice is gone), the send is recorded without touching the invoice. With `agencyCase` (a handoff), the case the
 * agency now holds is written in the same transaction: never a handoff on record without its case.
 */
export async function recordSend(
  send: SendRecord,
  event: Omit<InvoiceEvent, 'invoiceId'>,
  level?: DunningLevel,
  agencyCase?: AgencyCase,
): Promise<boolean> {
  const records = [
    {
      Put: {
        TableName: tableName(),
        Item: { ...keys.send(send.invoiceId, send.stepId), type: 'send', ...send },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    invoiceEventPut({ ...event, invoiceId: send.invoiceId }),
  ];
  try {
    await dynamo().send(
      new TransactWriteCommand({
        TransactItems: [
          ...records,
          ...(level ? [dunningLevelRaise(send.invoiceId, level)] : []),
          ...(agencyCase ? [{ Put: agencyCasePut(agencyCase) }] : []),
        ],
      }),
    );
    return true;
  } catch (err) {
    const reasons = cancellationReasons(err);
    if (reasons?.[0] === 'ConditionalCheckFailed') return false;
    if (level && reasons?.[2] === 'ConditionalCheckFailed') return recordSend(send, event, undefined, agencyCase);
    throw err;
  }
}

function cancellationReasons(err: unknown): (string | undefined)[] | undefined {
  if (!(err instanceof TransactionCanceledException) && (err as Error).name !== 'TransactionCanceledException')
    return undefined;
  return ((err as TransactionCanceledException).CancellationReasons ?? []).map((r) => r.Code);
}

// --- message index -------------------------------------------------------------------------------------------------

const messageKey = (messageId: string) => ({ pk: `MESSAGE#${messageId}`, sk: 'MESSAGE' });

export interface MessageRecord {
  messageId: string;
  kind: string;
  customerId: string;
  invoiceIds: string[];
  /** The level that set the message's tone (grouped reminders). */
  level?: string;
  to: string[];
  sentAt: string;
  dispatchKey?: string;
}

/** gsi2 lists the messages of a day (UTC date of sentAt), for the finance digest. */
export async function recordMessage(message: MessageRecord): Promise<void> {
  await dynamo().send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        ...messageKey(message.messageId),
        gsi2pk: `MESSAGES#${message.sentAt.slice(0, 10)}`,
        gsi2sk: `${message.sentAt}#${message.messageId}`,
        type: 'message',
        // The work that sent it (also the e-mail's SES tag `correlation`).
        correlationId: correlationId(),
        ...message,
      },
    }),
  );
}

/** The messages sent on a UTC day. */
export async function listMessagesOn(day: string): Promise<MessageRecord[]> {
  const items = await queryAll({
    IndexName: 'gsi2',
    KeyConditionExpression: 'gsi2pk = :pk',
    ExpressionAttributeValues: { ':pk': `MESSAGES#${day}` },
  });
  return items.map((i) => {
    const { pk: _pk, sk: _sk, gsi2pk: _g, gsi2sk: _s, type: _t, ...rest } = i;
    return rest as unknown as MessageRecord;
  });
}

export async function getMessage(messageId: string): Promise<MessageRecord | undefined> {
  const item = await dynamo_get(messageKey(messageId));
  if (!item) return undefined;
  const { gsi2pk: _g, gsi2sk: _s, ...rest } = item;
  return rest as unknown as MessageRecord;
}

// --- bounced contacts ----------------------------------------------------------------------------------------------

const bounceKey = (customerId: string, email: string) => ({
  pk: `CUSTOMER#${customerId}`,
  sk: `BOUNCE#${email.toLowerCase()}`,
});

export interface BouncedContact {
  customerId: string;
  email: string;
  at: string;
  kind: 'hard_bounce' | 'complaint';
  messageId?: string;
}

export async function flagBouncedContact(contact: BouncedContact): Promise<void> {
  await dynamo().send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        ...bounceKey(contact.customerId, contact.email),
        type: 'bounce',
        ...contact,
        email: contact.email.toLowerCase(),
      },
    }),
  );
}

export async function listBouncedContacts(customerId: string): Promise<BouncedContact[]> {
  const res = await dynamo().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :b)',
      ExpressionAttributeValues: { ':pk': `CUSTOMER#${customerId}`, ':b': 'BOUNCE#' },
      ConsistentRead: true,
    }),
  );
  return (res.Items ?? []).map(
    (i) =>
      ({
        customerId: String(i.customerId),
        email: String(i.email),
        at: String(i.at),
        kind: i.kind,
        messageId: i.messageId,
      }) as BouncedContact,
  );
}

// --- helpers -------------------------------------------------------------------------------------------------------

async function dynamo_get(key: { pk: string; sk: string }): Promise<Record<string, unknown> | undefined> {
  const res = await dynamo().send(new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }));
  if (!res.Item) return undefined;
  const { pk: _pk, sk: _sk, type: _t, ...rest } = res.Item;
  return rest;
}

// --- send intents (at most once per customer-facing message) -------------------------------------------------------

/**
 * INTENT#<intentId> / INTENT: written BEFORE SES is called, so a retry never sends blindly. `intentId` is
 * deterministic (a hash of what the message is: one batch, one handoff, one withdrawal), so every retry of the same
 * message finds the same intent.
 * - sending: SES may have been called (this attempt, or one that crashed / timed out after SES accepted).
 * - released: the send was refused for sure (throttled, rejected): nothing went out, the next attempt may send.
 * - sent: SES accepted it, `messageId` says which message.
 * - maybe_sent: nobody can know; finance got a task, nothing is sent again by the system.
 * INTENT#<intentId> / SES: what the SES event stream said of a message tagged with the intent (ses-events writes it).
 */
export type IntentStatus = 'sending' | 'released' | 'sent' | 'maybe_sent';

export interface SendIntent {
  intentId: string;
  /** reminder, formal_notice, call, agency_handoff, agency_withdrawal, payment_crossed. */
  kind: string;
  customerId: string;
  /** The invoices the message is about, with the step each one records (empty for withdrawals). */
  invoiceIds: string[];
  stepIds: Record<string, string>;
  /** Per invoice: extra history detail (letters, case ids), kept for whoever completes the records. */
  details: Record<string, Record<string, unknown>>;
  /** The history event kind written on every invoice once sent. */
  eventKind: string;
  level?: string;
  to: string[];
  dispatchKey?: string;
  status: IntentStatus;
  attempt: number;
  /** Wall-clock time the current attempt began (the doubt window is measured from it). */
  since: string;
  messageId?: string;
  sentAt?: string;
}

const intentKey = (intentId: string) => ({ pk: `INTENT#${intentId}`, sk: 'INTENT' });
const intentEventKey = (intentId: string) => ({ pk: `INTENT#${intentId}`, sk: 'SES' });

export async function getIntent(intentId: string): Promise<SendIntent | undefined> {
  return (await dynamo_get(intentKey(intentId))) as unknown as SendIntent | undefined;
}

/**
 * Writes the intent as `next` if the stored one is still `expected` (status and attempt; absent when undefined).
 * False when someone else changed it first.
 */
export async function writeIntent(
  next: SendIntent,
  expected: Pick<SendIntent, 'status' | 'attempt'> | undefined,
): Promise<boolean> {
  try {
    await dynamo().send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...intentKey(next.intentId), type: 'send_intent', ...next },
        ...(expected
          ? {
              ConditionExpression: '#s = :s AND #a = :a',
              ExpressionAttributeNames: { '#s': 'status', '#a': 'attempt' },
              ExpressionAttributeValues: { ':s': expected.status, ':a': expected.attempt },
            }
          : { ConditionExpression: 'attribute_not_exists(pk)' }),
      }),
    );
    return true;
  } catch (err) {
    if ((err as Error).name === 'ConditionalCheckFailedException') return false;
    throw err;
  }
}

export interface IntentEvidence {
  intentId: string;
  messageId: string;
  eventType: string;
  at: string;
}

/**
 * What the SES event stream said of the message tagged with this intent (first event wins; any event proves the send).
 */
export async function recordIntentEvidence(evidence: IntentEvidence): Promise<void> {
  await dynamo()
    .send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...intentEventKey(evidence.intentId), type: 'send_evidence', ...evidence },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    )
    .catch((err: Error) => {
      if (err.name !== 'ConditionalCheckFailedException') throw err;
    });
}

export async function getIntentEvidence(intentId: string): Promise<IntentEvidence | undefined> {
  return (await dynamo_get(intentEventKey(intentId))) as unknown as IntentEvidence | undefined;
}

// --- agency cases ----------------------------------------------------------------------------------------------------

/**
 * INVOICE#<id> / AGENCYCASE: a case handed to the collection agency. While open it sits in gsi2 partition
 * AGENCYCASES#open, which the daily sweep reads to withdraw the cases whose invoice got paid after the handoff.
 */
export interface AgencyCase {
  invoiceId: string;
  customerId: string;
  caseId: string;
  messageId: string;
  sentAt: string;
  status: 'open' | 'withdrawn';
  withdrawnAt?: string;
}

const agencyCaseKey = (invoiceId: string) => ({ pk: `INVOICE#${invoiceId}`, sk: 'AGENCYCASE' });

/** The agency case as stored: open cases are listed by gsi2 (the sweep withdraws those paid since). */
function agencyCasePut(c: AgencyCase) {
  return {
    TableName: tableName(),
    Item: {
      ...agencyCaseKey(c.invoiceId),
      gsi2pk: `AGENCYCASES#${c.status}`,
      gsi2sk: `${c.sentAt}#${c.invoiceId}`,
      type: 'agency_case',
      ...c,
    },
  };
}

export async function saveAgencyCase(c: AgencyCase): Promise<void> {
  await dynamo().send(new PutCommand(agencyCasePut(c)));
}

export async function getAgencyCase(invoiceId: string): Promise<AgencyCase | undefined> {
  const item = await dynamo_get(agencyCaseKey(invoiceId));
  if (!item) return undefined;
  const { gsi2pk: _g, gsi2sk: _s, ...rest } = item;
  return rest as unknown as AgencyCase;
}

export async function listOpenAgencyCases(): Promise<AgencyCase[]> {
  const items = await queryAll({
    IndexName: 'gsi2',
    KeyConditionExpression: 'gsi2pk = :pk',
    ExpressionAttributeValues: { ':pk': 'AGENCYCASES#open' },
  });
  return items.map((i) => {
    const { pk: _pk, sk: _sk, gsi2pk: _g, gsi2sk: _s, type: _t, ...rest } = i;
    return rest as unknown as AgencyCase;
  });
}
