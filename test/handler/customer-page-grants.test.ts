import './dunning/env';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setClock } from '../../functions/adapters/clock';
import { customerItem, invoiceItem } from '../../functions/adapters/db/items';
import { recordLink, recordShortLink } from '../../functions/adapters/db/links';
import { fixedClock } from '../../functions/core/dates';
import { Customer, Invoice } from '../../functions/core/model';
import { formTokenFor, signCustomerLink } from '../../functions/core/payments/customer-link';
import { handler } from '../../functions/customer-page/handler';
import { FakeTable } from './dunning/fake-table';
import { type AccessRecord, recordAccess } from './support/access';

/**
 * The customer page as deployed (its live adapters, not the test doubles of customer-page.test.ts), on an in-memory
 * table: every key it reads or writes, every document it stores or links, is one its narrow role allows.
 */
const ddb = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);
const ses = mockClient(SESv2Client);
const KEY = String(process.env.CUSTOMER_LINK_KEYS);
const LINK = 'link-acme-0001';
const CODE = 'Q2hvcnQtY29kZS1vZi1BQ0';
let table: FakeTable;
let access: AccessRecord;

const invoice = (id: string, overrides: Partial<Invoice> = {}) =>
  Invoice.parse({
    invoiceId: id,
    customerId: 'ACME',
    amountCents: 120_000,
    openCents: 120_000,
    currency: 'EUR',
    issueDate: '2026-03-01',
    dueDate: '2026-04-01',
    status: 'open',
    version: 0,
    ...overrides,
  });

beforeEach(async () => {
  ddb.reset();
  s3.reset();
  ses.reset();
  table = new FakeTable().install(ddb);
  // The record of a posted form is claimed on a condition the in-memory table does not evaluate: absent, or pending.
  ddb.on(PutCommand, { Item: { sk: 'ANSWER' } }).callsFake(async (input) => {
    const held = table.get(input.Item.pk, 'ANSWER');
    if (input.Item.state === 'pending' && held)
      throw Object.assign(new Error('taken'), { name: 'ConditionalCheckFailedException' });
    table.put(input.Item);
    return {};
  });
  s3.on(PutObjectCommand).resolves({});
  ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
  setClock(fixedClock('2026-06-02T09:00:00.000Z'));
  table.put(customerItem(Customer.parse({ customerId: 'ACME', name: 'ACME SAS', language: 'fr' })));
  table.put(invoiceItem(invoice('F-1', { pdfKey: 'invoices/F-1.pdf' })));
  table.put(invoiceItem(invoice('F-2', { dunningLevel: 'formal_notice', dueDate: '2026-03-01' })));
  const link = { customerId: 'ACME', linkId: LINK, validUntil: '2026-12-01T00:00:00.000Z' };
  await recordLink({ ...link, issuedAt: '2026-05-01T00:00:00.000Z', purpose: 'formal_notice' });
  await recordShortLink({ code: CODE, ...link });
  access = recordAccess(ddb, s3);
});

afterEach(async () => {
  expect(await access.outsideGrantsOf('customer-page')).toEqual([]);
});

const token = signCustomerLink({ customerId: 'ACME', linkId: LINK, expiresAt: '2026-12-01T00:00:00.000Z' }, KEY);
const sameSite = { 'sec-fetch-site': 'same-origin', origin: 'https://pay.example' };

async function open(method: string, path: string, form?: Record<string, string> | Buffer, type?: string) {
  const event = {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: {
      host: 'pay.example',
      ...(form ? { ...sameSite, 'content-type': type ?? 'application/x-www-form-urlencoded' } : {}),
    },
    requestContext: { http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'test' } },
    body: Buffer.isBuffer(form) ? form.toString('base64') : form && new URLSearchParams(form).toString(),
    isBase64Encoded: Buffer.isBuffer(form),
  } as unknown as APIGatewayProxyEventV2;
  return (await handler(event, {} as Context)) as APIGatewayProxyStructuredResultV2;
}

const formToken = formTokenFor(LINK, KEY);
/** A form's nonce as the page writes it (a UUID): the answer's record is claimed under it. */
const nonce = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const answer = (n: number, action = 'promise') => table.get(`ANSWER#${LINK}#${action}#${nonce(n)}`, 'ANSWER');
const promise = (promisedFor: string, n: number) => ({ formToken, nonce: nonce(n), promisedFor });

function dispute(): Buffer {
  const boundary = '----encaisseGrants';
  const field = (k: string, v: string) =>
    `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`;
  return Buffer.concat([
    Buffer.from(field('formToken', formToken) + field('invoiceNumber', 'F-1') + field('reason', 'Déjà payé')),
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="preuve.pdf"\r\nContent-Type: ` +
        'application/pdf\r\n\r\n',
    ),
    Buffer.from('%PDF-1.4\n%%EOF\n'),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
}
const multipart = 'multipart/form-data; boundary=----encaisseGrants';

describe('the customer page keeps within its role', () => {
  it('showing the page: the link, the customer, the owed invoices with their payments, policies, rates', async () => {
    const page = await open('GET', `/c/${token}`);
    expect(page.statusCode).toBe(200);
    expect(String(page.body)).toContain('F-2');
    expect(access.needs().map((n) => n.what)).toContain('a presigned link to encaisse-documents-test/invoices/F-1.pdf');
  });

  it('a letter’s short link', async () => {
    expect((await open('GET', `/c/s/${CODE}`)).statusCode).toBe(303);
  });

  it('a promise: the pauses and their history in one transaction, the answer recorded, finance told', async () => {
    expect((await open('POST', `/c/${token}/promise`, promise('2026-06-12', 1))).statusCode).toBe(303);
    expect(table.get('INVOICE#F-1', 'INVOICE')?.pause).toMatchObject({ reason: 'promise' });
    expect(answer(1)).toMatchObject({ state: 'done' });
  });

  it('a payment the customer reports', async () => {
    const form = { formToken, nonce: nonce(2), paidOn: '2026-06-02', amount: '1200,00' };
    expect((await open('POST', `/c/${token}/paid`, form)).statusCode).toBe(303);
    expect(answer(2, 'paid')).toMatchObject({ state: 'done' });
  });

  it('a dispute with its file', async () => {
    expect((await open('POST', `/c/${token}/dispute`, dispute(), multipart)).statusCode).toBe(303);
    expect(s3.commandCalls(PutObjectCommand)[0].args[0].input.Key).toMatch(/^disputes\/F-1\//);
  });

  it('an answer finance could not be told of: nothing recorded, the answer’s record released', async () => {
    ses.on(SendEmailCommand).rejects(Object.assign(new Error('refused'), { name: 'MessageRejected' }));
    expect((await open('POST', `/c/${token}/promise`, promise('2026-06-12', 3))).statusCode).not.toBe(303);
    expect(
      ddb.commandCalls(PutCommand).some((c) => c.args[0].input.Item?.pk === `ANSWER#${LINK}#promise#${nonce(3)}`),
    ).toBe(true);
    expect(answer(3)).toBeUndefined();
  });
});
