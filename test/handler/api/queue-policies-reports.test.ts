import { SFNClient, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import {
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
import { StoredTransaction, transactionItem } from '../../../functions/adapters/db/transactions';
import { fixedClock } from '../../../functions/core/dates';
import { builtInPolicies } from '../../../functions/core/dunning/policy';
import { Customer, type Invoice } from '../../../functions/core/model';
import { apiEnv, cancelled, makeCaller, problemType } from './support';

apiEnv();
const ddb = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
const api = await import('../../../functions/api/handler');
const call = makeCaller(api.handler as never, () => api.openApiDocument() as never);

const inv = (id: string, over: Partial<Invoice> = {}): Invoice => ({
  invoiceId: id,
  customerId: 'C1',
  amountCents: 10000,
  openCents: 10000,
  currency: 'EUR',
  issueDate: '2026-09-01',
  dueDate: '2026-10-01',
  status: 'open',
  version: 1,
  ...over,
});
const txn = (over: Partial<StoredTransaction> = {}): StoredTransaction =>
  StoredTransaction.parse({
    transactionId: 'T1',
    statementChecksum: 'abc',
    account: { iban: 'FR7630006000011234567890189' },
    status: 'suggested',
    version: 1,
    ingestedAt: '2026-11-02T06:00:00.000Z',
    index: 0,
    bookingDate: '2026-11-02',
    amountCents: 10000,
    currency: 'EUR',
    label: 'VIR SEPA DUPONT',
    remittance: {},
    match: {
      transactionId: 'T1',
      status: 'suggested',
      confidence: 0.7,
      reasons: ['amount equals one open invoice of the payer'],
      suggestions: [{ allocations: [{ invoiceId: 'F1', amountCents: 10000 }], confidence: 0.7, reasons: ['amount'] }],
    },
    ...over,
  });

beforeEach(() => {
  ddb.reset();
  sfn.reset();
  setClock(fixedClock('2026-11-23T09:00:00.000Z'));
});

describe('review queue: transactions', () => {
  it('lists the review queue (suggested then unmatched) with candidates and reasons by default', async () => {
    ddb
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'TXNSTATUS#suggested' } })
      .resolves({ Items: [transactionItem(txn())] });
    ddb
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'TXNSTATUS#unmatched' } })
      .resolves({ Items: [transactionItem(txn({ transactionId: 'T2', status: 'unmatched', match: undefined }))] });
    const res = await call('GET', '/transactions');
    expect(res.json.items.map((t: StoredTransaction) => `${t.transactionId}:${t.status}`)).toEqual([
      'T1:suggested',
      'T2:unmatched',
    ]);
    expect(res.json.items[0].match.suggestions[0].reasons).toEqual(['amount']);
    expect(res.json.nextCursor).toBeUndefined();
  });

  it('accepts a suggestion, audited under the user, and stops the reminders of what it paid', async () => {
    ddb.on(GetCommand, { Key: { pk: 'TXN#T1', sk: 'TXN' } }).resolves({ Item: transactionItem(txn()) });
    ddb.on(GetCommand, { Key: { pk: 'INVOICE#F1', sk: 'INVOICE' } }).resolves({ Item: invoiceItem(inv('F1')) });
    ddb.on(TransactWriteCommand).resolves({});
    ddb.on(DeleteCommand).resolves({});
    sfn.on(StopExecutionCommand).resolves({});
    const res = await call('POST', '/transactions/T1/accept', { body: { suggestionIndex: 0 } });
    expect(res.status).toBe(200);
    expect(res.json.paidInvoiceIds).toEqual(['F1']);
    const items = ddb.commandCalls(TransactWriteCommand)[0].args[0].input.TransactItems ?? [];
    expect(
      items.some(
        (i) =>
          (i.Put?.Item as { kind?: string; actor?: string })?.kind === 'allocation' &&
          (i.Put?.Item as { actor: string } | undefined)?.actor === 'user:local-finance',
      ),
    ).toBe(true);
    expect(sfn.commandCalls(StopExecutionCommand)).toHaveLength(1);
  });

  it('answers 409 with the reason when the match can no longer apply', async () => {
    ddb.on(GetCommand, { Key: { pk: 'TXN#T1', sk: 'TXN' } }).resolves({ Item: transactionItem(txn()) });
    ddb
      .on(GetCommand, { Key: { pk: 'INVOICE#F1', sk: 'INVOICE' } })
      .resolves({ Item: invoiceItem(inv('F1', { openCents: 0, status: 'paid' })) });
    const res = await call('POST', '/transactions/T1/match', {
      body: { allocations: [{ invoiceId: 'F1', amountCents: 10000 }] },
    });
    expect(res.status).toBe(409);
    expect(res.json.detail).toBe('invoice F1 is paid');
  });

  it('refuses a manual match without allocations, naming the field', async () => {
    const res = await call('POST', '/transactions/T1/match', { body: { allocations: [] } });
    expect(res.status).toBe(400);
    expect(res.json.errors[0]).toMatchObject({ in: 'body', field: 'allocations' });
  });

  it('404 for an unknown transaction; read-only may not reject', async () => {
    ddb.on(GetCommand).resolves({});
    expect((await call('POST', '/transactions/T404/undo')).status).toBe(404);
    expect((await call('POST', '/transactions/T1/reject', { as: 'readonly' })).status).toBe(403);
  });

  it('retries the undo after a concurrent change and reports what it reopened', async () => {
    const matched = txn({ status: 'matched', applied: [{ invoiceId: 'F1', amountCents: 10000, writeOffCents: 0 }] });
    ddb.on(GetCommand, { Key: { pk: 'TXN#T1', sk: 'TXN' } }).resolves({ Item: transactionItem(matched) });
    ddb
      .on(GetCommand, { Key: { pk: 'INVOICE#F1', sk: 'INVOICE' } })
      .resolves({ Item: invoiceItem(inv('F1', { openCents: 0, status: 'paid' })) });
    ddb.on(TransactWriteCommand).rejectsOnce(cancelled('ConditionalCheckFailed')).resolves({});
    const res = await call('POST', '/transactions/T1/undo');
    expect(res.status).toBe(200);
    expect(res.json.reopenedInvoiceIds).toEqual(['F1']);
    expect(res.json.transaction.status).toBe('suggested');
  });

  it(
    'an undone match brings the dunning of the reopened invoice back: a new generation after the stopped ' + 'one',
    async () => {
      const matched = txn({ status: 'matched', applied: [{ invoiceId: 'F1', amountCents: 10000, writeOffCents: 0 }] });
      ddb.on(GetCommand, { Key: { pk: 'TXN#T1', sk: 'TXN' } }).resolves({ Item: transactionItem(matched) });
      ddb
        .on(GetCommand, { Key: { pk: 'INVOICE#F1', sk: 'INVOICE' } })
        .resolves({ Item: invoiceItem(inv('F1', { openCents: 0, status: 'paid' })) });
      ddb.on(GetCommand, { Key: { pk: 'INVOICE#F1', sk: 'WORKFLOW' } }).resolves({
        Item: {
          pk: 'INVOICE#F1',
          sk: 'WORKFLOW',
          invoiceId: 'F1',
          generation: 1,
          running: false,
          endStatus: 'ABORTED',
          executionArn: 'arn:aws:states:eu-west-3:123456789012:execution:dunning:inv-F1',
          startedAt: '2026-10-05T06:00:00.000Z',
        },
      });
      ddb.on(TransactWriteCommand).resolves({});
      ddb.on(PutCommand).resolves({});
      sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec:g2', startDate: new Date() });
      const res = await call('POST', '/transactions/T1/undo');
      expect(res.status).toBe(200);
      const start = sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input);
      expect(start).toHaveLength(1);
      expect(start[0].name).toMatch(/^inv-F1-g2-[0-9a-f]{16}$/);
      expect(JSON.parse(start[0].input!)).toEqual({ invoiceId: 'F1', doneStepIds: [], correlationId: 'req-1' });
      const claim = ddb.commandCalls(PutCommand)[0].args[0].input;
      expect(claim).toMatchObject({
        Item: { sk: 'WORKFLOW', generation: 2, running: true },
        ConditionExpression: '#g = :g AND #r = :r',
        ExpressionAttributeValues: { ':g': 1, ':r': false },
      });
    },
  );
});

