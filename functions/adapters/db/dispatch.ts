import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws-clients';
import { keys } from './keys';
import { isConditionFailure, queryAll, tableName } from './table';

/**
 * Send-window batches (issue 8): the invoices of one customer whose steps fall in the same send window meet in one
 * batch, DISPATCH#<customer>#<window>#<kind> / DISPATCH, with one member item per invoice (sk INV#<invoiceId>).
 * Exactly one message per batch: the sender CLAIMS the batch with a conditional write (pending -> sending, with a
 * lease and the claimer's invoice id), sends, then marks it sent (conditional on still holding the claim).
 * A crashed claimer's lease expires and the batch can be claimed again; an SES failure releases it (back to pending).
 */

export type DispatchKind = 'reminder' | 'formal_notice' | 'call';

/**
 * A claim's lease (wall clock). Longer than the dispatch function's timeout (60 s): a live sender never outlives its
 * claim, so a second claim is only ever taken from a sender that crashed (any error releases the claim at once).
 */
export const LEASE_SECONDS = 300;
export type BatchStatus = 'pending' | 'sending' | 'sent';

export interface Batch {
  dispatchKey: string;
  customerId: string;
  windowAt: string;
  kind: DispatchKind;
  /** Set for customers who want one e-mail per invoice: the batch is that invoice's alone. */
  soloInvoiceId?: string;
  status: BatchStatus;
  claimedBy?: string;
  leaseUntil?: string;
  messageId?: string;
  sentAt?: string;
  includedInvoiceIds?: string[];
  excludedInvoiceIds?: string[];
}

export interface BatchMember {
  invoiceId: string;
  stepId: string;
  level: string;
  channel: string;
  enlistedAt: string;
}

/** The batch key of an invoice's step: the customer's batch, or the invoice's own for per-invoice customers. */
export function dispatchKeyOf(
  customerId: string,
  windowAt: string,
  kind: DispatchKind,
  soloInvoiceId?: string,
): string {
  return keys.dispatch(customerId, windowAt, soloInvoiceId ? `${kind}~${soloInvoiceId}` : kind).pk;
}

/** Adds an invoice to its window's batch (creating the batch as pending). Idempotent. */
export async function enlist(input: {
  customerId: string;
  windowAt: string;
  kind: DispatchKind;
  soloInvoiceId?: string;
  member: BatchMember;
}): Promise<string> {
  const dispatchKey = dispatchKeyOf(input.customerId, input.windowAt, input.kind, input.soloInvoiceId);
  await dynamo().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: { pk: dispatchKey, sk: 'DISPATCH' },
      UpdateExpression:
        'SET #status = if_not_exists(#status, :pending), customerId = :c, windowAt = :w, kind = :k, dispatchKey = ' +
        ':dk, #type = :t' +
        (input.soloInvoiceId ? ', soloInvoiceId = :solo' : ''),
      ExpressionAttributeNames: { '#status': 'status', '#type': 'type' },
      ExpressionAttributeValues: {
        ':pending': 'pending',
        ':c': input.customerId,
        ':w': input.windowAt,
        ':k': input.kind,
        ':dk': dispatchKey,
        ':t': 'dispatch',
        ...(input.soloInvoiceId ? { ':solo': input.soloInvoiceId } : {}),
      },
    }),
  );
  await dynamo().send(
    new PutCommand({
      TableName: tableName(),
      Item: { pk: dispatchKey, sk: `INV#${input.member.invoiceId}`, type: 'dispatch_member', ...input.member },
    }),
  );
  return dispatchKey;
}

export async function getBatch(dispatchKey: string): Promise<Batch | undefined> {
  const res = await dynamo().send(
    new GetCommand({ TableName: tableName(), Key: { pk: dispatchKey, sk: 'DISPATCH' }, ConsistentRead: true }),
  );
  if (!res.Item) return undefined;
  const { pk: _pk, sk: _sk, type: _t, ...batch } = res.Item;
  return batch as Batch;
}

export async function listMembers(dispatchKey: string): Promise<BatchMember[]> {
  const items = await queryAll({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :inv)',
    ExpressionAttributeValues: { ':pk': dispatchKey, ':inv': 'INV#' },
    ConsistentRead: true,
  });
  return items.map((i) => ({
    invoiceId: String(i.invoiceId),
    stepId: String(i.stepId),
    level: String(i.level),
    channel: String(i.channel),
    enlistedAt: String(i.enlistedAt),
  }));
}

export type ClaimResult = { claimed: true; batch: Batch } | { claimed: false; batch: Batch | undefined };

/**
 * Takes the right to send the batch: pending -> sending, or a sending batch whose lease expired (crashed winner),
 * or one this same claimer already holds (its own retry). Exactly one concurrent claimer wins.
 * The lease is about a live process, so it is measured on the wall clock (`wallNow`, default the real time), never on
 * the policy clock: the local stack's compressed policy time would expire a live sender's lease mid-send.
 */
export async function claimBatch(
  dispatchKey: string,
  claimer: string,
  leaseSeconds: number,
  wallNow: Date = new Date(),
): Promise<ClaimResult> {
  const now = wallNow;
  const leaseUntil = new Date(now.getTime() + leaseSeconds * 1000).toISOString();
  try {
    const res = await dynamo().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: { pk: dispatchKey, sk: 'DISPATCH' },
        UpdateExpression: 'SET #status = :sending, claimedBy = :me, leaseUntil = :lease',
        ConditionExpression:
          'attribute_exists(pk) AND (#status = :pending OR (#status = :sending AND (leaseUntil < :now OR claimedBy ' +
          '= :me)))',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':sending': 'sending',
          ':pending': 'pending',
          ':me': claimer,
          ':lease': leaseUntil,
          ':now': now.toISOString(),
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const { pk: _pk, sk: _sk, type: _t, ...batch } = res.Attributes ?? {};
    return { claimed: true, batch: batch as Batch };
  } catch (err) {
    if (isConditionFailure(err)) return { claimed: false, batch: await getBatch(dispatchKey) };
    throw err;
  }
}

/** Records the sent message on the batch, only while still holding the claim. False when the claim was lost. */
export async function markBatchSent(
  dispatchKey: string,
  claimer: string,
  sent: { messageId: string; sentAt: string; includedInvoiceIds: string[]; excludedInvoiceIds: string[] },
): Promise<boolean> {
  try {
    await dynamo().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: { pk: dispatchKey, sk: 'DISPATCH' },
        UpdateExpression:
          'SET #status = :sent, messageId = :m, sentAt = :at, includedInvoiceIds = :inc, excludedInvoiceIds = :exc ' +
          'REMOVE leaseUntil',
        ConditionExpression: '#status = :sending AND claimedBy = :me',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':sent': 'sent',
          ':sending': 'sending',
          ':me': claimer,
          ':m': sent.messageId,
          ':at': sent.sentAt,
          ':inc': sent.includedInvoiceIds,
          ':exc': sent.excludedInvoiceIds,
        },
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
}

/** Gives the batch back (send failed): sending -> pending, only if this claimer still holds it. */
export async function releaseBatch(dispatchKey: string, claimer: string): Promise<void> {
  try {
    await dynamo().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: { pk: dispatchKey, sk: 'DISPATCH' },
        UpdateExpression: 'SET #status = :pending REMOVE leaseUntil, claimedBy',
        ConditionExpression: '#status = :sending AND claimedBy = :me',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':pending': 'pending', ':sending': 'sending', ':me': claimer },
      }),
    );
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
  }
}
