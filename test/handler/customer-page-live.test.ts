import './dunning/env';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { claimAnswer, settleAnswer } from '../../functions/adapters/db/answers';
import { saveInvoices, VersionConflictError } from '../../functions/adapters/db/invoices';
import { Invoice } from '../../functions/core/model';

const ddb = mockClient(DynamoDBDocumentClient);
const invoice = (id: string, version: number) =>
  Invoice.parse({
    invoiceId: id,
    customerId: 'ACME',
    amountCents: 100,
    openCents: 100,
    issueDate: '2026-03-01',
    dueDate: '2026-04-01',
    status: 'open',
    version,
  });
const change = (id: string, version: number) => {
  const { version: _v, ...next } = invoice(id, version);
  return {
    current: invoice(id, version),
    next: { ...next, pause: { reason: 'promise' as const, since: '2026-06-02T09:00:00.000Z', until: '2026-06-20' } },
    event: { at: '2026-06-02T09:00:00.000Z', kind: 'payment_promised', actor: 'customer:ACME', detail: {} },
  };
};

describe('the pauses of a customer’s answer, as the page saves them', () => {
  beforeEach(() => ddb.reset());

  it('are written in one transaction, each invoice conditional on its version, with its event', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    const saved = await saveInvoices([change('F-1', 3), change('F-2', 0)]);
    expect(saved.map((i) => [i.invoiceId, i.version])).toEqual([
      ['F-1', 4],
      ['F-2', 1],
    ]);
    const calls = ddb.commandCalls(TransactWriteCommand);
    expect(calls).toHaveLength(1);
    const items = calls[0].args[0].input.TransactItems ?? [];
    expect(items).toHaveLength(4);
    expect(items[2].Put?.ExpressionAttributeValues).toEqual({ ':v': 0 });
  });

  it('a conflict on the second invoice writes nothing and names that invoice', async () => {
    ddb.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'Transaction cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'None' }, { Code: 'None' }, { Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
      }),
    );
    const err = await saveInvoices([change('F-1', 3), change('F-2', 0)]).catch((e) => e);
    expect(err).toBeInstanceOf(VersionConflictError);
    expect(err.invoiceId).toBe('F-2');
  });
});

describe('the record of a posted form', () => {
  beforeEach(() => ddb.reset());
  const at = new Date('2026-06-02T09:00:00.000Z');

  it('is claimed by one post only: a second finds it taken, unless left pending over a minute', async () => {
    ddb
      .on(PutCommand)
      .resolvesOnce({})
      .rejects(new ConditionalCheckFailedException({ message: 'no', $metadata: {} }));
    expect(await claimAnswer('link#promise#n', at)).toBe(true);
    expect(await claimAnswer('link#promise#n', at)).toBe(false);
    const put = ddb.commandCalls(PutCommand)[0].args[0].input;
    expect(put.Item).toMatchObject({ pk: 'ANSWER#link#promise#n', sk: 'ANSWER', state: 'pending' });
    expect(put.ConditionExpression).toBe('attribute_not_exists(pk) OR (#s = :pending AND claimedAt < :stale)');
    expect(put.ExpressionAttributeValues?.[':stale']).toBe(at.getTime() - 60_000);
  });

  it('is marked done once the answer is recorded, and released when it is not', async () => {
    ddb.on(PutCommand).resolves({});
    ddb.on(DeleteCommand).resolves({});
    await settleAnswer('k', true, at);
    await settleAnswer('k', false, at);
    expect(ddb.commandCalls(PutCommand)[0].args[0].input.Item).toMatchObject({ state: 'done' });
    expect(ddb.commandCalls(DeleteCommand)[0].args[0].input.Key).toEqual({ pk: 'ANSWER#k', sk: 'ANSWER' });
  });
});
