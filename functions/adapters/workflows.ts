import { createHash } from 'node:crypto';
import {
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  InvalidToken,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  StopExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { DunningState, DunningStateInput } from '../dunning-shared/state';
import { dynamo, sfn } from './aws-clients';
import { readEnv, settings } from './config';
import { tableName } from './db/table';

/**
 * The per-invoice dunning workflows seen from the rest of the product: start (once per invoice), stop (payment,
 * write-off, credit note), and resume a paused one (dispute resolved, promise broken, manual resume).
 * Everything goes through the real Step Functions API; locally the same calls reach the local endpoint.
 */

const SAFE = /^[A-Za-z0-9_-]+$/;
const MAX_NAME = 80;

/**
 * The execution name of an invoice's workflow: 'inv-' + the invoice id when it is made of safe characters and short
 * enough, else 'inv-' + its safe characters (truncated) + '-' + a hash of the id, so two ids never share a name.
 * A Standard execution name cannot be reused for 90 days, which makes a second start a no-op.
 */
export function invoiceExecutionName(invoiceId: string): string {
  const plain = `inv-${invoiceId}`;
  if (SAFE.test(invoiceId) && plain.length <= MAX_NAME) return plain;
  const hash = createHash('sha256').update(invoiceId, 'utf8').digest('hex').slice(0, 16);
  const safe = invoiceId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, MAX_NAME - 4 - 1 - hash.length);
  return `inv-${safe}-${hash}`;
}

function stateMachineArn(): string {
  return readEnv({ STATE_MACHINE_ARN: settings.STATE_MACHINE_ARN }).STATE_MACHINE_ARN;
}

/** arn:aws:states:<region>:<account>:stateMachine:<name> -> arn:aws:states:<region>:<account>:execution:<name>:<execution> */
export function executionArnOf(invoiceId: string, machineArn = stateMachineArn()): string {
  const parts = machineArn.split(':');
  if (parts.length < 7 || parts[5] !== 'stateMachine') throw new Error(`not a state machine ARN: ${machineArn}`);
  return [...parts.slice(0, 5), 'execution', parts[6], invoiceExecutionName(invoiceId)].join(':');
}

export type StartResult = { started: true; executionArn: string } | { started: false; reason: 'already_exists'; executionArn: string };

/** INVOICE#<id> / WORKFLOW: the invoice's workflow was started (the sweep starts each invoice once). */
const workflowKey = (invoiceId: string) => ({ pk: `INVOICE#${invoiceId}`, sk: 'WORKFLOW' });

/** Starts the invoice's workflow; a second start (same name) is a no-op. `now` is recorded on the marker. */
export async function startDunning(invoiceId: string, now: Date = new Date()): Promise<StartResult> {
  const input: DunningStateInput = { invoiceId, doneStepIds: [] };
  let result: StartResult;
  try {
    const res = await sfn().send(
      new StartExecutionCommand({ stateMachineArn: stateMachineArn(), name: invoiceExecutionName(invoiceId), input: JSON.stringify(input) }),
    );
    result = { started: true, executionArn: res.executionArn ?? executionArnOf(invoiceId) };
  } catch (err) {
    if (!(err instanceof ExecutionAlreadyExists || (err as Error).name === 'ExecutionAlreadyExists')) throw err;
    result = { started: false, reason: 'already_exists', executionArn: executionArnOf(invoiceId) };
  }
  await dynamo().send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...workflowKey(invoiceId), type: 'workflow', invoiceId, executionArn: result.executionArn, startedAt: now.toISOString() },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  ).catch((err: Error) => {
    if (err.name !== 'ConditionalCheckFailedException') throw err;
  });
  return result;
}

/** Whether the invoice's workflow was ever started (the marker startDunning leaves). */
export async function dunningStarted(invoiceId: string): Promise<{ executionArn: string; startedAt: string } | undefined> {
  const res = await dynamo().send(new GetCommand({ TableName: tableName(), Key: workflowKey(invoiceId), ConsistentRead: true }));
  return res.Item ? { executionArn: String(res.Item.executionArn), startedAt: String(res.Item.startedAt) } : undefined;
}

export type StopResult = { stopped: true } | { stopped: false; reason: 'no_execution' };

/**
 * Stops the invoice's workflow (full payment, write-off, credit note). The workflow's re-check guards the race
 * where the stop arrives after a step already woke up. Stopping an execution that does not exist is not an error.
 */
