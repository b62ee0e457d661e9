import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../bin/local/stack';
import { insertTransactionIfNew, StoredTransaction } from '../../functions/adapters/db/transactions';
import { fecColumns } from '../../functions/core/imports';
import { expectConforms, routeOf } from '../handler/api/support';
import { contractTemplate } from './support/contract-template';

/**
 * The admin API through real HTTP requests on the local stack (DynamoDB Local, local Step Functions endpoint): each
 * response is also checked against the OpenAPI document the API serves at /openapi.json.
 */
let stack: LocalStack;
let doc: Parameters<typeof expectConforms>[0];

interface Res {
  status: number;
  headers: Record<string, string>;
  text: string;
  json: any;
}

async function http(
  method: string,
  path: string,
  opts: { body?: unknown; text?: string; contentType?: string; headers?: Record<string, string>; auth?: boolean } = {},
): Promise<Res> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.auth !== false) headers.authorization = `Bearer ${stack.env.LOCAL_API_TOKEN}`;
  let body: string | undefined;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] = 'application/json';
  } else if (opts.text !== undefined) {
    body = opts.text;
    headers['content-type'] = opts.contentType ?? 'text/csv';
  }
  const res = await fetch(`${stack.urls.api}${path}`, { method, headers, body });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  const out = { status: res.status, headers: Object.fromEntries(res.headers.entries()), text, json };
  if (doc) expectConforms(doc, method, routeOf(doc, path), out);
  return out;
}

beforeAll(async () => {
  stack = await startLocalStack({
    quiet: true,
    template: contractTemplate(),
    startAt: new Date('2026-11-23T09:00:00Z'),
    sfnTimeFactor: 1,
  });
  const res = await http('GET', '/openapi.json');
  expect(res.status).toBe(200);
  doc = res.json;
});

afterAll(async () => {
  await stack?.stop();
});

const header = 'invoice_id,customer_id,customer_name,customer_iban,amount,currency,issue_date,due_date';
const csv = [
  header,
  'FA-2026-101,CLI-DUPONT,Boulangerie Dupont SARL,FR7630006000011234567890189,1200.00,EUR,2026-08-01,2026-08-31',
  'FA-2026-102,CLI-DUPONT,Boulangerie Dupont SARL,,480.00,EUR,2026-10-15,2026-11-14',
  'FA-2026-103,CLI-MARTIN,Garage Martin,,2350.50,EUR,2026-11-01,2026-12-01',
  'FA-2026-104,CLI-MARTIN,Garage Martin,,-5,EUR,2026-11-01,2026-12-01',
].join('\n');

