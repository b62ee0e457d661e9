import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Customer } from '../../core/model';
import { dynamo } from '../aws-clients';
import { customerFromItem, customerItem } from './items';
import { keys } from './keys';
import { decodeCursor, encodeCursor, isConditionFailure, type Page, queryAll, tableName } from './table';

export async function getCustomer(customerId: string): Promise<Customer | undefined> {
  const res = await dynamo().send(
    new GetCommand({ TableName: tableName(), Key: keys.customer(customerId), ConsistentRead: true }),
  );
  return res.Item ? customerFromItem(res.Item) : undefined;
}

/** Creates or replaces a customer; with `expectedVersion`, only if nobody changed it since. */
export async function putCustomer(customer: Customer, expectedVersion?: number): Promise<Customer> {
  const saved = { ...customer, version: expectedVersion === undefined ? customer.version : expectedVersion + 1 };
  await dynamo().send(
    new PutCommand({
      TableName: tableName(),
      Item: customerItem(saved),
      ...(expectedVersion === undefined
        ? {}
        : {
            ConditionExpression: '#v = :v',
            ExpressionAttributeNames: { '#v': 'version' },
            ExpressionAttributeValues: { ':v': expectedVersion },
          }),
    }),
  );
  return saved;
}

/** Replaces a customer if it is still at `expectedVersion`; undefined when someone changed it since. */
export async function replaceCustomer(
  customer: Customer,
  expectedVersion: number | undefined,
): Promise<Customer | undefined> {
  try {
    return await putCustomer(customer, expectedVersion);
  } catch (err) {
    if (isConditionFailure(err)) return undefined;
    throw err;
  }
}

export async function listCustomers(options: { limit?: number; cursor?: string } = {}): Promise<Page<Customer>> {
  const res = await dynamo().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': 'CUSTOMERS' },
      Limit: options.limit,
      ExclusiveStartKey: decodeCursor(options.cursor),
    }),
  );
  return { items: (res.Items ?? []).map(customerFromItem), nextCursor: encodeCursor(res.LastEvaluatedKey) };
}

/** Unapplied cash of a customer: overpayments kept as credit (sum of its CREDIT# lines). */
export async function customerCreditCents(customerId: string): Promise<number> {
  const items = await queryAll({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :credit)',
    ExpressionAttributeValues: { ':pk': `CUSTOMER#${customerId}`, ':credit': 'CREDIT#' },
  });
  return items.reduce((sum, i) => sum + Number(i.amountCents ?? 0), 0);
}

/** Every customer (all pages of the customer list). */
export async function listAllCustomers(): Promise<Customer[]> {
  const items = await queryAll({
    IndexName: 'gsi2',
    KeyConditionExpression: 'gsi2pk = :pk',
    ExpressionAttributeValues: { ':pk': 'CUSTOMERS' },
  });
  return items.map(customerFromItem);
}

/** Creates a customer unless it exists; false when it does (created meanwhile: theirs stands). */
export async function createCustomer(customer: Customer): Promise<boolean> {
  try {
    await dynamo().send(
      new PutCommand({
        TableName: tableName(),
        Item: customerItem(customer),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
}
