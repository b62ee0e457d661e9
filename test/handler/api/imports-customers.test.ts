import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
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
import { fixedClock } from '../../../functions/core/dates';
import { fecColumns } from '../../../functions/core/imports';
import { Customer, type Invoice } from '../../../functions/core/model';
import { apiEnv, cancelled, makeCaller, problemType } from './support';

apiEnv();
const ddb = mockClient(DynamoDBDocumentClient);
const api = await import('../../../functions/api/handler');
const call = makeCaller(api.handler as never, () => api.openApiDocument() as never);

const header = 'invoice_id,customer_id,customer_name,customer_iban,amount,currency,issue_date,due_date';
const stored = (over: Partial<Invoice> = {}): Invoice => ({
  invoiceId: 'F1',
  customerId: 'C1',
  amountCents: 10000,
  openCents: 10000,
  currency: 'EUR',
  issueDate: '2026-10-01',
  dueDate: '2026-10-31',
  status: 'open',
  version: 0,
  ...over,
});
const dupont = Customer.parse({
  customerId: 'C1',
  name: 'Dupont',
  paymentTermsDays: 45,
  version: 1,
  contacts: [{ name: 'Compta', email: 'compta@dupont.example', role: 'billing' }],
});

beforeEach(() => {
  ddb.reset();
  setClock(fixedClock('2026-11-23T09:00:00.000Z'));
});

function batchAnswers(invoices: Invoice[], customers: Customer[]) {
  // every stored customer (their IBANs and contacts, for the import's warnings)
  ddb.on(QueryCommand, { IndexName: 'gsi2' }).resolves({ Items: customers.map(customerItem) });
  ddb.on(BatchGetCommand).callsFake((input: { RequestItems: Record<string, { Keys: { pk: string }[] }> }) => {
    const keys = Object.values(input.RequestItems)[0].Keys;
    const items = keys.flatMap((k) => {
      const inv = invoices.find((i) => `INVOICE#${i.invoiceId}` === k.pk);
      const cus = customers.find((c) => `CUSTOMER#${c.customerId}` === k.pk);
      return (inv ? [invoiceItem(inv)] : cus ? [customerItem(cus)] : []) as Record<string, unknown>[];
    });
    return { Responses: { 'encaisse-test': items } };
  });
}

