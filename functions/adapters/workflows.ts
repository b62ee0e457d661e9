import { createHash } from 'node:crypto';
import {
  DescribeExecutionCommand,
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
import { DunningState, type DunningStateInput } from '../dunning-shared/state';
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
const idHash = (invoiceId: string) => createHash('sha256').update(invoiceId, 'utf8').digest('hex').slice(0, 16);

/**
 * The execution name of an invoice's workflow, generation `generation` (1 = the first run).
 * Generation 1: 'inv-' + the invoice id when it is made of safe characters and short enough, else 'inv-' + its safe
 * characters (truncated) + '-' + a hash of the id, so two ids never share a name.
 * Generation 2 and later (a reopened invoice gets its dunning back): 'inv-' + safe characters + '-g<n>-' + the hash,
 * e.g. inv-F-2026_0042-g2-1a2b3c4d5e6f7a8b. The hash is always there: a bare 'inv-<id>-g2' would be the generation-1
 * name of an invoice whose id ends in '-g2'.
 * A Standard execution name cannot be reused for 90 days: one name per generation makes a second start a no-op.
 */
export function invoiceExecutionName(invoiceId: string, generation = 1): string {
  if (!Number.isInteger(generation) || generation < 1)
    throw new RangeError(`generation must be a positive integer (got ${generation})`);
  if (generation === 1) {
    const plain = `inv-${invoiceId}`;
    if (SAFE.test(invoiceId) && plain.length <= MAX_NAME) return plain;
    const hash = idHash(invoiceId);
    const safe = invoiceId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, MAX_NAME - 4 - 1 - hash.length);
    return `inv-${safe}-${hash}`;
  }
  const tail = `-g${generation}-${idHash(invoiceId)}`;
  const safe = invoiceId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, MAX_NAME - 4 - tail.length);
  return `inv-${safe}${tail}`;
}

function stateMachineArn(): string {
  return readEnv({ STATE_MACHINE_ARN: settings.STATE_MACHINE_ARN }).STATE_MACHINE_ARN;
}

/**
 * arn:aws:states:<region>:<account>:stateMachine:<name> ->
 * arn:aws:states:<region>:<account>:execution:<name>:<execution>
 */
export function executionArnOf(invoiceId: string, machineArn = stateMachineArn(), generation = 1): string {
  const parts = machineArn.split(':');
  if (parts.length < 7 || parts[5] !== 'stateMachine') throw new Error(`not a state machine ARN: ${machineArn}`);
  return [...parts.slice(0, 5), 'execution', parts[6], invoiceExecutionName(invoiceId, generation)].join(':');
}

// --- the WORKFLOW marker ---------------------------------------------------------------------------------------------

/**
 * INVOICE#<id> / WORKFLOW: the invoice's current workflow generation and whether it runs. Written BEFORE the
 * execution starts (a conditional put "claims" the generation), so two concurrent starts never run two workflows.
 * `running` is a cache: true until stopDunning, or a later startDunning that asked Step Functions, saw the end.
 * A marker written before generations existed has neither `generation` nor `running`: generation 1, running.
 */
export interface DunningWorkflow {
  invoiceId: string;
  generation: number;
  executionName: string;
  executionArn: string;
  running: boolean;
  /** Business time of the start (the caller's clock). */
  startedAt: string;
  endedAt?: string;
  /** How the generation ended, when known: ABORTED (stopped), SUCCEEDED, FAILED, TIMED_OUT. */
  endStatus?: string;
  endReason?: string;
  /** Wall-clock time of the claim: a claim whose execution never appeared is retried after CLAIM_GRACE_MS. */
  claimedAt?: string;
  /** The generation before this one and how it ended. */
  previous?: { generation: number; executionArn: string; status?: string };
  /** A marker of before generations (no `generation` attribute). */
  legacy: boolean;
}

const workflowKey = (invoiceId: string) => ({ pk: `INVOICE#${invoiceId}`, sk: 'WORKFLOW' });

/** A claim whose execution does not exist yet is being started by its claimer for this long (wall clock). */
export const CLAIM_GRACE_MS = 60_000;

