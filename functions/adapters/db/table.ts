import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws-clients';
import { readEnv, settings } from '../config';

let name: string | undefined;
/** The table name, read once from the environment (fails fast when unset). */
export function tableName(): string {
  name ??= readEnv({ TABLE_NAME: settings.TABLE_NAME }).TABLE_NAME;
  return name;
}
export function resetTableName(): void {
  name = undefined;
}

/** A random suffix that keeps apart two events of one invoice recorded at the same instant (the key holds the time). */
export function sequence(): string {
  return randomUUID().slice(0, 8);
}

/** An opaque pagination cursor from a DynamoDB LastEvaluatedKey. */
export function encodeCursor(key: Record<string, unknown> | undefined): string | undefined {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;
}
export function decodeCursor(cursor: string | undefined): Record<string, unknown> | undefined {
  if (!cursor) return undefined;
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (value && typeof value === 'object') return value as Record<string, unknown>;
  } catch {
    /* fall through */
  }
  throw new InvalidCursorError();
}
export class InvalidCursorError extends Error {
  constructor() {
    super('invalid pagination cursor');
    this.name = 'InvalidCursorError';
  }
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** Every item a query matches, all pages (for bounded sets: one invoice's history, one batch, one day's messages). */
export async function queryAll(
  input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>,
): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await dynamo().send(new QueryCommand({ ...input, TableName: tableName(), ExclusiveStartKey: start }));
    out.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return out;
}

/** Batch read of items by key, 100 at a time, unprocessed keys retried with backoff; `consistent` for strong reads. */
export async function batchGet(
  keyList: Record<string, string>[],
  options: { consistent?: boolean } = {},
): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < keyList.length; i += 100) {
    let pending: Record<string, unknown>[] | undefined = keyList.slice(i, i + 100);
    for (let attempt = 0; pending && pending.length > 0; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));
      if (attempt > 8)
        throw Object.assign(new Error('batch read throttled'), { name: 'ProvisionedThroughputExceededException' });
      const res = await dynamo().send(
        new BatchGetCommand({
          RequestItems: { [tableName()]: { Keys: pending, ...(options.consistent ? { ConsistentRead: true } : {}) } },
        }),
      );
      out.push(...(res.Responses?.[tableName()] ?? []));
      pending = res.UnprocessedKeys?.[tableName()]?.Keys as Record<string, unknown>[] | undefined;
    }
  }
  return out;
}

/** A conditional write refused because its condition did not hold. */
export function isConditionFailure(err: unknown): boolean {
  return err instanceof ConditionalCheckFailedException || (err as Error)?.name === 'ConditionalCheckFailedException';
}
