import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { BatchGetCommand, DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setClock } from '../../../functions/adapters/clock';
import { fixedClock, systemClock } from '../../../functions/core/dates';
import { type AccessRecord, recordAccess } from '../support/access';

process.env.TABLE_NAME = 'encaisse-test';
process.env.DOCUMENTS_BUCKET = 'documents';
process.env.AWS_REGION = 'eu-west-3';

const { handler } = await import('../../../functions/books-export/handler');
const s3 = mockClient(S3Client);
const ddb = mockClient(DynamoDBDocumentClient);
let access: AccessRecord;

/**
 * books-export reads the table freely but may put only BOOKS# items (the month's ledger), and write only under books/
 * of the documents bucket: the run, and a run that finds the month frozen by another, keep to that.
 */
const matched = {
  pk: 'TXN#t1',
  sk: 'TXN',
  type: 'transaction',
  transactionId: 't1',
  statementChecksum: 'abc',
  account: {},
  status: 'matched',
  index: 0,
  bookingDate: '2026-12-14',
  amountCents: 12000,
  currency: 'EUR',
  bankCodes: [],
  label: 'VIR DUPONT',
  remittance: { unstructured: [], structured: [] },
  reversal: false,
  raw: [],
  applied: [{ invoiceId: 'F1', amountCents: 12000, writeOffCents: 0 }],
  version: 1,
  ingestedAt: '2026-12-14T08:00:00.000Z',
};

beforeEach(() => {
  s3.reset();
  ddb.reset();
  s3.on(PutObjectCommand).resolves({});
  ddb.on(PutCommand).resolves({});
  ddb.on(QueryCommand).resolves({ Items: [] });
  ddb
    .on(QueryCommand, { IndexName: 'gsi2', ExpressionAttributeValues: { ':pk': 'TXNSTATUS#matched' } })
    .resolves({ Items: [matched] });
  ddb.on(BatchGetCommand).resolves({
    Responses: { 'encaisse-test': [{ pk: 'INVOICE#F1', sk: 'INVOICE', invoiceId: 'F1', customerId: 'C1' }] },
  });
  setClock(fixedClock('2027-01-04T05:00:00.000Z'));
  access = recordAccess(ddb, s3);
});
afterEach(async () => {
  expect(await access.outsideGrantsOf('books-export')).toEqual([]);
});
afterAll(() => setClock(systemClock));

describe('books-export keeps within its role', () => {
  it('the month read, frozen in its ledger and written under books/', async () => {
    expect((await handler({}, {} as never)).keys).toHaveLength(2);
    const what = access.needs().map((n) => n.what);
    expect(what).toContain('PutObject documents/books/2026-12/encaisse-FEC-2026-12.txt');
    expect(what.some((w) => w.startsWith('dynamodb:PutItem BOOKS#2026-12 / PART#'))).toBe(true);
  });

  it('a month another run froze first: what that run stored is read back and written', async () => {
    ddb
      .on(PutCommand, { Item: { sk: 'EXPORT' } })
      .rejects(new ConditionalCheckFailedException({ message: 'frozen', $metadata: {} }));
    expect((await handler({}, {} as never)).period).toBe('2026-12');
    expect(
      ddb
        .commandCalls(QueryCommand)
        .some((c) => c.args[0].input.ExpressionAttributeValues?.[':pk'] === 'BOOKS#2026-12'),
    ).toBe(true);
  });
});
