import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws-clients';
import { invoiceEventPut, InvoiceEvent } from './events';
import { keys } from './keys';
import { tableName } from './table';

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
  to: string[];
  sentAt: string;
  dispatchKey?: string;
}

export async function recordMessage(message: MessageRecord): Promise<void> {
  await dynamo().send(new PutCommand({ TableName: tableName(), Item: { ...messageKey(message.messageId), type: 'message', ...message } }));
}

export async function getMessage(messageId: string): Promise<MessageRecord | undefined> {
  const item = await dynamo_get(messageKey(messageId));
  return item as MessageRecord | undefined;
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
