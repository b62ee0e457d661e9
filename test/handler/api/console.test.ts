import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { setClock } from '../../../functions/adapters/clock';
import { customerItem, invoiceItem } from '../../../functions/adapters/db/items';
import { fixedClock } from '../../../functions/core/dates';
import { Customer, type Invoice } from '../../../functions/core/model';
import { apiEnv, makeCaller, problemType } from './support';

apiEnv();
const ddb = mockClient(DynamoDBDocumentClient);
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
const customer = Customer.parse({ customerId: 'C1', name: 'Boulangerie Martin', version: 1 });
const since = '2026-11-20T08:00:00.000Z';

function seed(invoices: Invoice[]) {
  ddb.on(QueryCommand).resolves({ Items: [] });
  ddb.on(GetCommand).resolves({});
  ddb
    .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'INVSTATUS#open' } })
    .resolves({ Items: invoices.map(invoiceItem) });
  ddb
    .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'CUSTOMERS' } })
    .resolves({ Items: [customerItem(customer)] });
}

beforeEach(() => {
  ddb.reset();
  setClock(fixedClock('2026-11-23T09:00:00.000Z'));
});

describe('GET /console/today: what needs a person now', () => {
  it('lists approvals, disputes and promises falling due from the pauses of owed invoices', async () => {
    seed([
      inv('F1', { pause: { reason: 'manual', since, note: 'approval:formal-notice' } }),
      inv('F2', { pause: { reason: 'dispute', since, note: 'livraison incomplète' } }),
      inv('F3', { pause: { reason: 'promise', since, until: '2026-11-25' } }),
      inv('F4', { pause: { reason: 'promise', since, until: '2026-12-20' } }),
      inv('F5', { pause: { reason: 'manual', since } }),
    ]);
    const res = await call('GET', '/console/today');
    expect(res.status).toBe(200);
    expect(res.json.asOf).toBe('2026-11-23');
    expect(res.json.approvals).toEqual([
      { invoiceId: 'F1', customerId: 'C1', since, note: 'approval:formal-notice', stepId: 'formal-notice' },
    ]);
    expect(res.json.disputes.map((d: { invoiceId: string }) => d.invoiceId)).toEqual(['F2']);
    expect(res.json.promisesDue).toEqual([{ invoiceId: 'F3', customerId: 'C1', since, until: '2026-11-25' }]);
  });

  const failedMarker = (invoiceId: string, endedAt: string, endReason?: string) => ({
    pk: `INVOICE#${invoiceId}`,
    sk: 'WORKFLOW',
    gsi1pk: 'DUNNING#FAILED',
    gsi1sk: `${endedAt}#${invoiceId}`,
    invoiceId,
    generation: 1,
    executionName: `inv-${invoiceId}`,
    executionArn: `arn:aws:states:eu-west-3:123456789012:execution:dunning:inv-${invoiceId}`,
    running: false,
    startedAt: '2026-10-02T06:00:00.000Z',
    endedAt,
    endStatus: 'FAILED',
    ...(endReason ? { endReason } : {}),
  });

  it('lists the failed workflows of unpaused owed invoices from the markers of failed generations', async () => {
    seed([inv('F1'), inv('F2', { pause: { reason: 'dispute', since } })]);
    ddb.on(QueryCommand, { IndexName: 'gsi1', ExpressionAttributeValues: { ':pk': 'DUNNING#FAILED' } }).resolves({
      Items: [
        failedMarker('F1', '2026-11-22T06:00:00.000Z', 'States.Timeout'),
        failedMarker('F2', '2026-11-20T06:00:00.000Z'),
        failedMarker('F9', '2026-11-21T06:00:00.000Z'),
      ],
    });
    const res = await call('GET', '/console/today');
    expect(res.json.failedWorkflows).toEqual([
      { invoiceId: 'F1', customerId: 'C1', at: '2026-11-22T06:00:00.000Z', error: 'States.Timeout' },
    ]);
  });

  it('answers within the 30 s of API Gateway whatever the book: 5,000 owed invoices, no read per invoice', async () => {
    seed(Array.from({ length: 5000 }, (_, i) => inv(`F${i}`)));
    const res = await call('GET', '/console/today');
    expect(res.status).toBe(200);
    // Owed invoices, customers, review queue (2), statements, failed workflows, the one customer's bounces.
    expect(ddb.commandCalls(QueryCommand).length).toBeLessThan(20);
  });

  it(
    'lists bounced addresses with the customer name, rejected statements with their reason, and half-years missing ' +
      'rates',
    async () => {
      seed([]);
      ddb.on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'CUSTOMER#C1', ':b': 'BOUNCE#' } }).resolves({
        Items: [{ customerId: 'C1', email: 'compta@martin.fr', at: '2026-11-21T10:00:00.000Z', kind: 'hard_bounce' }],
      });
      ddb.on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'STATEMENTS' } }).resolves({
        Items: [
          {
            checksum: 'aaaaaaaa',
            sourceKey: 'inbox/releve.cfo',
            receivedAt: '2026-11-22T07:00:00.000Z',
            status: 'rejected',
            sizeBytes: 10,
            error: { code: 'balance_mismatch', message: 'closing balance differs' },
          },
          {
            checksum: 'bbbbbbbb',
            sourceKey: 'inbox/ok.cfo',
            receivedAt: '2026-11-21T07:00:00.000Z',
            status: 'processed',
            sizeBytes: 10,
          },
        ],
      });
      const res = await call('GET', '/console/today');
      expect(res.json.bounces).toEqual([
        {
          customerId: 'C1',
          customerName: 'Boulangerie Martin',
          email: 'compta@martin.fr',
          at: '2026-11-21T10:00:00.000Z',
          kind: 'hard_bounce',
        },
      ]);
      expect(res.json.rejectedStatements).toEqual([
        {
          checksum: 'aaaaaaaa',
          sourceKey: 'inbox/releve.cfo',
          receivedAt: '2026-11-22T07:00:00.000Z',
          code: 'balance_mismatch',
          message: 'closing balance differs',
        },
      ]);
      expect(res.json.missingRates).toEqual([{ half: '2026-H2', ecbMro: true, legalRate: true }]);
    },
  );

  it('lists a dispute whose reason the customer typed as "approval:agency" as a dispute, not an approval', async () => {
    seed([inv('F1', { pause: { reason: 'dispute', since, note: 'approval:agency' } })]);
    const res = await call('GET', '/console/today');
    expect(res.json.approvals).toEqual([]);
    expect(res.json.disputes.map((d: { invoiceId: string }) => d.invoiceId)).toEqual(['F1']);
  });

  it('is readable by the read-only role', async () => {
    seed([]);
    expect((await call('GET', '/console/today', { as: 'readonly' })).status).toBe(200);
  });
});

