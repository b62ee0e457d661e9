import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { cii } from '../../unit/einvoices/helpers';
import { withinGrants } from '../support/access';

process.env.TABLE_NAME = 'encaisse-test';
process.env.SENDER_EMAIL = 'encaisse@example.com';
process.env.FINANCE_EMAILS = 'finance@example.com';
process.env.AWS_REGION = 'eu-west-3';
process.env.STATEMENTS_BUCKET = 'statements';

const inbox = await import('../../../functions/invoice-inbox/handler');
const { invoiceObjectsOf } = inbox;

const s3 = mockClient(S3Client);
const ddb = mockClient(DynamoDBDocumentClient);
/** Each invocation's objects and items checked against invoice-inbox's grants in the stack. */
const handler = withinGrants('invoice-inbox', inbox.handler, ddb, s3);
const ses = mockClient(SESv2Client);
const minimum = readFileSync('/work/shared/fixtures/einvoices/fx-fnfe-Facture_FR_MINIMUM.pdf');

function sqsEvent(key: string) {
  const body = JSON.stringify({
    Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'statements' }, object: { key } } }],
  });
  return { Records: [{ messageId: 'm-1', body }] };
}
const bodyOf = (bytes: Uint8Array) => ({ transformToByteArray: async () => bytes });
const putKeys = () => s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Key);

beforeEach(() => {
  s3.reset();
  ddb.reset();
  ses.reset();
  ddb.on(GetCommand).resolves({});
  ddb.on(PutCommand).resolves({});
  ddb.on(TransactWriteCommand).resolves({});
  ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
});

