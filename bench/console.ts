/**
 * Time to interactive of every page of the finance console (npm run bench:console; not part of npm test): the local
 * stack with the demo book, the console built by Vite and served as in production (same origin, /api forwarded), a
 * real headless Chromium from @sparticuz/chromium. Each page is opened ROUNDS times (default 5) after one warm-up
 * round; a page is interactive when its title is shown and nothing in it is loading any more.
 *
 * Printed beside each page, measured in the same run on the same browser and server:
 *   - the navigation floor: opening a static file of the console server (no script, no API read), the least any
 *     page can cost on this machine;
 *   - the API floor: one authenticated read (GET /api/health) from inside the page, through the same proxy.
 * Budget: one second per page (median).
 *
 *   npm run bench:console
 *   ROUNDS=10 npm run bench:console
 */
import os from 'node:os';
import chromium from '@sparticuz/chromium';
import { chromium as playwright } from 'playwright-core';
import { buildConsole, startConsole } from '../bin/local/console';
import { demoData, seedDemo } from '../bin/local/demo';
import { startLocalStack } from '../bin/local/stack';
import { openConsolePage } from '../test/e2e/support/console-page';
import { dunningTemplate } from '../test/integration/support/templates';

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const BUDGET_MS = 1000;
const pages = {
  'Aujourd’hui': '/',
  Rapprochement: '/rapprochement',
  Factures: '/factures',
  Facture: '/factures/F-2025-0101',
  Clients: '/clients',
  Client: '/clients/C-BOULANGERIE-MARTIN',
  Relevés: '/releves',
  Pilotage: '/pilotage',
  Paramètres: '/parametres',
};

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x: number) => `${Math.round(x)}`.padStart(6);

async function main() {
  const stack = await startLocalStack({ quiet: true, template: dunningTemplate });
  const [executablePath] = await Promise.all([
    chromium.executablePath(),
    buildConsole(),
    seedDemo(demoData(stack.clock.now()), stack.env.TABLE_NAME),
  ]);
  const server = await startConsole({
    port: 0,
    apiUrl: stack.urls.api,
    s3Url: stack.urls.s3,
    tokens: { finance: stack.env.LOCAL_API_TOKEN, readonly: stack.env.LOCAL_API_READONLY_TOKEN },
  });
  const browser = await playwright.launch({ executablePath, args: chromium.args, headless: true });
  try {
    const page = await (
      await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'fr-FR' })
    ).newPage();
    const url = (route: string) => new URL(route, server.url).href;
    const samples: Record<string, number[]> = { navigation: [], api: [] };
    for (const name of Object.keys(pages)) samples[name] = [];
    for (let round = -1; round < ROUNDS; round++) {
      const keep = (name: string, value: number) => round >= 0 && samples[name].push(value);
      for (const [name, route] of Object.entries(pages))
        keep(name, await timed(() => openConsolePage(page, url(route))));
      keep(
        'api',
        await page.evaluate(async (token) => {
          const started = performance.now();
          await (await fetch('/api/health', { headers: { authorization: `Bearer ${token}` } })).text();
          return performance.now() - started;
        }, stack.env.LOCAL_API_TOKEN),
      );
      keep('navigation', await timed(() => page.goto(url('/config.json'))));
    }
    const load = os.loadavg()[0] / os.cpus().length;
    console.log(`finance console, ${ROUNDS} rounds, ${os.cpus().length} cores, load ${load.toFixed(1)} per core`);
    console.log(`navigation floor (static file, no script)   median ${ms(median(samples.navigation))} ms`);
    console.log(`API floor (GET /api/health from the page)    median ${ms(median(samples.api))} ms`);
    console.log(`page                 median    max   budget`);
    let over = 0;
    for (const name of Object.keys(pages)) {
      const m = median(samples[name]);
      if (m >= BUDGET_MS) over++;
      console.log(
        `${name.padEnd(18)} ${ms(m)} ${ms(Math.max(...samples[name]))}   ${m < BUDGET_MS ? 'met' : 'MISSED'}`,
      );
    }
    console.log(over ? `${over} page(s) over ${BUDGET_MS} ms` : `every page interactive under ${BUDGET_MS} ms`);
  } finally {
    await browser.close();
    await server.stop();
    await stack.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
