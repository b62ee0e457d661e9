import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import chromium from '@sparticuz/chromium';
import { type Browser, type BrowserContext, type Page, chromium as playwright } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConsole, consoleDist, type LocalConsole, startConsole } from '../../bin/local/console';
import { demoData, seedDemo } from '../../bin/local/demo';
import { projectRoot } from '../../bin/local/handlers';
import { saveRateOverride } from '../../functions/adapters/db/rates';
import { Customer, Invoice } from '../../functions/core/model';
import type { Statement } from '../../functions/core/model/statement';
import { writeCfonb120 } from '../../functions/core/statements/writers';
import { useLocalStack } from '../integration/support/local-stack';
import { openConsolePage, settled } from './support/console-page';

/**
 * The finance console in a real Chromium (playwright-core + @sparticuz/chromium, headless) on the local stack: what
 * finance does every morning, axe-core on every page and the README screenshots. How fast each page becomes
 * interactive is a benchmark (npm run bench:console), not a test.
 */
const local = useLocalStack({ sfnTimeFactor: 1 });
/**
 * The README's screenshots are written by this test when `UPDATE_SCREENSHOTS=1` (or when one is missing); otherwise to
 * a scratch folder, so that a plain `npm test` leaves the working tree as it found it (the statements page shows the
 * time each file arrived, and its screenshot changed with every run).
 */
const readme = path.join(projectRoot, 'docs', 'screenshots');
const shots = process.env.UPDATE_SCREENSHOTS === '1' ? readme : path.join(os.tmpdir(), 'encaisse-console-screenshots');
/** Every page of the console, by its French name. */
const pages = {
  'Aujourd’hui': '/',
  Rapprochement: '/rapprochement',
  Factures: '/factures',
  Facture: '/factures/R-5',
  Clients: '/clients',
  Client: '/clients/C-FROMAGERIE',
  Relevés: '/releves',
  Pilotage: '/pilotage',
  Paramètres: '/parametres',
};
let consoleServer: LocalConsole;
let browser: Browser;
let finance: BrowserContext;
let page: Page;

const today = () => local().clock.now().toISOString().slice(0, 10);
const day = (offset: number) =>
  new Date(Date.parse(`${today()}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);

/** A cheese shop with invoices of equal amounts, so that its no-reference payments are suggestions, not guesses. */
function e2eData(): { customers: Customer[]; invoices: Invoice[] } {
  const customer = Customer.parse({
    customerId: 'C-FROMAGERIE',
    name: 'Fromagerie Rousseau',
    contacts: [{ email: 'compta@fromagerie-rousseau.example.fr' }],
  });
  const invoice = (invoiceId: string, amountCents: number, dueOffset: number) =>
    Invoice.parse({
      invoiceId,
      customerId: customer.customerId,
      amountCents,
      openCents: amountCents,
      issueDate: day(dueOffset - 30),
      dueDate: day(dueOffset),
      status: 'open',
      version: 1,
    });
  return {
    customers: [customer],
    invoices: [
      invoice('R-1', 500_00, -20),
      invoice('R-2', 500_00, -20),
      invoice('R-3', 250_00, -12),
      invoice('R-4', 250_00, -12),
      invoice('R-5', 400_00, -5),
    ],
  };
}

function e2eStatement(): { name: string; content: string } {
  const booked = day(-1);
  const entry = (index: number, amountCents: number) => ({
    index,
    bookingDate: booked,
    valueDate: booked,
    amountCents,
    currency: 'EUR',
    bankCodes: ['05'],
    bankReference: `E2E${index}`,
    label: 'VIR SEPA FROMAGERIE ROUSSEAU',
    counterpartyName: 'FROMAGERIE ROUSSEAU',
    remittance: { unstructured: ['PAIEMENT'], structured: [] },
    reversal: false,
    raw: [],
  });
  const statement: Statement = {
    format: 'cfonb120',
    account: {
      bankCode: '30004',
      branchCode: '00001',
      accountNumber: '00012345678',
      iban: 'FR7630004000010001234567890',
    },
    currency: 'EUR',
    periodStart: booked,
    periodEnd: booked,
    openingBalanceCents: 1_000_00,
    closingBalanceCents: 1_000_00 + 500_00 + 250_00,
    entries: [entry(0, 500_00), entry(1, 250_00)],
    balanceCheck: { status: 'ok' },
  };
  return { name: `releve-e2e-${booked}.cfonb`, content: writeCfonb120([statement]) };
}

/** Opens a console path and waits until it is usable: its title is shown and nothing is loading any more. */
async function open(p: Page, route: string): Promise<void> {
  await openConsolePage(p, new URL(route, consoleServer.url).href);
}

let axeSource: string;
async function seriousViolations(p: Page): Promise<string[]> {
  // Injected through the debugging protocol: the console's CSP (script-src 'self') rightly refuses an inline script
  // tag.
  await p.evaluate(axeSource);
  const violations = await p.evaluate(async () => {
    const { axe, document } = globalThis as unknown as {
      document: unknown;
      axe: {
        run(
          ctx: unknown,
          o: object,
        ): Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }>;
      };
    };
    const res = await axe.run(document, {
      resultTypes: ['violations'],
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    });
    return res.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')).slice(0, 3),
    }));
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} @ ${v.targets.join(', ')}`);
}

