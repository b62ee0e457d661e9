import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import jsQR from 'jsqr';
import { describe, expect, it } from 'vitest';
import type { InvoiceEvent } from '../../functions/adapters/db/events';
import type { CustomerLinkRecord } from '../../functions/adapters/db/links';
import type { HolidayCalendar } from '../../functions/core/calendar/holidays';
import { MAX_DISPUTE_FILE_BYTES } from '../../functions/core/customer-page';
import { policyForCustomer } from '../../functions/core/dunning/policy';
import { defaultRateTable } from '../../functions/core/dunning/rates';
import type { FinanceAlertInput } from '../../functions/core/messages/finance';
import { Customer, Invoice } from '../../functions/core/model';
import { formTokenFor, signCustomerLink } from '../../functions/core/payments/customer-link';
import { parseEpcPayload } from '../../functions/core/payments/epc-qr';
import { handleCustomerPage, REFUSED_STATUS } from '../../functions/customer-page/app';
import type { PageDeps } from '../../functions/customer-page/deps';
import { MAX_BODY_BYTES } from '../../functions/customer-page/request';

const KEY = 'k'.repeat(40);
const OLD_KEY = 'o'.repeat(40);
const NOW = new Date('2026-06-02T09:00:00.000Z');
const LINK = 'link-acme-0001';

const customer = (id: string, overrides: Partial<Customer> = {}) =>
  Customer.parse({
    customerId: id,
    name: `Client ${id}`,
    isBusiness: true,
    segment: 'standard',
    language: 'fr',
    ...overrides,
  });
const invoice = (id: string, customerId: string, overrides: Partial<Invoice> = {}) =>
  Invoice.parse({
    invoiceId: id,
    customerId,
    amountCents: 120_000,
    openCents: 120_000,
    currency: 'EUR',
    issueDate: '2026-03-01',
    dueDate: '2026-04-01',
    status: 'open',
    version: 0,
    ...overrides,
  });

/** An in-memory world: customers, invoices, links, and what the page did to them. */
/** The short code of ACME's link (letters print /c/s/<code>): 22 characters. */
const SHORT_CODE = 'Q2hvcnQtY29kZS1vZi1BQ0';

function world(
  options: { keys?: string[]; linkRevoked?: boolean; shortValidUntil?: string; holidayCalendar?: HolidayCalendar } = {},
) {
  const customers = new Map([
    ['ACME', customer('ACME')],
    ['OTHER', customer('OTHER', { language: 'en' })],
  ]);
  const invoices = new Map<string, Invoice>([
    ['F-2026-0042', invoice('F-2026-0042', 'ACME', { pdfKey: 'invoices/F-2026-0042.pdf' })],
    [
      'F-2026-0043',
      invoice('F-2026-0043', 'ACME', { openCents: 30_000, dunningLevel: 'formal_notice', dueDate: '2026-03-01' }),
    ],
    ['F-2026-0099', invoice('F-2026-0099', 'OTHER')],
  ]);
  const links = new Map<string, CustomerLinkRecord>([
    [
      `ACME/${LINK}`,
      {
        customerId: 'ACME',
        linkId: LINK,
        issuedAt: NOW.toISOString(),
        validUntil: '2026-12-01T00:00:00.000Z',
        purpose: 'reminder',
        ...(options.linkRevoked ? { revokedAt: NOW.toISOString() } : {}),
      },
    ],
    [
      'OTHER/link-other-0001',
      {
        customerId: 'OTHER',
        linkId: 'link-other-0001',
        issuedAt: NOW.toISOString(),
        validUntil: '2026-12-01T00:00:00.000Z',
        purpose: 'reminder',
      },
    ],
  ]);
  const events: InvoiceEvent[] = [];
  const documents: { key: string; bytes: number; contentType: string }[] = [];
  const alerts: FinanceAlertInput[] = [];
  const faults: string[] = [];
  const linkReads: string[] = [];
  const answers = new Map<string, 'pending' | 'done'>();
  const deps: PageDeps = {
    now: () => NOW,
    linkKeys: async () => options.keys ?? [KEY, OLD_KEY],
    getLink: async (c, l) => {
      linkReads.push(`${c}/${l}`);
      return links.get(`${c}/${l}`);
    },
    getShortLink: async (code) => {
      linkReads.push(`code/${code}`);
      return code === SHORT_CODE
        ? { code, customerId: 'ACME', linkId: LINK, validUntil: options.shortValidUntil ?? '2026-12-01T00:00:00.000Z' }
        : undefined;
    },
    getCustomer: async (id) => customers.get(id),
    owedInvoices: async (id) =>
      [...invoices.values()].filter((i) => i.customerId === id && i.openCents > 0 && i.status === 'open'),
    policyFor: async (c) => policyForCustomer(c),
    rates: async () => defaultRateTable,
    paymentsOf: async () => [],
    pdfLink: async (key) => `https://documents.example/${key}?X-Amz-Signature=abc`,
    creditor: () => ({
      name: 'encaisse démo SAS',
      iban: 'FR7630006000011234567890189',
      bic: 'AGRIFRPPXXX',
      email: 'relances@encaisse.example.fr',
    }),
    holidayCalendar: () => options.holidayCalendar ?? 'metropole',
    saveInvoices: async (changes) => {
      // one transaction: every version checked before anything is written
      for (const { current } of changes)
        if (invoices.get(current.invoiceId)?.version !== current.version) throw new Error('version conflict');
      return changes.map(({ current, next, event }) => {
        const saved = Invoice.parse({ ...next, version: current.version + 1 });
        invoices.set(saved.invoiceId, saved);
        events.push({ invoiceId: saved.invoiceId, ...event });
        return saved;
      });
    },
    putDocument: async (key, bytes, contentType) => {
      documents.push({ key, bytes: bytes.length, contentType });
    },
    claimAnswer: async (key) => {
      if (answers.has(key)) return false;
      answers.set(key, 'pending');
      return true;
    },
    answerState: async (key) => answers.get(key),
    settleAnswer: async (key, done) => {
      if (done) answers.set(key, 'done');
      else answers.delete(key);
    },
    sleep: () => new Promise((resolve) => setTimeout(resolve, 1)),
    alertFinance: async (a) => {
      alerts.push(a);
    },
    reportFault: (message) => {
      faults.push(message);
    },
  };
  return { deps, invoices, events, documents, alerts, linkReads, faults };
}

