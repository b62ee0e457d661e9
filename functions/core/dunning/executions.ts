import { createHash } from 'node:crypto';
import type { DunningState } from './state';

/**
 * The names of the per-invoice dunning workflows' executions, and what a resume does to a paused state: pure rules
 * the Step Functions adapter (functions/adapters/workflows.ts) applies.
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

/**
 * arn:aws:states:<region>:<account>:stateMachine:<name> ->
 * arn:aws:states:<region>:<account>:execution:<name>:<execution>
 * of the invoice's generation `generation`.
 */
export function executionArnFor(machineArn: string, invoiceId: string, generation = 1): string {
  const parts = machineArn.split(':');
  if (parts.length < 7 || parts[5] !== 'stateMachine') throw new Error(`not a state machine ARN: ${machineArn}`);
  return [...parts.slice(0, 5), 'execution', parts[6], invoiceExecutionName(invoiceId, generation)].join(':');
}

/** How a generation ended that the sweep and finance may bring back: stopped on payment, failed, timed out. */
export const RESTARTABLE_END = new Set(['ABORTED', 'FAILED', 'TIMED_OUT']);

/** What a resume may change in the paused state (e.g. forget done steps to replay one). */
export type ResumePatch = Partial<Pick<DunningState, 'doneStepIds' | 'policyId' | 'policyVersion' | 'approvedStepIds'>>;

/**
 * The state a paused workflow resumes with: the paused state, patched, its step re-planned from scratch. Resuming a
 * workflow that waits for an approval (agency handoff of a key account) approves that step, unless `approve` is false
 * (a machine resuming: the step then asks for approval again).
 */
export function resumedState(paused: DunningState, patch: ResumePatch, approve: boolean): DunningState {
  const approved =
    approve && paused.awaitingApprovalStepId
      ? [...new Set([...(paused.approvedStepIds ?? []), paused.awaitingApprovalStepId])]
      : paused.approvedStepIds;
  return {
    ...paused,
    ...(approved ? { approvedStepIds: approved } : {}),
    ...patch,
    awaitingApprovalStepId: undefined,
    outcome: undefined,
    plan: undefined,
    dispatchKey: undefined,
  };
}
