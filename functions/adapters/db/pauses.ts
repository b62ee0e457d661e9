import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { DunningState } from '../../core/dunning/state';
import { dynamo } from '../aws-clients';
import { keys } from './keys';
import { tableName } from './table';

/** The task token of a paused workflow and the state it paused with: INVOICE#<id> / PAUSE. */
export interface StoredPause {
  invoiceId: string;
  taskToken: string;
  state: DunningState;
  storedAt: string;
  /** The workflow generation that paused (absent on pauses stored before generations). */
  generation?: number;
}

/** Called by the dunning-pause function (AwaitResume, WAIT_FOR_TASK_TOKEN): remembers how to resume. */
export async function storePauseToken(
  invoiceId: string,
  taskToken: string,
  state: DunningState,
  storedAt: string,
  generation?: number,
): Promise<void> {
  await dynamo().send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        ...keys.pause(invoiceId),
        type: 'pause',
        invoiceId,
        taskToken,
        state,
        storedAt,
        ...(generation !== undefined ? { generation } : {}),
      },
    }),
  );
}

export async function getPause(invoiceId: string): Promise<StoredPause | undefined> {
  const res = await dynamo().send(
    new GetCommand({ TableName: tableName(), Key: keys.pause(invoiceId), ConsistentRead: true }),
  );
  if (!res?.Item) return undefined;
  return {
    invoiceId,
    taskToken: String(res.Item.taskToken),
    state: DunningState.parse(res.Item.state),
    storedAt: String(res.Item.storedAt),
    ...(typeof res.Item.generation === 'number' ? { generation: res.Item.generation } : {}),
  };
}

/**
 * Forgets a pause: only the one with this token, or only one of this generation (a stop never deletes a newer run's
 * pause).
 */
export async function forgetPause(
  invoiceId: string,
  only: { taskToken?: string; generation?: number } = {},
): Promise<void> {
  const condition = only.taskToken
    ? { ConditionExpression: 'taskToken = :t', ExpressionAttributeValues: { ':t': only.taskToken } }
    : only.generation !== undefined
      ? {
          ConditionExpression: 'attribute_not_exists(#g) OR #g = :g',
          ExpressionAttributeNames: { '#g': 'generation' },
          ExpressionAttributeValues: { ':g': only.generation },
        }
      : {};
  await dynamo()
    .send(new DeleteCommand({ TableName: tableName(), Key: keys.pause(invoiceId), ...condition }))
    .catch((err: Error) => {
      if (err.name !== 'ConditionalCheckFailedException') throw err;
    });
}
