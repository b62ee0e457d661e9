import {
  DescribeExecutionCommand,
  ExecutionDoesNotExist,
  SendTaskSuccessCommand,
  SFNClient,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import {
  BatchGetCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { setClock } from '../../../functions/adapters/clock';
import { customerItem, invoiceItem } from '../../../functions/adapters/db/items';
import { fixedClock } from '../../../functions/core/dates';
import { Customer, type Invoice } from '../../../functions/core/model';
import { apiEnv, awsError, cancelled, invoice, makeCaller, problemType } from './support';

apiEnv();
const ddb = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
const api = await import('../../../functions/api/handler');
const call = makeCaller(api.handler as never, () => api.openApiDocument() as never);

const customer = Customer.parse({ customerId: 'C001', name: 'Boulangerie Dupont' });
const dunningState = { invoiceId: 'F-2026-001', doneStepIds: ['courtesy'], policyId: 'standard', policyVersion: 1 };

beforeEach(() => {
  ddb.reset();
  sfn.reset();
  setClock(fixedClock('2026-11-23T09:00:00.000Z'));
});

function givenInvoice(inv: Invoice) {
  ddb.on(GetCommand, { Key: { pk: `INVOICE#${inv.invoiceId}`, sk: 'INVOICE' } }).resolves({ Item: invoiceItem(inv) });
}

/** The invoice with no other item in its partition, as a dossier read (write-off, credit note) sees it. */
function givenDossier(inv: Invoice) {
  ddb.on(QueryCommand, { ExpressionAttributeValues: { ':pk': `INVOICE#${inv.invoiceId}` } }).resolves({
    Items: [invoiceItem(inv)],
  });
}

describe('POST /invoices: create one invoice', () => {
  const body = {
    invoiceId: 'F-2026-001',
    customerId: 'C001',
    amountCents: 120000,
    issueDate: '2026-10-01',
    dueDate: '2026-10-31',
  };

  it('creates it open for its full amount with a history event, in one transaction', async () => {
    ddb.on(GetCommand, { Key: { pk: 'CUSTOMER#C001', sk: 'CUSTOMER' } }).resolves({ Item: customerItem(customer) });
    ddb.on(GetCommand, { Key: { pk: 'INVOICE#F-2026-001', sk: 'INVOICE' } }).resolves({});
    ddb.on(TransactWriteCommand).resolves({});
    const res = await call('POST', '/invoices', { body });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      invoiceId: 'F-2026-001',
      openCents: 120000,
      status: 'open',
      currency: 'EUR',
      version: 0,
    });
    expect(res.headers.etag).toBe('"v0"');
    const items = ddb.commandCalls(TransactWriteCommand)[0].args[0].input.TransactItems ?? [];
    expect(items.map((i) => (i.Put?.Item as { type: string } | undefined)?.type)).toEqual(['invoice', 'event']);
    expect(items[1].Put?.Item).toMatchObject({ kind: 'created', actor: 'user:local-finance' });
  });

  it('is idempotent: the same invoice again answers 200 and writes nothing', async () => {
    givenInvoice(invoice({ version: 0 }));
    const res = await call('POST', '/invoices', { body });
    expect(res.status).toBe(200);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('refuses the same invoice id with another amount (409 already-exists)', async () => {
    givenInvoice(invoice());
    const res = await call('POST', '/invoices', { body: { ...body, amountCents: 99 } });
    expect(res.status).toBe(409);
    expect(problemType(res)).toBe('already-exists');
  });

  it.each([
    [{ ...body, amountCents: 12.5 }, 'amountCents'],
    [{ ...body, amountCents: -1 }, 'amountCents'],
    [{ ...body, dueDate: '2026-09-01' }, 'dueDate'],
    [{ ...body, issueDate: '01/10/2026' }, 'issueDate'],
    [{ ...body, currency: 'euro' }, 'currency'],
    [{ ...body, invoiceId: '' }, 'invoiceId'],
    [{ ...body, pdfKey: 'letters/MED-1.pdf' }, 'pdfKey'],
  ])('refuses an invalid body naming the field (%#: %s)', async (bad, field) => {
    const res = await call('POST', '/invoices', { body: bad });
    expect(res.status).toBe(400);
    expect(res.json.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('asks for a customer it does not know, naming customerId', async () => {
    ddb.on(GetCommand).resolves({});
    const res = await call('POST', '/invoices', { body });
    expect(res.status).toBe(400);
    expect(res.json.errors[0]).toMatchObject({ in: 'body', field: 'customerId' });
  });
});

describe('GET /invoices and GET /invoices/{id}', () => {
  it('lists by status and due-date range on the status index, with a cursor to the next page', async () => {
    ddb.on(QueryCommand).resolves({
      Items: [invoiceItem(invoice())],
      LastEvaluatedKey: { pk: 'x', sk: 'y', gsi2pk: 'INVSTATUS#open', gsi2sk: '2026-10-31#F-2026-001' },
    });
    const res = await call('GET', '/invoices', {
      query: { status: 'open', dueFrom: '2026-10-01', dueTo: '2026-10-31', limit: '1' },
    });
    expect(res.status).toBe(200);
    expect(res.json.items).toHaveLength(1);
    const input = ddb.commandCalls(QueryCommand)[0].args[0].input;
    expect(input).toMatchObject({
      IndexName: 'gsi2',
      Limit: 1,
      ExpressionAttributeValues: { ':pk': 'INVSTATUS#open', ':from': '2026-10-01', ':to': '2026-10-31#\uffff' },
    });
    ddb.reset();
    ddb.on(QueryCommand).resolves({ Items: [] });
    await call('GET', '/invoices', { query: { status: 'open', cursor: res.json.nextCursor } });
    expect(ddb.commandCalls(QueryCommand)[0].args[0].input.ExclusiveStartKey).toMatchObject({
      gsi2sk: '2026-10-31#F-2026-001',
    });
  });

  it('lists one customer’s invoices on the customer index, filtered by status', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    await call('GET', '/invoices', { query: { customerId: 'C001', status: 'open,partially_paid' } });
    const input = ddb.commandCalls(QueryCommand)[0].args[0].input;
    expect(input).toMatchObject({
      IndexName: 'gsi1',
      FilterExpression: '#st IN (:s0, :s1)',
      ExpressionAttributeValues: { ':pk': 'CUSTOMER#C001', ':s0': 'open', ':s1': 'partially_paid' },
    });
  });

  it('filters by dunning level on every status queried, and the items carry their level', async () => {
    ddb.on(QueryCommand).resolves({ Items: [invoiceItem(invoice({ dunningLevel: 'formal_notice' }))] });
    const res = await call('GET', '/invoices', { query: { status: 'open,partially_paid', level: 'formal_notice' } });
    expect(res.status).toBe(200);
    expect(res.json.items[0].dunningLevel).toBe('formal_notice');
    const inputs = ddb.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(inputs.map((i) => i.ExpressionAttributeValues?.[':pk'])).toEqual([
      'INVSTATUS#open',
      'INVSTATUS#partially_paid',
    ]);
    for (const input of inputs)
      expect(input).toMatchObject({
        FilterExpression: '#lv = :lv',
        ExpressionAttributeNames: { '#lv': 'dunningLevel' },
        ExpressionAttributeValues: { ':lv': 'formal_notice' },
      });
  });

  it('level=none lists the invoices no reminder was sent for, together with a customer and status filter', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    await call('GET', '/invoices', { query: { customerId: 'C001', status: 'open', level: 'none' } });
    expect(ddb.commandCalls(QueryCommand)[0].args[0].input).toMatchObject({
      IndexName: 'gsi1',
      FilterExpression: '#st IN (:s0) AND attribute_not_exists(#lv)',
      ExpressionAttributeNames: { '#st': 'status', '#lv': 'dunningLevel' },
      ExpressionAttributeValues: { ':pk': 'CUSTOMER#C001', ':s0': 'open' },
    });
  });

  it('refuses an unknown dunning level, naming level, without reading the table', async () => {
    const res = await call('GET', '/invoices', { query: { level: 'relance_3' } });
    expect(res.status).toBe(400);
    expect(res.text).toContain('level');
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it('reads one invoice with its allocations, workflow state and full history', async () => {
    ddb.on(QueryCommand).resolves({
      Items: [
        invoiceItem(invoice({ openCents: 20000, status: 'partially_paid' })),
        {
          pk: 'INVOICE#F-2026-001',
          sk: 'ALLOC#T1',
          type: 'allocation',
          invoiceId: 'F-2026-001',
          transactionId: 'T1',
          amountCents: 100000,
          writeOffCents: 0,
          bookingDate: '2026-11-02',
          at: '2026-11-03T06:00:00.000Z',
          actor: 'system:ingest',
        },
        {
          pk: 'INVOICE#F-2026-001',
          sk: 'EVENT#2026-10-01T08:00:00.000Z#a',
          type: 'event',
          invoiceId: 'F-2026-001',
          at: '2026-10-01T08:00:00.000Z',
          kind: 'imported',
          actor: 'user:x',
          detail: {},
        },
        {
          pk: 'INVOICE#F-2026-001',
          sk: 'EVENT#2026-11-03T06:00:00.000Z#b',
          type: 'event',
          invoiceId: 'F-2026-001',
          at: '2026-11-03T06:00:00.000Z',
          kind: 'allocation',
          actor: 'system:ingest',
          detail: { transactionId: 'T1' },
        },
        { pk: 'INVOICE#F-2026-001', sk: 'PAUSE', type: 'pause', taskToken: 't' },
      ],
    });
    sfn.on(DescribeExecutionCommand).resolves({
      status: 'RUNNING',
      startDate: new Date('2026-10-24T08:00:00Z'),
      executionArn: 'x',
      stateMachineArn: 'y',
      input: '{}',
    });
    const res = await call('GET', '/invoices/F-2026-001');
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe('"v2"');
    expect(res.json.allocations).toEqual([
      expect.objectContaining({ transactionId: 'T1', amountCents: 100000, bookingDate: '2026-11-02' }),
    ]);
    expect(res.json.history.map((e: { kind: string }) => e.kind)).toEqual(['imported', 'allocation']);
    expect(res.json.workflow).toEqual({
      executionName: 'inv-F-2026-001',
      status: 'paused',
      startedAt: '2026-10-24T08:00:00.000Z',
    });
  });

  it('shows the current generation of the workflow of a reopened invoice', async () => {
    const g2 = 'inv-F-2026-001-g2-0123456789abcdef';
    ddb.on(QueryCommand).resolves({
      Items: [
        invoiceItem(invoice()),
        {
          pk: 'INVOICE#F-2026-001',
          sk: 'WORKFLOW',
          type: 'workflow',
          invoiceId: 'F-2026-001',
          generation: 2,
          running: true,
          executionName: g2,
          executionArn: `arn:aws:states:eu-west-3:123456789012:execution:dunning:${g2}`,
          startedAt: '2026-11-20T08:00:00.000Z',
        },
      ],
    });
    sfn.on(DescribeExecutionCommand).resolves({
      status: 'RUNNING',
      startDate: new Date('2026-11-20T08:00:00Z'),
      executionArn: 'x',
      stateMachineArn: 'y',
      input: '{}',
    });
    const res = await call('GET', '/invoices/F-2026-001');
    expect(sfn.commandCalls(DescribeExecutionCommand)[0].args[0].input.executionArn).toMatch(new RegExp(`:${g2}$`));
    expect(res.json.workflow).toEqual({
      executionName: g2,
      generation: 2,
      status: 'running',
      startedAt: '2026-11-20T08:00:00.000Z',
    });
  });

  it('says not_started when no workflow ran, and 404 for an unknown invoice', async () => {
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [invoiceItem(invoice())] })
      .resolves({ Items: [] });
    sfn.on(DescribeExecutionCommand).rejects(new ExecutionDoesNotExist({ message: 'no', $metadata: {} }));
    expect((await call('GET', '/invoices/F-2026-001')).json.workflow.status).toBe('not_started');
    const res = await call('GET', '/invoices/F-404');
    expect(res.status).toBe(404);
    expect(problemType(res)).toBe('not-found');
  });
});

describe('invoice actions: dispute, promise, pause, resume, write-off, credit note', () => {
  it('records a dispute as a pause with an audited event', async () => {
    givenInvoice(invoice());
    ddb.on(TransactWriteCommand).resolves({});
    const res = await call('POST', '/invoices/F-2026-001/dispute', {
      body: { note: 'livraison incomplète' },
      headers: { 'if-match': '"v2"' },
    });
    expect(res.status).toBe(200);
    expect(res.json.invoice).toMatchObject({
      version: 3,
      pause: { reason: 'dispute', since: '2026-11-23T09:00:00.000Z', note: 'livraison incomplète' },
    });
    expect(res.headers.etag).toBe('"v3"');
    const items = ddb.commandCalls(TransactWriteCommand)[0].args[0].input.TransactItems ?? [];
    expect(items[0].Put?.ConditionExpression).toBe('#v = :v');
    expect(items[1].Put?.Item).toMatchObject({ kind: 'dispute_opened', actor: 'user:local-finance' });
  });

  it('refuses a stale If-Match with 409 and the current version, writing nothing', async () => {
    givenInvoice(invoice({ version: 5 }));
    const res = await call('POST', '/invoices/F-2026-001/pause', { body: {}, headers: { 'if-match': '"v4"' } });
    expect(res.status).toBe(409);
    expect(res.json).toMatchObject({ currentVersion: 5 });
    expect(problemType(res)).toBe('version-conflict');
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('answers 409 when another writer changes the invoice between read and write', async () => {
    givenInvoice(invoice());
    ddb.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed'));
    const res = await call('POST', '/invoices/F-2026-001/promise', { body: { until: '2026-12-05' } });
    expect(res.status).toBe(409);
    expect(problemType(res)).toBe('version-conflict');
  });

  it('refuses a malformed If-Match naming the header', async () => {
    const res = await call('POST', '/invoices/F-2026-001/pause', { body: {}, headers: { 'if-match': 'version 2' } });
    expect(res.status).toBe(400);
    expect(res.json.errors[0]).toMatchObject({ in: 'header', field: 'if-match' });
  });

  it('refuses a promise dated in the past, naming until', async () => {
    givenInvoice(invoice());
    const res = await call('POST', '/invoices/F-2026-001/promise', { body: { until: '2026-11-01' } });
    expect(res.status).toBe(400);
    expect(res.json.errors[0]).toMatchObject({ field: 'until' });
  });

  it('refuses to pause a paid invoice (409 state-conflict)', async () => {
    givenInvoice(invoice({ status: 'paid', openCents: 0 }));
    const res = await call('POST', '/invoices/F-2026-001/pause', { body: {} });
    expect(res.status).toBe(409);
    expect(problemType(res)).toBe('state-conflict');
  });

  it('resumes: clears the pause first, then hands the paused state back to the workflow', async () => {
    givenInvoice(invoice({ pause: { reason: 'promise', since: '2026-11-01T00:00:00.000Z', until: '2026-11-20' } }));
    ddb.on(TransactWriteCommand).resolves({});
    ddb
      .on(GetCommand, { Key: { pk: 'INVOICE#F-2026-001', sk: 'PAUSE' } })
      .resolves({ Item: { taskToken: 'tok-1', state: dunningState, storedAt: '2026-11-01T00:00:00.000Z' } });
    ddb.on(DeleteCommand).resolves({});
    sfn.on(SendTaskSuccessCommand).resolves({});
    const res = await call('POST', '/invoices/F-2026-001/resume', { body: {} });
    expect(res.status).toBe(200);
    expect(res.json.invoice.pause).toBeUndefined();
    expect(res.json.workflow).toEqual({ action: 'resumed' });
    const sent = sfn.commandCalls(SendTaskSuccessCommand)[0].args[0].input;
    expect(sent.taskToken).toBe('tok-1');
    expect(JSON.parse(sent.output ?? '{}')).toMatchObject({ invoiceId: 'F-2026-001', doneStepIds: ['courtesy'] });
  });

  it('resuming clears invoice.pause (saved with its history event) BEFORE the workflow is resumed', async () => {
    const order: string[] = [];
    givenInvoice(invoice({ pause: { reason: 'dispute', since: '2026-11-01T00:00:00.000Z', note: 'quantités' } }));
    ddb.on(TransactWriteCommand).callsFake(async (input) => {
      const inv = input.TransactItems[0].Put.Item;
      order.push(`save invoice (pause ${inv.pause ? 'kept' : 'cleared'}) + ${input.TransactItems[1].Put.Item.kind}`);
      return {};
    });
    ddb.on(GetCommand, { Key: { pk: 'INVOICE#F-2026-001', sk: 'PAUSE' } }).callsFake(async () => {
      order.push('read pause token');
      return { Item: { taskToken: 'tok-1', state: dunningState, storedAt: '2026-11-01T00:00:00.000Z' } };
    });
    ddb.on(DeleteCommand).resolves({});
    sfn.on(SendTaskSuccessCommand).callsFake(async () => {
      order.push('resume workflow');
      return {};
    });
    const res = await call('POST', '/invoices/F-2026-001/resume', {
      body: { note: 'litige réglé' },
      headers: { 'if-match': '"v2"' },
    });
    expect(res.status).toBe(200);
    expect(order).toEqual(['save invoice (pause cleared) + resumed', 'read pause token', 'resume workflow']);
    expect(res.headers.etag).toBe('"v3"');
  });

  it.each([
    ['the approval pause itself', { reason: 'manual', note: 'approval:agency' }, ['agency']],
    ['a dispute recorded over it', { reason: 'dispute', note: 'Les 40 baguettes du 12 n’ont pas été livrées.' }, []],
    [
      'a dispute whose reason the customer typed as "approval:agency"',
      { reason: 'dispute', note: 'approval:agency' },
      [],
    ],
  ] as const)(
    'resuming a workflow that awaits an approval approves the step only when lifting %s',
    async (_, pause, approved) => {
      givenInvoice(invoice({ pause: { ...pause, since: '2026-11-01T00:00:00.000Z' } }));
      ddb.on(TransactWriteCommand).resolves({});
      ddb.on(GetCommand, { Key: { pk: 'INVOICE#F-2026-001', sk: 'PAUSE' } }).resolves({
        Item: {
          taskToken: 'tok-1',
          state: { ...dunningState, awaitingApprovalStepId: 'agency' },
          storedAt: '2026-11-01T00:00:00.000Z',
        },
      });
      ddb.on(DeleteCommand).resolves({});
      sfn.on(SendTaskSuccessCommand).resolves({});
      expect((await call('POST', '/invoices/F-2026-001/resume', { body: {} })).status).toBe(200);
      const output = JSON.parse(sfn.commandCalls(SendTaskSuccessCommand)[0].args[0].input.output ?? '{}');
      expect(output.approvedStepIds ?? []).toEqual(approved);
    },
  );

  it('a retried resume (pause already cleared, workflow still waiting) only resumes the workflow', async () => {
    givenInvoice(invoice());
    ddb
      .on(GetCommand, { Key: { pk: 'INVOICE#F-2026-001', sk: 'PAUSE' } })
      .resolves({ Item: { taskToken: 'tok-1', state: dunningState, storedAt: '2026-11-01T00:00:00.000Z' } });
    ddb.on(DeleteCommand).resolves({});
    sfn.on(SendTaskSuccessCommand).resolves({});
    const res = await call('POST', '/invoices/F-2026-001/resume', { body: {} });
    expect(res.status).toBe(200);
    expect(res.json.workflow).toEqual({ action: 'resumed' });
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('refuses to resume an invoice that is not paused', async () => {
    givenInvoice(invoice());
    ddb.on(GetCommand, { Key: { pk: 'INVOICE#F-2026-001', sk: 'PAUSE' } }).resolves({});
    const res = await call('POST', '/invoices/F-2026-001/resume', { body: {} });
    expect(res.status).toBe(409);
  });

  it('writes off the whole open amount and stops the reminders', async () => {
    givenDossier(invoice({ openCents: 350, status: 'partially_paid' }));
    ddb.on(TransactWriteCommand).resolves({});
    ddb.on(DeleteCommand).resolves({});
    sfn.on(StopExecutionCommand).resolves({});
    const res = await call('POST', '/invoices/F-2026-001/write-off', { body: { reason: 'frais bancaires' } });
    expect(res.status).toBe(200);
    expect(res.json.invoice).toMatchObject({ openCents: 0, status: 'written_off' });
    expect(res.json.workflow).toEqual({ action: 'stopped' });
    expect(sfn.commandCalls(StopExecutionCommand)[0].args[0].input.executionArn).toBe(
      'arn:aws:states:eu-west-3:123456789012:execution:dunning:inv-F-2026-001',
    );
  });

  it('refuses to write off more than is open', async () => {
    givenDossier(invoice({ openCents: 350 }));
    const res = await call('POST', '/invoices/F-2026-001/write-off', { body: { reason: 'x', amountCents: 351 } });
    expect(res.status).toBe(409);
  });

  it('records a credit note once: the same credit note again changes nothing', async () => {
    ddb.on(QueryCommand).resolves({ Items: [invoiceItem(invoice())] });
    ddb.on(TransactWriteCommand).resolves({});
    const first = await call('POST', '/invoices/F-2026-001/credit-note', {
      body: { creditNoteId: 'AV-1', amountCents: 20000 },
    });
    expect(first.json.invoice).toMatchObject({ openCents: 100000, status: 'partially_paid' });
    ddb.on(QueryCommand).resolves({
      Items: [
        invoiceItem(first.json.invoice),
        {
          pk: 'INVOICE#F-2026-001',
          sk: 'EVENT#x',
          invoiceId: 'F-2026-001',
          at: '2026-11-23T09:00:00.000Z',
          kind: 'credit_note',
          actor: 'user:x',
          detail: { creditNoteId: 'AV-1', amountCents: 20000 },
        },
      ],
    });
    const again = await call('POST', '/invoices/F-2026-001/credit-note', {
      body: { creditNoteId: 'AV-1', amountCents: 20000 },
    });
    expect(again.status).toBe(200);
    expect(again.json.invoice.openCents).toBe(100000);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  it('answers 503 when Step Functions throttles the stop, after the write-off is saved', async () => {
    givenDossier(invoice());
    ddb.on(TransactWriteCommand).resolves({});
    sfn.on(StopExecutionCommand).rejects(awsError('ThrottlingException'));
    const res = await call('POST', '/invoices/F-2026-001/write-off', { body: { reason: 'liquidation judiciaire' } });
    expect(res.status).toBe(503);
  });
});

describe('unused command guards', () => {
  it('never scans or batch-reads for a single invoice read', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    await call('GET', '/invoices/F-1');
    expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(0);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });
});
