import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, PutCommand, QueryCommand, TransactWriteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { writeStatementFile } from '../../../functions/core/statements';
import type { Statement } from '../../../functions/core/model';

process.env.TABLE_NAME = 'encaisse-test';
process.env.SENDER_EMAIL = 'encaisse@example.com';
process.env.FINANCE_EMAILS = 'finance@example.com';
process.env.STATE_MACHINE_ARN = 'arn:aws:states:eu-west-3:123456789012:stateMachine:dunning';
process.env.AWS_REGION = 'eu-west-3';

const { handler } = await import('../../../functions/ingest/handler');

const s3 = mockClient(S3Client);
const ddb = mockClient(DynamoDBDocumentClient);
const ses = mockClient(SESv2Client);

const statement: Statement = {
  format: 'cfonb120',
  account: { bankCode: '30003', branchCode: '01234', accountNumber: '00012345678' },
  currency: 'EUR',
  openingBalanceCents: 0,
  closingBalanceCents: 500_00,
  entries: [{ index: 0, bookingDate: '2026-11-20', amountCents: 500_00, currency: 'EUR', bankCodes: [], label: 'VIR SEPA CLIENT', remittance: { unstructured: ['F2026-9'], structured: [] }, reversal: false, raw: [] }],
  balanceCheck: { status: 'ok' },
};

function sqsEvent(key: string) {
  const body = JSON.stringify({ Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'statements' }, object: { key } } }] });
  return { Records: [{ messageId: 'm-1', body }] };
}

/** The part of an S3 body stream the adapter uses. */
function bodyOf(text: string) {
  return { transformToByteArray: async () => new TextEncoder().encode(text) };
}

beforeEach(() => {
  s3.reset();
  ddb.reset();
  ses.reset();
  ddb.on(QueryCommand).resolves({ Items: [] });
  ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
});

describe('ingest handler', () => {
  it('hands a message back to SQS when S3 is throttling, so the statement is retried rather than lost', async () => {
    s3.on(GetObjectCommand).rejects(Object.assign(new Error('Slow Down'), { name: 'SlowDown', $retryable: { throttling: true } }));
    const res = await handler(sqsEvent('inbox/releve.cfo'), {} as never);
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: 'm-1' }]);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('hands the message back when DynamoDB throttles mid-run; the claimed statement stays re-processable', async () => {
    s3.on(GetObjectCommand).resolves({ Body: bodyOf(writeStatementFile('cfonb120', [statement])) as never });
    ddb.on(PutCommand).callsFakeOnce(async () => ({})).rejects(Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' }));
    const res = await handler(sqsEvent('inbox/releve.cfo'), {} as never);
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: 'm-1' }]);
    const claim = ddb.commandCalls(PutCommand)[0].args[0].input;
    // a run that dies leaves the file `processing`: a later delivery takes it over once the claim's lease has run out
    expect(claim.ConditionExpression).toContain('#s = :processing AND #r < :stale');
    expect(s3.commandCalls(DeleteObjectCommand)).toHaveLength(0);
  });

  it('hands the message back while another delivery of the same file is being ingested (SQS delivers at least once)', async () => {
    s3.on(GetObjectCommand).resolves({ Body: bodyOf(writeStatementFile('cfonb120', [statement])) as never });
    ddb.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'claimed', $metadata: {} }));
    ddb.on(GetCommand).resolves({ Item: { pk: 'STATEMENT#x', sk: 'STATEMENT', checksum: 'x', sourceKey: 'inbox/releve.cfo', receivedAt: new Date().toISOString(), status: 'processing', accounts: [], sizeBytes: 1 } });
    const res = await handler(sqsEvent('inbox/releve.cfo'), {} as never);
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: 'm-1' }]);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(s3.commandCalls(DeleteObjectCommand)).toHaveLength(0);
  });

  it('files a statement already processed under processed/ without storing anything again', async () => {
    s3.on(GetObjectCommand).resolves({ Body: bodyOf(writeStatementFile('cfonb120', [statement])) as never });
    ddb.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'claimed', $metadata: {} }));
    ddb.on(GetCommand).resolves({ Item: { pk: 'STATEMENT#x', sk: 'STATEMENT', checksum: 'x', sourceKey: 'inbox/a.cfo', receivedAt: '2026-01-01T00:00:00.000Z', status: 'processed', accounts: [], sizeBytes: 1 } });
    const res = await handler(sqsEvent('inbox/releve.cfo'), {} as never);
    expect(res.batchItemFailures).toEqual([]);
    expect(s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Key)).toEqual(['processed/releve.cfo']);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('ignores the S3 test event and objects outside the inbox', async () => {
    const res = await handler({ Records: [{ messageId: 't', body: JSON.stringify({ Event: 's3:TestEvent' }) }, sqsEvent('processed/x.cfo').Records[0]] }, {} as never);
    expect(res.batchItemFailures).toEqual([]);
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
  });

  it('decodes the URL-encoded key S3 sends before reading the file', async () => {
    s3.on(GetObjectCommand).resolves({});
    s3.on(GetObjectCommand, { Key: 'inbox/relevé novembre+1.cfo' }).rejects(Object.assign(new Error('gone'), { name: 'NoSuchKey' }));
    const res = await handler(sqsEvent('inbox/relev%C3%A9+novembre%2B1.cfo'), {} as never);
    expect(res.batchItemFailures).toEqual([]);
    expect(s3.commandCalls(GetObjectCommand)[0].args[0].input.Key).toBe('inbox/relevé novembre+1.cfo');
  });

  it('refuses an event that is not an SQS batch, naming what is wrong', async () => {
    await expect(handler({ nope: true }, {} as never)).rejects.toThrow(/Records/);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });
});
