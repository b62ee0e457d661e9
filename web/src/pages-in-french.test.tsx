// @vitest-environment happy-dom
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeApi } from './api/client';
import { App } from './app';
import { setLang } from './i18n';
import { navigate, notice } from './ui';

/**
 * Each page rendered in French from fixtures full of the API's codes (pause reasons, levels, channels, event kinds,
 * matcher reasons, statement error codes): what a reader sees must hold no code identifier and no English word.
 */
const SNAKE = /\b[a-z]+(?:_[a-z0-9]+)+\b/g;
const ENGLISH_WORDS = [
  'the|of|and|is|with|not|paid|payment|amount|owed|invoices?|customer|reminder|step|planned|paused|resumed',
  'allocation|dispute|promise|manual|email|call|rejected|ambiguous|several|equally|reference|short|credit|corrupt',
  'line|english|billing|accounts|payable|key',
].join('|');
const ENGLISH = new RegExp(`\\b(${ENGLISH_WORDS})\\b`, 'gi');

const at = '2026-11-01T08:00:00.000Z';
const txn = {
  transactionId: 'T1',
  statementChecksum: 'abc',
  account: {},
  status: 'suggested',
  version: 1,
  ingestedAt: at,
  index: 0,
  bookingDate: '2026-11-02',
  amountCents: 500_00,
  currency: 'EUR',
  label: 'VIR SEPA ROUSSEAU',
  counterpartyName: 'ROUSSEAU',
  remittance: { unstructured: [], structured: [] },
  bankCodes: [],
  reversal: false,
  raw: [],
  applied: [],
  match: {
    transactionId: 'T1',
    status: 'suggested',
    confidence: 0.57,
    reasons: ['ambiguous: several open invoices fit equally well', 'rejected: capped: looks like a tax refund'],
    suggestions: [
      {
        allocations: [{ invoiceId: 'R-1', amountCents: 500_00 }],
        confidence: 0.57,
        writeOffCents: 0,
        customerCreditCents: 0,
        reasons: [
          'reference: R-1 in the transaction text',
          'amount: 500.00 equals what is owed',
          'customer: payer name "ROUSSO" ~ ROUSSEAU SA (similar name)',
          'date: paid 2 days after the due date',
        ],
      },
    ],
  },
};
const invoice = (invoiceId: string, extra: object = {}) => ({
  invoiceId,
  customerId: 'C1',
  amountCents: 500_00,
  openCents: 380_00,
  currency: 'EUR',
  issueDate: '2026-10-01',
  dueDate: '2026-10-31',
  status: 'partially_paid',
  version: 3,
  ...extra,
});
const history = [
  {
    invoiceId: 'R-1',
    at,
    kind: 'dunning_step_planned',
    actor: 'system:dunning',
    detail: { stepId: 'relance-douce', level: 'reminder_1', channel: 'email', at: '2026-11-07T08:00:00Z' },
  },
  {
    invoiceId: 'R-1',
    at,
    kind: 'dunning_message_sent',
    actor: 'system:dunning',
    detail: {
      stepId: 'mise-en-demeure',
      level: 'formal_notice',
      channel: 'formal_notice',
      messageId: 'm1',
      to: ['compta@rousseau.example'],
    },
  },
  {
    invoiceId: 'R-1',
    at,
    kind: 'reminder_sent',
    actor: 'system:dunning',
    detail: {
      stepId: 'relance-douce',
      level: 'reminder_1',
      channel: 'email',
      plannedAt: '2026-12-03T07:30:00.000Z',
      late: { minutes: 2089, reasons: ['unexplained'] },
    },
  },
  {
    invoiceId: 'R-1',
    at,
    kind: 'allocation',
    actor: 'finance@x',
    detail: { transactionId: 'T-9', amountCents: 120_00, bookingDate: '2026-10-20' },
  },
  {
    invoiceId: 'R-1',
    at,
    kind: 'dunning_step_skipped',
    actor: 'system:dunning',
    detail: { stepId: 'reminder-2', reason: 'superseded' },
  },
  {
    invoiceId: 'R-1',
    at,
    kind: 'notice_claims_unpaid',
    actor: 'system:dunning',
    detail: { stepId: 'mise-en-demeure', interestCents: 25_16, indemnityCents: 40_00, messageId: 'm2' },
  },
  { invoiceId: 'R-1', at, kind: 'payment_promised', actor: 'finance@x', detail: { until: '2026-11-30' } },
  { invoiceId: 'R-1', at, kind: 'resumed', actor: 'finance@x', detail: { pausedFor: 'manual' } },
  {
    invoiceId: 'R-1',
    at,
    kind: 'write_off',
    actor: 'finance@x',
    detail: { amountCents: 1_20, reason: 'frais bancaires' },
  },
];
const customer = {
  customerId: 'C1',
  name: 'Rousseau SA',
  isBusiness: true,
  segment: 'key_account',
  language: 'en',
  timeZone: 'Europe/Paris',
  contacts: [{ email: 'compta@rousseau.example', role: 'accounts_payable' }],
  ibans: [],
  paymentTermsDays: 30,
  blockWhenOverLimit: false,
  reminderGrouping: 'per_customer',
  postalAddress: [],
  version: 4,
  exposure: { openCents: 500_00, creditCents: 0, overLimit: false },
};
const routes: Record<string, unknown> = {
  '/console/today': {
    asOf: '2026-11-23',
    review: { suggested: 1, unmatched: 0, more: false },
    approvals: [{ invoiceId: 'R-1', customerId: 'C1', stepId: 'formal-notice' }],
    disputes: [],
    promisesDue: [],
    bounces: [],
    failedWorkflows: [{ invoiceId: 'R-1', customerId: 'C1', at, error: 'States.TaskFailed: the step failed' }],
    rejectedStatements: [
      {
        checksum: 'a1',
        sourceKey: 'inbox/releve.sta',
        receivedAt: at,
        code: 'unknown_format',
        message: 'not a known statement format',
      },
    ],
    missingRates: [],
  },
  '/transactions': { items: [txn] },
  '/invoices/R-1': {
    invoice: invoice('R-1', { pause: { reason: 'dispute', since: at } }),
    allocations: [
      { invoiceId: 'R-1', transactionId: 'T-9', amountCents: 120_00, bookingDate: '2026-10-20', writeOffCents: 1_20 },
    ],
    history,
    workflow: { executionName: 'inv-R-1', status: 'paused' },
  },
  '/invoices': {
    items: [
      invoice('R-1', { pause: { reason: 'promise', since: at, until: '2026-11-30' }, dunningLevel: 'final_reminder' }),
    ],
  },
  '/customers': { items: [customer] },
  '/customers/C1': customer,
  '/customers/C1/payer-score': {
    customerId: 'C1',
    sampleSize: 0,
    averageDaysLate: null,
    averageDelayDays: null,
    onTimeShare: null,
    trend: 'stable',
    overdueCents: 0,
  },
  '/customers/C1/aliases': { items: [] },
  '/reports/aged-balance': {
    asOf: '2026-11-23',
    currency: 'EUR',
    customers: [
      {
        customerId: 'C1',
        customerName: 'Rousseau SA',
        invoiceCount: 2,
        buckets: { not_due: 0, d1_30: 380_00, d31_60: 500_00, d61_90: 0, over_90: 0 },
        totalCents: 880_00,
        disputedCents: 500_00,
      },
    ],
    total: {
      invoiceCount: 2,
      buckets: { not_due: 0, d1_30: 380_00, d31_60: 500_00, d61_90: 0, over_90: 0 },
      totalCents: 880_00,
      disputedCents: 500_00,
    },
    otherCurrencies: ['USD'],
    customerCount: 1,
  },
  '/reports/dso': {
    asOf: '2026-11-23',
    currency: 'EUR',
    periodDays: 90,
    receivablesCents: 880_00,
    salesCents: 2_000_00,
    dsoDays: 39.6,
  },
  '/reports/cash-forecast': {
    asOf: '2026-11-23',
    currency: 'EUR',
    weeks: [{ weekStart: '2026-11-23', expectedCents: 380_00, invoiceCount: 1 }],
    laterCents: 75_00,
    inCollectionCents: 0,
    excluded: { disputedCents: 500_00, pausedCents: 42_00 },
  },
  '/policies': { items: [] },
  '/invoices/R-1/write-off': { invoice: invoice('R-1', { openCents: 260_00 }) },
  '/transactions/T1/accept': { transaction: txn, invoices: [], paidInvoiceIds: ['R-1'], reopenedInvoiceIds: [] },
  '/statements': {
    items: [
      {
        checksum: 'a1',
        sourceKey: 'inbox/releve.sta',
        receivedAt: at,
        status: 'rejected',
        error: { code: 'truncated', message: 'statement without its closing balance (:62F:)', line: 12 },
      },
      {
        checksum: 'a2',
        sourceKey: 'inbox/releve.cfo',
        receivedAt: at,
        status: 'processed',
        counts: { entries: 2, matched: 1, suggested: 1, unmatched: 0 },
      },
    ],
  },
};

