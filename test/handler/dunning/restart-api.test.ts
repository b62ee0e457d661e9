import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { DescribeExecutionCommand, ExecutionDoesNotExist, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setClock, setWallClock } from '../../../functions/adapters/clock';
import { customerItem, invoiceItem } from '../../../functions/adapters/db/items';
import { fixedClock, systemClock } from '../../../functions/core/dates';
import { apiEnv, makeCaller, problemType } from '../api/support';
import { FakeTable } from './fake-table';
import { customer, invoice, workflowMarker } from './fixtures';

import './env';

apiEnv();
const ddb = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
mockClient(SESv2Client).on(SendEmailCommand).resolves({ MessageId: 'digest-1' });
const api = await import('../../../functions/api/handler');
const { handler: sweep } = await import('../../../functions/sweep/handler');
const call = makeCaller(api.handler as never, () => api.openApiDocument() as never);
let table: FakeTable;
const arn = 'arn:aws:states:eu-west-3:123456789012:execution:dunning:inv-F-1';

beforeEach(() => {
  ddb.reset();
  sfn.reset();
  table = new FakeTable().install(ddb);
  sfn
    .on(StartExecutionCommand)
    .callsFake(async (input) => ({ executionArn: `arn:exec:${input.name}`, startDate: new Date() }));
  setClock(fixedClock('2026-02-04T09:00:00.000Z'));
  table.put(customerItem(customer('A')));
});

