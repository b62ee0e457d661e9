import { SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { setClock } from '../../../functions/adapters/clock';
import { invoiceItem } from '../../../functions/adapters/db/items';
import { StoredTransaction, transactionItem } from '../../../functions/adapters/db/transactions';
import { fixedClock } from '../../../functions/core/dates';
import type { Invoice } from '../../../functions/core/model';
import { apiEnv, awsError, invoice, makeCaller } from './support';

/** A write sent again after a timeout (its answer lost) must not act twice. */
apiEnv();
const ddb = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
const api = await import('../../../functions/api/handler');
const call = makeCaller(api.handler as never, () => api.openApiDocument() as never);

beforeEach(() => {
  ddb.reset();
  sfn.reset();
  setClock(fixedClock('2026-11-23T09:00:00.000Z'));
  ddb.on(DeleteCommand).resolves({});
});

/** The invoice as stored, with its history, for both a single read and a dossier read. */
function given(inv: Invoice, history: Record<string, unknown>[] = []) {
  ddb.on(GetCommand, { Key: { pk: `INVOICE#${inv.invoiceId}`, sk: 'INVOICE' } }).resolves({ Item: invoiceItem(inv) });
  ddb.on(QueryCommand).resolves({
    Items: [
      invoiceItem(inv),
      ...history.map((e, i) => ({ pk: `INVOICE#${inv.invoiceId}`, sk: `EVENT#${e.at}#${i}`, type: 'event', ...e })),
    ],
  });
}

/** What the first call wrote: the saved invoice and its history event, stored as the retry will read them. */
function storeFirstWrite() {
  const items = ddb.commandCalls(TransactWriteCommand).at(-1)?.args[0].input.TransactItems ?? [];
  const saved = items[0].Put?.Item as Invoice;
  const event = items[1].Put?.Item as Record<string, unknown>;
  given({ ...invoice(), ...saved }, [event]);
}

describe('a partial write-off sent twice', () => {
  const body = { amountCents: 5000, reason: 'geste commercial' };

  it('is written off once: the retry answers the invoice as it is and writes nothing', async () => {
    given(invoice());
    ddb.on(TransactWriteCommand).resolves({});
    const first = await call('POST', '/invoices/F-2026-001/write-off', { body });
    expect(first.status).toBe(200);
    expect(first.json.invoice.openCents).toBe(115000);
    storeFirstWrite();
    const again = await call('POST', '/invoices/F-2026-001/write-off', { body });
    expect(again.status).toBe(200);
    expect(again.json.invoice).toMatchObject({ openCents: 115000, version: 3 });
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  it('is written off twice when the second names the version read after the first (a deliberate repeat)', async () => {
    given(invoice());
    ddb.on(TransactWriteCommand).resolves({});
    await call('POST', '/invoices/F-2026-001/write-off', { body });
    storeFirstWrite();
    const again = await call('POST', '/invoices/F-2026-001/write-off', { body, headers: { 'if-match': '"v3"' } });
    expect(again.status).toBe(200);
    expect(again.json.invoice.openCents).toBe(110000);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(2);
  });

  it('is written off once when the console retries with the If-Match it sent the first time', async () => {
    given(invoice());
    ddb.on(TransactWriteCommand).resolves({});
    await call('POST', '/invoices/F-2026-001/write-off', { body, headers: { 'if-match': '"v2"' } });
    storeFirstWrite();
    const again = await call('POST', '/invoices/F-2026-001/write-off', { body, headers: { 'if-match': '"v2"' } });
    expect(again.status).toBe(200);
    expect(again.json.invoice).toMatchObject({ openCents: 115000, version: 3 });
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  it('the retry of a partial write-off of an invoice with the agency leaves its reminders running', async () => {
    given(invoice({ status: 'in_collection' }));
    ddb.on(TransactWriteCommand).resolves({});
    await call('POST', '/invoices/F-2026-001/write-off', { body });
    storeFirstWrite();
    const again = await call('POST', '/invoices/F-2026-001/write-off', { body });
    expect(again.json).toMatchObject({
      invoice: { status: 'in_collection', openCents: 115000 },
      workflow: { action: 'none' },
    });
    expect(sfn.commandCalls(StopExecutionCommand)).toHaveLength(0);
  });

  it('is applied again when another amount, another reason or a later change came in between', async () => {
    given(invoice({ openCents: 115000, status: 'partially_paid', version: 4 }), [
      {
        invoiceId: 'F-2026-001',
        at: '2026-11-23T08:59:00.000Z',
        kind: 'write_off',
        actor: 'user:local-finance',
        detail: { ...body, invoiceVersion: 3 },
      },
    ]);
    ddb.on(TransactWriteCommand).resolves({});
    const res = await call('POST', '/invoices/F-2026-001/write-off', { body });
    expect(res.json.invoice.openCents).toBe(110000);
  });
});

describe('a whole write-off retried after its answer was lost', () => {
  it('answers 200 with the written-off invoice and stops the reminders it could not stop the first time', async () => {
    given(invoice({ openCents: 350, status: 'partially_paid' }));
    ddb.on(TransactWriteCommand).resolves({});
    sfn.on(StopExecutionCommand).rejectsOnce(awsError('ThrottlingException')).resolves({});
    const first = await call('POST', '/invoices/F-2026-001/write-off', { body: { reason: 'liquidation' } });
    expect(first.status).toBe(503);
    storeFirstWrite();
    const again = await call('POST', '/invoices/F-2026-001/write-off', { body: { reason: 'liquidation' } });
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({
      invoice: { status: 'written_off', openCents: 0 },
      workflow: { action: 'stopped' },
    });
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
    expect(sfn.commandCalls(StopExecutionCommand)).toHaveLength(2);
  });
});

describe('a credit note retried after its answer was lost', () => {
  it('stops the reminders of the invoice it settled, which the first call could not', async () => {
    given(invoice({ openCents: 20000, status: 'partially_paid' }));
    ddb.on(TransactWriteCommand).resolves({});
    sfn.on(StopExecutionCommand).rejectsOnce(awsError('ThrottlingException')).resolves({});
    const body = { creditNoteId: 'AV-9', amountCents: 20000 };
    expect((await call('POST', '/invoices/F-2026-001/credit-note', { body })).status).toBe(503);
    storeFirstWrite();
    const again = await call('POST', '/invoices/F-2026-001/credit-note', { body });
    expect(again.status).toBe(200);
    expect(again.json.workflow).toEqual({ action: 'stopped' });
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });
});

describe('a dispute, pause or promise sent twice', () => {
  const since = '2026-11-23T08:59:30.000Z';

  it('a dispute already recorded with the same note keeps its date and gets no second history line', async () => {
    given(invoice({ version: 3, pause: { reason: 'dispute', since, note: 'livraison incomplète' } }));
    const res = await call('POST', '/invoices/F-2026-001/dispute', { body: { note: 'livraison incomplète' } });
    expect(res.status).toBe(200);
    expect(res.json.invoice).toMatchObject({ version: 3, pause: { since } });
    expect(res.headers.etag).toBe('"v3"');
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('a dispute retried with the If-Match of before the first call answers 200, not a version conflict', async () => {
    given(invoice({ version: 3, pause: { reason: 'dispute', since, note: 'livraison incomplète' } }));
    const res = await call('POST', '/invoices/F-2026-001/dispute', {
      body: { note: 'livraison incomplète' },
      headers: { 'if-match': '"v2"' },
    });
    expect(res.status).toBe(200);
    expect(res.json.invoice.version).toBe(3);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('a pause by hand already in place is not paused again', async () => {
    given(invoice({ version: 3, pause: { reason: 'manual', since } }));
    const res = await call('POST', '/invoices/F-2026-001/pause', { body: {} });
    expect(res.status).toBe(200);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('the same promise to pay is recorded once; another date is a new promise', async () => {
    given(invoice({ version: 3, pause: { reason: 'promise', since, until: '2026-12-05' } }));
    ddb.on(TransactWriteCommand).resolves({});
    const same = await call('POST', '/invoices/F-2026-001/promise', { body: { until: '2026-12-05' } });
    expect(same.json.invoice.version).toBe(3);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
    const later = await call('POST', '/invoices/F-2026-001/promise', { body: { until: '2026-12-12' } });
    expect(later.json.invoice).toMatchObject({ version: 4, pause: { until: '2026-12-12' } });
  });

  it('a dispute over a pause by hand is a change: recorded', async () => {
    given(invoice({ version: 3, pause: { reason: 'manual', since } }));
    ddb.on(TransactWriteCommand).resolves({});
    const res = await call('POST', '/invoices/F-2026-001/dispute', { body: {} });
    expect(res.json.invoice).toMatchObject({ version: 4, pause: { reason: 'dispute' } });
  });
});

describe('a match sent twice', () => {
  const matched = (applied: { invoiceId: string; amountCents: number; writeOffCents: number }[]) =>
    StoredTransaction.parse({
      transactionId: 'T1',
      statementChecksum: 'abc',
      account: { iban: 'FR7630006000011234567890189' },
      status: 'matched',
      version: 2,
      ingestedAt: '2026-11-02T06:00:00.000Z',
      index: 0,
      bookingDate: '2026-11-02',
      amountCents: 120000,
      currency: 'EUR',
      label: 'VIR SEPA DUPONT',
      remittance: {},
      applied,
      match: {
        transactionId: 'T1',
        status: 'matched',
        confidence: 1,
        reasons: ['manual match by user:local-finance'],
        suggestions: [
          { allocations: [{ invoiceId: 'F-2026-001', amountCents: 120000 }], confidence: 0.7, reasons: [] },
        ],
      },
    });
  const paid = invoice({ openCents: 0, status: 'paid', version: 3 });

  function givenMatched(applied: Parameters<typeof matched>[0]) {
    ddb.on(GetCommand, { Key: { pk: 'TXN#T1', sk: 'TXN' } }).resolves({ Item: transactionItem(matched(applied)) });
    ddb.on(GetCommand, { Key: { pk: 'INVOICE#F-2026-001', sk: 'INVOICE' } }).resolves({ Item: invoiceItem(paid) });
    sfn.on(StopExecutionCommand).resolves({});
  }

  it('the same manual match again answers what it applied, without telling finance to undo it', async () => {
    givenMatched([{ invoiceId: 'F-2026-001', amountCents: 120000, writeOffCents: 0 }]);
    const res = await call('POST', '/transactions/T1/match', {
      body: { allocations: [{ invoiceId: 'F-2026-001', amountCents: 120000 }] },
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ transaction: { status: 'matched' }, paidInvoiceIds: ['F-2026-001'] });
    expect(res.json.invoices[0]).toMatchObject({ invoiceId: 'F-2026-001', status: 'paid' });
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('the same suggestion accepted again answers what it applied', async () => {
    givenMatched([{ invoiceId: 'F-2026-001', amountCents: 120000, writeOffCents: 0 }]);
    const res = await call('POST', '/transactions/T1/accept', { body: { suggestionIndex: 0 } });
    expect(res.status).toBe(200);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('another match of a matched transaction is still refused: undo it first', async () => {
    givenMatched([{ invoiceId: 'F-2026-001', amountCents: 100000, writeOffCents: 0 }]);
    const res = await call('POST', '/transactions/T1/match', {
      body: { allocations: [{ invoiceId: 'F-2026-001', amountCents: 120000 }] },
    });
    expect(res.status).toBe(409);
    expect(res.json.detail).toBe('already matched: undo the match first');
  });
});

describe('ids holding the key separators', () => {
  it('an invoice id with "#" and "/" reaches only its own partition, never another invoice’s items', async () => {
    const odd = invoice({ invoiceId: 'A#ALLOC#T1/x', openCents: 350, status: 'partially_paid' });
    given(odd);
    ddb.on(TransactWriteCommand).resolves({});
    const res = await call('POST', `/invoices/${encodeURIComponent(odd.invoiceId)}/write-off`, {
      body: { amountCents: 100, reason: 'frais' },
    });
    expect(res.status).toBe(200);
    const query = ddb.commandCalls(QueryCommand)[0].args[0].input;
    expect(query.KeyConditionExpression).toBe('pk = :pk');
    expect(query.ExpressionAttributeValues).toEqual({ ':pk': 'INVOICE#A#ALLOC#T1/x' });
    const items = ddb.commandCalls(TransactWriteCommand)[0].args[0].input.TransactItems ?? [];
    expect(items.map((i) => i.Put?.Item?.pk)).toEqual(['INVOICE#A#ALLOC#T1/x', 'INVOICE#A#ALLOC#T1/x']);
    expect(items[0].Put?.Item?.sk).toBe('INVOICE');
  });
});

describe('a rejection sent twice', () => {
  it('leaves the rejected transaction as it is: no second "rejected by" reason, no new version', async () => {
    const rejected = StoredTransaction.parse({
      transactionId: 'T1',
      statementChecksum: 'abc',
      account: { iban: 'FR7630006000011234567890189' },
      status: 'rejected',
      version: 2,
      ingestedAt: '2026-11-02T06:00:00.000Z',
      index: 0,
      bookingDate: '2026-11-02',
      amountCents: 120000,
      currency: 'EUR',
      label: 'VIR SEPA DUPONT',
      remittance: {},
      match: {
        transactionId: 'T1',
        status: 'suggested',
        confidence: 0.4,
        reasons: ['suggestions rejected by user:local-finance'],
        suggestions: [],
      },
    });
    ddb.on(GetCommand, { Key: { pk: 'TXN#T1', sk: 'TXN' } }).resolves({ Item: transactionItem(rejected) });
    ddb.on(TransactWriteCommand).resolves({});
    const res = await call('POST', '/transactions/T1/reject');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: 'rejected', version: 2 });
    expect(res.json.match.reasons).toEqual(['suggestions rejected by user:local-finance']);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });
});
