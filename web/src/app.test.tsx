// @vitest-environment happy-dom
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeApi } from './api/client';
import { App } from './app';
import type { Role } from './auth';
import { setLang } from './i18n';
import { navigate, notice } from './ui';

type Handler = (req: Request, body: unknown) => { status?: number; body: unknown } | undefined;
const calls: { method: string; path: string; body: unknown; headers: Headers }[] = [];

function fakeFetch(handler: Handler): typeof fetch {
  return (async (input: Request) => {
    const url = new URL(input.url);
    const text = await input.text();
    const body = text ? JSON.parse(text) : undefined;
    calls.push({ method: input.method, path: url.pathname + url.search, body, headers: input.headers });
    const res = handler(input, body) ?? {
      status: 404,
      body: { type: 'urn:encaisse:problem:not-found', title: 'Introuvable', status: 404 },
    };
    const status = res.status ?? 200;
    return new Response(JSON.stringify(res.body), {
      status,
      headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' },
    });
  }) as typeof fetch;
}

const root = () => document.getElementById('app') as HTMLElement;
async function show(path: string, role: Role, handler: Handler) {
  navigate(path);
  await act(async () => {
    render(
      <App
        api={makeApi('http://api.test', 'token', fakeFetch(handler))}
        session={{ token: 'token', role, who: role, signOut: () => undefined }}
      />,
      root(),
    );
  });
  await settle();
}
async function settle() {
  for (let i = 0; i < 10; i++) await act(() => new Promise((r) => setTimeout(r, 0)));
}
const buttons = () => [...root().querySelectorAll('button')].map((b) => b.textContent ?? '');

const txn = (id: string, amountCents: number, invoices: string[]) => ({
  transactionId: id,
  statementChecksum: 'abc',
  account: {},
  status: 'suggested',
  version: 1,
  ingestedAt: '2026-11-02T06:00:00.000Z',
  index: 0,
  bookingDate: '2026-11-02',
  amountCents,
  currency: 'EUR',
  label: 'VIR SEPA ROUSSEAU',
  counterpartyName: 'ROUSSEAU',
  remittance: { unstructured: [], structured: [] },
  bankCodes: [],
  reversal: false,
  raw: [],
  applied: [],
  match: {
    transactionId: id,
    status: 'suggested',
    confidence: 0.57,
    reasons: ['ambiguous: several open invoices fit equally well'],
    suggestions: invoices.map((invoiceId) => ({
      allocations: [{ invoiceId, amountCents }],
      confidence: 0.57,
      reasons: ['amount'],
      writeOffCents: 0,
      customerCreditCents: 0,
    })),
  },
});
const invoice = (invoiceId: string, openCents: number, extra: object = {}) => ({
  invoiceId,
  customerId: 'C1',
  amountCents: 500_00,
  openCents,
  currency: 'EUR',
  issueDate: '2026-10-01',
  dueDate: '2026-10-31',
  status: 'open',
  version: 3,
  ...extra,
});

beforeEach(() => {
  document.body.innerHTML = '<div id="app"></div>';
  calls.length = 0;
  notice.value = undefined;
  setLang('fr');
});
afterEach(() => render(null, root()));

describe('Aujourd’hui', () => {
  it('lists what needs a person, each line linking to where it is handled', async () => {
    await show('/', 'finance', (req) =>
      new URL(req.url).pathname === '/console/today'
        ? {
            body: {
              asOf: '2026-11-23',
              review: { suggested: 3, unmatched: 1, more: false },
              approvals: [{ invoiceId: 'F1', customerId: 'C1', stepId: 'formal-notice' }],
              disputes: [],
              promisesDue: [{ invoiceId: 'F2', customerId: 'C1', until: '2026-11-24' }],
              bounces: [],
              failedWorkflows: [],
              rejectedStatements: [
                {
                  checksum: 'abcdefgh',
                  sourceKey: 'inbox/releve.cfo',
                  receivedAt: '2026-11-22T07:00:00Z',
                  message: 'solde de clôture faux',
                },
              ],
              missingRates: [{ half: '2026-H2', ecbMro: true, legalRate: false }],
            },
          }
        : undefined,
    );
    const text = root().textContent ?? '';
    expect(text).toContain('3 suggestion(s) à valider, 1 paiement(s) non rapproché(s)');
    expect(text).toContain('Étapes à approuver');
    expect(text).not.toContain('Litiges ouverts'); // nothing there: no empty section
    const links = [...root().querySelectorAll('main a')].map((a) => a.getAttribute('href'));
    expect(links).toEqual(['/rapprochement', '/factures/F1', '/factures/F2', '/releves', '/parametres']);
    expect(text).toContain('2026-H2 : taux BCE à saisir');
  });
});