describe('POST /invoices/import: bulk import with a per-row report', () => {
  it(
    'refuses, writing nothing, a file of more rows than one request imports and reports within API Gateway’s 30 s ' +
      'and 6 MB, saying to split it',
    async () => {
      batchAnswers([], [dupont]);
      ddb.on(TransactWriteCommand).resolves({});
      ddb.on(PutCommand).resolves({});
      // Each row a new customer without an e-mail contact: each is created with a warning in two languages.
      const rows = Array.from({ length: 22_000 }, (_, i) => `F${i},C${i},D,,1,EUR,2026-10-01,2026-10-31`);
      const csv = [header, ...rows].join('\n');
      expect(csv.length).toBeLessThan(1024 * 1024);
      const res = await call('POST', '/invoices/import', {
        rawBody: csv,
        headers: { 'content-type': 'text/csv', 'accept-language': 'fr' },
      });
      expect(res.status).toBe(413);
      expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
      expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
      expect(res.json.detail).toBe(
        'le fichier compte 22\u202f000 lignes de factures ; au plus 5\u202f000 par requête : découpez-le en fichiers ' +
          'de 5\u202f000 lignes',
      );
    },
  );

  it('creates new invoices, leaves identical ones, updates changed ones and says why a row is rejected', async () => {
    batchAnswers([stored(), stored({ invoiceId: 'F2', amountCents: 5000, openCents: 5000 })], [dupont]);
    ddb.on(TransactWriteCommand).resolves({});
    ddb.on(PutCommand).resolves({});
    const csv = [
      header,
      'F1,C1,Dupont,,100.00,EUR,2026-10-01,2026-10-31',
      'F2,C1,Dupont,,60.00,EUR,2026-10-01,2026-10-31',
      'F3,C2,Martin SAS,FR7630006000011234567890189,"1 234,50",EUR,2026-11-01,2026-12-01',
      'F4,C2,Martin SAS,,douze,EUR,2026-11-01,2026-12-01',
    ].join('\n');
    const res = await call('POST', '/invoices/import', { rawBody: csv, headers: { 'content-type': 'text/csv' } });
    expect(res.status).toBe(200);
    expect(res.json.summary).toEqual({ created: 1, updated: 1, unchanged: 1, rejected: 1 });
    expect(res.json.rows).toEqual([
      { line: 2, invoiceId: 'F1', outcome: 'unchanged' },
      { line: 3, invoiceId: 'F2', outcome: 'updated' },
      {
        line: 4,
        invoiceId: 'F3',
        outcome: 'created',
        warnings: ['customer C2: no e-mail contact, its reminders will be call tasks'],
        warningsFr: ['client C2 : aucun contact e-mail, ses relances seront des appels à passer'],
      },
      {
        line: 5,
        invoiceId: 'F4',
        outcome: 'rejected',
        reason: 'amount: not an amount ("douze")',
        reasonFr: 'amount : montant illisible (« douze »)',
      },
    ]);
    const newCustomer = ddb.commandCalls(PutCommand)[0].args[0].input;
    expect(newCustomer).toMatchObject({
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: { customerId: 'C2', name: 'Martin SAS', ibans: ['FR7630006000011234567890189'] },
    });
    const writes = ddb
      .commandCalls(TransactWriteCommand)
      .map((c) => c.args[0].input.TransactItems?.[1].Put?.Item as { kind: string; invoiceId: string });
    expect(writes.map((w) => `${w.invoiceId}:${w.kind}`).sort()).toEqual(['F2:import_updated', 'F3:imported']);
  });

  it('flags on its row an IBAN that already belongs to another customer, and still imports the row', async () => {
    const other = Customer.parse({
      ...dupont,
      customerId: 'C9',
      name: 'Autre',
      ibans: ['FR7630006000011234567890189'],
    });
    batchAnswers([], [dupont, other]);
    ddb.on(TransactWriteCommand).resolves({});
    ddb.on(PutCommand).resolves({});
    const csv = [header, 'F1,C1,Dupont,FR7630006000011234567890189,100.00,EUR,2026-10-01,2026-10-31'].join('\n');
    const res = await call('POST', '/invoices/import', { rawBody: csv, headers: { 'content-type': 'text/csv' } });
    expect(res.json.rows).toEqual([
      {
        line: 2,
        invoiceId: 'F1',
        outcome: 'created',
        warnings: ['customer_iban: already the IBAN of customer C9'],
        warningsFr: ['customer_iban : déjà l’IBAN du client C9'],
      },
    ]);
  });

  it('retries a row another writer changed meanwhile, deciding again on what is stored', async () => {
    batchAnswers([], [dupont]);
    ddb.on(TransactWriteCommand).rejectsOnce(cancelled('ConditionalCheckFailed')).resolves({});
    ddb.on(GetCommand).resolves({ Item: invoiceItem(stored()) });
    const res = await call('POST', '/invoices/import', {
      rawBody: `${header}\nF1,C1,Dupont,,100.00,EUR,2026-10-01,2026-10-31\n`,
      headers: { 'content-type': 'text/csv' },
    });
    expect(res.json.rows).toEqual([{ line: 2, invoiceId: 'F1', outcome: 'unchanged' }]);
  });

  it(
    'creates new invoices in one transaction per chunk, and row by row when a row of the chunk lost a ' + 'race',
    async () => {
      batchAnswers([], [dupont]);
      const twoRows =
        `${header}\nF1,C1,Dupont,,100.00,EUR,2026-10-01,2026-10-31\nF9,C1,Dupont,,90.00,EUR,` +
        `2026-10-01,2026-10-31\n`;
      ddb.on(TransactWriteCommand).resolves({});
      const res = await call('POST', '/invoices/import', { rawBody: twoRows, headers: { 'content-type': 'text/csv' } });
      expect(res.json.summary.created).toBe(2);
      expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
      expect(ddb.commandCalls(TransactWriteCommand)[0].args[0].input.TransactItems).toHaveLength(4);

      ddb.reset();
      batchAnswers([], [dupont]);
      ddb
        .on(TransactWriteCommand)
        .rejectsOnce(cancelled('ConditionalCheckFailed'))
        .rejectsOnce(cancelled('ConditionalCheckFailed'))
        .resolves({});
      ddb.on(GetCommand, { Key: { pk: 'INVOICE#F1', sk: 'INVOICE' } }).resolves({ Item: invoiceItem(stored()) });
      const raced = await call('POST', '/invoices/import', {
        rawBody: twoRows,
        headers: { 'content-type': 'text/csv' },
      });
      expect(raced.json.rows).toEqual([
        { line: 2, invoiceId: 'F1', outcome: 'unchanged' },
        { line: 3, invoiceId: 'F9', outcome: 'created' },
      ]);
    },
  );

  it('imports the open receivables of a FEC with the customer’s payment terms', async () => {
    batchAnswers([], [dupont]);
    ddb.on(TransactWriteCommand).resolves({});
    const line = (f: Partial<Record<(typeof fecColumns)[number], string>>) =>
      fecColumns.map((c) => f[c] ?? '').join('\t');
    const fec = [
      fecColumns.join('\t'),
      line({
        JournalCode: 'VE',
        EcritureDate: '20261001',
        CompteNum: '411000',
        CompAuxNum: 'C1',
        CompAuxLib: 'Dupont',
        PieceRef: 'FA77',
        PieceDate: '20261001',
        Debit: '240,00',
        Credit: '0,00',
      }),
      line({
        JournalCode: 'VE',
        EcritureDate: '20261001',
        CompteNum: '706000',
        PieceRef: 'FA77',
        PieceDate: '20261001',
        Debit: '0,00',
        Credit: '200,00',
      }),
    ].join('\n');
    const res = await call('POST', '/invoices/import', {
      query: { format: 'fec' },
      rawBody: fec,
      headers: { 'content-type': 'text/plain' },
    });
    expect(res.json).toMatchObject({ format: 'fec', summary: { created: 1 }, skippedLines: 1 });
    const put = ddb.commandCalls(TransactWriteCommand)[0].args[0].input.TransactItems?.[0].Put?.Item;
    expect(put).toMatchObject({ invoiceId: 'FA77', amountCents: 24000, dueDate: '2026-11-15' });
  });

  it('rejects a file without the expected columns as a whole (400 invalid-import)', async () => {
    const res = await call('POST', '/invoices/import', {
      rawBody: 'a,b\n1,2\n',
      headers: { 'content-type': 'text/csv' },
    });
    expect(res.status).toBe(400);
    expect(problemType(res)).toBe('invalid-import');
    expect(res.json.detail).toContain('missing column(s)');
  });

  it('refuses a file over 1 MiB with 413', async () => {
    const res = await call('POST', '/invoices/import', {
      rawBody: `${header}\n${'x'.repeat(1024 * 1024)}`,
      headers: { 'content-type': 'text/csv' },
    });
    expect(res.status).toBe(413);
    expect(res.json.limitBytes).toBe(1048576);
  });

  it('is for the finance role only', async () => {
    const res = await call('POST', '/invoices/import', {
      as: 'readonly',
      rawBody: header,
      headers: { 'content-type': 'text/csv' },
    });
    expect(res.status).toBe(403);
  });
});

