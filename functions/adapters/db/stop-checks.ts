import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { dynamo } from '../aws-clients';
import { keys } from './keys';
import { isConditionFailure, queryAll, tableName } from './table';

/**
 * INVOICE#<id> / STOPCHECK: written BEFORE finance's match (or accepted suggestion) is applied, for each invoice it may
 * pay, and removed once the workflows of those it paid are stopped. A request that fails in between (a stop refused,
 * a timeout, a crash) leaves it, and nobody may send the request again: the daily sweep then stops the workflow of
 * every invoice no longer owed (`functions/sweep/stop-checks.ts`). Sparse on gsi1 (DUNNING#STOPCHECKS / <at>#<id>).
 */
export const StopCheck = z.object({ invoiceId: z.string(), at: z.string() });
export type StopCheck = z.infer<typeof StopCheck>;

export async function writeStopChecks(invoiceIds: string[], at: string): Promise<void> {
  await Promise.all(
    [...new Set(invoiceIds)].map((invoiceId) =>
      dynamo().send(
        new PutCommand({
          TableName: tableName(),
          Item: {
            ...keys.stopCheck(invoiceId),
            ...keys.stopCheckList(at, invoiceId),
            type: 'stop-check',
            invoiceId,
            at,
          },
        }),
      ),
    ),
  );
}

/** Every stop check left, oldest first. */
export async function listStopChecks(): Promise<StopCheck[]> {
  const items = await queryAll({
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.stopCheckList('', '').gsi1pk },
  });
  return items.map((i) => StopCheck.parse({ invoiceId: i.invoiceId, at: i.at }));
}

/** Removes the check, unless a newer request wrote its own since (that one stays until its own end). */
export async function clearStopCheck(check: StopCheck): Promise<void> {
  try {
    await dynamo().send(
      new DeleteCommand({
        TableName: tableName(),
        Key: keys.stopCheck(check.invoiceId),
        ConditionExpression: '#at = :at',
        ExpressionAttributeNames: { '#at': 'at' },
        ExpressionAttributeValues: { ':at': check.at },
      }),
    );
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
  }
}