describe('invoice-inbox handler', () => {
  it(
    'turns a Factur-X dropped in invoices/inbox/ into the buyer’s open invoice and files it under its ' + 'checksum',
    async () => {
      s3.on(GetObjectCommand).resolves({ Body: bodyOf(minimum) as never });
      const res = await handler(sqsEvent('invoices/inbox/Facture+FR+MINIMUM.pdf'), {} as never);
      expect(res.batchItemFailures).toEqual([]);
      const sha = createHash('sha256').update(minimum).digest('hex');
      expect(putKeys()).toEqual([
        `invoices/processed/${sha}/Facture FR MINIMUM.pdf`,
        `invoices/processed/${sha}/report.json`,
      ]);
      expect(s3.commandCalls(DeleteObjectCommand)[0].args[0].input.Key).toBe('invoices/inbox/Facture FR MINIMUM.pdf');
      const customer = ddb.commandCalls(PutCommand)[0].args[0].input.Item!;
      expect(customer).toMatchObject({ pk: 'CUSTOMER#787878784', name: 'Ma jolie boutique' });
      const invoice = (
        ddb.commandCalls(TransactWriteCommand)[0].args[0].input.TransactItems![0] as {
          Put: { Item: Record<string, unknown> };
        }
      ).Put.Item;
      expect(invoice).toMatchObject({
        invoiceId: 'FA-2017-0010',
        customerId: '787878784',
        amountCents: 47015,
        openCents: 47015,
        issueDate: '2017-11-13',
        dueDate: '2017-12-13',
        status: 'open',
      });
      const report = JSON.parse(String(s3.commandCalls(PutObjectCommand)[1].args[0].input.Body));
      expect(report).toMatchObject({ outcome: 'created', profile: 'MINIMUM', syntax: 'CII', sha256: sha });
      expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
    },
  );

  it('rejects a file that is not an invoice with its reason, keeps it under rejected/ and tells finance', async () => {
    s3.on(GetObjectCommand).resolves({
      Body: bodyOf(
        new TextEncoder().encode('<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"/>'),
      ) as never,
    });
    await handler(sqsEvent('invoices/inbox/order.xml'), {} as never);
    expect(putKeys()[0]).toMatch(/^invoices\/rejected\/[0-9a-f]{64}\/order\.xml$/);
    const report = JSON.parse(String(s3.commandCalls(PutObjectCommand)[1].args[0].input.Body));
    expect(report).toMatchObject({ outcome: 'rejected', code: 'not_an_invoice' });
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
    const mail = ses.commandCalls(SendEmailCommand)[0].args[0].input;
    expect(mail.Destination?.ToAddresses).toEqual(['finance@example.com']);
    expect(mail.Content?.Simple?.Subject?.Data).toBe(
      '[encaisse] À corriger : facture électronique rejetée – order.xml',
    );
    expect(mail.Content?.Simple?.Body?.Text?.Data).toContain(
      'Motif : le fichier n’est pas une facture électronique (Factur-X, UBL ou CII)',
    );
  });

  it('imports a windows-1252 file and a buyer without id whose long name is cut, with no retry', async () => {
    const siret =
      '<ram:SpecifiedLegalOrganization><ram:ID schemeID="0002">44306184100047</ram:ID>' +
      '</ram:SpecifiedLegalOrganization>';
    const cp1252 = cii({ buyer: `<ram:BuyerTradeParty><ram:Name>L’Atelier</ram:Name>${siret}</ram:BuyerTradeParty>` })
      .replace('encoding="UTF-8"', 'encoding="windows-1252"')
      .replace('’', '\x92');
    const longName = cii({
      buyer: `<ram:BuyerTradeParty><ram:Name>${'A'.repeat(63)} SARL DE LA BOULANGERIE</ram:Name></ram:BuyerTradeParty>`,
    });
    for (const bytes of [Buffer.from(cp1252, 'latin1'), Buffer.from(longName)]) {
      s3.reset();
      s3.on(GetObjectCommand).resolves({ Body: bodyOf(bytes) as never });
      const res = await handler(sqsEvent('invoices/inbox/f.xml'), {} as never);
      expect(res.batchItemFailures).toEqual([]);
      expect(putKeys()[0]).toMatch(/^invoices\/processed\//);
    }
    const customers = ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item);
    expect(customers).toMatchObject([
      { customerId: '443061841', name: 'L’Atelier' },
      { customerId: 'A'.repeat(63), name: `${'A'.repeat(63)} SARL DE LA BOULANGERIE` },
    ]);
  });

  it('rejects a file whose buyer the customer rules refuse: kept under rejected/, finance told, no retry', async () => {
    const bad = cii({ buyer: '<ram:BuyerTradeParty><ram:Name>Dupont&#x85;Fils</ram:Name></ram:BuyerTradeParty>' });
    s3.on(GetObjectCommand).resolves({ Body: bodyOf(Buffer.from(bad)) as never });
    const res = await handler(sqsEvent('invoices/inbox/f.xml'), {} as never);
    expect(res.batchItemFailures).toEqual([]);
    expect(putKeys()[0]).toMatch(/^invoices\/rejected\//);
    const report = JSON.parse(String(s3.commandCalls(PutObjectCommand)[1].args[0].input.Body));
    expect(report).toMatchObject({ outcome: 'rejected', invoiceId: 'FA-2026-0042', reason: expect.any(String) });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('rejects an invoice whose buyer id is a customer of another name, and tells finance which customer', async () => {
    ddb
      .on(GetCommand, { Key: { pk: 'CUSTOMER#443061841', sk: 'CUSTOMER' } })
      .resolves({ Item: { pk: 'CUSTOMER#443061841', sk: 'CUSTOMER', customerId: '443061841', name: 'Garage Martin' } });
    s3.on(GetObjectCommand).resolves({ Body: bodyOf(Buffer.from(cii())) as never });
    await handler(sqsEvent('invoices/inbox/f.xml'), {} as never);
    expect(putKeys()[0]).toMatch(/^invoices\/rejected\//);
    const report = JSON.parse(String(s3.commandCalls(PutObjectCommand)[1].args[0].input.Body));
    expect(report).toMatchObject({ outcome: 'rejected', code: 'buyer_mismatch', customerId: '443061841' });
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
    const text = ses.commandCalls(SendEmailCommand)[0].args[0].input.Content?.Simple?.Body?.Text?.Data;
    expect(text).toContain(
      'Motif : l’identifiant de l’acheteur est celui d’un client existant dont le nom est différent',
    );
    expect(text).toContain('Client existant : 443061841');
  });

  it('creates no customer when the import is rejected after reading (the invoice is another customer’s)', async () => {
    ddb.on(GetCommand, { Key: { pk: 'INVOICE#FA-2026-0042', sk: 'INVOICE' } }).resolves({
      Item: {
        pk: 'INVOICE#FA-2026-0042',
        sk: 'INVOICE',
        invoiceId: 'FA-2026-0042',
        customerId: 'CMARTIN',
        amountCents: 120000,
        openCents: 120000,
        currency: 'EUR',
        issueDate: '2026-11-02',
        dueDate: '2026-12-02',
        status: 'open',
        version: 1,
      },
    });
    s3.on(GetObjectCommand).resolves({ Body: bodyOf(Buffer.from(cii())) as never });
    await handler(sqsEvent('invoices/inbox/f.xml'), {} as never);
    const report = JSON.parse(String(s3.commandCalls(PutObjectCommand)[1].args[0].input.Body));
    expect(report).toMatchObject({ outcome: 'rejected', reason: expect.stringContaining('customer CMARTIN') });
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('tells finance of a rejection on the redelivery when SES refused the first alert', async () => {
    const order = new TextEncoder().encode('<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"/>');
    let inbox: Uint8Array | undefined = order;
    s3.on(GetObjectCommand).callsFake(async () => {
      if (!inbox) throw Object.assign(new Error('gone'), { name: 'NoSuchKey' });
      return { Body: bodyOf(inbox) };
    });
    s3.on(DeleteObjectCommand).callsFake(async () => {
      inbox = undefined;
      return {};
    });
    ses
      .on(SendEmailCommand)
      .rejectsOnce(Object.assign(new Error('Maximum sending rate exceeded'), { name: 'TooManyRequestsException' }))
      .resolves({ MessageId: 'ses-2' });
    const first = await handler(sqsEvent('invoices/inbox/order.xml'), {} as never);
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: 'm-1' }]);
    expect(inbox, 'the file stays in the inbox').toBeDefined();
    const again = await handler(sqsEvent('invoices/inbox/order.xml'), {} as never);
    expect(again.batchItemFailures).toEqual([]);
    expect(inbox).toBeUndefined();
    const tries = ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input.Content?.Simple?.Subject?.Data);
    expect(tries).toEqual([
      '[encaisse] À corriger : facture électronique rejetée – order.xml',
      '[encaisse] À corriger : facture électronique rejetée – order.xml',
    ]);
  });

  it('does nothing when a second delivery finds the file already moved', async () => {
    s3.on(GetObjectCommand).rejects(Object.assign(new Error('gone'), { name: 'NoSuchKey' }));
    const res = await handler(sqsEvent('invoices/inbox/a.xml'), {} as never);
    expect(res.batchItemFailures).toEqual([]);
    expect(putKeys()).toEqual([]);
  });

  it('hands the message back to SQS when S3 fails, so the file is retried rather than lost', async () => {
    s3.on(GetObjectCommand).rejects(Object.assign(new Error('Slow Down'), { name: 'SlowDown' }));
    expect((await handler(sqsEvent('invoices/inbox/a.xml'), {} as never)).batchItemFailures).toEqual([
      { itemIdentifier: 'm-1' },
    ]);
  });

  it('listens to invoices/inbox/ only: its own processed/ and rejected/ writes and statement drops are ignored', () => {
    const body = (key: string) =>
      JSON.stringify({ Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'b' }, object: { key } } }] });
    expect(invoiceObjectsOf(body('invoices/processed/abc/x.pdf'))).toEqual([]);
    expect(invoiceObjectsOf(body('inbox/releve.cfo'))).toEqual([]);
    expect(invoiceObjectsOf(JSON.stringify({ Event: 's3:TestEvent' }))).toEqual([]);
    expect(invoiceObjectsOf(body('invoices/inbox/ma%20facture.xml'))).toEqual([
      { bucket: 'b', key: 'invoices/inbox/ma facture.xml' },
    ]);
  });
});
