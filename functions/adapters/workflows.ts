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
import { executionArnFor, invoiceExecutionName, type ResumePatch, resumedState } from '../core/dunning/executions';
import { DunningState, type DunningStateInput } from '../core/dunning/state';
import { sfn } from './aws-clients';
import { clock, wallClock } from './clock';
import { readEnv, settings } from './config';
import { recordEventOnce } from './db/history';
import { forgetPause, getPause } from './db/pauses';
import {
  currentDunning,
  currentGeneration,
  type DunningRestart,
  type DunningWorkflow,
  writeMarker,
} from './db/workflow-markers';
import { correlationId } from './logger';

/**
 * The per-invoice dunning workflows seen from the rest of the product: start (once per invoice), stop (payment,
 * write-off, credit note), and resume a paused one (dispute resolved, promise broken, manual resume).
 * Everything goes through the real Step Functions API; locally the same calls reach the local endpoint. The marker
 * of the current generation lives in db/workflow-markers.ts, a paused workflow's token in db/pauses.ts, the execution
 * names in core/dunning/executions.ts.
 */

function stateMachineArn(): string {
  return readEnv({ STATE_MACHINE_ARN: settings.STATE_MACHINE_ARN }).STATE_MACHINE_ARN;
}

/** The execution ARN of the invoice's generation `generation` in this deployment's state machine. */
export function executionArnOf(invoiceId: string, machineArn = stateMachineArn(), generation = 1): string {
  return executionArnFor(machineArn, invoiceId, generation);
}

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

/**
 * An execution's Step Functions status (RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED) and times; undefined when it
 * does not exist.
 */
export async function describeExecution(
  executionArn: string,
): Promise<{ status?: string; startedAt?: string; stoppedAt?: string } | undefined> {
  try {
    const res = await sfn().send(new DescribeExecutionCommand({ executionArn }));
    return { status: res.status, startedAt: res.startDate?.toISOString(), stoppedAt: res.stopDate?.toISOString() };
  } catch (err) {
    if (err instanceof ExecutionDoesNotExist || (err as Error).name === 'ExecutionDoesNotExist') return undefined;
    throw err;
  }
}

/** A claim whose execution does not exist yet is being started by its claimer for this long (wall clock). */
export const CLAIM_GRACE_MS = 60_000;

/**
 * `starting`: the generation is claimed but its execution is not there yet, within the claim's grace (its claimer may
 * still be starting it, or failed: then the next call after the grace, or the daily sweep, starts it).
 */
export type StartResult =
  | { started: true; executionArn: string; generation: number }
  | { started: false; reason: 'already_exists' | 'starting'; executionArn: string; generation: number };

const MAX_START_ATTEMPTS = 5;

/**
 * Starts the invoice's dunning workflow unless one runs. No marker: claims generation 1 and starts it. A marker of a
 * running generation: asks Step Functions; still running -> no-op; ended (stopped on payment, succeeded, failed) ->
 * claims the next generation and starts it (a reopened invoice gets its dunning back). Every claim is a conditional
 * write on the marker as read, so concurrent starts run one workflow; a claim whose start crashed is started again by
 * the next call after CLAIM_GRACE_MS (StartExecution with the same name and input is idempotent while it runs), and
 * the daily sweep makes that call for every claim left unconfirmed (see confirmStarted).
 * `now` (business time) is recorded on the marker. A `restart` (finance's, the sweep's) is kept on the claim of the new
 * generation, and its history line is written once (keyed by the generation) before every StartExecution of that
 * claim: a running restart always has its line, a retry never writes a second one.
 */
