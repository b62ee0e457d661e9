import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setClock, setWallClock } from '../../../functions/adapters/clock';
import { invoiceEventPut } from '../../../functions/adapters/db/events';
import { customerItem, invoiceItem } from '../../../functions/adapters/db/items';
import { keys } from '../../../functions/adapters/db/keys';
import { StoredTransaction, transactionItem } from '../../../functions/adapters/db/transactions';
import { fixedClock, systemClock } from '../../../functions/core/dates';
import { apiEnv, makeCaller } from '../api/support';
import { FakeTable } from './fake-table';
import { customer, invoice, workflowMarker } from './fixtures';

import './env';

/**
 * A payment lettered through the admin API whose workflow stop failed: the workflow, parked on a pause (AwaitResume,
 * a task token), must not wait there while the invoice is paid. The retry of the same request stops it; when nobody
 * sends it again, the daily sweep does (the request's stop check).
 */
apiEnv();
const ddb = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
const ses = mockClient(SESv2Client);
const api = await import('../../../functions/api/handler');
const { handler: sweep } = await import('../../../functions/sweep/handler');
const call = makeCaller(api.handler as never, () => api.openApiDocument() as never);
let table: FakeTable;
const arn = 'arn:aws:states:eu-west-3:123456789012:execution:dunning:inv-F-1';
const throttled = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });

const txn = StoredTransaction.parse({
  transactionId: 'T1',
  statementChecksum: 'abc',
  account: { iban: 'FR7630006000011234567890189' },
  status: 'suggested',
  version: 1,
  ingestedAt: '2026-02-04T06:00:00.000Z',
  index: 0,
  bookingDate: '2026-02-03',
  amountCents: 120_000,
  currency: 'EUR',
  label: 'VIR SEPA CLIENT A',
  remittance: {},
  match: {
    transactionId: 'T1',
    status: 'suggested',
    confidence: 0.6,
    reasons: ['amount'],
    suggestions: [{ allocations: [{ invoiceId: 'F-1', amountCents: 120_000 }], confidence: 0.6, reasons: [] }],
  },
});

beforeEach(() => {
  ddb.reset();
  sfn.reset();
  ses.reset();
  ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
  table = new FakeTable().install(ddb);
  setClock(fixedClock('2026-02-04T09:00:00.000Z'));
  table.put(customerItem(customer('A')));
  table.put(
    invoiceItem(invoice('F-1', 'A', '2026-01-10', { pause: { reason: 'dispute', since: '2026-01-20T10:00:00.000Z' } })),
  );
  table.put(workflowMarker('F-1', { executionArn: arn }));
  table.put({
    pk: 'INVOICE#F-1',
    sk: 'PAUSE',
    type: 'pause',
    invoiceId: 'F-1',
    taskToken: 'tok-1',
    storedAt: '2026-01-20T10:00:00.000Z',
    generation: 1,
    state: { invoiceId: 'F-1', doneStepIds: ['courtesy'], outcome: 'paused' },
  });
  table.put(transactionItem(txn));
  sfn.on(StopExecutionCommand).rejectsOnce(throttled()).resolves({});
  setWallClock(fixedClock('2026-02-04T09:00:00.000Z'));
});
afterEach(() => setWallClock(systemClock));
const stopChecks = () => [...table.items.values()].filter((i) => i.sk === 'STOPCHECK');
const nextMorning = async () => {
  setClock(fixedClock('2026-02-05T06:00:00.000Z'));
  setWallClock(fixedClock('2026-02-05T06:00:00.000Z'));
  return sweep({ source: 'encaisse.schedule', kind: 'daily-sweep', scheduledTime: '2026-02-05T06:00:00Z' });
};
const manualMatch = { allocations: [{ invoiceId: 'F-1', amountCents: 120_000 }] };