describe('statements', () => {
  const record = {
    checksum: 'a1b2c3d4e5f6a7b8',
    sourceKey: 'inbox/releve.cfonb',
    receivedAt: '2026-11-02T06:00:00.000Z',
    status: 'rejected',
    sizeBytes: 1200,
    error: { code: 'balance_mismatch', message: 'closing balance differs by 12.00', line: 14 },
  };

  it('shows the rejection report of a rejected file', async () => {
    ddb.on(GetCommand).resolves({ Item: { pk: 'STATEMENT#a1b2c3d4e5f6a7b8', sk: 'STATEMENT', ...record } });
    const res = await call('GET', '/statements/a1b2c3d4e5f6a7b8');
    expect(res.json.error).toEqual({ code: 'balance_mismatch', message: 'closing balance differs by 12.00', line: 14 });
  });

  it('refuses to re-process a file that was processed (409), and an unknown one (404)', async () => {
    ddb.on(GetCommand).resolves({ Item: { ...record, status: 'processed', storedKey: 'processed/x' } });
    const res = await call('POST', '/statements/a1b2c3d4e5f6a7b8/reprocess');
    expect(res.status).toBe(409);
    expect(res.json.detail).toContain('only a rejected one');
    ddb.on(GetCommand).resolves({});
    expect((await call('POST', '/statements/a1b2c3d4e5f6a7b8/reprocess')).status).toBe(404);
  });

  it('refuses a malformed checksum naming the path parameter', async () => {
    const res = await call('GET', '/statements/..%2F..');
    expect(res.status).toBe(400);
    expect(res.json.errors[0]).toMatchObject({ in: 'path', field: 'checksum' });
  });
});

