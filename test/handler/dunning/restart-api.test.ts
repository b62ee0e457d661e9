import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { setClock } from '../../../functions/adapters/clock';
import { customerItem, invoiceItem } from '../../../functions/adapters/db/items';
import { fixedClock } from '../../../functions/core/dates';
import { apiEnv, makeCaller, problemType } from '../api/support';
import { FakeTable } from './fake-table';
import { customer, invoice } from './fixtures';

apiEnv();
const ddb = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
const api = await import('../../../functions/api/handler');
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
    table.put({
      pk: 'INVOICE#F-1',
      sk: 'WORKFLOW',
      invoiceId: 'F-1',
      generation: 1,
      running: true,
      executionName: 'inv-F-1',
      executionArn: arn,
      startedAt: '2026-01-07T06:00:00.000Z',
    });
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
    table.put({
      pk: 'INVOICE#F-1',
      sk: 'WORKFLOW',
      invoiceId: 'F-1',
      generation: 1,
      running: true,
      executionName: 'inv-F-1',
      executionArn: arn,
      startedAt: '2026-01-07T06:00:00.000Z',
    });
    sfn.on(DescribeExecutionCommand).resolves({ status: 'RUNNING' });
    const res = await call('POST', '/invoices/F-1/restart-dunning', { body: {} });
    expect(res.json.workflow).toEqual({ action: 'already_running', generation: 1 });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('refuses a paid invoice (409) and is closed to the read-only role (403)', async () => {
    table.put(invoiceItem(invoice('F-2', 'A', '2026-01-10', { status: 'paid', openCents: 0 })));
    expect(problemType(await call('POST', '/invoices/F-2/restart-dunning', { body: {} }))).toBe('state-conflict');
    expect((await call('POST', '/invoices/F-2/restart-dunning', { body: {}, as: 'readonly' })).status).toBe(403);
  });
});