describe('a payment lettered through the API whose workflow stop failed', () => {
  for (const [name, path, body] of [
    ['a manual match', '/transactions/T1/match', { allocations: [{ invoiceId: 'F-1', amountCents: 120_000 }] }],
    ['an accepted suggestion', '/transactions/T1/accept', { suggestionIndex: 0 }],
  ] as const) {
    it(`${name} sent again stops the workflow parked on its pause, and letters nothing twice`, async () => {
      const first = await call('POST', path, { body });
      expect(first.status).toBe(503); // the payment is recorded; the stop was refused
      expect(table.get('INVOICE#F-1', 'INVOICE')).toMatchObject({ status: 'paid', openCents: 0 });
      expect(table.get('INVOICE#F-1', 'PAUSE')).toBeDefined();
      const again = await call('POST', path, { body });
      expect(again.status).toBe(200);
      expect(again.json.paidInvoiceIds).toEqual(['F-1']);
      expect(sfn.commandCalls(StopExecutionCommand).map((c) => c.args[0].input.executionArn)).toEqual([arn, arn]);
      expect(table.get('INVOICE#F-1', 'WORKFLOW')).toMatchObject({ running: false, endStatus: 'ABORTED' });
      expect(table.get('INVOICE#F-1', 'PAUSE')).toBeUndefined();
      const allocations = [...table.items.values()].filter((i) => i.pk === 'INVOICE#F-1' && /^ALLOC#/.test(i.sk));
      expect(allocations).toHaveLength(1);
      expect(table.get('INVOICE#F-1', 'INVOICE')).toMatchObject({ openCents: 0 });
    });
  }
});

describe('a payment lettered through the API whose workflow stop failed, and nobody sends it again', () => {
  it('has its workflow stopped by the next daily sweep, its pause forgotten', async () => {
    expect((await call('POST', '/transactions/T1/match', { body: manualMatch })).status).toBe(503);
    expect(stopChecks()).toHaveLength(1);
    const report = await nextMorning();
    expect(report.stopped).toEqual(['F-1']);
    expect(sfn.commandCalls(StopExecutionCommand).map((c) => c.args[0].input.executionArn)).toEqual([arn, arn]);
    expect(table.get('INVOICE#F-1', 'WORKFLOW')).toMatchObject({ running: false, endStatus: 'ABORTED' });
    expect(table.get('INVOICE#F-1', 'PAUSE')).toBeUndefined();
    expect(stopChecks()).toEqual([]);
    expect((await nextMorning()).stopped).toEqual([]); // settled once
  });

  it('under a formal notice, the sweep tells finance what the notice also claimed before it stops, once', async () => {
    const current = table.get('INVOICE#F-1', 'INVOICE')!;
    table.put({ ...current, dunningLevel: 'formal_notice' });
    table.put({
      ...keys.send('F-1', 'formal-notice'),
      kind: 'formal_notice',
      claims: {
        on: '2026-01-25',
        reference: 'MED-F-1',
        currency: 'EUR',
        principalCents: 120_000,
        interestCents: 1_234,
        indemnityCents: 4_000,
      },
    });
    const sent = { invoiceId: 'F-1', at: '2026-01-25T08:30:00.000Z', actor: 'system:dunning' };
    table.put(invoiceEventPut({ ...sent, kind: 'formal_notice_sent', detail: { stepId: 'formal-notice' } }).Put.Item);
    // the request letters the payment, then SES refuses its alert to finance: nothing stopped, nobody sends it again
    ses.on(SendEmailCommand).rejectsOnce(throttled()).resolves({ MessageId: 'm-1' });
    sfn.on(StopExecutionCommand).resolves({});
    expect((await call('POST', '/transactions/T1/match', { body: manualMatch })).status).toBeGreaterThanOrEqual(500);
    expect(table.get('INVOICE#F-1', 'INVOICE')).toMatchObject({ status: 'paid' });
    expect(sfn.commandCalls(StopExecutionCommand)).toHaveLength(0);
    const told = () =>
      ses.commandCalls(SendEmailCommand).filter((c) => /mise en demeure impay/.test(JSON.stringify(c.args[0].input)));
    expect(told()).toHaveLength(1); // the refused one
    expect((await nextMorning()).stopped).toEqual(['F-1']);
    expect(told()).toHaveLength(2);
    const lines = [...table.items.values()].filter((i) => i.pk === 'INVOICE#F-1' && i.kind === 'notice_claims_unpaid');
    expect(lines).toHaveLength(1);
    await nextMorning();
    expect(told()).toHaveLength(2);
  });

  it('a match that goes through, or is refused, leaves no stop check behind', async () => {
    sfn.on(StopExecutionCommand).resolves({});
    expect((await call('POST', '/transactions/T1/match', { body: manualMatch })).status).toBe(200);
    expect(stopChecks()).toEqual([]);
    const tooMuch = { allocations: [{ invoiceId: 'F-1', amountCents: 120_000 }] };
    expect((await call('POST', '/transactions/T1/match', { body: { ...tooMuch, writeOffCents: 100 } })).status).toBe(
      409,
    );
    expect(stopChecks()).toEqual([]);
  });

  it('the sweep leaves a check younger than 15 minutes, and drops one whose invoice is still owed', async () => {
    table.put({ pk: 'INVOICE#F-1', sk: 'STOPCHECK', gsi1pk: 'DUNNING#STOPCHECKS', invoiceId: 'F-1', at: W(0) });
    setWallClock(fixedClock('2026-02-04T09:10:00.000Z'));
    await sweep({ source: 'encaisse.schedule', kind: 'daily-sweep' });
    expect(stopChecks()).toHaveLength(1); // its request may still be running
    setWallClock(fixedClock('2026-02-04T09:20:00.000Z'));
    const report = await sweep({ source: 'encaisse.schedule', kind: 'daily-sweep' });
    expect(report.stopped).toEqual([]);
    expect(sfn.commandCalls(StopExecutionCommand)).toHaveLength(0); // still owed: its dunning goes on
    expect(stopChecks()).toEqual([]);
  });
});
const W = (minutes: number) => new Date(Date.parse('2026-02-04T09:00:00.000Z') + minutes * 60_000).toISOString();
