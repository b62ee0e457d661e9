import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamo, startDynamo } from '../../bin/local/dynamodb';
import { freePort } from '../../bin/local/ports';
import type { DunningLevel } from '../../functions/core/model';
import { customer, invoice } from '../handler/dunning/fixtures';

/**
 * The dunning-level write and the level filter on DynamoDB Local: the handler tests check them on an in-memory
 * stand-in,
 * this checks that DynamoDB itself accepts the expressions and evaluates the conditions the same way.
 */
let dynamo: LocalDynamo;
let db: {
  recordSend: typeof import('../../functions/adapters/db/sends').recordSend;
  getInvoice: typeof import('../../functions/adapters/db/invoices').getInvoice;
  saveInvoice: typeof import('../../functions/adapters/db/invoices').saveInvoice;
  listInvoices: typeof import('../../functions/adapters/db/api-reads').listInvoices;
};

beforeAll(async () => {
  const port = await freePort();
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  dynamo = await startDynamo({ port, tableName: 'encaisse-level', region: 'eu-west-3', credentials });
  Object.assign(process.env, {
    TABLE_NAME: 'encaisse-level',
    LOCAL_DYNAMODB_ENDPOINT: dynamo.url,
    AWS_REGION: 'eu-west-3',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  });
  const { resetClients } = await import('../../functions/adapters/aws-clients');
  resetClients();
  const { putCustomer } = await import('../../functions/adapters/db/customers');
  await putCustomer(customer('A'));
  db = {
    ...(await import('../../functions/adapters/db/sends')),
    ...(await import('../../functions/adapters/db/invoices')),
    ...(await import('../../functions/adapters/db/api-reads')),
  };
}, 120_000);
afterAll(async () => dynamo?.stop());

const sendOf = (invoiceId: string, stepId: string, level?: DunningLevel) =>
  db.recordSend(
    { invoiceId, stepId, messageId: `m-${stepId}`, kind: 'reminder', at: '2026-02-02T07:30:00.000Z' },
    { at: '2026-02-02T07:30:00.000Z', kind: 'reminder_sent', actor: 'system:dunning', detail: { stepId } },
    level,
  );

describe('the dunning level on DynamoDB Local', () => {
  it('rises with each send, never goes down, and a retry records nothing twice', async () => {
    await db.saveInvoice(undefined, invoice('L-1', 'A', '2025-12-01'), {
      at: '2026-01-01T00:00:00.000Z',
      kind: 'created',
      actor: 'test',
      detail: {},
    });
    expect(await sendOf('L-1', 'courtesy', 'courtesy')).toBe(true);
    expect(await db.getInvoice('L-1')).toMatchObject({ dunningLevel: 'courtesy', version: 1 });
    expect(await sendOf('L-1', 'formal-notice', 'formal_notice')).toBe(true);
    expect(await db.getInvoice('L-1')).toMatchObject({ dunningLevel: 'formal_notice', version: 2 });
    expect(await sendOf('L-1', 'reminder-2', 'reminder_2')).toBe(true);
    expect(await sendOf('L-1', 'formal-notice-again', 'formal_notice')).toBe(true);
    expect(await db.getInvoice('L-1')).toMatchObject({ dunningLevel: 'formal_notice', version: 2 });
    expect(await sendOf('L-1', 'formal-notice', 'formal_notice')).toBe(false);
  });

  it('a send for an invoice that is not there is still recorded', async () => {
    expect(await sendOf('L-missing', 'courtesy', 'courtesy')).toBe(true);
    expect(await db.getInvoice('L-missing')).toBeUndefined();
  });

  it('GET /invoices reads filter by level and by "none"', async () => {
    await db.saveInvoice(undefined, invoice('L-2', 'A', '2025-12-02'), {
      at: '2026-01-01T00:00:00.000Z',
      kind: 'created',
      actor: 'test',
      detail: {},
    });
    const ids = async (level: DunningLevel | 'none', customerId?: string) =>
      (await db.listInvoices({ statuses: ['open'], level, customerId, limit: 50 })).items.map((i) => i.invoiceId);
    expect(await ids('formal_notice')).toEqual(['L-1']);
    expect(await ids('none')).toEqual(['L-2']);
    expect(await ids('none', 'A')).toEqual(['L-2']);
    expect(await ids('courtesy', 'A')).toEqual([]);
  });
});