const token = (claims: Partial<{ customerId: string; linkId: string; expiresAt: string }> = {}, key = KEY) =>
  signCustomerLink({ customerId: 'ACME', linkId: LINK, expiresAt: '2026-12-01T00:00:00.000Z', ...claims }, key);
const formToken = (key = KEY) => formTokenFor(LINK, key);

function event(
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: Buffer | string; query?: Record<string, string> } = {},
): APIGatewayProxyEventV2 {
  const body =
    options.body === undefined
      ? undefined
      : Buffer.isBuffer(options.body)
        ? options.body.toString('base64')
        : options.body;
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: { host: 'pay.example', ...options.headers },
    queryStringParameters: options.query,
    requestContext: {
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'test' },
    } as APIGatewayProxyEventV2['requestContext'],
    body,
    isBase64Encoded: Buffer.isBuffer(options.body),
  };
}

const sameSite = { 'sec-fetch-site': 'same-origin', origin: 'https://pay.example' };
const urlencoded = (fields: Record<string, string>, headers: Record<string, string> = sameSite) => ({
  headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  body: new URLSearchParams(fields).toString(),
});

function multipart(fields: Record<string, string>, file?: { name: string; type: string; bytes: Buffer }) {
  const boundary = '----encaisseTestBoundary7MA4YWxk';
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields))
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  if (file) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ` +
          `${file.type}\r\n\r\n`,
      ),
      file.bytes,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, ...sameSite },
    body: Buffer.concat(parts),
  };
}

const html = (r: APIGatewayProxyStructuredResultV2) => String(r.body);
/** The page's "Payer par virement" section: the QR code and the details to type by hand. */
const virement = (page: string) => /<section id="virement">[\s\S]*?<\/section>/.exec(page)?.[0] ?? '';

describe('the customer page', () => {
  it(
    'shows the customer its owed invoices, the letters’ penalties from the formal notice on, the invoice PDF and ' +
      'how to pay',
    async () => {
      const w = world();
      const res = await handleCustomerPage(event('GET', `/c/${token()}`), w.deps);
      expect(res.statusCode).toBe(200);
      const page = html(res);
      expect(page).toContain('F-2026-0042');
      expect(page).toContain('F-2026-0043');
      expect(page).not.toContain('F-2026-0099');
      expect(page).toContain('Mise en demeure');
      expect(page).toContain('40,00'); // the fixed indemnity of the invoice at formal notice
      expect(page).toContain('https://documents.example/invoices/F-2026-0042.pdf');
      expect(page).toContain('FR76 3000 6000 0112 3456 7890 189');
      expect(page).toContain('AGRIFRPPXXX');
      expect(page).toContain('<svg');
      expect(page).toContain(`value="${formToken()}"`);
      expect(res.headers?.['referrer-policy']).toBe('no-referrer');
      expect(res.headers?.['cache-control']).toBe('no-store');
    },
  );

  it('a link signed with the previous key still opens the page during a rotation', async () => {
    const res = await handleCustomerPage(event('GET', `/c/${token({}, OLD_KEY)}`), world().deps);
    expect(res.statusCode).toBe(200);
  });

  it(
    'gives unknown, expired, revoked, forged, foreign-keyed and malformed tokens the same neutral page, after one ' +
      'link read each',
    async () => {
      const answers: APIGatewayProxyStructuredResultV2[] = [];
      const reads: number[] = [];
      const cases: [string, ReturnType<typeof world>][] = [
        [token({ linkId: 'link-never-issued' }), world()],
        [token({ expiresAt: '2026-06-01T00:00:00.000Z' }), world()],
        [token(), world({ linkRevoked: true })],
        [`${token().split('.')[0]}.${'A'.repeat(43)}`, world()],
        [token({}, 'x'.repeat(40)), world()],
        [token({ customerId: 'OTHER' }), world()], // a real customer, a link id issued to someone else
        ['not-a-token', world()],
      ];
      for (const [t, w] of cases) {
        answers.push(await handleCustomerPage(event('GET', `/c/${t}`), w.deps));
        reads.push(w.linkReads.length);
      }
      for (const a of answers) {
        expect(a.statusCode).toBe(REFUSED_STATUS);
        expect(a.body).toBe(answers[0].body);
        expect(a.headers).toEqual(answers[0].headers);
      }
      expect(reads).toEqual(cases.map(() => 1));
      expect(answers[0].body).toContain('Lien invalide ou expiré');
    },
  );

  it('a letter’s short link redirects to its link’s page, which opens like any link', async () => {
    const w = world();
    const res = await handleCustomerPage(event('GET', `/c/s/${SHORT_CODE}`), w.deps);
    expect(res.statusCode).toBe(303);
    expect(res.headers?.location).toBe(`/c/${token()}`);
    expect(res.headers?.['referrer-policy']).toBe('no-referrer');
    const page = await handleCustomerPage(event('GET', String(res.headers?.location)), w.deps);
    expect(page.statusCode).toBe(200);
    expect(html(page)).toContain('F-2026-0042');
  });

  it(
    'a short code that is unknown, or whose link is revoked or expired, gets the neutral page with no token, after ' +
      'the same reads',
    async () => {
      const neutral = await handleCustomerPage(event('GET', '/c/not-a-token'), world().deps);
      const cases: [string, ReturnType<typeof world>][] = [
        ['Z'.repeat(22), world()],
        [SHORT_CODE, world({ linkRevoked: true })],
        [SHORT_CODE, world({ shortValidUntil: '2026-06-01T00:00:00.000Z' })],
      ];
      for (const [code, w] of cases) {
        const res = await handleCustomerPage(event('GET', `/c/s/${code}`), w.deps);
        expect(res.statusCode, code).toBe(REFUSED_STATUS);
        expect(res.body).toBe(neutral.body);
        expect(res.headers).toEqual(neutral.headers);
        expect(w.linkReads).toHaveLength(2);
      }
    },
  );

  it('refuses a post to a revoked link without touching any invoice', async () => {
    const w = world({ linkRevoked: true });
    const res = await handleCustomerPage(
      event('POST', `/c/${token()}/promise`, urlencoded({ formToken: formToken(), promisedFor: '2026-06-10' })),
      w.deps,
    );
    expect(res.statusCode).toBe(REFUSED_STATUS);
    expect(w.events).toEqual([]);
  });

  it(
    'draws an EPC QR code a banking app reads: the creditor, the amount owed and the invoice’s RF ' + 'reference',
    async () => {
      const w = world();
      w.invoices.delete('F-2026-0043');
      const page = html(await handleCustomerPage(event('GET', `/c/${token()}`), w.deps));
      const payload = decodeSvgQr(page);
      const fields = parseEpcPayload(payload);
      expect(fields).toMatchObject({
        iban: 'FR7630006000011234567890189',
        bic: 'AGRIFRPPXXX',
        beneficiaryName: 'encaisse démo SAS',
        amountCents: 120_000,
      });
      expect(fields.creditorReference).toMatch(/^RF\d{2}F20260042$/);
    },
  );
});

describe('a fault of ours', () => {
  const throttled = () => {
    throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
  };

  it('while reading the page gives a 503 page asking to try again, in the customer’s language', async () => {
    const w = world();
    w.deps.owedInvoices = async () => throttled();
    const fr = await handleCustomerPage(event('GET', `/c/${token()}`), w.deps);
    expect(fr.statusCode).toBe(503);
    expect(html(fr)).toContain('réessayez dans un instant');
    expect(fr.headers?.['content-type']).toBe('text/html; charset=utf-8');
    const other = signCustomerLink(
      { customerId: 'OTHER', linkId: 'link-other-0001', expiresAt: '2026-12-01T00:00:00.000Z' },
      KEY,
    );
    const en = await handleCustomerPage(event('GET', `/c/${other}`, { headers: { 'accept-language': 'fr' } }), w.deps);
    expect(html(en)).toContain('please try again in a moment');
    expect(html(en)).not.toContain('réessayez');
    expect(w.faults).toEqual(['customer page not shown', 'customer page not shown']);
  });

  it('before the link is trusted answers in the browser’s language', async () => {
    const w = world();
    w.deps.linkKeys = async () => throttled();
    const res = await handleCustomerPage(
      event('GET', `/c/${token()}`, { headers: { 'accept-language': 'en' } }),
      w.deps,
    );
    expect(res.statusCode).toBe(503);
    expect(html(res)).toContain('<html lang="en">');
  });

  it('while showing a refused form again says nothing was noted, in a 503 page', async () => {
    const w = world();
    const read = w.deps.owedInvoices;
    let reads = 0;
    w.deps.owedInvoices = async (id) => (reads++ === 0 ? read(id) : throttled());
    const res = await handleCustomerPage(
      event('POST', `/c/${token()}/promise`, urlencoded({ formToken: formToken(), promisedFor: '2026-13-01' })),
      w.deps,
    );
    expect(res.statusCode).toBe(503);
    expect(html(res)).toContain('rien n’a été noté, réessayez dans un instant');
    expect(w.events).toEqual([]);
  });
});

describe('paying one invoice of several', () => {
  it('each owed invoice links to its own code, which carries that invoice’s amount and RF reference', async () => {
    const w = world();
    const page = html(await handleCustomerPage(event('GET', `/c/${token()}`), w.deps));
    expect(page).toContain(`href="/c/${token()}?pay=F-2026-0043#virement">Payer cette facture</a>`);
    const one = html(
      await handleCustomerPage(event('GET', `/c/${token()}`, { query: { pay: 'F-2026-0043' } }), w.deps),
    );
    expect(one).toContain('Payer par virement la facture F-2026-0043');
    expect(one).toContain('les pénalités de retard et l’indemnité forfaitaire s’y ajoutent');
    expect(one).toContain(`<a href="/c/${token()}">Payer plutôt tout ce qui est dû</a>`);
    const fields = parseEpcPayload(decodeSvgQr(one));
    expect(fields.amountCents).toBe(30_000);
    expect(fields.creditorReference).toMatch(/^RF\d{2}F20260043$/);
  });

  it('with several invoices, the details to type by hand give the transfer label the QR code carries', async () => {
    const page = html(await handleCustomerPage(event('GET', `/c/${token()}`), world().deps));
    const label = parseEpcPayload(decodeSvgQr(page)).remittanceText;
    expect(label).toBe('Factures F-2026-0042, F-2026-0043');
    expect(virement(page)).toContain(`<dt>Libellé à indiquer</dt><dd>${label}</dd>`);
  });

  it('an English customer’s transfer label is in English, in the code and in the details to type', async () => {
    const w = world();
    w.invoices.set('F-2026-0100', invoice('F-2026-0100', 'OTHER'));
    const other = signCustomerLink(
      { customerId: 'OTHER', linkId: 'link-other-0001', expiresAt: '2026-12-01T00:00:00.000Z' },
      KEY,
    );
    const page = html(await handleCustomerPage(event('GET', `/c/${other}`), w.deps));
    expect(parseEpcPayload(decodeSvgQr(page)).remittanceText).toBe('Invoices F-2026-0099, F-2026-0100');
    expect(virement(page)).toContain('<dt>Description to quote</dt><dd>Invoices F-2026-0099, F-2026-0100</dd>');
  });

  it('an invoice that is not this customer’s, or not owed, gives the code for everything due', async () => {
    const w = world();
    for (const pay of ['F-2026-0099', 'F-0000', '<script>']) {
      const page = html(await handleCustomerPage(event('GET', `/c/${token()}`, { query: { pay } }), w.deps));
      expect(page).not.toContain('F-2026-0099');
      expect(page).not.toContain('<script>');
      expect(parseEpcPayload(decodeSvgQr(page)).amountCents).toBe(150_000);
    }
  });
});

describe('the customer’s answers', () => {
  it(
    '“Je conteste” pauses that invoice for a dispute, keeps the file, records the link, alerts finance, and leaves ' +
      'the other invoice chased',
    async () => {
      const w = world();
      const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(2000, 1)]);
      const res = await handleCustomerPage(
        event(
          'POST',
          `/c/${token()}/dispute`,
          multipart(
            { formToken: formToken(), invoiceNumber: 'F-2026-0042', reason: 'Prestation non livrée' },
            { name: 'bon de livraison.pdf', type: 'application/pdf', bytes: pdf },
          ),
        ),
        w.deps,
      );
      expect(res.statusCode).toBe(303);
      expect(res.headers?.location).toBe(`/c/${token()}?done=dispute`);
      expect(w.invoices.get('F-2026-0042')?.pause).toMatchObject({
        reason: 'dispute',
        note: 'Prestation non livrée',
        since: NOW.toISOString(),
      });
      expect(w.invoices.get('F-2026-0043')?.pause).toBeUndefined();
      expect(w.documents).toEqual([
        {
          key: expect.stringMatching(/^disputes\/F-2026-0042\/.*bon_de_livraison\.pdf$/),
          bytes: pdf.length,
          contentType: 'application/pdf',
        },
      ]);
      expect(w.events).toEqual([
        {
          invoiceId: 'F-2026-0042',
          at: NOW.toISOString(),
          kind: 'dispute_opened',
          actor: 'customer:ACME',
          detail: {
            reason: 'Prestation non livrée',
            documentKey: w.documents[0].key,
            linkId: LINK,
            via: 'customer_page',
          },
        },
      ]);
      expect(w.alerts).toHaveLength(1);
      expect(w.alerts[0].title).toContain('contestation de la facture F-2026-0042');
    },
  );

  it('after an action the page says it was recorded', async () => {
    const res = await handleCustomerPage(event('GET', `/c/${token()}`, { query: { done: 'dispute' } }), world().deps);
    expect(html(res)).toContain('Votre contestation est enregistrée');
  });

  it('“Je m’engage à payer le …” pauses every owed invoice until that date, as a promise', async () => {
    const w = world();
    const res = await handleCustomerPage(
      event('POST', `/c/${token()}/promise`, urlencoded({ formToken: formToken(), promisedFor: '2026-06-12' })),
      w.deps,
    );
    expect(res.statusCode).toBe(303);
    for (const id of ['F-2026-0042', 'F-2026-0043'])
      expect(w.invoices.get(id)?.pause).toMatchObject({ reason: 'promise', until: '2026-06-12' });
    expect(w.events.map((e) => [e.invoiceId, e.kind, e.detail.linkId])).toEqual([
      ['F-2026-0042', 'payment_promised', LINK],
      ['F-2026-0043', 'payment_promised', LINK],
    ]);
    expect(w.alerts).toHaveLength(1);
  });

  it('an answer whose second invoice another writer changed meanwhile records nothing, as the page says', async () => {
    const w = world();
    const save = w.deps.saveInvoices;
    w.deps.saveInvoices = async (changes) => {
      // the dunning workflow writes F-2026-0043 between the page's read and its save
      const i = w.invoices.get('F-2026-0043') as Invoice;
      w.invoices.set(i.invoiceId, { ...i, version: i.version + 1 });
      return save(changes);
    };
    const res = await handleCustomerPage(
      event('POST', `/c/${token()}/promise`, urlencoded({ formToken: formToken(), promisedFor: '2026-06-20' })),
      w.deps,
    );
    expect(res.statusCode).toBe(503);
    expect(html(res)).toContain('rien n’a été noté');
    expect(w.events).toEqual([]);
    expect(w.invoices.get('F-2026-0042')?.pause).toBeUndefined();
  });

  it('a double click on “Je m’engage” is answered twice with the confirmation, and finance told once', async () => {
    const w = world();
    const page = html(await handleCustomerPage(event('GET', `/c/${token()}`), w.deps));
    const nonce = /name="nonce" value="([^"]+)"/.exec(page)?.[1] ?? '';
    const post = () =>
      handleCustomerPage(
        event(
          'POST',
          `/c/${token()}/promise`,
          urlencoded({ formToken: formToken(), nonce, promisedFor: '2026-06-20' }),
        ),
        w.deps,
      );
    const [a, b] = await Promise.all([post(), post()]);
    expect([a.statusCode, b.statusCode]).toEqual([303, 303]);
    expect(b.headers?.location).toBe(`/c/${token()}?done=promise`);
    expect(w.alerts).toHaveLength(1);
    expect(w.events).toHaveLength(2);
    expect((await post()).statusCode).toBe(303);
    expect(w.alerts).toHaveLength(1);
  });

  it('a form refused, or not recorded, may be posted again with its nonce and is then recorded', async () => {
    const w = world();
    const nonce = '0b7c2a4e-3f1d-4c5b-9a8e-7d6c5b4a3f2e';
    const post = (promisedFor: string) =>
      handleCustomerPage(
        event('POST', `/c/${token()}/promise`, urlencoded({ formToken: formToken(), nonce, promisedFor })),
        w.deps,
      );
    expect((await post('2026-13-01')).statusCode).toBe(400);
    const tell = w.deps.alertFinance;
    w.deps.alertFinance = async () => {
      throw new Error('Throttled');
    };
    expect((await post('2026-06-20')).statusCode).toBe(503);
    w.deps.alertFinance = tell;
    expect((await post('2026-06-20')).statusCode).toBe(303);
    expect(w.alerts).toHaveLength(1);
  });

  it('an answer finance could not be told of records nothing: the customer may send it again', async () => {
    const w = world();
    const tell = w.deps.alertFinance;
    w.deps.alertFinance = async () => {
      throw Object.assign(new Error('Maximum sending rate exceeded'), { name: 'Throttled' });
    };
    const post = () =>
      handleCustomerPage(
        event('POST', `/c/${token()}/promise`, urlencoded({ formToken: formToken(), promisedFor: '2026-06-12' })),
        w.deps,
      );
    const refused = await post();
    expect(refused.statusCode).toBe(503);
    expect(html(refused)).toContain('Votre réponse n’a pas pu être enregistrée pour le moment');
    expect(w.faults).toEqual(['customer answer not recorded']);
    expect(w.events).toEqual([]);
    expect(w.invoices.get('F-2026-0042')?.pause).toBeUndefined();
    w.deps.alertFinance = tell;
    expect((await post()).statusCode).toBe(303);
    expect(w.alerts).toHaveLength(1);
    expect(w.events).toHaveLength(2);
  });

  it(
    'a promise past the page’s limit is refused beside the field, in the customer’s language, and nothing ' + 'changes',
    async () => {
      const w = world();
      const res = await handleCustomerPage(
        event('POST', `/c/${token()}/promise`, urlencoded({ formToken: formToken(), promisedFor: '2026-09-01' })),
        w.deps,
      );
      expect(res.statusCode).toBe(400);
      expect(html(res)).toContain('Cette date est trop lointaine.');
      expect(w.events).toEqual([]);
    },
  );

  it(
    'a promise may be put off within the policy’s days from the first promise, finance told it was put off, and no ' +
      'further',
    async () => {
      const w = world();
      let now = NOW;
      w.deps.now = () => now;
      const promise = (date: string) =>
        handleCustomerPage(
          event('POST', `/c/${token()}/promise`, urlencoded({ formToken: formToken(), promisedFor: date })),
          w.deps,
        );
      expect((await promise('2026-06-20')).statusCode).toBe(303);
      now = new Date('2026-06-19T09:00:00.000Z');
      expect((await promise('2026-07-02')).statusCode).toBe(303); // 30 days from the first promise, 2 June
      expect(w.invoices.get('F-2026-0042')?.pause).toMatchObject({ since: NOW.toISOString(), until: '2026-07-02' });
      expect(w.alerts[1].title).toBe('Client ACME – paiement repoussé au 02/07/2026');
      expect(w.alerts[1].items).toContain(
        'Engagement repoussé : le client avait promis de payer le 20/06/2026 (premier engagement pris le 02/06/2026)',
      );
      now = new Date('2026-07-01T09:00:00.000Z');
      const page = html(await handleCustomerPage(event('GET', `/c/${token()}`), w.deps));
      expect(page).toContain('max="2026-07-02"');
      const refused = await promise('2026-07-31');
      expect(refused.statusCode).toBe(400);
      expect(html(refused)).toContain('cette date dépasse le délai accordé depuis votre premier engagement');
      expect(w.invoices.get('F-2026-0042')?.pause?.until).toBe('2026-07-02');
      expect(w.alerts).toHaveLength(2);
    },
  );

  it(
    'a customer’s promise never shortens a promise pause finance set: its later date stays, finance reads so, and ' +
      'the page says which invoices wait until when',
    async () => {
      const w = world();
      const agreed = { reason: 'promise', since: '2026-05-20T14:00:00.000Z', until: '2026-06-30', note: 'plan agréé' };
      const held = w.invoices.get('F-2026-0042') as Invoice;
      w.invoices.set(held.invoiceId, { ...held, pause: agreed as Invoice['pause'] });
      const res = await handleCustomerPage(
        event('POST', `/c/${token()}/promise`, urlencoded({ formToken: formToken(), promisedFor: '2026-06-12' })),
        w.deps,
      );
      expect(res.statusCode).toBe(303);
      expect(w.invoices.get('F-2026-0042')?.pause).toEqual(agreed);
      expect(w.invoices.get('F-2026-0043')?.pause).toMatchObject({
        reason: 'promise',
        until: '2026-06-12',
        by: 'customer',
        since: NOW.toISOString(),
      });
      expect(w.events.map((e) => [e.invoiceId, e.kind, e.detail.until, e.detail.financeKeptUntil])).toEqual([
        ['F-2026-0042', 'payment_promised', '2026-06-12', '2026-06-30'],
        ['F-2026-0043', 'payment_promised', '2026-06-12', undefined],
      ]);
      expect(w.alerts).toHaveLength(1);
      expect(w.alerts[0].title).toBe('Client ACME – paiement promis pour le 12/06/2026');
      expect(w.alerts[0].items).toContain(
        'Facture F-2026-0042 : la suspension que vous aviez fixée jusqu’au 30/06/2026 est maintenue',
      );
      expect(w.alerts[0].items?.[0]).toBe('Relances des autres factures suspendues jusqu’au 12/06/2026');
      const page = html(
        await handleCustomerPage(event('GET', `/c/${token()}`, { query: { done: 'promise' } }), w.deps),
      );
      expect(page).toContain(
        'Votre engagement est noté. Pour la facture F-2026-0042, les relances restent suspendues jusqu’au ' +
          '30/06/2026, comme convenu avec nous. Pour les autres factures, pas de relance d’ici la date que vous avez ' +
          'indiquée.',
      );
      expect(page).not.toContain('pas de relance pour ces factures d’ici là');
    },
  );

  it('an English customer whose every invoice finance holds later reads so in English, not “until then”', async () => {
    const w = world();
    const other = w.invoices.get('F-2026-0099') as Invoice;
    const agreed = { reason: 'promise' as const, since: '2026-05-20T14:00:00.000Z', until: '2026-07-15' };
    w.invoices.set(other.invoiceId, { ...other, pause: agreed });
    const link = token({ customerId: 'OTHER', linkId: 'link-other-0001' });
    const form = urlencoded({ formToken: formTokenFor('link-other-0001', KEY), promisedFor: '2026-06-20' });
    expect((await handleCustomerPage(event('POST', `/c/${link}/promise`, form), w.deps)).statusCode).toBe(303);
    expect(w.invoices.get('F-2026-0099')?.pause).toEqual(agreed);
    // finance reads, in French, that no invoice waits for the customer's date
    expect(w.alerts.at(-1)?.items?.[0]).toBe(
      'Aucune relance suspendue à cette date : chaque facture garde la suspension que vous aviez fixée, plus longue',
    );
    const page = html(await handleCustomerPage(event('GET', `/c/${link}`, { query: { done: 'promise' } }), w.deps));
    expect(page).toContain(
      'Your promise is noted. For invoice F-2026-0099, reminders stay paused until 15 Jul 2026, as agreed with us.<',
    );
  });

  it(
    'a promise finance recorded starts no chain of the customer’s: their first promise is bounded from today, and ' +
      'finance is not told it was put off',
    async () => {
      const w = world();
      for (const id of ['F-2026-0042', 'F-2026-0043']) {
        const i = w.invoices.get(id) as Invoice;
        w.invoices.set(id, {
          ...i,
          pause: { reason: 'promise', since: '2026-05-01T08:00:00.000Z', until: '2026-06-05' },
        });
      }
      const page = html(await handleCustomerPage(event('GET', `/c/${token()}`), w.deps));
      expect(page).toContain('max="2026-07-02"');
      const res = await handleCustomerPage(
        event('POST', `/c/${token()}/promise`, urlencoded({ formToken: formToken(), promisedFor: '2026-06-30' })),
        w.deps,
      );
      expect(res.statusCode).toBe(303);
      for (const id of ['F-2026-0042', 'F-2026-0043'])
        expect(w.invoices.get(id)?.pause).toMatchObject({ until: '2026-06-30', since: NOW.toISOString() });
      expect(w.alerts[0].title).toBe('Client ACME – paiement promis pour le 30/06/2026');
      expect(w.alerts[0].items?.join(' ')).not.toContain('Engagement repoussé');
    },
  );

  it('a promise renewed the day before it falls due, every month, is refused the second time', async () => {
    const w = world();
    const accepted: number[] = [];
    let now = NOW;
    w.deps.now = () => now;
    for (let round = 0; round < 6; round++) {
      const today = now.toISOString().slice(0, 10);
      const until = new Date(Date.parse(`${today}T00:00:00Z`) + 30 * 86_400_000).toISOString().slice(0, 10);
      const res = await handleCustomerPage(
        event('POST', `/c/${token()}/promise`, urlencoded({ formToken: formToken(), promisedFor: until })),
        w.deps,
      );
      if (res.statusCode === 303) accepted.push(round);
      now = new Date(Date.parse(`${until}T09:00:00Z`) - 86_400_000);
    }
    expect(accepted).toEqual([0]);
  });

  it('the furthest date a customer may promise is the one their dunning policy sets', async () => {
    const w = world();
    const strict = { ...policyForCustomer(customer('ACME')), customerPromiseMaxDays: 10 };
    const deps = { ...w.deps, policyFor: async () => strict };
    const page = await handleCustomerPage(event('GET', `/c/${token()}`), deps);
    expect(html(page)).toContain('max="2026-06-12"');
    const late = await handleCustomerPage(
      event('POST', `/c/${token()}/promise`, urlencoded({ formToken: formToken(), promisedFor: '2026-06-13' })),
      deps,
    );
    expect(late.statusCode).toBe(400);
    expect(html(late)).toContain('Cette date est trop lointaine.');
    expect(w.events).toEqual([]);
  });

  it(
    '“J’ai payé” holds the reminders three business days for the statement and tells finance, but never lifts a ' +
      'dispute',
    async () => {
      const w = world();
      const disputed = w.invoices.get('F-2026-0043') as Invoice;
      w.invoices.set(disputed.invoiceId, {
        ...disputed,
        pause: { reason: 'dispute', since: '2026-05-10T00:00:00.000Z' },
      });
      const res = await handleCustomerPage(
        event(
          'POST',
          `/c/${token()}/paid`,
          urlencoded({ formToken: formToken(), paidOn: '2026-06-01', amount: '1 200,00' }),
        ),
        w.deps,
      );
      expect(res.statusCode).toBe(303);
      // Tuesday 2 June 2026 + 3 business days = Friday 5 June
      expect(w.invoices.get('F-2026-0042')?.pause).toMatchObject({ reason: 'promise', until: '2026-06-05' });
      expect(w.invoices.get('F-2026-0043')?.pause?.reason).toBe('dispute');
      expect(w.events).toHaveLength(1);
      expect(w.events[0]).toMatchObject({
        kind: 'payment_reported',
        detail: { paidOn: '2026-06-01', amountCents: 120_000, linkId: LINK },
      });
      expect(w.alerts[0].items?.join(' ')).toContain('1\u202f200,00');
    },
  );
});

describe('a payment the customer reports', () => {
  const paid = (amount: string) =>
    event('POST', `/c/${token()}/paid`, urlencoded({ formToken: formToken(), paidOn: '2026-06-02', amount }));

  it('0,01 € holds no reminder, and finance reads that it pays no invoice in full', async () => {
    const w = world();
    expect((await handleCustomerPage(paid('0,01'), w.deps)).statusCode).toBe(303);
    expect(w.invoices.get('F-2026-0042')?.pause).toBeUndefined();
    expect(w.invoices.get('F-2026-0043')?.pause).toBeUndefined();
    expect(w.events).toEqual([]);
    expect(w.alerts[0].items).toContain(
      'Ce montant ne règle entièrement aucune facture : aucune relance n’est suspendue.',
    );
  });

  it('in Alsace-Moselle holds reminders past Good Friday: 1 April 2026 + 3 business days is 8 April', async () => {
    const heldUntil = async (holidayCalendar: HolidayCalendar) => {
      const w = world({ holidayCalendar });
      w.deps.now = () => new Date('2026-04-01T09:00:00.000Z');
      const posted = event(
        'POST',
        `/c/${token()}/paid`,
        urlencoded({ formToken: formToken(), paidOn: '2026-04-01', amount: '1 200,00' }),
      );
      expect((await handleCustomerPage(posted, w.deps)).statusCode).toBe(303);
      return w.invoices.get('F-2026-0042')?.pause?.until;
    };
    expect(await heldUntil('alsace-moselle')).toBe('2026-04-08'); // Good Friday 3 April and Easter Monday skipped
    expect(await heldUntil('metropole')).toBe('2026-04-07');
  });

  it('leaves a later promise pause finance set as it is, and records the payment in its history', async () => {
    const w = world();
    const agreed = { reason: 'promise' as const, since: '2026-05-20T14:00:00.000Z', until: '2026-06-30' };
    const held = w.invoices.get('F-2026-0042') as Invoice;
    w.invoices.set(held.invoiceId, { ...held, pause: agreed });
    expect((await handleCustomerPage(paid('1 200,00'), w.deps)).statusCode).toBe(303);
    expect(w.invoices.get('F-2026-0042')?.pause).toEqual(agreed);
    expect(w.events[0]).toMatchObject({ kind: 'payment_reported', detail: { financeKeptUntil: '2026-06-30' } });
  });

  it('holds only the invoices the amount pays in full, and tells finance the others go on being chased', async () => {
    const w = world();
    await handleCustomerPage(paid('1 300,00'), w.deps);
    expect(w.invoices.get('F-2026-0042')?.pause).toMatchObject({ reason: 'promise', until: '2026-06-05' });
    expect(w.invoices.get('F-2026-0043')?.pause).toBeUndefined();
    expect(w.alerts[0].items?.join('\n')).toContain('pour les factures que ce montant règle entièrement : F-2026-0042');
    expect(w.alerts[0].items?.join('\n')).toContain('inférieur au total dû (1\u202f500,00');
    const all = world();
    await handleCustomerPage(paid('1 500'), all.deps);
    expect(all.events.map((e) => e.invoiceId)).toEqual(['F-2026-0042', 'F-2026-0043']);
  });
});

describe('forged form posts', () => {
  const post = (headers: Record<string, string>, fields: Record<string, string>) =>
    event('POST', `/c/${token()}/promise`, urlencoded(fields, headers));

  it('a post from another site is refused even with the right form token', async () => {
    const attempts: Record<string, string>[] = [
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { origin: 'https://evil.example' },
      { origin: 'null' },
    ];
    for (const headers of attempts) {
      const w = world();
      const res = await handleCustomerPage(
        post(headers, { formToken: formToken(), promisedFor: '2026-06-10' }),
        w.deps,
      );
      expect(res.statusCode, JSON.stringify(headers)).toBe(403);
      expect(w.events).toEqual([]);
    }
  });

  it('a post without the form token, or with another link’s, is refused', async () => {
    for (const t of [undefined, formTokenFor('link-other-0001', KEY), 'A'.repeat(43)]) {
      const w = world();
      const fields: Record<string, string> = { promisedFor: '2026-06-10', ...(t ? { formToken: t } : {}) };
      const res = await handleCustomerPage(post(sameSite, fields), w.deps);
      expect(res.statusCode).toBe(403);
      expect(html(res)).toContain('Le formulaire n’a pas pu être accepté');
      expect(w.events).toEqual([]);
    }
  });

  it(
    'a post from a client that sends neither Sec-Fetch-Site nor Origin still needs the form token, and passes with ' +
      'it',
    async () => {
      const w = world();
      const res = await handleCustomerPage(post({}, { formToken: formToken(), promisedFor: '2026-06-10' }), w.deps);
      expect(res.statusCode).toBe(303);
    },
  );
});

describe('uploads', () => {
  it('a file over 4 Mo is refused with 413 and nothing is stored', async () => {
    const w = world();
    const big = Buffer.alloc(4 * 1024 * 1024 + 10, 7);
    const res = await handleCustomerPage(
      event(
        'POST',
        `/c/${token()}/dispute`,
        multipart(
          { formToken: formToken(), invoiceNumber: 'F-2026-0042', reason: 'trop cher' },
          { name: 'scan.pdf', type: 'application/pdf', bytes: big },
        ),
      ),
      w.deps,
    );
    expect(res.statusCode).toBe(413);
    expect(html(res)).toContain('Le fichier dépasse 4 Mo.');
    expect(w.documents).toEqual([]);
    expect(w.events).toEqual([]);
  });

  it(
    'the limit said beside the field is the one the page applies, and a post of a file at that limit fits in ' +
      'Lambda’s 6 MB event',
    async () => {
      const page = html(await handleCustomerPage(event('GET', `/c/${token()}`), world().deps));
      const said = /un PNG de (\d+) Mo au plus/.exec(page)?.[1];
      expect(Number(said) * 1_000_000).toBe(MAX_DISPUTE_FILE_BYTES);
      const post = (bytes: number) =>
        event(
          'POST',
          `/c/${token()}/dispute`,
          multipart(
            { formToken: formToken(), invoiceNumber: 'F-2026-0042', reason: 'é'.repeat(2000) },
            {
              name: 'scan.pdf',
              type: 'application/pdf',
              bytes: Buffer.concat([Buffer.from('%PDF-'), Buffer.alloc(bytes - 5)]),
            },
          ),
        );
      const atLimit = post(MAX_DISPUTE_FILE_BYTES);
      expect(Buffer.byteLength(JSON.stringify(atLimit))).toBeLessThan(6 * 1024 * 1024 - 16 * 1024);
      expect((await handleCustomerPage(atLimit, world().deps)).statusCode).toBe(303);
      const over = await handleCustomerPage(post(MAX_DISPUTE_FILE_BYTES + 1), world().deps);
      expect(over.statusCode).toBe(413);
      expect(html(over)).toContain('Le fichier dépasse 4 Mo.');
    },
  );

  it('a body over the request limit is refused unread', async () => {
    const w = world();
    const huge = Buffer.alloc(MAX_BODY_BYTES + 1, 7);
    const res = await handleCustomerPage(
      event('POST', `/c/${token()}/dispute`, {
        headers: { 'content-type': 'multipart/form-data; boundary=x', ...sameSite },
        body: huge,
      }),
      w.deps,
    );
    expect(res.statusCode).toBe(413);
    expect(w.events).toEqual([]);
  });

  it('a file of another type is refused beside the field', async () => {
    const w = world();
    const res = await handleCustomerPage(
      event(
        'POST',
        `/c/${token()}/dispute`,
        multipart(
          { formToken: formToken(), invoiceNumber: 'F-2026-0042', reason: 'x' },
          { name: 'a.exe', type: 'application/x-msdownload', bytes: Buffer.from('MZ') },
        ),
      ),
      w.deps,
    );
    expect(res.statusCode).toBe(400);
    expect(html(res)).toContain('Le fichier doit être un PDF, un JPEG ou un PNG.');
    expect(w.documents).toEqual([]);
  });

  it('a file is taken for what its bytes show, not for what the browser says, and named from that type', async () => {
    const dispute = (w: ReturnType<typeof world>, file: { name: string; type: string; bytes: Buffer }) =>
      handleCustomerPage(
        event(
          'POST',
          `/c/${token()}/dispute`,
          multipart({ formToken: formToken(), invoiceNumber: 'F-2026-0042', reason: 'voir pièce' }, file),
        ),
        w.deps,
      );
    const w = world();
    const html_ = { name: 'facture.pdf.html', type: 'application/pdf', bytes: Buffer.from('<html><script>x</script>') };
    const refused = await dispute(w, html_);
    expect(refused.statusCode).toBe(400);
    expect(html(refused)).toContain('Le fichier doit être un PDF, un JPEG ou un PNG.');
    expect(w.documents).toEqual([]);
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(100, 1)]);
    expect((await dispute(w, { name: 'photo.pdf', type: 'application/pdf', bytes: jpeg })).statusCode).toBe(303);
    expect(w.documents).toEqual([
      { key: expect.stringMatching(/^disputes\/F-2026-0042\/.*-photo\.jpg$/), bytes: 104, contentType: 'image/jpeg' },
    ]);
  });

  it('a file with a name over 200 characters is kept, its name cut as the stored key cuts it', async () => {
    const w = world();
    const res = await handleCustomerPage(
      event(
        'POST',
        `/c/${token()}/dispute`,
        multipart(
          { formToken: formToken(), invoiceNumber: 'F-2026-0042', reason: 'voir pièce' },
          { name: `${'x'.repeat(201)}.pdf`, type: 'application/pdf', bytes: Buffer.from('%PDF-1.7\n') },
        ),
      ),
      w.deps,
    );
    expect(res.statusCode).toBe(303);
    expect(w.documents[0].key).toMatch(new RegExp(`-${'x'.repeat(100)}\\.pdf$`));
  });

  it('a refused dispute comes back with its invoice chosen and its 2,000-character reason kept', async () => {
    const w = world();
    const reason = `${'Livraison incomplète & cartons <abîmés>. '.repeat(48)}`.slice(0, 2000);
    const res = await handleCustomerPage(
      event(
        'POST',
        `/c/${token()}/dispute`,
        multipart(
          { formToken: formToken(), invoiceNumber: 'F-2026-0043', reason },
          { name: 'a.exe', type: 'application/pdf', bytes: Buffer.from('MZ') },
        ),
      ),
      w.deps,
    );
    expect(res.statusCode).toBe(400);
    expect(html(res)).toContain('<option value="F-2026-0043" selected>');
    expect(html(res)).toContain(
      `>${reason.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</textarea>`,
    );
  });

  it(
    'a dispute reason holding a bidirectional override is refused in the customer’s language, kept in the form, and ' +
      'nothing recorded',
    async () => {
      const w = world();
      const dispute = (tokenOf: string, form: string, invoiceNumber: string, reason: string) =>
        handleCustomerPage(
          event('POST', `/c/${tokenOf}/dispute`, multipart({ formToken: form, invoiceNumber, reason })),
          w.deps,
        );
      const reason = 'Déjà payé par virement \u202e5102-60-10\u202c, voir relevé';
      const res = await dispute(token(), formToken(), 'F-2026-0042', reason);
      expect(res.statusCode).toBe(400);
      expect(html(res)).toContain('Le motif contient un caractère invisible');
      expect(html(res)).toContain(`>${reason}</textarea>`);
      const other = token({ customerId: 'OTHER', linkId: 'link-other-0001' });
      const english = await dispute(other, formTokenFor('link-other-0001', KEY), 'F-2026-0099', 'paid\u0007');
      expect(html(english)).toContain('The reason holds an invisible character');
      expect(w.events).toEqual([]);
      expect(w.alerts).toEqual([]);
      expect(w.invoices.get('F-2026-0042')?.pause).toBeUndefined();
      const lines = 'Livraison incomplète :\r\n- 40 baguettes\r\n- 2 cartons';
      expect((await dispute(token(), formToken(), 'F-2026-0042', lines)).statusCode).toBe(303);
      expect(w.invoices.get('F-2026-0042')?.pause?.note).toBe(lines);
    },
  );

  it('a dispute of another customer’s invoice is refused', async () => {
    const w = world();
    const res = await handleCustomerPage(
      event(
        'POST',
        `/c/${token()}/dispute`,
        multipart({ formToken: formToken(), invoiceNumber: 'F-2026-0099', reason: 'x' }),
      ),
      w.deps,
    );
    expect(res.statusCode).toBe(400);
    expect(w.invoices.get('F-2026-0099')?.pause).toBeUndefined();
  });
});

/** Rasterises the page's QR SVG (its path of modules) and decodes it with jsQR. */
function decodeSvgQr(page: string): string {
  const svg = /<svg[\s\S]*?<\/svg>/.exec(page)?.[0] ?? '';
  const size = Number(/viewBox="0 0 (\d+) (\d+)"/.exec(svg)?.[1]);
  const d = [...svg.matchAll(/<path[^>]*stroke="#000000"[^>]*d="([^"]+)"/g)].map((m) => m[1]).join('');
  const scale = 4;
  const w = size * scale;
  const data = new Uint8ClampedArray(w * w * 4).fill(255);
  // qrcode's SVG draws dark modules as horizontal strokes: M x y h n (relative moves too)
  let x = 0;
  let y = 0;
  for (const [, op, a, b] of d.matchAll(/([MmHh])(-?\d+(?:\.\d+)?)(?:[ ,](-?\d+(?:\.\d+)?))?/g)) {
    if (op === 'M') [x, y] = [Number(a), Number(b)];
    else if (op === 'm') [x, y] = [x + Number(a), y + Number(b)];
    else {
      const to = op === 'h' ? x + Number(a) : Number(a);
      for (let px = Math.round(x * scale); px < Math.round(to * scale); px++) {
        for (let py = Math.round((y - 0.5) * scale); py < Math.round((y + 0.5) * scale); py++) {
          const i = (py * w + px) * 4;
          data[i] = data[i + 1] = data[i + 2] = 0;
        }
      }
      x = to;
    }
  }
  const code = jsQR(data, w, w);
  if (!code) throw new Error('no QR code decoded from the page');
  return code.data;
}