describe('Rapprochement', () => {
  const queue: Handler = (req) => {
    const p = new URL(req.url).pathname;
    if (p === '/transactions')
      return { body: { items: [txn('T1', 500_00, ['R-1', 'R-2']), txn('T2', 250_00, ['R-3'])] } };
    if (p.startsWith('/invoices/'))
      return {
        body: {
          invoice: invoice(decodeURIComponent(p.split('/')[2]), 500_00),
          allocations: [],
          history: [],
          workflow: { executionName: 'x', status: 'running' },
        },
      };
    if (p === '/transactions/T1/accept')
      return {
        body: { transaction: txn('T1', 500_00, []), invoices: [], paidInvoiceIds: ['R-1'], reopenedInvoiceIds: [] },
      };
    return undefined;
  };

  it('shows each candidate beside what it would leave owed; A accepts the best and the next line opens', async () => {
    await show('/rapprochement', 'finance', queue);
    const panel = root().querySelector('article.panel') as HTMLElement;
    expect(panel.querySelector('h2')?.textContent).toMatch(/500,00\s€ — ROUSSEAU/);
    expect(panel.textContent).toContain('Restera dû');
    expect(panel.querySelectorAll('.candidate')).toHaveLength(2);
    await act(async () => {
      document.dispatchEvent(new KeyboardEvent('keydown', { key: 'a' }));
    });
    await settle();
    expect(calls.find((c) => c.method === 'POST')).toMatchObject({
      path: '/transactions/T1/accept',
      body: { suggestionIndex: 0 },
    });
    expect((root().querySelector('article.panel h2') as HTMLElement).textContent).toMatch(/250,00/);
    expect(buttons().some((b) => b.startsWith('Annuler le dernier lettrage'))).toBe(true);
  });

  it('shows the read-only role the queue without any action button', async () => {
    await show('/rapprochement', 'readonly', queue);
    expect(root().querySelectorAll('.candidate')).toHaveLength(2);
    expect(buttons().filter((b) => /Accepter|Rejeter|Lettrer/.test(b))).toEqual([]);
    await act(async () => {
      document.dispatchEvent(new KeyboardEvent('keydown', { key: 'a' }));
    });
    expect(calls.filter((c) => c.method === 'POST')).toEqual([]);
  });
});

describe('Facture', () => {
  it('pauses with the version read (If-Match) and explains a conflict in plain words', async () => {
    await show('/factures/R-1', 'finance', (req) => {
      const p = new URL(req.url).pathname;
      if (p === '/invoices/R-1')
        return {
          body: {
            invoice: invoice('R-1', 500_00),
            allocations: [],
            history: [
              {
                invoiceId: 'R-1',
                at: '2026-11-01T08:00:00Z',
                kind: 'dunning_step_planned',
                actor: 'system:dunning',
                detail: { stepId: 'reminder-1', channel: 'email', at: '2026-11-07T08:00:00Z' },
              },
            ],
            workflow: { executionName: 'inv-R-1', status: 'running' },
          },
        };
      if (p === '/invoices/R-1/pause')
        return {
          status: 409,
          body: {
            type: 'urn:encaisse:problem:version-conflict',
            title: 'Modifié entre-temps',
            status: 409,
            detail: 'invoice R-1 changed',
          },
        };
      return undefined;
    });
    expect(root().textContent).toContain('1re relance · e-mail · prévu le 7 nov. 2026');
    const pause = [...root().querySelectorAll('button')].find(
      (b) => b.textContent === 'Mettre en pause',
    ) as HTMLButtonElement;
    await act(async () => pause.click());
    await settle();
    const post = calls.find((c) => c.method === 'POST')!;
    expect(post.headers.get('if-match')).toBe('"v3"');
    expect(root().querySelector('[data-testid=notice]')?.textContent).toContain(
      'Quelqu’un d’autre a modifié cet élément entre-temps',
    );
    // read again after the conflict
    expect(calls.filter((c) => c.path === '/invoices/R-1' && c.method === 'GET')).toHaveLength(2);
  });
});

