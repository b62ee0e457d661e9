import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { BatchGetCommand, DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { setClock } from '../../../functions/adapters/clock';
import { fixedClock, systemClock } from '../../../functions/core/dates';

process.env.TABLE_NAME = 'encaisse-test';
process.env.DOCUMENTS_BUCKET = 'documents';
process.env.AWS_REGION = 'eu-west-3';

const { handler } = await import('../../../functions/books-export/handler');
const s3 = mockClient(S3Client);
const ddb = mockClient(DynamoDBDocumentClient);

const matched = {
  pk: 'TXN#t1',
  sk: 'TXN',
  gsi2pk: 'TXNSTATUS#matched',
  gsi2sk: '2026-12-14#t1',
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
    .on(QueryCommand, {
      IndexName: 'gsi2',
      ExpressionAttributeValues: { ':pk': 'TXNSTATUS#matched', ':from': '2026-12-01', ':to': '2026-12-31#\uffff' },
    })
    .resolves({ Items: [matched] });
  ddb
    .on(QueryCommand, { IndexName: 'gsi2', ExpressionAttributeValues: { ':pk': 'CUSTOMERS' } })
    .resolves({ Items: [{ pk: 'CUSTOMER#C1', sk: 'CUSTOMER', customerId: 'C1', name: 'Boulangerie Dupont' }] });
  ddb.on(BatchGetCommand).resolves({
    Responses: {
      'encaisse-test': [{ pk: 'INVOICE#F1', sk: 'INVOICE', invoiceId: 'F1', customerId: 'C1', amountCents: 12000 }],
    },
  });
});
afterAll(() => setClock(systemClock));

describe('monthly books export', () => {
  it(
    'on the first business day of January (the 4th, after New Year and a weekend) writes December as FEC and CSV ' +
      'under books/ and freezes it',
    async () => {
      setClock(fixedClock('2027-01-04T05:00:00.000Z'));
      const res = await handler({}, {} as never);
      expect(res).toEqual({
        period: '2026-12',
        keys: ['books/2026-12/encaisse-FEC-2026-12.txt', 'books/2026-12/encaisse-ecritures-2026-12.csv'],
      });
      const fec = String(s3.commandCalls(PutObjectCommand)[0].args[0].input.Body);
      expect(fec.split('\r\n')[2].split('\t').slice(0, 15)).toEqual([
        'BQ',
        'Banque',
        'BQ202612-00001',
        '20261214',
        '411000',
        'Clients',
        'C1',
        'Boulangerie Dupont',
        'F1',
        '20261214',
        'Règlement facture F1',
        '0,00',
        '120,00',
        'F1',
        '20261214',
      ]);
      const frozen = ddb.commandCalls(PutCommand).map((c) => c.args[0].input);
      expect(frozen.map((i) => i.Item!.sk).map((sk) => String(sk).replace(/#[0-9a-f]{8}#/, '#<run>#'))).toEqual([
        'PART#<run>#0001',
        'EXPORT',
      ]);
      expect(frozen[1].ConditionExpression).toBe('attribute_not_exists(pk)');
    },
  );

  it('dates a write-off with its Paris day: 23:30 UTC on 30 November is 1 December, booked in December', async () => {
    ddb.on(QueryCommand, { IndexName: 'gsi2', ExpressionAttributeValues: { ':pk': 'WRITEOFFS' } }).resolves({
      Items: [
        {
          invoiceId: 'F1',
          at: '2026-11-30T23:30:00.000Z',
          kind: 'write_off',
          actor: 'finance@example.com',
          detail: { amountCents: 500 },
        },
      ],
    });
    setClock(fixedClock('2027-01-04T05:00:00.000Z'));
    await handler({}, {} as never);
    const query = ddb
      .commandCalls(QueryCommand)
      .map((c) => c.args[0].input.ExpressionAttributeValues)
      .find((v) => v?.[':pk'] === 'WRITEOFFS');
    expect(query?.[':from']).toBe('2026-11-30');
    const fec = String(s3.commandCalls(PutObjectCommand)[0].args[0].input.Body);
    const writeOff = fec
      .split('\r\n')
      .find((l) => l.includes('654000'))
      ?.split('\t');
    expect(writeOff?.[3]).toBe('20261201');
  });

  it('leaves out a DKK credit and books the whole of a euro credit matched in part, its rest in suspense', async () => {
    const part = {
      ...matched,
      amountCents: 100000,
      applied: [{ invoiceId: 'F1', amountCents: 60000, writeOffCents: 0 }],
    };
    const fecOf = async (txn: typeof matched) => {
      s3.reset();
      s3.on(PutObjectCommand).resolves({});
      ddb
        .on(QueryCommand, { IndexName: 'gsi2', ExpressionAttributeValues: { ':pk': 'TXNSTATUS#matched' } })
        .resolves({ Items: [txn] });
      await handler({}, {} as never);
      const fec = String(s3.commandCalls(PutObjectCommand)[0].args[0].input.Body);
      return fec
        .split('\r\n')
        .slice(1, -1)
        .map((l) => l.split('\t'))
        .map((r) => [r[4], r[11], r[12]]);
    };
    setClock(fixedClock('2027-01-04T05:00:00.000Z'));
    expect(await fecOf({ ...part, currency: 'DKK' })).toEqual([]);
    expect(await fecOf(part)).toEqual([
      ['512000', '1000,00', '0,00'],
      ['411000', '0,00', '600,00'],
      ['471000', '0,00', '400,00'],
    ]);
  });

  it('counts its day in Paris: at 23:30 UTC on 3 January 2027 it is already the 4th there, export day', async () => {
    setClock(fixedClock('2027-01-03T23:30:00.000Z'));
    expect((await handler({}, {} as never)).period).toBe('2026-12');
  });

  it('does nothing on another day', async () => {
    setClock(fixedClock('2027-01-05T05:00:00.000Z'));
    expect(await handler({}, {} as never)).toEqual({ keys: [] });
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });
});