describe('policies', () => {
  it('lists the built-in policies when none is stored, in pages', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    const first = await call('GET', '/policies', { query: { limit: '2' } });
    expect(first.json.items.map((p: { policyId: string }) => p.policyId)).toEqual(['b2c', 'key_account']);
    const second = await call('GET', '/policies', { query: { limit: '2', cursor: first.json.nextCursor } });
    expect(second.json.items.map((p: { policyId: string }) => p.policyId)).toEqual(['standard']);
    expect(second.json.nextCursor).toBeUndefined();
  });

  it('saves an edit of a built-in policy as version 2, conditional on version 1', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb.on(TransactWriteCommand).resolves({});
    const { policyId: _p, version: _v, ...rest } = builtInPolicies.find((p) => p.policyId === 'standard')!;
    const res = await call('PUT', '/policies/standard', {
      body: { ...rest, promiseGraceDays: 5 },
      headers: { 'if-match': '"v1"' },
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ policyId: 'standard', version: 2, promiseGraceDays: 5 });
    expect(res.headers.etag).toBe('"v2"');
  });

  it('answers 409 to an edit based on an old version', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    const { policyId: _p, version: _v, ...rest } = builtInPolicies[0];
    const res = await call('PUT', '/policies/standard', { body: rest, headers: { 'if-match': '"v7"' } });
    expect(res.status).toBe(409);
    expect(problemType(res)).toBe('version-conflict');
  });

  it('refuses steps out of order, naming the step field', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    const res = await call('POST', '/policies', {
      body: {
        policyId: 'doux',
        name: 'Doux',
        steps: [
          { stepId: 'b', offsetDays: 10, channel: 'email', level: 'reminder_1', template: 'reminder.first' },
          { stepId: 'a', offsetDays: 5, channel: 'email', level: 'courtesy', template: 'reminder.courtesy' },
        ],
      },
    });
    expect(res.status).toBe(400);
    expect(res.json.errors[0]).toMatchObject({ in: 'body', field: 'steps.1.offsetDays' });
  });
});

