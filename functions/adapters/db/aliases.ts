import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { aliasesToLearn, aliasIdOf, type PayerAlias, parseAliasId } from '../../core/matching';
import { dynamo } from '../aws-clients';
import { clock } from '../clock';
import type { ApplyOutcome } from './allocations';
import { getCustomer } from './customers';
import { appendInvoiceEvent } from './events';
import { stripKeys } from './items';
import { keys } from './keys';
import { isConditionFailure, queryAll, tableName } from './table';

/** A payer identity finance taught for a customer, with who taught it, when and from which payment. */
export const CustomerAlias = z.object({
  aliasId: z.string(),
  customerId: z.string(),
  kind: z.enum(['iban', 'name']),
  value: z.string(),
  display: z.string(),
  learnedAt: z.string(),
  learnedBy: z.string(),
  fromTransactionId: z.string(),
  /** Set when finance removed it: it is kept so that it is never learned nor used again. */
  removedAt: z.string().optional(),
  removedBy: z.string().optional(),
});
export type CustomerAlias = z.infer<typeof CustomerAlias>;

function aliasItem(a: CustomerAlias) {
  return {
    ...keys.customerAlias(a.customerId, a.kind, a.value),
    ...(a.removedAt ? {} : keys.liveAlias(a.customerId, a.kind, a.value)),
    type: 'customer_alias',
    ...a,
  };
}

/** A customer's aliases, live and removed. */
export async function listCustomerAliases(customerId: string): Promise<CustomerAlias[]> {
  const items = await queryAll({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :a)',
    ExpressionAttributeValues: { ':pk': `CUSTOMER#${customerId}`, ':a': 'ALIAS#' },
  });
  return items.map((i) => CustomerAlias.parse(stripKeys(i)));
}

/** Every live alias of every customer (the sparse ALIASES index), for the matcher. */
export async function listLiveAliases(): Promise<CustomerAlias[]> {
  const items = await queryAll({
    IndexName: 'gsi2',
    KeyConditionExpression: 'gsi2pk = :pk',
    ExpressionAttributeValues: { ':pk': 'ALIASES' },
  });
  return items.map((i) => CustomerAlias.parse(stripKeys(i))).filter((a) => !a.removedAt);
}

/**
 * After finance accepted or made a match: when the credit went to ONE customer's invoices, the payer identities the
 * matcher did not know for that customer become its aliases, each audited on the invoices paid. An alias already
 * there, live or removed, is never overwritten.
 */
export async function learnFromCorrection(outcome: ApplyOutcome, actor: string): Promise<CustomerAlias[]> {
  const customerIds = [...new Set(outcome.invoices.map((i) => i.customerId))];
  if (customerIds.length !== 1) return [];
  const customer = await getCustomer(customerIds[0]);
  if (!customer) return [];
  const known = (await listCustomerAliases(customer.customerId)).map((a) => ({
    kind: a.kind,
    value: a.value,
    removed: !!a.removedAt,
  }));
  const txn = outcome.transaction;
  const learned: CustomerAlias[] = [];
  for (const alias of aliasesToLearn(customer, known, txn)) {
    const saved = await saveNewAlias(customer.customerId, alias, actor, txn.transactionId);
    if (!saved) continue;
    learned.push(saved);
    const detail = {
      customerId: saved.customerId,
      aliasId: saved.aliasId,
      kind: saved.kind,
      display: saved.display,
      transactionId: txn.transactionId,
    };
    await Promise.all(
      outcome.invoices.map((i) =>
        appendInvoiceEvent({ invoiceId: i.invoiceId, at: saved.learnedAt, kind: 'payer_alias_learned', actor, detail }),
      ),
    );
  }
  return learned;
}

async function saveNewAlias(
  customerId: string,
  alias: PayerAlias,
  actor: string,
  transactionId: string,
): Promise<CustomerAlias | undefined> {
  const saved: CustomerAlias = {
    aliasId: aliasIdOf(alias.kind, alias.value),
    customerId,
    ...alias,
    learnedAt: clock().now().toISOString(),
    learnedBy: actor,
    fromTransactionId: transactionId,
  };
  try {
    await dynamo().send(
      new PutCommand({
        TableName: tableName(),
        Item: aliasItem(saved),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return saved;
  } catch (err) {
    if (isConditionFailure(err)) return undefined; // taught at the same moment by another correction, or removed before
    throw err;
  }
}

/**
 * Removes an alias: it stays as a tombstone (who, when) and is neither used nor learned again. Undefined if unknown.
 */
export async function removeAlias(
  customerId: string,
  aliasId: string,
  actor: string,
): Promise<CustomerAlias | undefined> {
  const id = parseAliasId(aliasId);
  if (!id) return undefined;
  const res = await dynamo().send(
    new GetCommand({
      TableName: tableName(),
      Key: keys.customerAlias(customerId, id.kind, id.value),
      ConsistentRead: true,
    }),
  );
  if (!res.Item) return undefined;
  const alias = CustomerAlias.parse(stripKeys(res.Item));
  if (alias.removedAt) return alias;
  const removed: CustomerAlias = { ...alias, removedAt: clock().now().toISOString(), removedBy: actor };
  await dynamo().send(
    new PutCommand({ TableName: tableName(), Item: aliasItem(removed), ConditionExpression: 'attribute_exists(pk)' }),
  );
  return removed;
}
