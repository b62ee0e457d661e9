import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { dynamo } from '../aws-clients';
import { isConditionFailure, queryAll, tableName } from './table';

/**
 * The customer links issued (one per message that carries one): CUSTOMER#<id> / LINK#<linkId>, with its expiry, and
 * `revokedAt` once finance revoked it. A token is honoured only if its link item exists and is not revoked, so a link
 * can be withdrawn before it expires; DynamoDB's TTL (`expiresAt`, epoch seconds) deletes the item a week after the
 * link expired, and a token whose item is gone is refused like any other.
 */
export const CustomerLinkRecord = z.object({
  customerId: z.string(),
  linkId: z.string(),
  issuedAt: z.string(),
  validUntil: z.string(),
  /** Why it was issued, e.g. 'reminder', 'formal_notice', 'agency_handoff', 'demo'. */
  purpose: z.string(),
  revokedAt: z.string().optional(),
  revokedBy: z.string().optional(),
});
export type CustomerLinkRecord = z.infer<typeof CustomerLinkRecord>;

const TTL_MARGIN_SECONDS = 7 * 24 * 3600;
const linkKey = (customerId: string, linkId: string) => ({ pk: `CUSTOMER#${customerId}`, sk: `LINK#${linkId}` });

export async function recordLink(link: Omit<CustomerLinkRecord, 'revokedAt' | 'revokedBy'>): Promise<void> {
  const expiresAt = Math.floor(Date.parse(link.validUntil) / 1000) + TTL_MARGIN_SECONDS;
  await dynamo().send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...linkKey(link.customerId, link.linkId), type: 'customer_link', expiresAt, ...link },
    }),
  );
}

export async function getLink(customerId: string, linkId: string): Promise<CustomerLinkRecord | undefined> {
  const res = await dynamo().send(
    new GetCommand({ TableName: tableName(), Key: linkKey(customerId, linkId), ConsistentRead: true }),
  );
  if (!res.Item) return undefined;
  const { pk: _p, sk: _s, type: _t, expiresAt: _e, ...rest } = res.Item;
  return CustomerLinkRecord.parse(rest);
}

/** Revokes every link of a customer not revoked yet; returns the link ids revoked now. */
export async function revokeCustomerLinks(customerId: string, at: string, actor: string): Promise<string[]> {
  const items = await queryAll({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :link)',
    ExpressionAttributeValues: { ':pk': `CUSTOMER#${customerId}`, ':link': 'LINK#' },
  });
  const revoked: string[] = [];
  for (const item of items) {
    if (item.revokedAt) continue;
    const linkId = String(item.linkId);
    try {
      await dynamo().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: linkKey(customerId, linkId),
          UpdateExpression: 'SET revokedAt = :at, revokedBy = :by',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(revokedAt)',
          ExpressionAttributeValues: { ':at': at, ':by': actor },
        }),
      );
      revoked.push(linkId);
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  }
  return revoked;
}

/**
 * A link's short code (the short URL printed on a letter, `/c/s/<code>`): LINKCODE#<code>, 128 random bits, naming the
 * link it opens. The page signs that link's token again from it; revocation and expiry stay the link's own.
 */
export const ShortLinkRecord = z.object({
  code: z.string(),
  customerId: z.string(),
  linkId: z.string(),
  validUntil: z.string(),
});
export type ShortLinkRecord = z.infer<typeof ShortLinkRecord>;

const codeKey = (code: string) => ({ pk: `LINKCODE#${code}`, sk: 'LINKCODE' });

export async function recordShortLink(link: ShortLinkRecord): Promise<void> {
  const expiresAt = Math.floor(Date.parse(link.validUntil) / 1000) + TTL_MARGIN_SECONDS;
  await dynamo().send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...codeKey(link.code), type: 'customer_link_code', expiresAt, ...link },
    }),
  );
}

export async function getShortLink(code: string): Promise<ShortLinkRecord | undefined> {
  const res = await dynamo().send(new GetCommand({ TableName: tableName(), Key: codeKey(code), ConsistentRead: true }));
  if (!res.Item) return undefined;
  const { pk: _p, sk: _s, type: _t, expiresAt: _e, ...rest } = res.Item;
  return ShortLinkRecord.parse(rest);
}