describe('POST /console/statement-upload: a presigned form to drop a statement into the inbox', () => {
  it('signs a POST under inbox/ limited to the size the console allows', async () => {
    const res = await call('POST', '/console/statement-upload', {
      body: { fileName: 'releve novembre.cfo', sizeBytes: 1200 },
    });
    expect(res.status).toBe(200);
    expect(res.json.key).toMatch(/^inbox\/console-[0-9a-f-]{36}\/releve novembre\.cfo$/);
    expect(res.json.fields.key).toBe(res.json.key);
    const policy = JSON.parse(Buffer.from(res.json.fields.Policy, 'base64').toString('utf8'));
    expect(policy.conditions).toContainEqual(['content-length-range', 1, 20 * 1024 * 1024]);
    expect(res.json.url).toContain('statements');
  });

  it('refuses a file over the limit before signing anything, naming the field', async () => {
    const res = await call('POST', '/console/statement-upload', {
      body: { fileName: 'gros.xml', sizeBytes: 20 * 1024 * 1024 + 1 },
    });
    expect(res.status).toBe(400);
    expect(res.json.errors[0].field).toBe('sizeBytes');
  });

  it('refuses a name with a folder in it', async () => {
    const res = await call('POST', '/console/statement-upload', {
      body: { fileName: '../processed/x.cfo', sizeBytes: 10 },
    });
    expect(problemType(res)).toBe('validation');
  });

  it('is for the finance role only', async () => {
    const res = await call('POST', '/console/statement-upload', {
      body: { fileName: 'a.cfo', sizeBytes: 10 },
      as: 'readonly',
    });
    expect(res.status).toBe(403);
  });
});

describe('GET /console/document-link: a short-lived link to a PDF the dunning sent', () => {
  it('signs a GET of a formal notice for five minutes, for the read-only role too', async () => {
    process.env.DOCUMENTS_BUCKET = 'documents';
    const res = await call('GET', '/console/document-link', {
      query: { key: 'letters/2026/F1-mise-en-demeure.pdf' },
      as: 'readonly',
    });
    expect(res.status).toBe(200);
    expect(res.json.url).toContain('letters/2026/F1-mise-en-demeure.pdf');
    expect(res.json.url).toContain('X-Amz-Expires=300');
  });

  it('links a file a customer attached to a dispute, to be downloaded rather than shown in the browser', async () => {
    process.env.DOCUMENTS_BUCKET = 'documents';
    const key = 'disputes/F-2026-0042/2026-06-02T09_00_00.000Z-bon.pdf';
    const res = await call('GET', '/console/document-link', { query: { key }, as: 'readonly' });
    expect(res.status).toBe(200);
    expect(res.json.url).toContain(key.replace(/:/g, '%3A'));
    expect(decodeURIComponent(res.json.url)).toContain(
      'response-content-disposition=attachment; filename="2026-06-02T09_00_00.000Z-bon.pdf"',
    );
    const letter = await call('GET', '/console/document-link', { query: { key: 'letters/2026/F1.pdf' } });
    expect(letter.json.url).not.toContain('response-content-disposition');
  });

  it('refuses any key outside letters/, case-files/ and disputes/ (statements, others’ invoices)', async () => {
    const climbing = ['letters/../processed/releve.cfo', 'disputes/./x.pdf', 'case-files//x.pdf', 'letters/a/..'];
    for (const key of ['processed/releve.cfo', 'invoices/F1.pdf', '/letters/x.pdf', ...climbing]) {
      const res = await call('GET', '/console/document-link', { query: { key } });
      expect(res.status, key).toBe(400);
    }
  });
});