describe('Factures', () => {
  const listing: Handler = (req) => {
    const url = new URL(req.url);
    if (url.pathname === '/customers') return { body: { items: [] } };
    if (url.pathname === '/invoices')
      return { body: { items: [invoice('F-1', 500_00, { dunningLevel: 'formal_notice' })] } };
    return undefined;
  };
  const levelSelect = () =>
    [...root().querySelectorAll('label')]
      .find((l) => l.textContent?.startsWith('Niveau de relance'))
      ?.querySelector('select') as HTMLSelectElement;

  it('filters by dunning level: the choice, in words, goes to the API as level', async () => {
    await show('/factures', 'finance', listing);
    const select = levelSelect();
    expect([...select.options].map((o) => o.textContent)).toEqual([
      'Tous',
      'aucune relance envoyée',
      'rappel de courtoisie',
      'appel téléphonique',
      '1re relance',
      '2e relance',
      'dernière relance',
      'mise en demeure',
      'remise à l’agence de recouvrement',
    ]);
    await act(async () => {
      select.value = 'formal_notice';
      select.dispatchEvent(new Event('change'));
    });
    await settle();
    const last = calls.filter((c) => c.path.startsWith('/invoices')).at(-1)!;
    expect(new URL(last.path, 'http://api.test').searchParams.get('level')).toBe('formal_notice');
    await act(async () => {
      levelSelect().value = 'none';
      levelSelect().dispatchEvent(new Event('change'));
    });
    await settle();
    expect(
      new URL(calls.filter((c) => c.path.startsWith('/invoices')).at(-1)!.path, 'http://api.test').searchParams.get(
        'level',
      ),
    ).toBe('none');
  });

  it('sends no level when none is chosen', async () => {
    await show('/factures', 'finance', listing);
    expect(calls.filter((c) => c.path.startsWith('/invoices')).every((c) => !c.path.includes('level='))).toBe(true);
  });

  it('an invoice’s page says its dunning level in words, in French and in English', async () => {
    const detail: Handler = (req) =>
      new URL(req.url).pathname === '/invoices/R-2'
        ? {
            body: {
              invoice: invoice('R-2', 500_00, { dunningLevel: 'agency_handoff' }),
              allocations: [],
              history: [],
              workflow: { executionName: 'inv-R-2', status: 'running' },
            },
          }
        : undefined;
    await show('/factures/R-2', 'finance', detail);
    expect(root().querySelector('[data-testid=dunning-level]')?.textContent).toBe('remise à l’agence de recouvrement');
    render(null, root());
    setLang('en');
    await show('/factures/R-2', 'finance', detail);
    expect(root().querySelector('[data-testid=dunning-level]')?.textContent).toBe('handed to the collection agency');
  });

  it('an invoice never reminded says so', async () => {
    await show('/factures/R-3', 'readonly', (req) =>
      new URL(req.url).pathname === '/invoices/R-3'
        ? {
            body: {
              invoice: invoice('R-3', 500_00),
              allocations: [],
              history: [],
              workflow: { executionName: 'inv-R-3', status: 'not_started' },
            },
          }
        : undefined,
    );
    expect(root().querySelector('[data-testid=dunning-level]')?.textContent).toBe('aucune relance envoyée');
  });
});

describe('Clients: payers learned from finance', () => {
  const customer = {
    customerId: 'C1',
    name: 'Rousseau SA',
    isBusiness: true,
    segment: 'standard',
    language: 'fr',
    timeZone: 'Europe/Paris',
    contacts: [{ email: 'compta@rousseau.example', role: 'billing' }],
    ibans: [],
    paymentTermsDays: 30,
    blockWhenOverLimit: false,
    reminderGrouping: 'per_customer',
    postalAddress: [],
    version: 4,
    exposure: { openCents: 500_00, creditCents: 0, overLimit: false },
  };
  const alias = (aliasId: string, display: string, removed = false) => ({
    aliasId,
    customerId: 'C1',
    kind: aliasId.startsWith('iban') ? 'iban' : 'name',
    value: display,
    display,
    learnedAt: '2026-11-20T08:00:00.000Z',
    learnedBy: 'finance@x',
    fromTransactionId: 'T1',
    ...(removed ? { removedAt: '2026-11-21T08:00:00.000Z', removedBy: 'finance@x' } : {}),
  });
  let removed = false;
  const handler: Handler = (req) => {
    const p = new URL(req.url).pathname;
    if (p === '/customers/C1') return { body: customer };
    if (p === '/customers/C1/payer-score')
      return {
        body: {
          customerId: 'C1',
          sampleSize: 0,
          averageDaysLate: null,
          averageDelayDays: null,
          onTimeShare: null,
          trend: 'stable',
          overdueCents: 0,
        },
      };
    if (p === '/invoices' || p === '/policies') return { body: { items: [] } };
    if (p === '/customers/C1/aliases')
      return {
        body: {
          items: [
            alias('name-FACTOR-FINANCE', 'FACTOR FINANCE', removed),
            alias('iban-FR7630001007941234567890185', 'FR76 3000 1007 9412 3456 7890 185'),
          ],
        },
      };
    if (req.method === 'DELETE' && p === '/customers/C1/aliases/name-FACTOR-FINANCE') {
      removed = true;
      return { body: alias('name-FACTOR-FINANCE', 'FACTOR FINANCE', true) };
    }
    return undefined;
  };
  beforeEach(() => {
    removed = false;
  });

  it('finance sees each learned payer with when and who, and removes one for good', async () => {
    await show('/clients/C1', 'finance', handler);
    const list = () => root().querySelector('[data-testid="aliases"]')?.textContent ?? '';
    expect(list()).toContain('nom du payeur : FACTOR FINANCE');
    expect(list()).toContain('IBAN : FR76 3000 1007 9412 3456 7890 185');
    expect(list()).toContain('appris le');
    const remove = root().querySelector('button[aria-label="Retirer FACTOR FINANCE"]') as HTMLButtonElement;
    await act(async () => remove.click());
    await settle();
    expect(calls.some((c) => c.method === 'DELETE' && c.path === '/customers/C1/aliases/name-FACTOR-FINANCE')).toBe(
      true,
    );
    expect(list()).toContain('retiré le');
    expect(root().querySelector('button[aria-label="Retirer FACTOR FINANCE"]')).toBeNull();
  });

  it('a read-only user neither sees nor asks for them (the route is finance only)', async () => {
    await show('/clients/C1', 'readonly', handler);
    expect(root().querySelector('[data-testid="aliases"]')).toBeNull();
    expect(calls.some((c) => c.path.includes('/aliases'))).toBe(false);
  });
});
