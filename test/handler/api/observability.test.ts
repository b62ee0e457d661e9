import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { setClock } from '../../../functions/adapters/clock';
import { customerItem, invoiceItem } from '../../../functions/adapters/db/items';
import { fixedClock } from '../../../functions/core/dates';
import { FakeTable } from '../dunning/fake-table';
import { customer, invoice } from '../dunning/fixtures';
import { captureOutput } from '../support/output';
import { apiEnv, makeCaller } from './support';

apiEnv();
const ddb = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
const api = await import('../../../functions/api/handler');
const call = makeCaller(api.handler as never, () => api.openApiDocument() as never);
const output = captureOutput();
afterAll(() => output.stop());
let table: FakeTable;

beforeEach(() => {
  ddb.reset();
  sfn.reset();
  table = new FakeTable().install(ddb);
  sfn
    .on(StartExecutionCommand)
    .callsFake(async (input) => ({ executionArn: `arn:exec:${input.name}`, startDate: new Date() }));
  setClock(fixedClock('2026-02-04T09:00:00.000Z'));
  output.clear();
});

describe('admin API: correlation id and errors by route', () => {
  it('a workflow the API starts carries the caller’s x-correlation-id, which the response sends back', async () => {
    table.put(customerItem(customer('A')));
    table.put(invoiceItem(invoice('F-1', 'A', '2026-01-10')));
    table.put({
      pk: 'INVOICE#F-1',
      sk: 'WORKFLOW',
      invoiceId: 'F-1',
      generation: 1,
      running: true,
      executionName: 'inv-F-1',
      executionArn: 'arn:x',
      startedAt: '2026-01-07T06:00:00.000Z',
    });
    sfn.on(DescribeExecutionCommand).resolves({ status: 'FAILED' });
    const res = await call('POST', '/invoices/F-1/restart-dunning', {
      body: {},
      headers: { 'x-correlation-id': 'ops-ticket-42' },
    });
    expect(res.status).toBe(200);
    expect(res.headers['x-correlation-id']).toBe('ops-ticket-42');
    const input = JSON.parse(sfn.commandCalls(StartExecutionCommand)[0].args[0].input.input!);
    expect(input).toMatchObject({ invoiceId: 'F-1', correlationId: 'ops-ticket-42' });
  });

  it('an x-correlation-id that is not a plain token is ignored: the API request id is used', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    const res = await call('GET', '/invoices', { headers: { 'x-correlation-id': 'a b"}\n{"level":"INFO"' } });
    expect(res.headers['x-correlation-id']).toBe('req-1');
  });

  it('counts server errors by route (and in total), not a client’s mistakes', async () => {
    ddb.on(QueryCommand).rejects(new Error('socket hang up'));
    expect((await call('GET', '/invoices')).status).toBe(500);
    expect((await call('GET', '/invoices', { as: null })).status).toBe(401);
    expect(output.metric('ApiErrors')).toEqual([
      {
        namespace: 'Encaisse',
        dimensions: ['service', 'route'],
        unit: 'Count',
        value: 1,
        service: 'encaisse',
        route: 'GET /invoices',
      },
      { namespace: 'Encaisse', dimensions: ['service'], unit: 'Count', value: 1, service: 'encaisse' },
    ]);
    expect(output.logs().find((l) => l.message === 'request failed')).toMatchObject({
      correlation_id: 'req-1',
      error: { message: 'socket hang up' },
    });
  });
});