async function show(path: string) {
  navigate(path);
  const fetch = (async (req: Request) => {
    const body = routes[new URL(req.url).pathname];
    return new Response(
      JSON.stringify(body ?? { type: 'urn:encaisse:problem:not-found', title: 'Introuvable', status: 404 }),
      { status: body ? 200 : 404, headers: { 'content-type': 'application/json' } },
    );
  }) as typeof globalThis.fetch;
  await act(async () => {
    render(
      <App
        api={makeApi('http://api.test', 'token', fetch)}
        session={{ token: 'token', role: 'finance', who: 'finance', signOut: () => undefined }}
      />,
      root(),
    );
  });
  for (let i = 0; i < 10; i++) await act(() => new Promise((r) => setTimeout(r, 0)));
  return (root().querySelector('main') as HTMLElement).textContent ?? '';
}
const root = () => document.getElementById('app') as HTMLElement;

beforeEach(() => {
  document.body.innerHTML = '<div id="app"></div>';
  setLang('fr');
  notice.value = undefined;
});
afterEach(() => render(null, root()));

describe('French pages speak French only', () => {
  it.each([
    ['Aujourd’hui', '/', 'mise en demeure'],
    ['Rapprochement', '/rapprochement', 'ambigu : plusieurs factures ouvertes conviennent aussi bien'],
    ['Facture', '/factures/R-1', 'relance envoyée'],
    ['Factures', '/factures', 'en pause (promesse de paiement)'],
    ['Relevés', '/releves', 'fichier tronqué (ligne 12)'],
    ['Clients', '/clients', 'scénario du segment grands comptes'],
    ['Client', '/clients/C1', 'comptabilité fournisseurs'],
    ['Pilotage', '/pilotage', 'Balance âgée'],
  ])('%s shows no code identifier and no English word', async (_name, path, expected) => {
    const text = await show(path);
    expect(text).toContain(expected);
    expect(text.match(SNAKE) ?? []).toEqual([]);
    expect(text.match(ENGLISH) ?? []).toEqual([]);
  });

  it(
    'the invoice page names payments by date and amount, keeps their id as a tooltip, and says levels and channels ' +
      'in words',
    async () => {
      const text = await show('/factures/R-1');
      expect(text).toContain('en pause (litige)');
      expect(text).toContain('paiement du 20 oct. 2026 de 120,00');
      expect(text).not.toContain('T-9');
      expect(root().querySelector('[title="T-9"]')).not.toBeNull();
      expect(text).toContain('1re relance · e-mail · prévu le 7 nov. 2026');
      expect(text).toContain('mise en demeure · lettre de mise en demeure');
      expect(text).toMatch(
        new RegExp(
          'envoi en retard : prévu le 3 déc\\. 2026.{0,4}08:30, parti 1 j 10 h 49 min après l’heure prévue ' +
            '\\(retard non expliqué\\)',
        ),
      );
    },
  );

  it('the reports say what their totals leave out: disputed sums, other currencies, cash nobody can date', async () => {
    const text = await show('/pilotage');
    expect(text).toMatch(/dont 500,00\s€ en litige \(relances suspendues\)/);
    expect(text).toContain('Dû aussi en USD : non compté ici, qui ne montre que EUR.');
    expect(text).toMatch(/Attendu après ces semaines : 75,00\s€/);
    expect(text).toMatch(/Non compté, en litige : 500,00\s€/);
    expect(text).toMatch(/Non compté, relances en pause sans promesse de paiement : 42,00\s€/);
    expect(text).not.toContain('confié à l’agence');
    expect(text).not.toContain('clients qui doivent le plus'); // one page holds them all
    const headers = [...root().querySelectorAll('th[scope=col]')].map((th) => th.textContent);
    expect(headers).toContain('En litige');
  });

  it('a book of more customers than one page says the table holds the largest and where the rest is', async () => {
    const aged = routes['/reports/aged-balance'] as Record<string, unknown>;
    routes['/reports/aged-balance'] = { ...aged, customerCount: 12_345, nextCursor: 'bzo1MDAw' };
    const text = await show('/pilotage');
    routes['/reports/aged-balance'] = aged;
    expect(text).toMatch(/Les 1 clients qui doivent le plus, sur 12\s345 : la balance complète est dans le CSV\./);
  });

  it('an engine reason no rule knows is shown as written, marked as not translated', async () => {
    routes['/transactions'] = { items: [{ ...txn, match: { ...txn.match, reasons: ['a brand new reason'] } }] };
    const text = await show('/rapprochement');
    routes['/transactions'] = { items: [txn] };
    expect(text).toContain('a brand new reason (texte du moteur, non traduit)');
  });

  it('a banner after an action says what happened, not the button’s name', async () => {
    await show('/factures/R-1');
    const input = (label: string) =>
      [...root().querySelectorAll('label')]
        .find((l) => l.textContent?.startsWith(label))
        ?.querySelector('input') as HTMLInputElement;
    await act(async () => {
      input('Montant (€)').value = '120';
      input('Montant (€)').dispatchEvent(new Event('input'));
      input('Motif').value = 'geste commercial';
      input('Motif').dispatchEvent(new Event('input'));
    });
    const writeOff = [...root().querySelectorAll('button')].find(
      (b) => b.textContent === 'Passer en perte',
    ) as HTMLButtonElement;
    await act(async () => writeOff.click());
    for (let i = 0; i < 5; i++) await act(() => new Promise((r) => setTimeout(r, 0)));
    expect(root().querySelector('[data-testid=notice]')?.textContent).toMatch(
      /^Facture passée en perte : 120,00\s€\.$/,
    );

    await show('/rapprochement');
    await act(async () => {
      document.dispatchEvent(new KeyboardEvent('keydown', { key: 'a' }));
    });
    for (let i = 0; i < 5; i++) await act(() => new Promise((r) => setTimeout(r, 0)));
    expect(root().querySelector('[data-testid=notice]')?.textContent).toMatch(
      /^Paiement de 500,00\s€ \(ROUSSEAU\) lettré à R-1\.$/,
    );
  });
});
