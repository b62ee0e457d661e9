import { describe, expect, it } from 'vitest';
import {
  executionArnFor,
  invoiceExecutionName,
  RESTARTABLE_END,
  resumedState,
} from '../../../functions/core/dunning/executions';
import { DunningState } from '../../../functions/core/dunning/state';

const MACHINE = 'arn:aws:states:eu-west-3:123456789012:stateMachine:dunning';

describe("an invoice's dunning execution", () => {
  it('lives in the state machine of the deployment, one name per generation', () => {
    expect(executionArnFor(MACHINE, 'F-1')).toBe('arn:aws:states:eu-west-3:123456789012:execution:dunning:inv-F-1');
    expect(executionArnFor(MACHINE, 'F-1', 2)).toBe(
      `arn:aws:states:eu-west-3:123456789012:execution:dunning:${invoiceExecutionName('F-1', 2)}`,
    );
  });

  it('is refused outside a state machine ARN', () => {
    expect(() => executionArnFor('arn:aws:lambda:eu-west-3:123456789012:function:x', 'F-1')).toThrow(
      /not a state machine ARN/,
    );
  });

  it('may be brought back after a stop, a failure or a timeout, not after it succeeded', () => {
    expect([...RESTARTABLE_END].sort()).toEqual(['ABORTED', 'FAILED', 'TIMED_OUT']);
  });
});

describe('a paused workflow resumed', () => {
  const paused = DunningState.parse({
    invoiceId: 'F-1',
    doneStepIds: ['courtesy'],
    awaitingApprovalStepId: 'agency',
    approvedStepIds: ['formal-notice'],
    outcome: 'paused',
    plan: { action: 'wait', stepId: 'agency' },
    dispatchKey: 'DISPATCH#C#W#reminder',
  });

  it('by a person approves the step that waited for approval and plans again from scratch', () => {
    const next = resumedState(paused, {}, true);
    expect(next.approvedStepIds).toEqual(['formal-notice', 'agency']);
    expect(next).toMatchObject({ invoiceId: 'F-1', doneStepIds: ['courtesy'] });
    for (const k of ['awaitingApprovalStepId', 'outcome', 'plan', 'dispatchKey'] as const)
      expect(next[k]).toBeUndefined();
  });

  it('by a machine (approve: false) leaves the step to ask for approval again', () => {
    expect(resumedState(paused, {}, false).approvedStepIds).toEqual(['formal-notice']);
  });

  it('with a patch takes the patched fields (a step to replay is forgotten)', () => {
    expect(resumedState(paused, { doneStepIds: [] }, true).doneStepIds).toEqual([]);
  });
});
