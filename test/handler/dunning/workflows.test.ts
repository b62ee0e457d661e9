import './env';
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { currentDunning } from '../../../functions/adapters/db/workflow-markers';
import { CLAIM_GRACE_MS, resumeDunning, startDunning, stopDunning } from '../../../functions/adapters/workflows';
import { invoiceExecutionName } from '../../../functions/core/dunning/executions';
import { FakeTable } from './fake-table';

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
    expect(invoiceExecutionName(`${'y'.repeat(63)} `).length).toBeLessThanOrEqual(80);
  });
});

describe('starting and stopping dunning', () => {
  it('starts one execution named after the invoice with the invoice id as input', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec', startDate: new Date() });
    expect(await startDunning('F-1')).toEqual({ started: true, executionArn: 'arn:exec', generation: 1 });
    const input = sfn.commandCalls(StartExecutionCommand)[0].args[0].input;
    expect(input.name).toBe('inv-F-1');
    expect(JSON.parse(input.input!)).toEqual({ invoiceId: 'F-1', doneStepIds: [] });
  });
  it('a second start is a no-op, not an error', async () => {
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    expect(await startDunning('F-1')).toMatchObject({
      started: false,
      reason: 'already_exists',
      executionArn: 'arn:aws:states:eu-west-3:123456789012:execution:dunning:inv-F-1',
    });
  });
  it('stopping a workflow that does not exist is not an error', async () => {
    sfn.on(StopExecutionCommand).rejects(new ExecutionDoesNotExist({ message: 'none', $metadata: {} }));
    expect(await stopDunning('F-1', 'paid')).toEqual({ stopped: false, reason: 'no_execution' });
  });
  it('stops the execution of the invoice with the reason as cause', async () => {
    sfn.on(StopExecutionCommand).resolves({ stopDate: new Date() });
    expect(await stopDunning('F-1', 'paid by transfer')).toEqual({ stopped: true });
    expect(sfn.commandCalls(StopExecutionCommand)[0].args[0].input).toMatchObject({
      executionArn: 'arn:aws:states:eu-west-3:123456789012:execution:dunning:inv-F-1',
      cause: 'paid by transfer',
    });
  });
});

