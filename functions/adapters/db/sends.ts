import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws-clients';
import { invoiceEventPut, InvoiceEvent } from './events';
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
}

export async function getSend(invoiceId: string, stepId: string): Promise<SendRecord | undefined> {
  const res = await dynamo_get(keys.send(invoiceId, stepId));
  return res ? (res as unknown as SendRecord) : undefined;
}

/**
 * Records that an invoice's step was sent, with its history event, atomically. Returns false when it was
 * already recorded (a retry): the event is then not written again.
 */
export async function recordSend(send: SendRecord, event: Omit<InvoiceEvent, 'invoiceId'>): Promise<boolean> {
  try {
    await dynamo().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: tableName(),
              Item: { ...keys.send(send.invoiceId, send.stepId), type: 'send', ...send },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          invoiceEventPut({ ...event, invoiceId: send.invoiceId }),
        ],
      }),
    );
    return true;
  } catch (err) {
    if (err instanceof TransactionCanceledException || (err as Error).name === 'TransactionCanceledException') {
      if ((err as TransactionCanceledException).CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') return false;
    }
    throw err;
  }
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
      Item: { ...messageKey(message.messageId), gsi2pk: `MESSAGES#${message.sentAt.slice(0, 10)}`, gsi2sk: `${message.sentAt}#${message.messageId}`, type: 'message', ...message },
    }),
  );
}

/** The messages sent on a UTC day. */
export async function listMessagesOn(day: string): Promise<MessageRecord[]> {
  const items = await queryAll({ IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :pk', ExpressionAttributeValues: { ':pk': `MESSAGES#${day}` } });
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

const bounceKey = (customerId: string, email: string) => ({ pk: `CUSTOMER#${customerId}`, sk: `BOUNCE#${email.toLowerCase()}` });

export interface BouncedContact {
  customerId: string;
  email: string;
  at: string;
  kind: 'hard_bounce' | 'complaint';
  messageId?: string;
}

export async function flagBouncedContact(contact: BouncedContact): Promise<void> {
  await dynamo().send(
    new PutCommand({ TableName: tableName(), Item: { ...bounceKey(contact.customerId, contact.email), type: 'bounce', ...contact, email: contact.email.toLowerCase() } }),
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
  return (res.Items ?? []).map((i) => ({ customerId: String(i.customerId), email: String(i.email), at: String(i.at), kind: i.kind, messageId: i.messageId }) as BouncedContact);
}

// --- helpers -------------------------------------------------------------------------------------------------------

async function dynamo_get(key: { pk: string; sk: string }): Promise<Record<string, unknown> | undefined> {
  const res = await dynamo().send(new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }));
  if (!res.Item) return undefined;
  const { pk: _pk, sk: _sk, type: _t, ...rest } = res.Item;
  return rest;
}