describe('admin API on the local stack, through HTTP', () => {
  it('serves health without a token and refuses the rest without one', async () => {
    expect((await http('GET', '/health', { auth: false })).status).toBe(200);
    expect((await http('GET', '/invoices', { auth: false })).status).toBe(401);
  });

  it('imports the recon CSV, reports per row, and is idempotent on a second import', async () => {
    const first = await http('POST', '/invoices/import', { text: csv });
    expect(first.status).toBe(200);
    expect(first.json.summary).toEqual({ created: 3, updated: 0, unchanged: 0, rejected: 1 });
    expect(first.json.rows[3]).toMatchObject({
      line: 5,
      outcome: 'rejected',
      reason: expect.stringContaining('amount: must be positive'),
    });
    const again = await http('POST', '/invoices/import', { text: csv });
    expect(again.json.summary).toEqual({ created: 0, updated: 0, unchanged: 3, rejected: 1 });
    const customer = await http('GET', '/customers/CLI-DUPONT');
    expect(customer.json).toMatchObject({
      name: 'Boulangerie Dupont SARL',
      ibans: ['FR7630006000011234567890189'],
      exposure: { openCents: 168000 },
    });
  });

  it('imports the open receivables of a FEC, lettered lines left out', async () => {
    const line = (f: Partial<Record<(typeof fecColumns)[number], string>>) =>
      fecColumns.map((c) => f[c] ?? '').join('|');
    const fec = [
      fecColumns.join('|'),
      line({
        JournalCode: 'VE',
        EcritureNum: '1',
        EcritureDate: '20261005',
        CompteNum: '41100000',
        CompAuxNum: 'CLI-PETIT',
        CompAuxLib: 'Petit SAS',
        PieceRef: 'FA-2026-090',
        PieceDate: '20261005',
        Debit: '600,00',
        Credit: '0,00',
      }),
      line({
        JournalCode: 'VE',
        EcritureNum: '2',
        EcritureDate: '20260905',
        CompteNum: '41100000',
        CompAuxNum: 'CLI-PETIT',
        CompAuxLib: 'Petit SAS',
        PieceRef: 'FA-2026-080',
        PieceDate: '20260905',
        Debit: '300,00',
        Credit: '0,00',
        EcritureLet: 'AA',
        DateLet: '20261001',
      }),
    ].join('\n');
    const res = await http('POST', '/invoices/import?format=fec', { text: fec, contentType: 'text/plain' });
    expect(res.json).toMatchObject({ format: 'fec', summary: { created: 1 }, skippedLines: 1 });
    const inv = await http('GET', '/invoices/FA-2026-090');
    expect(inv.json.invoice).toMatchObject({ customerId: 'CLI-PETIT', amountCents: 60000, dueDate: '2026-11-04' });
  });

  it('pages through open invoices with the cursor, filtered by customer and due date', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const res: Res = await http(
        'GET',
        `/invoices?status=open&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      seen.push(...res.json.items.map((i: { invoiceId: string }) => i.invoiceId));
      cursor = res.json.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['FA-2026-101', 'FA-2026-090', 'FA-2026-102', 'FA-2026-103']);
    const dupont = await http('GET', '/invoices?customerId=CLI-DUPONT&dueFrom=2026-11-01');
    expect(dupont.json.items.map((i: { invoiceId: string }) => i.invoiceId)).toEqual(['FA-2026-102']);
  });

  it('guards invoice changes with ETag/If-Match: one of two concurrent edits wins, the other gets 409', async () => {
    const read = await http('GET', '/invoices/FA-2026-101');
    const etag = read.headers.etag;
    expect(read.json.history.map((e: { kind: string }) => e.kind)).toEqual(['imported']);
    expect(read.json.workflow.status).toBe('not_started');
    const [a, b] = await Promise.all([
      http('POST', '/invoices/FA-2026-101/dispute', {
        body: { note: 'marchandise abîmée' },
        headers: { 'if-match': etag },
      }),
      http('POST', '/invoices/FA-2026-101/pause', { body: {}, headers: { 'if-match': etag } }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const resumed = await http('POST', '/invoices/FA-2026-101/resume', { body: { note: 'réglé' } });
    expect(resumed.status).toBe(200);
    expect(resumed.json.invoice.pause).toBeUndefined();
    expect(resumed.json.workflow.action).toBe('not_paused');
  });

  it('records a credit note and a write-off; the invoice history keeps every step', async () => {
    const credit = await http('POST', '/invoices/FA-2026-102/credit-note', {
      body: { creditNoteId: 'AV-2026-007', amountCents: 8000, reason: 'remise' },
    });
    expect(credit.json.invoice).toMatchObject({ openCents: 40000, status: 'partially_paid' });
    const off = await http('POST', '/invoices/FA-2026-102/write-off', { body: { reason: 'litige commercial perdu' } });
    expect(off.json.invoice).toMatchObject({ openCents: 0, status: 'written_off' });
    expect(off.json.workflow.action).toBe('no_execution');
    const read = await http('GET', '/invoices/FA-2026-102');
    expect(read.json.history.map((e: { kind: string }) => e.kind)).toEqual(['imported', 'credit_note', 'write_off']);
  });

  it('creates a customer and refuses an edit based on a stale version', async () => {
    const created = await http('POST', '/customers', {
      body: {
        customerId: 'CLI-LEROY',
        name: 'Leroy & Fils',
        contacts: [{ email: 'compta@leroy.fr', role: 'accounts_payable' }],
        creditLimitCents: 100000,
      },
    });
    expect(created.status).toBe(201);
    const patched = await http('PATCH', '/customers/CLI-LEROY', {
      body: { paymentTermsDays: 45 },
      headers: { 'if-match': created.headers.etag },
    });
    expect(patched.json).toMatchObject({ paymentTermsDays: 45, version: 1 });
    const stale = await http('PATCH', '/customers/CLI-LEROY', {
      body: { language: 'en' },
      headers: { 'if-match': created.headers.etag },
    });
    expect(stale.status).toBe(409);
    expect((await http('POST', '/customers', { body: { customerId: 'CLI-LEROY', name: 'x' } })).status).toBe(409);
  });

  it('saves a new version of a policy and keeps the old one readable', async () => {
    const current = await http('GET', '/policies/standard');
    const { policyId: _p, version: _v, ...rest } = current.json;
    const saved = await http('PUT', '/policies/standard', {
      body: { ...rest, promiseGraceDays: 7 },
      headers: { 'if-match': current.headers.etag },
    });
    expect(saved.json.version).toBe(current.json.version + 1);
    expect((await http('GET', `/policies/standard?version=${current.json.version}`)).json.promiseGraceDays).toBe(
      current.json.promiseGraceDays,
    );
    expect(
      (await http('PUT', '/policies/standard', { body: rest, headers: { 'if-match': current.headers.etag } })).status,
    ).toBe(409);
  });

  it('serves the aged balance (JSON and CSV), DSO and the weekly forecast', async () => {
    const aged = await http('GET', '/reports/aged-balance?asOf=2026-11-23');
    expect(aged.json.total).toMatchObject({ invoiceCount: 3, totalCents: 120000 + 60000 + 235050 });
    expect(aged.json.total.buckets).toMatchObject({ d61_90: 120000, d1_30: 60000, not_due: 235050 });
    const csvReport = await http('GET', '/reports/aged-balance?asOf=2026-11-23&format=csv');
    // fetch's text() drops a leading BOM (WHATWG decoding): the bytes keep it (csv.test.ts; the console download).
    expect(csvReport.text.replace(/^\uFEFF/, '').split('\r\n')[0]).toBe(
      'Client;Nom du client;Factures;Non échu;1 à 30 jours;31 à 60 jours;61 à 90 jours;Plus de 90 jours;Total;' +
        'Dont en litige;Devise;Date de la balance',
    );
    const dso = await http('GET', '/reports/dso?asOf=2026-11-23&periodDays=90');
    expect(dso.json).toMatchObject({ receivablesCents: 415050, salesCents: 48000 + 235050 + 60000, dsoDays: 108.9 });
    const forecast = await http('GET', '/reports/cash-forecast?asOf=2026-11-23&weeks=4');
    expect(forecast.json.weeks[0]).toMatchObject({ weekStart: '2026-11-23', expectedCents: 180000 });
    expect(forecast.json.excluded.disputedCents).toBe(0);
  });

  it('lists the (empty) review queue and statement history, and refuses unknown ones', async () => {
    expect((await http('GET', '/transactions')).json).toEqual({ items: [] });
    expect((await http('GET', '/statements')).json).toEqual({ items: [] });
    expect((await http('POST', '/transactions/T-404/accept', { body: {} })).status).toBe(404);
    expect((await http('POST', '/statements/0123456789abcdef/reprocess')).status).toBe(404);
  });

  it('accepts a suggestion from the review queue, then undoes it (lettrage and unlettering, audited)', async () => {
    const txn = StoredTransaction.parse({
      transactionId: 'TXN-2026-11-20-001',
      statementChecksum: 'c0ffee00c0ffee00',
      account: { iban: 'FR7630006000011234567890189' },
      status: 'suggested',
      version: 0,
      ingestedAt: '2026-11-21T06:00:00.000Z',
      index: 0,
      bookingDate: '2026-11-20',
      amountCents: 235050,
      currency: 'EUR',
      label: 'VIR GARAGE MARTIN',
      remittance: { unstructured: ['REGLEMENT FACTURES NOVEMBRE'] },
      match: {
        transactionId: 'TXN-2026-11-20-001',
        status: 'suggested',
        confidence: 0.8,
        reasons: ['payer recognised by name'],
        suggestions: [
          {
            allocations: [{ invoiceId: 'FA-2026-103', amountCents: 235050 }],
            confidence: 0.8,
            reasons: ['amount equals one open invoice of the payer'],
          },
        ],
      },
    });
    expect(await insertTransactionIfNew(txn)).toBe(true);
    const queue = await http('GET', '/transactions');
    expect(queue.json.items.map((t: { transactionId: string }) => t.transactionId)).toEqual(['TXN-2026-11-20-001']);
    const accepted = await http('POST', '/transactions/TXN-2026-11-20-001/accept', { body: { suggestionIndex: 0 } });
    expect(accepted.status).toBe(200);
    expect(accepted.json.paidInvoiceIds).toEqual(['FA-2026-103']);
    // sent again (its answer lost): what it applied, once
    expect((await http('POST', '/transactions/TXN-2026-11-20-001/accept', { body: {} })).status).toBe(200);
    const paid = await http('GET', '/invoices/FA-2026-103');
    expect(paid.json.invoice).toMatchObject({ status: 'paid', openCents: 0 });
    expect(paid.json.allocations).toEqual([
      expect.objectContaining({
        transactionId: 'TXN-2026-11-20-001',
        amountCents: 235050,
        bookingDate: '2026-11-20',
        actor: 'user:local-finance',
      }),
    ]);
    const undone = await http('POST', '/transactions/TXN-2026-11-20-001/undo');
    expect(undone.json.reopenedInvoiceIds).toEqual(['FA-2026-103']);
    const reopened = await http('GET', '/invoices/FA-2026-103');
    expect(reopened.json.invoice).toMatchObject({ status: 'open', openCents: 235050 });
    expect(reopened.json.history.map((e: { kind: string }) => e.kind)).toEqual([
      'imported',
      'allocation',
      'allocation_undone',
    ]);
  });

  it('works the same behind the JWT authorizer (AUTH_MODE=jwt reads the verified claims)', async () => {
    const previous = process.env.AUTH_MODE;
    process.env.AUTH_MODE = 'jwt';
    try {
      const res = await http('POST', '/invoices/FA-2026-103/pause', { body: { note: 'appel client' } });
      expect(res.status).toBe(200);
      const read = await http('GET', '/invoices/FA-2026-103');
      // the reopening before may still have the invoice's workflow writing its own events (its policy pinned): the
      // pause is looked for by kind, not as the last event
      const paused = read.json.history.filter((e: { kind: string }) => e.kind === 'paused');
      expect(paused.at(-1)).toMatchObject({ kind: 'paused', actor: 'user:finance@example.fr' });
    } finally {
      process.env.AUTH_MODE = previous;
    }
  });

  it(
    'letters one transfer to 32 invoices in one match on DynamoDB Local (98 items in one transaction), and refuses ' +
      '33 with a reason instead of failing',
    async () => {
      const ids = Array.from({ length: 33 }, (_, k) => `FG-2026-${String(k + 1).padStart(3, '0')}`);
      const rows = ids.map((id) => `${id},CLI-GROSSISTE,Grossiste Lorrain SAS,,100.00,EUR,2026-11-02,2027-01-31`);
      expect((await http('POST', '/invoices/import', { text: [header, ...rows].join('\n') })).json.summary).toEqual({
        created: 33,
        updated: 0,
        unchanged: 0,
        rejected: 0,
      });
      const transfer = (transactionId: string) =>
        StoredTransaction.parse({
          transactionId,
          statementChecksum: 'c0ffee00c0ffee01',
          account: { iban: 'FR7630006000011234567890189' },
          status: 'unmatched',
          version: 0,
          ingestedAt: '2026-11-21T06:00:00.000Z',
          index: 0,
          bookingDate: '2026-11-20',
          amountCents: 330_000,
          currency: 'EUR',
          label: 'VIR GROSSISTE LORRAIN RELEVE NOVEMBRE',
          remittance: {},
        });
      expect(await insertTransactionIfNew(transfer('TXN-GROSSISTE-1'))).toBe(true);
      const all = ids.map((invoiceId) => ({ invoiceId, amountCents: 10_000 }));
      const refused = await http('POST', '/transactions/TXN-GROSSISTE-1/match', {
        body: { allocations: all },
        headers: { 'accept-language': 'fr' },
      });
      expect(refused.status).toBe(400);
      expect(refused.text).toContain('au plus 32 factures par lettrage');
      const matched = await http('POST', '/transactions/TXN-GROSSISTE-1/match', {
        body: { allocations: all.slice(0, 32) },
      });
      expect(matched.status).toBe(200);
      expect(matched.json.paidInvoiceIds).toHaveLength(32);
      expect((await http('GET', `/invoices/${ids[31]}`)).json.invoice).toMatchObject({ status: 'paid', openCents: 0 });
      expect((await http('GET', `/invoices/${ids[32]}`)).json.invoice).toMatchObject({ status: 'open' });
    },
  );
});