describe('reports', () => {
  function givenLedger() {
    ddb
      .on(QueryCommand, { IndexName: 'gsi2', ExpressionAttributeValues: { ':pk': 'CUSTOMERS' } })
      .resolves({ Items: [customerItem(Customer.parse({ customerId: 'C1', name: 'Dupont, fils' }))] });
    ddb.on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'INVSTATUS#open' } }).resolves({
      Items: [
        invoiceItem(inv('F1', { dueDate: '2026-12-01' })),
        invoiceItem(inv('F2', { dueDate: '2026-08-01', openCents: 2500 })),
      ],
    });
    ddb.on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'INVSTATUS#partially_paid' } }).resolves({ Items: [] });
    ddb.on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'INVSTATUS#in_collection' } }).resolves({ Items: [] });
  }

  it('serves the aged balance as JSON', async () => {
    givenLedger();
    const res = await call('GET', '/reports/aged-balance', { query: { asOf: '2026-11-23' } });
    expect(res.json.total).toEqual({
      invoiceCount: 2,
      buckets: { not_due: 10000, d1_30: 0, d31_60: 0, d61_90: 0, over_90: 2500 },
      totalCents: 12500,
      disputedCents: 0,
    });
    expect(res.json.customers[0].customerName).toBe('Dupont, fils');
  });

  it('serves the aged balance as CSV when asked by Accept', async () => {
    givenLedger();
    const res = await call('GET', '/reports/aged-balance', {
      query: { asOf: '2026-11-23' },
      headers: { accept: 'text/csv' },
    });
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.text.split('\r\n')[1]).toBe(
      'C1;"Dupont, fils";2;100,00;0,00;0,00;0,00;25,00;125,00;0,00;EUR;2026-11-23',
    );
  });

  it(
    'serves the aged balance of a large book in pages of 5,000 customers, largest first, each under API ' +
      'Gateway’s 6 MB, the total over all',
    async () => {
      const n = 30_000;
      const name = (i: number) => `Client ${i} ${'x'.repeat(180)}`;
      ddb.on(QueryCommand, { IndexName: 'gsi2', ExpressionAttributeValues: { ':pk': 'CUSTOMERS' } }).resolves({
        Items: Array.from({ length: n }, (_, i) =>
          customerItem(Customer.parse({ customerId: `C${i}`, name: name(i) })),
        ),
      });
      ddb.on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'INVSTATUS#open' } }).resolves({
        Items: Array.from({ length: n }, (_, i) =>
          invoiceItem(inv(`F${i}`, { customerId: `C${i}`, amountCents: 100 + i, openCents: 100 + i })),
        ),
      });
      ddb
        .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'INVSTATUS#partially_paid' } })
        .resolves({ Items: [] });
      ddb.on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'INVSTATUS#in_collection' } }).resolves({ Items: [] });
      const first = await call('GET', '/reports/aged-balance', { query: { asOf: '2026-11-23' } });
      expect(Buffer.byteLength(first.text)).toBeLessThan(6 * 1024 * 1024);
      expect(first.json.customers).toHaveLength(5000);
      expect(first.json.customers[0].customerId).toBe(`C${n - 1}`);
      expect(first.json).toMatchObject({ customerCount: n, total: { invoiceCount: n } });
      const last = await call('GET', '/reports/aged-balance', {
        query: { asOf: '2026-11-23', limit: '5000', cursor: Buffer.from('o:25000').toString('base64url') },
      });
      expect(last.json.customers.at(-1).customerId).toBe('C0');
      expect(last.json.nextCursor).toBeUndefined();
    },
  );

  it('refuses an aged balance at a past date, which would age today’s open amounts as if they were then', async () => {
    givenLedger();
    const res = await call('GET', '/reports/aged-balance', {
      query: { asOf: '2026-10-31' },
      headers: { 'accept-language': 'fr-FR' },
    });
    expect(res.status).toBe(400);
    expect(res.json.errors[0]).toMatchObject({
      in: 'query',
      field: 'asOf',
      message: 'antérieure à aujourd’hui (2026-11-23) : seule la balance du jour peut être établie',
    });
  });

  it('refuses a report date that is not a date, naming asOf', async () => {
    const res = await call('GET', '/reports/dso', { query: { asOf: 'hier' } });
    expect(res.status).toBe(400);
    expect(res.json.errors[0]).toMatchObject({ in: 'query', field: 'asOf' });
  });

  it('forecasts cash-in by week, today as the default date', async () => {
    givenLedger();
    ddb
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'INVSTATUS#paid', ':from': '2025-11-23' } })
      .resolves({ Items: [] });
    const res = await call('GET', '/reports/cash-forecast', { query: { weeks: '2' } });
    expect(res.json.asOf).toBe('2026-11-23');
    expect(res.json.weeks).toEqual([
      { weekStart: '2026-11-23', expectedCents: 2500, invoiceCount: 1 },
      { weekStart: '2026-11-30', expectedCents: 10000, invoiceCount: 1 },
    ]);
  });

  it(
    'forecasts from a year of paid invoices without one read per invoice: the day each became paid is on it ' +
      '(API Gateway waits 30 s)',
    async () => {
      givenLedger();
      const paid = Array.from({ length: 5000 }, (_, i) =>
        invoiceItem(
          inv(`P${i}`, {
            dueDate: '2026-09-01',
            openCents: 0,
            status: 'paid',
            collected: { on: '2026-09-11', amountCents: 10000 },
          }),
        ),
      );
      ddb
        .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'INVSTATUS#paid', ':from': '2025-11-23' } })
        .resolves({ Items: paid });
      const res = await call('GET', '/reports/cash-forecast', { query: { weeks: '2' } });
      // F1, due 2026-12-01, is expected ten days late, as C1 paid: in the week of 2026-12-07, out of the two weeks.
      expect(res.json.weeks).toEqual([
        { weekStart: '2026-11-23', expectedCents: 2500, invoiceCount: 1 },
        { weekStart: '2026-11-30', expectedCents: 0, invoiceCount: 0 },
      ]);
      expect(ddb.commandCalls(QueryCommand).length).toBeLessThan(10);
    },
  );

  it('takes today in Paris as the default report date: at 00:30 in Paris it is already the next day', async () => {
    givenLedger();
    setClock(fixedClock('2026-11-22T23:30:00.000Z'));
    const res = await call('GET', '/reports/aged-balance');
    expect(res.json.asOf).toBe('2026-11-23');
  });
});
