import './env';
import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { ExecutionAlreadyExists, ExecutionDoesNotExist, SendTaskSuccessCommand, SFNClient, StartExecutionCommand, StopExecutionCommand, TaskTimedOut } from '@aws-sdk/client-sfn';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { invoiceExecutionName, resumeDunning, startDunning, stopDunning } from '../../../functions/adapters/workflows';

const sfn = mockClient(SFNClient);
const ddb = mockClient(DynamoDBDocumentClient);
beforeEach(() => {
  sfn.reset();
  ddb.reset();
  ddb.on(PutCommand).resolves({});
  ddb.on(DeleteCommand).resolves({});
});

describe('the execution name of an invoice workflow', () => {
  it('is the invoice id behind "inv-" when its characters are allowed', () => {
    expect(invoiceExecutionName('F-2026_0042')).toBe('inv-F-2026_0042');
  });
  it('replaces forbidden characters and adds a hash, so two ids never share a name', () => {
    const a = invoiceExecutionName('F/2026/42');
    const b = invoiceExecutionName('F_2026_42');
    expect(a).toMatch(/^inv-F_2026_42-[0-9a-f]{16}$/);
    expect(a).not.toBe(b);
  });
  it('stays within the 80 characters Step Functions allows', () => {
    const name = invoiceExecutionName('x'.repeat(64) + 'é'.repeat(0));
    expect(name.length).toBeLessThanOrEqual(80);
    expect(invoiceExecutionName('y'.repeat(63) + ' ').length).toBeLessThanOrEqual(80);
  });
});

describe('starting and stopping dunning', () => {
  it('starts one execution named after the invoice with the invoice id as input', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec', startDate: new Date() });
    expect(await startDunning('F-1')).toEqual({ started: true, executionArn: 'arn:exec' });
    const input = sfn.commandCalls(StartExecutionCommand)[0].args[0].input;
    expect(input.name).toBe('inv-F-1');
    expect(JSON.parse(input.input!)).toEqual({ invoiceId: 'F-1', doneStepIds: [] });
  });
  it('a second start is a no-op, not an error', async () => {
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    expect(await startDunning('F-1')).toMatchObject({ started: false, reason: 'already_exists', executionArn: 'arn:aws:states:eu-west-3:123456789012:execution:dunning:inv-F-1' });
  });
  it('stopping a workflow that does not exist is not an error', async () => {
    sfn.on(StopExecutionCommand).rejects(new ExecutionDoesNotExist({ message: 'none', $metadata: {} }));
    expect(await stopDunning('F-1', 'paid')).toEqual({ stopped: false, reason: 'no_execution' });
  });
  it('stops the execution of the invoice with the reason as cause', async () => {
    sfn.on(StopExecutionCommand).resolves({ stopDate: new Date() });
    expect(await stopDunning('F-1', 'paid by transfer')).toEqual({ stopped: true });
    expect(sfn.commandCalls(StopExecutionCommand)[0].args[0].input).toMatchObject({ executionArn: 'arn:aws:states:eu-west-3:123456789012:execution:dunning:inv-F-1', cause: 'paid by transfer' });
  });
});

describe('resuming a paused workflow', () => {
  const paused = { invoiceId: 'F-1', taskToken: 'tok-1', storedAt: '2026-02-02T07:30:00.000Z', state: { invoiceId: 'F-1', doneStepIds: ['courtesy'], outcome: 'paused', awaitingApprovalStepId: 'agency', plan: { action: 'wait', at: '2026-02-02T07:30:00.000Z', stepId: 'agency' } } };
  it('sends the paused state back with the awaited step approved, then forgets the token', async () => {
    ddb.on(GetCommand).resolves({ Item: paused });
    sfn.on(SendTaskSuccessCommand).resolves({});
    expect(await resumeDunning('F-1')).toEqual({ resumed: true });
    const output = JSON.parse(sfn.commandCalls(SendTaskSuccessCommand)[0].args[0].input.output!);
    expect(output).toEqual({ invoiceId: 'F-1', doneStepIds: ['courtesy'], approvedStepIds: ['agency'] });
    expect(ddb.commandCalls(DeleteCommand)).toHaveLength(1);
  });
  it('says so when nothing is paused', async () => {
    ddb.on(GetCommand).resolves({});
    expect(await resumeDunning('F-1')).toEqual({ resumed: false, reason: 'not_paused' });
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  });
  it('an expired token is reported, not thrown', async () => {
    ddb.on(GetCommand).resolves({ Item: paused });
    sfn.on(SendTaskSuccessCommand).rejects(new TaskTimedOut({ message: 'timed out', $metadata: {} }));
    expect(await resumeDunning('F-1')).toEqual({ resumed: false, reason: 'token_expired' });
  });
});