export async function stopDunning(invoiceId: string, reason: string): Promise<StopResult> {
  try {
    await sfn().send(new StopExecutionCommand({ executionArn: executionArnOf(invoiceId), cause: reason.slice(0, 32_000), error: 'DunningStopped' }));
  } catch (err) {
    if (err instanceof ExecutionDoesNotExist || (err as Error).name === 'ExecutionDoesNotExist') return { stopped: false, reason: 'no_execution' };
    throw err;
  }
  await forgetPause(invoiceId);
  return { stopped: true };
}

// --- pause tokens --------------------------------------------------------------------------------------------------

/** The task token of a paused workflow and the state it paused with: INVOICE#<id> / PAUSE. */
const pauseKey = (invoiceId: string) => ({ pk: `INVOICE#${invoiceId}`, sk: 'PAUSE' });

export interface StoredPause {
  invoiceId: string;
  taskToken: string;
  state: DunningState;
  storedAt: string;
}

/** Called by the dunning-pause function (AwaitResume, WAIT_FOR_TASK_TOKEN): remembers how to resume. */
export async function storePauseToken(invoiceId: string, taskToken: string, state: DunningState, storedAt: string): Promise<void> {
  await dynamo().send(
    new PutCommand({ TableName: tableName(), Item: { ...pauseKey(invoiceId), type: 'pause', invoiceId, taskToken, state, storedAt } }),
  );
}

export async function getPause(invoiceId: string): Promise<StoredPause | undefined> {
  const res = await dynamo().send(new GetCommand({ TableName: tableName(), Key: pauseKey(invoiceId), ConsistentRead: true }));
  if (!res.Item) return undefined;
  return { invoiceId, taskToken: String(res.Item.taskToken), state: DunningState.parse(res.Item.state), storedAt: String(res.Item.storedAt) };
}

async function forgetPause(invoiceId: string, taskToken?: string): Promise<void> {
  await dynamo().send(
    new DeleteCommand({
      TableName: tableName(),
      Key: pauseKey(invoiceId),
      ...(taskToken ? { ConditionExpression: 'taskToken = :t', ExpressionAttributeValues: { ':t': taskToken } } : {}),
    }),
  ).catch((err: Error) => {
    if (err.name !== 'ConditionalCheckFailedException') throw err;
  });
}

/** What a resume may change in the paused state (e.g. forget done steps to replay one). */
export type ResumePatch = Partial<Pick<DunningState, 'doneStepIds' | 'policyId' | 'policyVersion' | 'approvedStepIds'>>;

export type ResumeResult = { resumed: true } | { resumed: false; reason: 'not_paused' | 'token_expired' };

/**
 * Resumes a paused workflow (dispute resolved, broken promise, manual resume) with its paused state, patched.
 * Resuming a workflow that waits for an approval (agency handoff of a key account) approves that step.
 * The caller clears `invoice.pause` first (saveInvoice), otherwise the next re-check pauses again.
 */
export async function resumeDunning(invoiceId: string, patch: ResumePatch = {}): Promise<ResumeResult> {
  const pause = await getPause(invoiceId);
  if (!pause) return { resumed: false, reason: 'not_paused' };
  const approved = pause.state.awaitingApprovalStepId
    ? [...new Set([...(pause.state.approvedStepIds ?? []), pause.state.awaitingApprovalStepId])]
    : pause.state.approvedStepIds;
  const next: DunningState = {
    ...pause.state,
    ...(approved ? { approvedStepIds: approved } : {}),
    ...patch,
    awaitingApprovalStepId: undefined,
    outcome: undefined,
    plan: undefined,
    dispatchKey: undefined,
  };
  try {
    await sfn().send(new SendTaskSuccessCommand({ taskToken: pause.taskToken, output: JSON.stringify(DunningState.parse(next)) }));
  } catch (err) {
    const name = (err as Error).name;
    if (err instanceof TaskTimedOut || err instanceof TaskDoesNotExist || err instanceof InvalidToken || ['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken'].includes(name)) {
      await forgetPause(invoiceId, pause.taskToken);
      return { resumed: false, reason: 'token_expired' };
    }
    throw err;
  }
  await forgetPause(invoiceId, pause.taskToken);
  return { resumed: true };
}
