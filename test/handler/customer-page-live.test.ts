import './dunning/env';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
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