describe('resuming a paused workflow', () => {
  const paused = {
    invoiceId: 'F-1',
    taskToken: 'tok-1',
    storedAt: '2026-02-02T07:30:00.000Z',
    state: {
      invoiceId: 'F-1',
      doneStepIds: ['courtesy'],
      outcome: 'paused',
      awaitingApprovalStepId: 'agency',
      plan: { action: 'wait', at: '2026-02-02T07:30:00.000Z', stepId: 'agency' },
    },
  };
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

describe('the execution names of later generations (a reopened invoice)', () => {
  it('carry the generation and a hash of the id; generation 1 keeps the plain name', () => {
    expect(invoiceExecutionName('F-2026_0042', 1)).toBe('inv-F-2026_0042');
    expect(invoiceExecutionName('F-2026_0042', 2)).toMatch(/^inv-F-2026_0042-g2-[0-9a-f]{16}$/);
    expect(invoiceExecutionName('F-2026_0042', 3)).toMatch(/^inv-F-2026_0042-g3-[0-9a-f]{16}$/);
  });
  it('never equal the first name of an invoice whose id ends in "-g2"', () => {
    const names = new Set([
      invoiceExecutionName('A', 2),
      invoiceExecutionName('A-g2', 1),
      invoiceExecutionName('A-g2', 2),
      invoiceExecutionName('A', 3),
    ]);
    expect(names.size).toBe(4);
  });
  it('stay within 80 characters for long and unsafe ids', () => {
    expect(invoiceExecutionName('z'.repeat(64), 12345).length).toBeLessThanOrEqual(80);
    expect(invoiceExecutionName('F/2026/42 é', 2)).toMatch(/^inv-F_2026_42__-g2-[0-9a-f]{16}$/);
  });
});

/** Step Functions in memory: executions by ARN with their status; a name is never reused (as within 90 days). */
function fakeStepFunctions() {
  const executions = new Map<string, string>();
  const prefix = 'arn:aws:states:eu-west-3:123456789012:execution:dunning:';
  const tick = () => new Promise((r) => setImmediate(r));
  const control: { refuseNext?: Error } = {};
  sfn.on(StartExecutionCommand).callsFake(async (input) => {
    await tick();
    const refused = control.refuseNext;
    control.refuseNext = undefined;
    if (refused) throw refused;
    const arn = prefix + input.name;
    const status = executions.get(arn);
    // same name and input while it runs: idempotent
    if (status === 'RUNNING') return { executionArn: arn, startDate: new Date() };
    if (status) throw new ExecutionAlreadyExists({ message: `Execution Already Exists: '${arn}'`, $metadata: {} });
    executions.set(arn, 'RUNNING');
    return { executionArn: arn, startDate: new Date() };
  });
  sfn.on(DescribeExecutionCommand).callsFake(async ({ executionArn }) => {
    await tick();
    const status = executions.get(executionArn);
    if (!status) throw new ExecutionDoesNotExist({ message: 'none', $metadata: {} });
    return { executionArn, status, startDate: new Date(), stateMachineArn: 'x' };
  });
  sfn.on(StopExecutionCommand).callsFake(async ({ executionArn }) => {
    await tick();
    if (!executions.has(executionArn)) throw new ExecutionDoesNotExist({ message: 'none', $metadata: {} });
    if (executions.get(executionArn) === 'RUNNING') executions.set(executionArn, 'ABORTED');
    return { stopDate: new Date() };
  });
  const nameOf = (arn: string) => arn.slice(prefix.length);
  return Object.assign(control, {
    executions,
    end: (name: string, status: string) => executions.set(prefix + name, status),
    running: () => [...executions].filter(([, s]) => s === 'RUNNING').map(([arn]) => nameOf(arn)),
    starts: () => sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input.name),
  });
}

describe('a reopened invoice gets its dunning back (workflow generations)', () => {
  let table: FakeTable;
  let steps: ReturnType<typeof fakeStepFunctions>;
  const at = new Date('2026-03-02T06:00:00.000Z');
  beforeEach(() => {
    ddb.reset();
    table = new FakeTable().install(ddb);
    steps = fakeStepFunctions();
  });

  it('while a generation runs, starting again is a no-op', async () => {
    expect(await startDunning('F-1', at)).toMatchObject({ started: true, generation: 1 });
    expect(await startDunning('F-1', at)).toMatchObject({ started: false, reason: 'already_exists', generation: 1 });
    expect(steps.starts()).toEqual(['inv-F-1']);
    expect(table.get('INVOICE#F-1', 'WORKFLOW')).toMatchObject({
      generation: 1,
      running: true,
      executionName: 'inv-F-1',
      startedAt: at.toISOString(),
    });
  });

  it('paid -> stopped -> payment undone: the next start runs generation 2', async () => {
    await startDunning('F-1', at);
    expect(await stopDunning('F-1', 'paid by transfer', at)).toEqual({ stopped: true });
    expect(table.get('INVOICE#F-1', 'WORKFLOW')).toMatchObject({
      generation: 1,
      running: false,
      endStatus: 'ABORTED',
      endReason: 'paid by transfer',
    });
    const again = await startDunning('F-1', at);
    expect(again).toMatchObject({ started: true, generation: 2 });
    expect(steps.running()).toEqual([invoiceExecutionName('F-1', 2)]);
    expect(await currentDunning('F-1')).toMatchObject({
      generation: 2,
      running: true,
      previous: { generation: 1, status: 'ABORTED' },
    });
  });

  it.each(['SUCCEEDED', 'FAILED', 'TIMED_OUT'])(
    'a generation that ended by itself (%s) is followed by a new one',
    async (status) => {
      await startDunning('F-1', at);
      steps.end('inv-F-1', status);
      expect(await startDunning('F-1', at)).toMatchObject({ started: true, generation: 2 });
      expect(table.get('INVOICE#F-1', 'WORKFLOW')).toMatchObject({
        generation: 2,
        previous: { generation: 1, status },
      });
    },
  );

  it('stop and resume target the current generation', async () => {
    await startDunning('F-1', at);
    await stopDunning('F-1', 'paid', at);
    await startDunning('F-1', at);
    await stopDunning('F-1', 'credited', at);
    expect(sfn.commandCalls(StopExecutionCommand).map((c) => c.args[0].input.executionArn)).toEqual([
      expect.stringMatching(/:inv-F-1$/),
      expect.stringMatching(new RegExp(`:${invoiceExecutionName('F-1', 2)}$`)),
    ]);
    expect(steps.running()).toEqual([]);
  });

  it('concurrent starts of a fresh invoice run one execution', async () => {
    const results = await Promise.all(Array.from({ length: 6 }, () => startDunning('F-1', at)));
    expect(steps.executions.size).toBe(1);
    expect(results.filter((r) => r.started)).toHaveLength(1);
  });

  it('concurrent restarts after a stop run one new generation', async () => {
    await startDunning('F-1', at);
    await stopDunning('F-1', 'paid', at);
    const results = await Promise.all(Array.from({ length: 6 }, () => startDunning('F-1', at)));
    expect(steps.running()).toEqual([invoiceExecutionName('F-1', 2)]);
    expect(results.filter((r) => r.started)).toHaveLength(1);
    expect(results.every((r) => r.generation === 2)).toBe(true);
  });

  it('a claim whose start crashed is started by the next call once the grace has passed', async () => {
    const claimedAt = new Date(Date.now() - CLAIM_GRACE_MS - 1000).toISOString();
    table.put({
      pk: 'INVOICE#F-1',
      sk: 'WORKFLOW',
      invoiceId: 'F-1',
      generation: 2,
      running: true,
      executionName: invoiceExecutionName('F-1', 2),
      executionArn: `arn:aws:states:eu-west-3:123456789012:execution:dunning:${invoiceExecutionName('F-1', 2)}`,
      startedAt: at.toISOString(),
      claimedAt,
    });
    expect(await startDunning('F-1', at)).toMatchObject({ started: true, generation: 2 });
    expect(steps.running()).toEqual([invoiceExecutionName('F-1', 2)]);
  });

  it('a start is confirmed on its marker; one Step Functions refused stays claimed for the next call', async () => {
    await startDunning('F-1', at);
    expect(table.get('INVOICE#F-1', 'WORKFLOW')?.claimedAt).toBeUndefined();
    steps.refuseNext = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    await expect(startDunning('F-2', at)).rejects.toThrow('Rate exceeded');
    expect(table.get('INVOICE#F-2', 'WORKFLOW')).toMatchObject({ generation: 1, running: true });
    expect(table.get('INVOICE#F-2', 'WORKFLOW')?.claimedAt).toBeDefined();
    expect(await startDunning('F-2', at)).toMatchObject({ started: false, reason: 'starting' });
  });

  it('a fresh claim whose execution is not there yet is left to its claimer', async () => {
    table.put({
      pk: 'INVOICE#F-1',
      sk: 'WORKFLOW',
      invoiceId: 'F-1',
      generation: 1,
      running: true,
      executionName: 'inv-F-1',
      executionArn: 'arn:aws:states:eu-west-3:123456789012:execution:dunning:inv-F-1',
      startedAt: at.toISOString(),
      claimedAt: new Date().toISOString(),
    });
    expect(await startDunning('F-1', at)).toMatchObject({ started: false, generation: 1 });
    expect(steps.starts()).toEqual([]);
  });

  it('a marker from before generations (closed execution, name taken) moves on to generation 2', async () => {
    table.put({
      pk: 'INVOICE#F-1',
      sk: 'WORKFLOW',
      type: 'workflow',
      invoiceId: 'F-1',
      executionArn: 'arn:aws:states:eu-west-3:123456789012:execution:dunning:inv-F-1',
      startedAt: '2026-01-01T06:00:00.000Z',
    });
    steps.end('inv-F-1', 'SUCCEEDED');
    expect(await startDunning('F-1', at)).toMatchObject({ started: true, generation: 2 });
  });

  it('a pause of an older generation is not resumed', async () => {
    await startDunning('F-1', at);
    await stopDunning('F-1', 'paid', at);
    await startDunning('F-1', at);
    table.put({
      pk: 'INVOICE#F-1',
      sk: 'PAUSE',
      invoiceId: 'F-1',
      taskToken: 'old',
      generation: 1,
      storedAt: at.toISOString(),
      state: { invoiceId: 'F-1', doneStepIds: [] },
    });
    expect(await resumeDunning('F-1')).toEqual({ resumed: false, reason: 'not_paused' });
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
    expect(table.get('INVOICE#F-1', 'PAUSE')).toBeUndefined();
  });

  it('a late stop of an older generation leaves the new generation’s pause alone', async () => {
    await startDunning('F-1', at);
    steps.end('inv-F-1', 'SUCCEEDED');
    // While the stop of generation 1 is in flight, the payment is undone: generation 2 starts and pauses.
    sfn.on(StopExecutionCommand).callsFake(async () => {
      await startDunning('F-1', at);
      table.put({
        pk: 'INVOICE#F-1',
        sk: 'PAUSE',
        invoiceId: 'F-1',
        taskToken: 'g2',
        generation: 2,
        storedAt: at.toISOString(),
        state: { invoiceId: 'F-1', doneStepIds: [] },
      });
      return {};
    });
    await stopDunning('F-1', 'paid', at);
    expect(table.get('INVOICE#F-1', 'PAUSE')).toMatchObject({ taskToken: 'g2' });
    expect(await currentDunning('F-1')).toMatchObject({ generation: 2, running: true });
  });
});