export async function startDunning(
  invoiceId: string,
  now: Date = clock().now(),
  restart?: DunningRestart,
): Promise<StartResult> {
  const machineArn = stateMachineArn();
  for (let attempt = 1; attempt <= MAX_START_ATTEMPTS; attempt++) {
    const current = await currentDunning(invoiceId);
    const noop = (w: DunningWorkflow, reason: 'already_exists' | 'starting' = 'already_exists'): StartResult => ({
      started: false,
      reason,
      executionArn: w.executionArn,
      generation: w.generation,
    });
    let claimed: DunningWorkflow | undefined;
    if (current?.running) {
      const exec = await executionState(current.executionArn);
      if (exec.state === 'running') {
        if (current.claimedAt) await confirmStarted(current); // its claimer started it but could not say so
        return noop(current);
      }
      if (exec.state === 'missing') {
        const age = current.claimedAt ? wallClock().now().getTime() - Date.parse(current.claimedAt) : Infinity;
        if (age < CLAIM_GRACE_MS) return noop(current, 'starting'); // its claimer is starting it
        // The claimer crashed before StartExecution (or the execution aged out): start it again.
        claimed = current.restart || !restart ? current : { ...current, restart };
      } else {
        claimed = await claimNext(invoiceId, machineArn, current, now, exec.status, restart);
      }
    } else {
      claimed = await claimNext(invoiceId, machineArn, current, now, current?.endStatus, restart);
    }
    if (!claimed) continue; // another start changed the marker: read it again

    // The work that starts it (a statement, an API request, the sweep) follows the workflow into logs and e-mails.
    const input: DunningStateInput = { invoiceId, doneStepIds: [], correlationId: correlationId() };
    if (claimed.restart) await recordRestart(claimed, claimed.restart);
    try {
      const res = await sfn().send(
        new StartExecutionCommand({
          stateMachineArn: machineArn,
          name: claimed.executionName,
          input: JSON.stringify(input),
        }),
      );
      await confirmStarted(claimed);
      return { started: true, executionArn: res?.executionArn ?? claimed.executionArn, generation: claimed.generation };
    } catch (err) {
      if (!(err instanceof ExecutionAlreadyExists || (err as Error).name === 'ExecutionAlreadyExists')) throw err;
      // The name is taken: by a run of this generation (no-op), or by a closed execution (a marker lost, or one
      // written before generations): that generation is over, go on to the next one.
      const exec = await executionState(claimed.executionArn);
      if (exec.state !== 'ended') return noop(claimed);
      // `claimed` is the marker as stored: claim the generation after it; the next turn reads it back and starts it.
      await claimNext(invoiceId, machineArn, claimed, now, exec.status, claimed.restart);
    }
  }
  throw new Error(`could not start the dunning workflow of invoice ${invoiceId}: the marker kept changing`);
}

/**
 * The restart's line in the invoice's history (the evidence trail), at most once per generation: its key is the
 * claim's start time and generation, put only if absent. Written before the execution starts, so a restart that runs
 * has its line whatever fails after; a claim whose start failed is started, line first, by a retry or the sweep.
 */
async function recordRestart(claimed: DunningWorkflow, restart: DunningRestart): Promise<void> {
  const detail = {
    ...(restart.after ? { after: restart.after } : {}),
    generation: claimed.generation,
    ...(restart.note ? { note: restart.note } : {}),
    by: restart.by,
  };
  const once = `restarted-g${claimed.generation}`;
  await recordEventOnce(claimed.invoiceId, claimed.startedAt, 'dunning_restarted', detail, once, restart.actor);
}

/**
 * The claim of a started execution confirmed (its `claimedAt` removed). A claim left unconfirmed is a start that may
 * have failed between the claim and StartExecution (a throttle, a crash): the daily sweep plans a start for it, which
 * starts it once its grace is over, or confirms it when it runs. Best effort: a confirmation lost costs the sweep one
 * look at Step Functions.
 */
async function confirmStarted(claimed: DunningWorkflow): Promise<void> {
  const { legacy: _l, claimedAt: _c, ...started } = claimed;
  await writeMarker(started, claimed).catch(() => false);
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
  restart: DunningRestart | undefined,
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
    claimedAt: wallClock().now().toISOString(),
    ...(previous
      ? {
          previous: {
            generation: previous.generation,
            executionArn: previous.executionArn,
            ...(previousStatus ? { status: previousStatus } : {}),
          },
        }
      : {}),
    ...(restart ? { restart } : {}),
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

export type StopResult = { stopped: true } | { stopped: false; reason: 'no_execution' };

/**
 * Stops the invoice's current workflow generation (full payment, write-off, credit note) and marks it ended, so the
 * next startDunning (payment undone) starts a new generation without asking Step Functions. The workflow's re-check
 * guards the race where the stop arrives after a step already woke up. Stopping an execution that does not exist is
 * not an error.
 */
export async function stopDunning(invoiceId: string, reason: string, now: Date = clock().now()): Promise<StopResult> {
  const current = await currentDunning(invoiceId);
  const executionArn = current?.executionArn ?? executionArnOf(invoiceId);
  try {
    const cause = `${reason}${correlationId() ? ` (correlation id ${correlationId()})` : ''}`.slice(0, 32_000);
    await sfn().send(new StopExecutionCommand({ executionArn, cause, error: 'DunningStopped' }));
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
    const current = await currentGeneration(invoiceId);
    if (current !== undefined && current !== pause.generation) {
      await forgetPause(invoiceId, { taskToken: pause.taskToken });
      return { resumed: false, reason: 'not_paused' };
    }
  }
  // The resuming work's correlation id takes over from the one the workflow paused with.
  const next: DunningState = {
    ...resumedState(pause.state, patch, options.approve ?? true),
    correlationId: correlationId() ?? pause.state.correlationId,
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