describe('customers', () => {
  it('creates a customer with contacts, IBANs normalized, terms and credit limit', async () => {
    ddb.on(PutCommand).resolves({});
    const res = await call('POST', '/customers', {
      body: {
        customerId: 'C9',
        name: 'Garage Martin',
        segment: 'key_account',
        language: 'en',
        contacts: [{ email: 'compta@martin.fr', role: 'accounts_payable' }],
        ibans: ['fr76 3000 6000 0112 3456 7890 189'],
        creditLimitCents: 500000,
        blockWhenOverLimit: true,
      },
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      customerId: 'C9',
      ibans: ['FR7630006000011234567890189'],
      paymentTermsDays: 30,
      version: 0,
    });
    expect(res.headers.etag).toBe('"v0"');
  });

  it('refuses an invalid IBAN or e-mail, naming the field', async () => {
    const res = await call('POST', '/customers', {
      body: { customerId: 'C9', name: 'X', ibans: ['FR7630006000011234567890188'], contacts: [{ email: 'nope' }] },
    });
    expect(res.status).toBe(400);
    expect(res.json.errors.map((e: { field: string }) => e.field).sort()).toEqual(['contacts.0.email', 'ibans.0']);
  });

  it('refuses to create an existing customer (409)', async () => {
    ddb.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }));
    const res = await call('POST', '/customers', { body: { customerId: 'C1', name: 'Dupont' } });
    expect(res.status).toBe(409);
    expect(problemType(res)).toBe('already-exists');
  });

  it('shows what a customer owes and whether new sales are blocked', async () => {
    ddb
      .on(GetCommand)
      .resolves({ Item: customerItem({ ...dupont, creditLimitCents: 15000, blockWhenOverLimit: true }) });
    ddb.on(QueryCommand).resolves({
      Items: [
        invoiceItem(stored()),
        invoiceItem(stored({ invoiceId: 'F2', openCents: 8000, status: 'partially_paid' })),
        invoiceItem(stored({ invoiceId: 'F3', openCents: 0, status: 'paid' })),
      ],
    });
    // an overpayment kept as credit (unapplied cash) shows beside what is owed
    ddb.on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'CUSTOMER#C1', ':credit': 'CREDIT#' } }).resolves({
      Items: [{ pk: 'CUSTOMER#C1', sk: 'CREDIT#T9', customerId: 'C1', amountCents: 2500, transactionId: 'T9' }],
    });
    const res = await call('GET', '/customers/C1');
    expect(res.json.exposure).toEqual({ openCents: 18000, creditCents: 2500, overLimit: true, blockNewSales: true });
    expect(res.headers.etag).toBe('"v1"');
  });

  it('patches only the fields sent, conditional on the version read', async () => {
    ddb.on(GetCommand).resolves({ Item: customerItem({ ...dupont, language: 'en', segment: 'b2c' }) });
    ddb.on(PutCommand).resolves({});
    const res = await call('PATCH', '/customers/C1', {
      body: { paymentTermsDays: 60 },
      headers: { 'if-match': '"v1"' },
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ paymentTermsDays: 60, language: 'en', segment: 'b2c', version: 2 });
    expect(ddb.commandCalls(PutCommand)[0].args[0].input).toMatchObject({
      ConditionExpression: '#v = :v',
      ExpressionAttributeValues: { ':v': 1 },
    });
  });

  it('answers 409 to a replace with a stale ETag or a lost race', async () => {
    ddb.on(GetCommand).resolves({ Item: customerItem(dupont) });
    expect(
      (await call('PUT', '/customers/C1', { body: { name: 'Dupont SA' }, headers: { 'if-match': '"v0"' } })).status,
    ).toBe(409);
    ddb.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'changed', $metadata: {} }));
    const res = await call('PUT', '/customers/C1', { body: { name: 'Dupont SA' }, headers: { 'if-match': '"v1"' } });
    expect(res.status).toBe(409);
    expect(problemType(res)).toBe('version-conflict');
  });

  it('scores a payer from the booking dates of the payments of its paid invoices', async () => {
    ddb.on(GetCommand).resolves({ Item: customerItem(dupont) });
    ddb.on(QueryCommand, { IndexName: 'gsi1' }).resolves({
      Items: [
        invoiceItem(stored({ invoiceId: 'P1', status: 'paid', openCents: 0, dueDate: '2026-06-30' })),
        invoiceItem(stored({ invoiceId: 'P2', status: 'paid', openCents: 0, dueDate: '2026-07-31' })),
        invoiceItem(stored({ invoiceId: 'O1', dueDate: '2026-11-01', openCents: 4200 })),
      ],
    });
    ddb
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'INVOICE#P1', ':a': 'ALLOC#' } })
      .resolves({ Items: [{ bookingDate: '2026-06-28' }] });
    ddb
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'INVOICE#P2', ':a': 'ALLOC#' } })
      .resolves({ Items: [{ bookingDate: '2026-08-05' }, { bookingDate: '2026-08-20' }] });
    const res = await call('GET', '/customers/C1/payer-score');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      customerId: 'C1',
      sampleSize: 2,
      averageDaysLate: 10,
      averageDelayDays: 9,
      onTimeShare: 0.5,
      trend: 'unknown',
      overdueCents: 4200,
    });
  });

  it('counts an invoice due yesterday as overdue in the payer score from 00:00 in Paris', async () => {
    setClock(fixedClock('2026-11-22T23:30:00.000Z'));
    ddb.on(GetCommand).resolves({ Item: customerItem(dupont) });
    ddb.on(QueryCommand, { IndexName: 'gsi1' }).resolves({
      Items: [invoiceItem(stored({ invoiceId: 'O1', dueDate: '2026-11-22', openCents: 4200 }))],
    });
    const res = await call('GET', '/customers/C1/payer-score');
    expect(res.json.overdueCents).toBe(4200);
  });

  it('dates a payment recorded without a booking date by its day in Paris: 00:30 on 5 August is late', async () => {
    ddb.on(GetCommand).resolves({ Item: customerItem(dupont) });
    ddb.on(QueryCommand, { IndexName: 'gsi1' }).resolves({
      Items: [invoiceItem(stored({ invoiceId: 'P1', status: 'paid', openCents: 0, dueDate: '2026-08-04' }))],
    });
    ddb
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'INVOICE#P1', ':a': 'ALLOC#' } })
      .resolves({ Items: [{ at: '2026-08-04T22:30:00.000Z' }] });
    const res = await call('GET', '/customers/C1/payer-score');
    expect(res.json).toMatchObject({ sampleSize: 1, averageDaysLate: 1, onTimeShare: 0 });
  });

  it('404 for an unknown customer', async () => {
    ddb.on(GetCommand).resolves({});
    expect((await call('GET', '/customers/NOPE')).status).toBe(404);
  });
});
