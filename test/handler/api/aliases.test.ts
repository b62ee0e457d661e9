import { SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
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
import { Customer, type Invoice } from '../../../functions/core/model';
import { apiEnv, makeCaller } from './support';

apiEnv();
const ddb = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
const api = await import('../../../functions/api/handler');
const call = makeCaller(api.handler as never, () => api.openApiDocument() as never);

const KNOWN_IBAN = 'FR7630006000011234567890189';
const FACTOR_IBAN = 'FR7611808009101234567890147';
const customer = (id: string): Customer =>
  Customer.parse({
    customerId: id,
    name: id === 'C1' ? 'Boulangerie Martin' : 'Garage Dupuis',
    ibans: [KNOWN_IBAN],
    version: 1,
  });
const inv = (id: string, customerId = 'C1'): Invoice => ({
  invoiceId: id,
  customerId,
  amountCents: 10000,
  openCents: 10000,
  currency: 'EUR',
  issueDate: '2026-09-01',
  dueDate: '2026-10-01',
  status: 'open',
  version: 1,
});
const txn = (over: Partial<StoredTransaction> = {}): StoredTransaction =>
  StoredTransaction.parse({
    transactionId: 'T1',
    statementChecksum: 'abc',
    account: { iban: 'FR7630004000031234567890143' },
    status: 'suggested',
    version: 1,
    ingestedAt: '2026-11-02T06:00:00.000Z',
    index: 0,
    bookingDate: '2026-11-02',
    amountCents: 20000,
    currency: 'EUR',
    label: 'VIR SEPA',
    remittance: {},
    counterpartyIban: FACTOR_IBAN,
    counterpartyName: 'FACTOR FINANCE SA',
    match: {
      transactionId: 'T1',
      status: 'suggested',
      confidence: 0.6,
      reasons: ['amount'],
      suggestions: [
        {
          allocations: [
            { invoiceId: 'F1', amountCents: 10000 },
            { invoiceId: 'F2', amountCents: 10000 },
          ],
          confidence: 0.6,
          reasons: ['amount'],
        },
      ],
    },
    ...over,
  });

function store(t: StoredTransaction, invoices: Invoice[], aliases: Record<string, unknown>[] = []) {
  ddb.on(GetCommand).resolves({});
  ddb.on(DeleteCommand).resolves({});
  ddb.on(GetCommand, { Key: { pk: 'TXN#T1', sk: 'TXN' } }).resolves({ Item: transactionItem(t) });
  for (const i of invoices)
    ddb.on(GetCommand, { Key: { pk: `INVOICE#${i.invoiceId}`, sk: 'INVOICE' } }).resolves({ Item: invoiceItem(i) });
  for (const id of ['C1', 'C2'])
    ddb
      .on(GetCommand, { Key: { pk: `CUSTOMER#${id}`, sk: 'CUSTOMER' } })
      .resolves({ Item: customerItem(customer(id)) });
  ddb.on(QueryCommand).resolves({ Items: aliases });
  ddb.on(TransactWriteCommand).resolves({});
  ddb.on(PutCommand).resolves({});
  sfn.on(StopExecutionCommand).resolves({});
}
const aliasPuts = () =>
  ddb
    .commandCalls(PutCommand)
    .map((c) => c.args[0].input.Item!)
    .filter((i) => i.type === 'customer_alias');
const learnedEvents = () =>
  ddb
    .commandCalls(PutCommand)
    .map((c) => c.args[0].input.Item!)
    .filter((i) => i.kind === 'payer_alias_learned');

beforeEach(() => {
  ddb.reset();
  sfn.reset();
  setClock(fixedClock('2026-11-23T09:00:00.000Z'));
});

describe('a matcher that learns from finance', () => {
  it(
    'accepting a suggestion from an unknown IBAN and name teaches both as aliases of the customer, audited on the ' +
      'invoices paid',
    async () => {
      store(txn(), [inv('F1'), inv('F2')]);
      const res = await call('POST', '/transactions/T1/accept', { body: { suggestionIndex: 0 } });
      expect(res.status).toBe(200);
      expect(res.json.learnedAliases.map((a: { aliasId: string }) => a.aliasId)).toEqual([
        `iban-${FACTOR_IBAN}`,
        'name-FACTOR-FINANCE-SA',
      ]);
      const [iban] = aliasPuts();
      expect(iban).toMatchObject({
        pk: 'CUSTOMER#C1',
        sk: `ALIAS#iban#${FACTOR_IBAN}`,
        gsi2pk: 'ALIASES',
        learnedBy: 'user:local-finance',
        learnedAt: '2026-11-23T09:00:00.000Z',
        fromTransactionId: 'T1',
      });
      expect(
        learnedEvents()
          .map((e) => e.invoiceId)
          .sort(),
      ).toEqual(['F1', 'F1', 'F2', 'F2']);
    },
  );

  it('a manual match teaches the same way', async () => {
    store(txn({ counterpartyName: undefined }), [inv('F1')]);
    const res = await call('POST', '/transactions/T1/match', {
      body: { allocations: [{ invoiceId: 'F1', amountCents: 10000 }] },
    });
    expect(res.status).toBe(200);
    expect(aliasPuts().map((a) => a.sk)).toEqual([`ALIAS#iban#${FACTOR_IBAN}`]);
  });

  it('a payment split across two customers teaches nothing', async () => {
    store(txn(), [inv('F1'), inv('F2', 'C2')]);
    const res = await call('POST', '/transactions/T1/accept', { body: { suggestionIndex: 0 } });
    expect(res.status).toBe(200);
    expect(res.json.learnedAliases).toEqual([]);
    expect(aliasPuts()).toEqual([]);
  });

  it('a payment from an IBAN the customer already has teaches nothing, whatever the payer name', async () => {
    store(txn({ counterpartyIban: KNOWN_IBAN }), [inv('F1'), inv('F2')]);
    await call('POST', '/transactions/T1/accept', { body: { suggestionIndex: 0 } });
    expect(aliasPuts()).toEqual([]);
  });

  it('an alias finance removed is never learned again', async () => {
    const tombstone = {
      pk: 'CUSTOMER#C1',
      sk: `ALIAS#iban#${FACTOR_IBAN}`,
      type: 'customer_alias',
      aliasId: `iban-${FACTOR_IBAN}`,
      customerId: 'C1',
      kind: 'iban',
      value: FACTOR_IBAN,
      display: FACTOR_IBAN,
      learnedAt: '2026-11-01T00:00:00.000Z',
      learnedBy: 'user:x',
      fromTransactionId: 'T0',
      removedAt: '2026-11-02T00:00:00.000Z',
      removedBy: 'user:y',
    };
    store(txn({ counterpartyName: undefined }), [inv('F1'), inv('F2')], [tombstone]);
    await call('POST', '/transactions/T1/accept', { body: { suggestionIndex: 0 } });
    expect(aliasPuts()).toEqual([]);
  });
});

describe('payer aliases in the API', () => {
  const alias = {
    pk: 'CUSTOMER#C1',
    sk: `ALIAS#iban#${FACTOR_IBAN}`,
    gsi2pk: 'ALIASES',
    gsi2sk: `C1#iban#${FACTOR_IBAN}`,
    type: 'customer_alias',
    aliasId: `iban-${FACTOR_IBAN}`,
    customerId: 'C1',
    kind: 'iban',
    value: FACTOR_IBAN,
    display: FACTOR_IBAN,
    learnedAt: '2026-11-01T00:00:00.000Z',
    learnedBy: 'user:x',
    fromTransactionId: 'T0',
  };

  it('lists a customer’s aliases with who taught them, when and from which payment', async () => {
    store(txn(), [], [alias]);
    const res = await call('GET', '/customers/C1/aliases');
    expect(res.status).toBe(200);
    expect(res.json.items).toEqual([
      {
        aliasId: `iban-${FACTOR_IBAN}`,
        customerId: 'C1',
        kind: 'iban',
        value: FACTOR_IBAN,
        display: FACTOR_IBAN,
        learnedAt: '2026-11-01T00:00:00.000Z',
        learnedBy: 'user:x',
        fromTransactionId: 'T0',
      },
    ]);
  });

  it('removes an alias as a tombstone out of the live index, under the user who removed it', async () => {
    store(txn(), []);
    ddb.on(GetCommand, { Key: { pk: 'CUSTOMER#C1', sk: `ALIAS#iban#${FACTOR_IBAN}` } }).resolves({ Item: alias });
    const res = await call('DELETE', `/customers/C1/aliases/iban-${FACTOR_IBAN}`);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ removedAt: '2026-11-23T09:00:00.000Z', removedBy: 'user:local-finance' });
    const [put] = aliasPuts();
    expect(put).toMatchObject({ sk: `ALIAS#iban#${FACTOR_IBAN}`, removedBy: 'user:local-finance' });
    expect(put.gsi2pk).toBeUndefined();
  });

  it('404 for an unknown alias or customer; read-only may neither list nor remove', async () => {
    store(txn(), []);
    ddb.on(GetCommand, { Key: { pk: 'CUSTOMER#C9', sk: 'CUSTOMER' } }).resolves({});
    expect((await call('DELETE', '/customers/C1/aliases/iban-FR000')).status).toBe(404);
    expect((await call('DELETE', '/customers/C1/aliases/not-an-alias')).status).toBe(404);
    expect((await call('GET', '/customers/C9/aliases')).status).toBe(404);
    expect((await call('GET', '/customers/C1/aliases', { as: 'readonly' })).status).toBe(403);
    expect((await call('DELETE', `/customers/C1/aliases/iban-${FACTOR_IBAN}`, { as: 'readonly' })).status).toBe(403);
  });
});
