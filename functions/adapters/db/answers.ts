import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws-clients';
import { isConditionFailure, tableName } from './table';

/**
 * A customer's answer from the page, by the nonce of the form it was posted from: ANSWER#<link>#<action>#<nonce> /
 * ANSWER, `pending` while it is being recorded and `done` once it is. A second post of the same form (a double click)
 * finds it and answers as the first did; DynamoDB's TTL (`expiresAt`) deletes it after a day.
 */
const TTL_SECONDS = 24 * 3600;
/** A claim left pending this long (its function crashed or timed out: the page's timeout is 30 s) is taken over. */
const STALE_MS = 60_000;

const answerKey = (key: string) => ({ pk: `ANSWER#${key}`, sk: 'ANSWER' });
const answerItem = (key: string, state: 'pending' | 'done', at: Date) => ({
  ...answerKey(key),
  type: 'customer_answer',
  state,
  expiresAt: Math.floor(at.getTime() / 1000) + TTL_SECONDS,
});

/** True when this post may record the answer: no one claimed it, or a claim left stale. */
export async function claimAnswer(key: string, at: Date): Promise<boolean> {
  try {
    await dynamo().send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...answerItem(key, 'pending', at), claimedAt: at.getTime() },
        ConditionExpression: 'attribute_not_exists(pk) OR (#s = :pending AND claimedAt < :stale)',
        ExpressionAttributeNames: { '#s': 'state' },
        ExpressionAttributeValues: { ':pending': 'pending', ':stale': at.getTime() - STALE_MS },
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
}

export async function answerState(key: string): Promise<'pending' | 'done' | undefined> {
  const res = await dynamo().send(
    new GetCommand({ TableName: tableName(), Key: answerKey(key), ConsistentRead: true }),
  );
  const state = res.Item?.state;
  return state === 'pending' || state === 'done' ? state : undefined;
}

/** `done`: the answer is recorded (a resubmission is answered as it was); otherwise the claim is released. */
export async function settleAnswer(key: string, done: boolean, at: Date): Promise<void> {
  if (!done) {
    await dynamo().send(new DeleteCommand({ TableName: tableName(), Key: answerKey(key) }));
    return;
  }
  await dynamo().send(new PutCommand({ TableName: tableName(), Item: answerItem(key, 'done', at) }));
}