/** The marker as stored (also read by the admin API from the invoice's partition). */
export function workflowFromItem(item: Record<string, unknown>): DunningWorkflow {
  const invoiceId = String(item.invoiceId ?? String(item.pk ?? '').replace(/^INVOICE#/, ''));
  const legacy = typeof item.generation !== 'number';
  const generation = legacy ? 1 : Number(item.generation);
  const opt = (k: string) => (typeof item[k] === 'string' ? (item[k] as string) : undefined);
  const prev = item.previous as DunningWorkflow['previous'] | undefined;
  return {
    invoiceId,
    generation,
    executionName: opt('executionName') ?? invoiceExecutionName(invoiceId, generation),
    executionArn: opt('executionArn') ?? executionArnOf(invoiceId, undefined, generation),
    running: typeof item.running === 'boolean' ? item.running : true,
    startedAt: opt('startedAt') ?? '',
    endedAt: opt('endedAt'),
    endStatus: opt('endStatus'),
    endReason: opt('endReason'),
    claimedAt: opt('claimedAt'),
    previous: prev && typeof prev === 'object' ? prev : undefined,
    legacy,
  };
}

function markerItem(w: Omit<DunningWorkflow, 'legacy'>): Record<string, unknown> {
  const item: Record<string, unknown> = { ...workflowKey(w.invoiceId), type: 'workflow', ...w };
  for (const k of Object.keys(item)) if (item[k] === undefined) delete item[k];
  return item;
}

/** The condition "the marker is still exactly what was read" (generation and running flag). */
function unchanged(w: DunningWorkflow): {
  ConditionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
} {
  if (w.legacy) {
    return {
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#g)',
      ExpressionAttributeNames: { '#g': 'generation' },
    };
  }
  return {
    ConditionExpression: '#g = :g AND #r = :r',
    ExpressionAttributeNames: { '#g': 'generation', '#r': 'running' },
    ExpressionAttributeValues: { ':g': w.generation, ':r': w.running },
  };
}

const isConditionFailed = (err: unknown) => (err as Error)?.name === 'ConditionalCheckFailedException';

/** Writes the marker if it is still `expected` (undefined: if there is none); false when someone else changed it. */
async function writeMarker(
  next: Omit<DunningWorkflow, 'legacy'>,
  expected: DunningWorkflow | undefined,
): Promise<boolean> {
  try {
    await dynamo().send(
      new PutCommand({
        TableName: tableName(),
        Item: markerItem(next),
        ...(expected ? unchanged(expected) : { ConditionExpression: 'attribute_not_exists(pk)' }),
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailed(err)) return false;
    throw err;
  }
}

/** The invoice's current workflow generation, or undefined when dunning never started. */
export async function currentDunning(invoiceId: string): Promise<DunningWorkflow | undefined> {
  const res = await dynamo().send(
    new GetCommand({ TableName: tableName(), Key: workflowKey(invoiceId), ConsistentRead: true }),
  );
  return res?.Item ? workflowFromItem(res.Item) : undefined;
}

/** Whether the invoice's workflow was ever started (the marker startDunning leaves), with its current generation. */
export const dunningStarted = currentDunning;

type ExecutionState = { state: 'running' } | { state: 'ended'; status: string; stopDate?: Date } | { state: 'missing' };

/** What Step Functions says of an execution. An answer without a status counts as running (never two workflows). */
async function executionState(executionArn: string): Promise<ExecutionState> {
  try {
    const res = await sfn().send(new DescribeExecutionCommand({ executionArn }));
    const status = res?.status;
    if (status === 'SUCCEEDED' || status === 'FAILED' || status === 'TIMED_OUT' || status === 'ABORTED')
      return { state: 'ended', status, stopDate: res?.stopDate };
    return { state: 'running' };
  } catch (err) {
    if (err instanceof ExecutionDoesNotExist || (err as Error).name === 'ExecutionDoesNotExist')
      return { state: 'missing' };
    throw err;
  }
}

export type StartResult =
  | { started: true; executionArn: string; generation: number }
  | { started: false; reason: 'already_exists'; executionArn: string; generation: number };

const MAX_START_ATTEMPTS = 5;

/**
 * Starts the invoice's dunning workflow unless one runs. No marker: claims generation 1 and starts it. A marker of a
 * running generation: asks Step Functions; still running -> no-op; ended (stopped on payment, succeeded, failed) ->
 * claims the next generation and starts it (a reopened invoice gets its dunning back). Every claim is a conditional
 * write on the marker as read, so concurrent starts run one workflow; a claim whose start crashed is started again by
 * the next call after CLAIM_GRACE_MS (StartExecution with the same name and input is idempotent while it runs).
 * `now` (business time) is recorded on the marker.
 */
export async function startDunning(invoiceId: string, now: Date = new Date()): Promise<StartResult> {
  const machineArn = stateMachineArn();
  for (let attempt = 1; attempt <= MAX_START_ATTEMPTS; attempt++) {
    const current = await currentDunning(invoiceId);
    const noop = (w: DunningWorkflow): StartResult => ({
      started: false,
      reason: 'already_exists',
      executionArn: w.executionArn,
      generation: w.generation,
    });
    let claimed: DunningWorkflow | undefined;
    if (current?.running) {
      const exec = await executionState(current.executionArn);
      if (exec.state === 'running') return noop(current);
      if (exec.state === 'missing') {
        const age = current.claimedAt ? Date.now() - Date.parse(current.claimedAt) : Infinity;
        if (age < CLAIM_GRACE_MS) return noop(current); // its claimer is starting it
        claimed = current; // the claimer crashed before StartExecution (or the execution aged out): start it again
      } else {
        claimed = await claimNext(invoiceId, machineArn, current, now, exec.status);
      }
    } else {
      claimed = await claimNext(invoiceId, machineArn, current, now, current?.endStatus);
    }
    if (!claimed) continue; // another start changed the marker: read it again

    const input: DunningStateInput = { invoiceId, doneStepIds: [] };
    try {
      const res = await sfn().send(
        new StartExecutionCommand({
          stateMachineArn: machineArn,
          name: claimed.executionName,
          input: JSON.stringify(input),
        }),
      );
      return { started: true, executionArn: res?.executionArn ?? claimed.executionArn, generation: claimed.generation };
    } catch (err) {
      if (!(err instanceof ExecutionAlreadyExists || (err as Error).name === 'ExecutionAlreadyExists')) throw err;
      // The name is taken: by a run of this generation (no-op), or by a closed execution (a marker lost, or one
      // written before generations): that generation is over, go on to the next one.
      const exec = await executionState(claimed.executionArn);
      if (exec.state !== 'ended') return noop(claimed);
      // `claimed` is the marker as stored: claim the generation after it; the next turn reads it back and starts it.
      await claimNext(invoiceId, machineArn, claimed, now, exec.status);
    }
  }
  throw new Error(`could not start the dunning workflow of invoice ${invoiceId}: the marker kept changing`);
}

/**
 * Claims the generation after `previous` (1 when none). Returns the claimed workflow, or undefined if the marker
 * changed.
 */
async function claimNext(
  invoiceId: string,
  machineArn: string,
  previous: DunningWorkflow | undefined,
  now: Date,
  previousStatus: string | undefined,
): Promise<DunningWorkflow | undefined> {
  const generation = previous ? previous.generation + 1 : 1;
  const executionName = invoiceExecutionName(invoiceId, generation);
  const next: DunningWorkflow = {
    invoiceId,
    generation,
    executionName,
    executionArn: executionArnOf(invoiceId, machineArn, generation),
    running: true,
    startedAt: now.toISOString(),
    claimedAt: new Date().toISOString(),
    ...(previous
      ? {
          previous: {
            generation: previous.generation,
            executionArn: previous.executionArn,
            ...(previousStatus ? { status: previousStatus } : {}),
          },
        }
      : {}),
    legacy: false,
  };
  const { legacy: _l, ...stored } = next;
  return (await writeMarker(stored, previous)) ? next : undefined;
}

/**
 * Records that the current generation ended by itself (FAILED, TIMED_OUT), as its status-change event says, so the
 * sweep (or finance, through the API) can start the next generation without asking Step Functions. Only the
 * generation of that execution is marked; a newer one is left alone.
 */
export async function markDunningEnded(
  invoiceId: string,
  executionArn: string,
  status: string,
  at: string,
  reason?: string,
): Promise<boolean> {
  const current = await currentDunning(invoiceId);
  if (!current?.running || current.executionArn !== executionArn) return false;
  const { legacy: _l, ...rest } = current;
  return writeMarker(
    { ...rest, running: false, endedAt: at, endStatus: status, ...(reason ? { endReason: reason.slice(0, 500) } : {}) },
    current,
  );
}

/** How a generation ended that the sweep and finance may bring back: stopped on payment, failed, timed out. */
export const RESTARTABLE_END = new Set(['ABORTED', 'FAILED', 'TIMED_OUT']);

export type StopResult = { stopped: true } | { stopped: false; reason: 'no_execution' };

/**
 * Stops the invoice's current workflow generation (full payment, write-off, credit note) and marks it ended, so the
 * next startDunning (payment undone) starts a new generation without asking Step Functions. The workflow's re-check
 * guards the race where the stop arrives after a step already woke up. Stopping an execution that does not exist is
 * not an error.
 */
export async function stopDunning(invoiceId: string, reason: string, now: Date = new Date()): Promise<StopResult> {
  const current = await currentDunning(invoiceId);
  const executionArn = current?.executionArn ?? executionArnOf(invoiceId);
  try {
    await sfn().send(
      new StopExecutionCommand({ executionArn, cause: reason.slice(0, 32_000), error: 'DunningStopped' }),
    );
  } catch (err) {
    if (err instanceof ExecutionDoesNotExist || (err as Error).name === 'ExecutionDoesNotExist')
      return { stopped: false, reason: 'no_execution' };
    throw err;
  }
  if (current?.running) {
    const { legacy: _l, ...rest } = current;
    await writeMarker(
      { ...rest, running: false, endedAt: now.toISOString(), endStatus: 'ABORTED', endReason: reason.slice(0, 500) },
      current,
    );
  }
  await forgetPause(invoiceId, { generation: current?.generation });
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
        ...pauseKey(invoiceId),
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
    new GetCommand({ TableName: tableName(), Key: pauseKey(invoiceId), ConsistentRead: true }),
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
async function forgetPause(invoiceId: string, only: { taskToken?: string; generation?: number } = {}): Promise<void> {
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
    .send(new DeleteCommand({ TableName: tableName(), Key: pauseKey(invoiceId), ...condition }))
    .catch((err: Error) => {
      if (err.name !== 'ConditionalCheckFailedException') throw err;
    });
}

/** What a resume may change in the paused state (e.g. forget done steps to replay one). */
export type ResumePatch = Partial<Pick<DunningState, 'doneStepIds' | 'policyId' | 'policyVersion' | 'approvedStepIds'>>;

export type ResumeResult = { resumed: true } | { resumed: false; reason: 'not_paused' | 'token_expired' };

/**
 * Resumes a paused workflow (dispute resolved, broken promise, manual resume) with its paused state, patched.
 * Resuming a workflow that waits for an approval (agency handoff of a key account) approves that step, unless
 * `approve: false` (a machine resuming, e.g. the sweep on a broken promise: the step then asks for approval again).
 * The caller clears `invoice.pause` first (saveInvoice), otherwise the next re-check pauses again.
 */
export async function resumeDunning(
  invoiceId: string,
  patch: ResumePatch = {},
  options: { approve?: boolean } = {},
): Promise<ResumeResult> {
  const pause = await getPause(invoiceId);
  if (!pause) return { resumed: false, reason: 'not_paused' };
  if (pause.generation !== undefined) {
    // Only the current generation's pause can be resumed; an older one's execution is over.
    const current = await currentDunning(invoiceId);
    if (current && current.generation !== pause.generation) {
      await forgetPause(invoiceId, { taskToken: pause.taskToken });
      return { resumed: false, reason: 'not_paused' };
    }
  }
  const approve = options.approve ?? true;
  const approved =
    approve && pause.state.awaitingApprovalStepId
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
    await sfn().send(
      new SendTaskSuccessCommand({ taskToken: pause.taskToken, output: JSON.stringify(DunningState.parse(next)) }),
    );
  } catch (err) {
    const name = (err as Error).name;
    if (
      err instanceof TaskTimedOut ||
      err instanceof TaskDoesNotExist ||
      err instanceof InvalidToken ||
      ['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken'].includes(name)
    ) {
      await forgetPause(invoiceId, { taskToken: pause.taskToken });
      return { resumed: false, reason: 'token_expired' };
    }
    throw err;
  }
  await forgetPause(invoiceId, { taskToken: pause.taskToken });
  return { resumed: true };
}