describe('POST /invoices/{id}/restart-dunning: finance brings a failed dunning back', () => {
  it('starts a new generation of an owed invoice whose workflow failed, and the history names who did it', async () => {
    table.put(invoiceItem(invoice('F-1', 'A', '2026-01-10')));
    table.put(workflowMarker('F-1', { executionArn: arn }));
    sfn.on(DescribeExecutionCommand).resolves({ status: 'FAILED' });
    const res = await call('POST', '/invoices/F-1/restart-dunning', { body: { note: 'rates added' } });
    expect(res.status).toBe(200);
    expect(res.json.workflow).toEqual({ action: 'started', generation: 2 });
    expect(sfn.commandCalls(StartExecutionCommand)[0].args[0].input.name).toMatch(/^inv-F-1-g2-/);
    const event = [...table.items.values()].find((i) => i.pk === 'INVOICE#F-1' && i.kind === 'dunning_restarted');
    expect(event).toMatchObject({
      actor: 'user:local-finance',
      detail: { generation: 2, note: 'rates added', by: 'finance' },
    });
  });

  it('is a no-op while the workflow runs', async () => {
    table.put(invoiceItem(invoice('F-1', 'A', '2026-01-10')));
    table.put(workflowMarker('F-1', { executionArn: arn }));
    sfn.on(DescribeExecutionCommand).resolves({ status: 'RUNNING' });
    const res = await call('POST', '/invoices/F-1/restart-dunning', { body: {} });
    expect(res.json.workflow).toEqual({ action: 'already_running', generation: 1 });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it(
    'a restart Step Functions refused is not reported as running: a retry says it is being started, and the next ' +
      'sweep starts it',
    async () => {
      table.put(invoiceItem(invoice('F-1', 'A', '2026-01-10')));
      table.put(workflowMarker('F-1', { running: false, endStatus: 'FAILED', executionArn: arn }));
      const executions = new Set<string>();
      sfn.on(DescribeExecutionCommand).callsFake(async ({ executionArn }) => {
        if (executions.has(executionArn)) return { status: 'RUNNING' };
        throw new ExecutionDoesNotExist({ message: 'none', $metadata: {} });
      });
      const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      sfn.on(StartExecutionCommand).rejects(throttled);
      setWallClock(fixedClock('2026-02-04T09:00:00.000Z'));
      expect((await call('POST', '/invoices/F-1/restart-dunning', { body: {} })).status).toBe(503);
      // generation 2 is claimed, but nothing runs: a retry is told so, not "already running"
      const again = await call('POST', '/invoices/F-1/restart-dunning', { body: {} });
      expect(again.status).toBe(503);
      expect(again.json.detail).toContain('being started');
      sfn.on(StartExecutionCommand).callsFake(async (input) => {
        const started = `arn:aws:states:eu-west-3:123456789012:execution:dunning:${input.name}`;
        executions.add(started);
        return { executionArn: started, startDate: new Date() };
      });
      // the next morning: the claim never confirmed is started by the sweep, and confirmed
      setClock(fixedClock('2026-02-05T06:00:00.000Z'));
      setWallClock(fixedClock('2026-02-05T06:00:00.000Z'));
      await sweep({ source: 'encaisse.schedule', kind: 'daily-sweep', scheduledTime: '2026-02-05T06:00:00Z' });
      expect([...executions]).toEqual([expect.stringMatching(/:inv-F-1-g2-/)]);
      expect(table.get('INVOICE#F-1', 'WORKFLOW')).toMatchObject({ generation: 2, running: true });
      expect(table.get('INVOICE#F-1', 'WORKFLOW')?.claimedAt).toBeUndefined();
      // and the day after, nothing more: one refused start and the sweep's
      await sweep({ source: 'encaisse.schedule', kind: 'daily-sweep', scheduledTime: '2026-02-06T06:00:00Z' });
      const starts = sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input.name);
      expect(starts).toEqual([expect.stringMatching(/^inv-F-1-g2-/), expect.stringMatching(/^inv-F-1-g2-/)]);
      setWallClock(systemClock);
    },
  );

  describe('the restart’s history line (the evidence trail): one per restart, never lost', () => {
    const restartLines = () =>
      [...table.items.values()].filter((i) => i.pk === 'INVOICE#F-1' && i.kind === 'dunning_restarted');
    const failedOnce = (after: boolean) => {
      let fired = false;
      const hook = (name: string, input: any) => {
        if (fired || name !== 'Put' || input.Item?.kind !== 'dunning_restarted') return undefined;
        fired = true;
        return Object.assign(new Error('InternalServerError'), {
          name: 'InternalServerError',
          $metadata: { httpStatusCode: 500 },
        });
      };
      if (after) table.after = hook;
      else table.fault = hook;
    };
    /** Step Functions: generation 1 failed; what was started runs; anything else does not exist. */
    const executions = new Set<string>();
    beforeEach(() => {
      executions.clear();
      table.put(invoiceItem(invoice('F-1', 'A', '2026-01-10')));
      table.put(workflowMarker('F-1', { running: false, endStatus: 'FAILED', executionArn: arn }));
      sfn.on(DescribeExecutionCommand).callsFake(async ({ executionArn }) => {
        if (executionArn === arn) return { status: 'FAILED' };
        if (executions.has(executionArn)) return { status: 'RUNNING' };
        throw new ExecutionDoesNotExist({ message: 'none', $metadata: {} });
      });
      sfn.on(StartExecutionCommand).callsFake(async (input) => {
        const started = `arn:aws:states:eu-west-3:123456789012:execution:dunning:${input.name}`;
        executions.add(started);
        return { executionArn: started, startDate: new Date() };
      });
      setWallClock(fixedClock('2026-02-04T09:00:00.000Z'));
    });
    afterEach(() => setWallClock(systemClock));

    it('a restart whose history line could not be written gets it from the retry, once', async () => {
      failedOnce(false);
      const first = await call('POST', '/invoices/F-1/restart-dunning', { body: { note: 'taux ajoutés' } });
      expect(first.status).toBe(503);
      setWallClock(fixedClock('2026-02-04T09:01:30.000Z')); // finance sends it again a minute and a half later
      const again = await call('POST', '/invoices/F-1/restart-dunning', { body: { note: 'taux ajoutés' } });
      expect(again.status).toBe(200);
      expect(again.json.workflow.generation).toBe(2);
      await call('POST', '/invoices/F-1/restart-dunning', { body: { note: 'taux ajoutés' } });
      expect(restartLines()).toHaveLength(1);
      expect(restartLines()[0]).toMatchObject({
        at: '2026-02-04T09:00:00.000Z',
        actor: 'user:local-finance',
        detail: { generation: 2, note: 'taux ajoutés', by: 'finance' },
      });
      expect(executions.size).toBe(1);
    });

    it('a history write that took effect but answered an error is not written twice by the retry', async () => {
      failedOnce(true);
      expect((await call('POST', '/invoices/F-1/restart-dunning', { body: {} })).status).toBe(503);
      setWallClock(fixedClock('2026-02-04T09:01:30.000Z'));
      expect((await call('POST', '/invoices/F-1/restart-dunning', { body: {} })).status).toBe(200);
      expect(restartLines()).toHaveLength(1);
      expect(executions.size).toBe(1);
    });

    it('the sweep’s restart of a failed run whose line could not be written gets it from the next sweep', async () => {
      setClock(fixedClock('2026-02-05T06:00:00.000Z'));
      setWallClock(fixedClock('2026-02-05T06:00:00.000Z'));
      failedOnce(false);
      const first = await sweep({ source: 'encaisse.schedule', kind: 'daily-sweep' });
      expect(first.failures).toHaveLength(1);
      setClock(fixedClock('2026-02-06T06:00:00.000Z'));
      setWallClock(fixedClock('2026-02-06T06:00:00.000Z'));
      await sweep({ source: 'encaisse.schedule', kind: 'daily-sweep' });
      await sweep({ source: 'encaisse.schedule', kind: 'daily-sweep' });
      expect(restartLines()).toHaveLength(1);
      expect(restartLines()[0]).toMatchObject({
        actor: 'system:dunning',
        detail: { after: 'FAILED', generation: 2, by: 'sweep' },
      });
      expect(executions.size).toBe(1);
    });
  });

  it('refuses a paid invoice (409) and is closed to the read-only role (403)', async () => {
    table.put(invoiceItem(invoice('F-2', 'A', '2026-01-10', { status: 'paid', openCents: 0 })));
    expect(problemType(await call('POST', '/invoices/F-2/restart-dunning', { body: {} }))).toBe('state-conflict');
    expect((await call('POST', '/invoices/F-2/restart-dunning', { body: {}, as: 'readonly' })).status).toBe(403);
  });
});