async function shot(p: Page, name: string): Promise<void> {
  const missing = !existsSync(path.join(readme, `${name}.png`));
  await p.screenshot({ path: path.join(missing ? readme : shots, `${name}.png`), fullPage: false });
}

async function api(pathAndQuery: string): Promise<any> {
  const res = await fetch(`${local().urls.api}${pathAndQuery}`, {
    headers: { authorization: `Bearer ${local().env.LOCAL_API_TOKEN}` },
  });
  return res.json();
}

const financeRates = {
  ecbMro: [],
  ecbMroKnownThrough: '2027-06-30',
  legalRate: [
    { half: '2026-H2', otherCasesBp: 262, privateCreditorBp: 667 },
    { half: '2027-H1', otherCasesBp: 262, privateCreditorBp: 667 },
  ],
  source: 'entered by finance for the console test',
  provenance: [],
};

beforeAll(async () => {
  const [, , executablePath, source] = await Promise.all([
    buildConsole(),
    (async () => {
      const demo = demoData(local().clock.now());
      const extra = e2eData();
      await seedDemo(
        { customers: [...demo.customers, ...extra.customers], invoices: [...demo.invoices, ...extra.invoices] },
        local().env.TABLE_NAME,
      );
      // Finance's own entry (PUT /rates) for the half-years after the published table: the demo no longer stores one.
      await saveRateOverride(financeRates, undefined, 'e2e', new Date(0).toISOString());
    })(),
    chromium.executablePath(),
    readFile(path.join(projectRoot, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8'),
    mkdir(shots, { recursive: true }),
  ]);
  axeSource = source;
  consoleServer = await startConsole({
    port: 0,
    apiUrl: local().urls.api,
    s3Url: local().urls.s3,
    tokens: { finance: local().env.LOCAL_API_TOKEN, readonly: local().env.LOCAL_API_READONLY_TOKEN },
  });
  // The local API imports its handler on the first request (seconds): warm it before anything is timed.
  await api('/console/today');
  // --lang: the browser's own widgets (a date field's placeholder) in French, as on a French finance officer's desk.
  browser = await playwright.launch({ executablePath, args: [...chromium.args, '--lang=fr-FR'], headless: true });
  finance = await browser.newContext({
    viewport: { width: 1280, height: 860 },
    locale: 'fr-FR',
    acceptDownloads: true,
  });
  page = await finance.newPage();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await consoleServer?.stop();
});

describe('the finance console in a real browser', () => {
  it('keeps the first load under 250 kB of gzipped JavaScript', async () => {
    const assets = path.join(consoleDist, 'assets');
    const js = (await readdir(assets)).filter((f) => f.endsWith('.js'));
    const gz = (
      await Promise.all(js.map(async (f) => gzipSync(await readFile(path.join(assets, f)), { level: 9 }).length))
    ).reduce((a, b) => a + b, 0);
    expect(gz).toBeLessThan(250 * 1024);
  });

  it('shows today’s to-do list in French, then in English on request', async () => {
    await open(page, '/');
    await expect(page.locator('h1').textContent()).resolves.toBe('Aujourd’hui');
    // the demo's rates cover today
    await expect(page.getByText('Taux de pénalités manquants').count()).resolves.toBe(0);
    await page.getByRole('button', { name: 'Switch the console to English' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Today');
    await page.getByRole('button', { name: 'Passer la console en français' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Aujourd’hui');
    await settled(page);
    await shot(page, 'aujourdhui');
  });

  it('drops a statement by drag-and-drop and shows it processed', async () => {
    await open(page, '/releves');
    const file = e2eStatement();
    const data = await page.evaluateHandle(({ name, content }) => {
      const { DataTransfer, File } = globalThis as any;
      const dt = new DataTransfer();
      dt.items.add(new File([content], name, { type: 'text/plain' }));
      return dt;
    }, file);
    await page.dispatchEvent('[data-testid=dropzone]', 'dragover', { dataTransfer: data });
    await page.dispatchEvent('[data-testid=dropzone]', 'drop', { dataTransfer: data });
    const row = page.locator('[data-testid=statements] tr', { hasText: file.name });
    await row.locator('.status-processed').waitFor({ timeout: 30_000 });
    await expect(row.textContent()).resolves.toMatch(/2 écritures .* 2 à valider/);
    await shot(page, 'releves');
  });

  it('accepts a suggestion, then picks another invoice for the next line', async () => {
    await open(page, '/rapprochement');
    const panel = page.locator('article.panel');
    await panel.getByText('Restera dû').first().waitFor();
    await shot(page, 'rapprochement');
    const first = await panel.locator('h2').textContent();
    expect(first).toContain('500,00');
    await page.keyboard.press('a');
    await page
      .getByTestId('notice')
      .getByText(/lettré à/)
      .waitFor();
    // The next line opens by itself: the 250 € payment, for which finance knows it is R-5.
    await expect(panel.locator('h2').textContent()).resolves.toContain('250,00');
    await page.keyboard.press('m');
    await page.keyboard.type('R-5');
    await page.keyboard.press('Enter');
    await page
      .getByText('La file est vide')
      .or(page.locator('article.panel h2', { hasNotText: '250,00' }))
      .first()
      .waitFor();
    const r5 = await api('/invoices/R-5');
    expect(r5.invoice.openCents).toBe(400_00 - 250_00);
    const r1 = await api('/invoices/R-1');
    const r2 = await api('/invoices/R-2');
    expect([r1.invoice.openCents, r2.invoice.openCents].sort()).toEqual([0, 500_00]);
  });

  it('opens an invoice’s timeline, pauses and resumes its dunning', async () => {
    await open(page, '/factures/R-5');
    const timeline = page.getByTestId('timeline');
    await timeline.getByText('paiement lettré').first().waitFor();
    await page.getByRole('button', { name: 'Mettre en pause' }).click();
    await page.getByTestId('invoice-status').getByText('en pause').waitFor();
    await timeline.getByText('relances mises en pause').first().waitFor();
    await shot(page, 'facture');
    await page.getByRole('button', { name: 'Reprendre les relances' }).click();
    await page.getByRole('button', { name: 'Mettre en pause' }).waitFor();
    await timeline.getByText('relances reprises').first().waitFor();
    await expect(page.getByTestId('invoice-status').textContent()).resolves.not.toContain('en pause');
  });

  it('explains a conflict in plain words when someone else changed the invoice', async () => {
    await open(page, '/factures/R-3');
    // Someone else pauses it meanwhile, with the version the page was read at.
    const current = await api('/invoices/R-3');
    await fetch(`${local().urls.api}/invoices/R-3/pause`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${local().env.LOCAL_API_TOKEN}`,
        'content-type': 'application/json',
        'if-match': `"v${current.invoice.version}"`,
      },
      body: '{}',
    });
    await page.getByRole('button', { name: 'Ouvrir un litige' }).click();
    await page.getByTestId('notice').getByText('Quelqu’un d’autre a modifié cet élément entre-temps').waitFor();
    await page.getByTestId('invoice-status').getByText('en pause').waitFor(); // reloaded with the current version
  });

  it('downloads the aged balance as CSV', async () => {
    await open(page, '/pilotage');
    await page.locator('.chart canvas').first().waitFor();
    await shot(page, 'pilotage');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Télécharger la balance âgée (CSV)' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^balance-agee-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = await readFile(await download.path(), 'utf8');
    // French Excel's dialect: UTF-8 BOM (the console puts back the one fetch drops), semicolons.
    expect(csv.split('\r\n')[0]).toMatch(/^\uFEFFClient;Nom du client;Factures;/);
    expect(csv).toContain('C-FROMAGERIE');
  });

  it('lists invoices and customers, and shows a customer with its payer score', async () => {
    await open(page, '/factures');
    await page.getByRole('link', { name: 'F-2025-0101' }).waitFor();
    await page.getByRole('combobox', { name: /^Client/ }).selectOption('C-FROMAGERIE');
    await page.getByRole('link', { name: 'F-2025-0101' }).waitFor({ state: 'detached' });
    await page.getByRole('link', { name: 'R-5' }).waitFor();
    await shot(page, 'factures');
    await open(page, '/clients');
    await open(page, '/clients/C-BOULANGERIE-MARTIN');
    await page.getByText('Comportement de paiement').waitFor();
    await shot(page, 'client');
    await open(page, '/parametres');
  });

  it('shows the read-only role no action button', async () => {
    // A new tab: the role is kept per tab (sessionStorage). One browser context only: the packaged Chromium runs
    // single-process, where closing a context ends the browser.
    const ro = await finance.newPage();
    await open(ro, '/?as=readonly');
    await ro.getByText('(lecture seule)').waitFor();
    const actions = new RegExp(
      'Accepter|Rejeter|Lettrer|Mettre en pause|Reprendre|Ouvrir un litige|Passer en perte|Enregistrer|Retraiter' +
        '|Promesse',
    );
    for (const route of ['/rapprochement', '/factures/R-5', '/clients/C-FROMAGERIE', '/releves', '/parametres']) {
      await open(ro, route);
      await expect(ro.getByRole('button', { name: actions }).count(), route).resolves.toBe(0);
      await expect(ro.locator('textarea, [data-testid=dropzone], input[type=file]').count(), route).resolves.toBe(0);
    }
  });

  it('is usable on a phone', async () => {
    const phone = await finance.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await open(phone, '/factures/R-5');
    const overflow = await phone.evaluate(() => {
      const root = (globalThis as any).document.documentElement;
      return root.scrollWidth - root.clientWidth;
    });
    expect(overflow).toBeLessThanOrEqual(0);
    await shot(phone, 'telephone-facture');
  });

  it('finds no serious or critical axe-core violation on any page', async () => {
    const found: Record<string, string[]> = {};
    for (const route of Object.values(pages)) {
      await open(page, route);
      const v = await seriousViolations(page);
      if (v.length) found[route] = v;
    }
    expect(found).toEqual({});
  }, 120_000);
});
