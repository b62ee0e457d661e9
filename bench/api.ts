/**
 * Load run of the admin API on the local stack (npm run bench:api; not part of npm test):
 * CLIENTS concurrent clients (default 50) for SECONDS (default 30), each looping over listing invoices (a page, the
 * next page, one invoice) and importing a small CSV (20 rows, half of them shared by every client so imports race
 * on the same invoice ids). Any 5xx, transport error or unexpected status counts as an error. Prints latency
 * percentiles per kind of request and overall.
 *
 *   npm run bench:api                     # 50 clients, 30 s
 *   CLIENTS=10 SECONDS=5 npm run bench:api
 */
import { startLocalStack } from '../bin/local/stack';
import { contractTemplate } from '../test/integration/support/contract-template';

const CLIENTS = Number(process.env.CLIENTS ?? 50);
const SECONDS = Number(process.env.SECONDS ?? 30);
const SEED = 500;

const header = 'invoice_id,customer_id,customer_name,customer_iban,amount,currency,issue_date,due_date';
function csvRows(ids: string[], customer: (i: number) => string): string {
  return [
    header,
    ...ids.map(
      (id, i) =>
        `${id},${customer(i)},Client ` +
        `${customer(i)},,${100 + (i % 50)}.${String(i % 100).padStart(2, '0')},EUR,2026-10-` +
        `${String(1 + (i % 28)).padStart(2, '0')},2026-11-${String(1 + (i % 28)).padStart(2, '0')}`,
    ),
  ].join('\n');
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main() {
  const stack = await startLocalStack({ quiet: true, template: contractTemplate() });
  const token = stack.env.LOCAL_API_TOKEN;
  const base = stack.urls.api;
  const auth = { authorization: `Bearer ${token}` };
  try {
    // Seed: SEED invoices over 50 customers.
    const seedIds = Array.from({ length: SEED }, (_, i) => `SEED-${String(i).padStart(5, '0')}`);
    const seeded = await fetch(`${base}/invoices/import`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'text/csv' },
      body: csvRows(seedIds, (i) => `CUST-${i % 50}`),
    });
    const seedReport = (await seeded.json()) as { summary: Record<string, number> };
    console.log(`seeded: ${JSON.stringify(seedReport.summary)}`);

    const samples: Record<string, number[]> = { list: [], next: [], get: [], import: [] };
    const errors: string[] = [];
    const deadline = Date.now() + SECONDS * 1000;

    async function timed(
      kind: string,
      url: string,
      init: RequestInit,
      ok: (status: number) => boolean,
    ): Promise<Response | undefined> {
      const t0 = performance.now();
      try {
        const res = await fetch(url, init);
        const body = await res.text();
        samples[kind].push(performance.now() - t0);
        if (!ok(res.status)) errors.push(`${kind} ${res.status} ${body.slice(0, 200)}`);
        return new Response(body, { status: res.status });
      } catch (err) {
        errors.push(`${kind} transport ${(err as Error).message}`);
        return undefined;
      }
    }

    async function client(n: number) {
      let round = 0;
      while (Date.now() < deadline) {
        round++;
        const list = await timed('list', `${base}/invoices?status=open&limit=50`, { headers: auth }, (s) => s === 200);
        const page = list
          ? ((await list.json()) as { items: { invoiceId: string }[]; nextCursor?: string })
          : undefined;
        if (page?.nextCursor)
          await timed(
            'next',
            `${base}/invoices?status=open&limit=50&cursor=${encodeURIComponent(page.nextCursor)}`,
            { headers: auth },
            (s) => s === 200,
          );
        const id = page?.items[(n + round) % Math.max(1, page.items.length)]?.invoiceId ?? seedIds[n];
        await timed('get', `${base}/invoices/${encodeURIComponent(id)}`, { headers: auth }, (s) => s === 200);
        if (round % 2 === 0) {
          // 10 rows of the client's own + 10 rows every client shares (same ids, same values: idempotent).
          const own = Array.from({ length: 10 }, (_, i) => `B${n}-${round}-${i}`);
          const shared = Array.from({ length: 10 }, (_, i) => `SHARED-${(round * 10 + i) % 200}`);
          await timed(
            'import',
            `${base}/invoices/import`,
            {
              method: 'POST',
              headers: { ...auth, 'content-type': 'text/csv' },
              body: csvRows([...own, ...shared], (i) => `CUST-${i % 50}`),
            },
            (s) => s === 200,
          );
        }
      }
    }

    const started = performance.now();
    await Promise.all(Array.from({ length: CLIENTS }, (_, n) => client(n)));
    const elapsed = (performance.now() - started) / 1000;

    const all = Object.values(samples)
      .flat()
      .sort((a, b) => a - b);
    console.log(
      `\nadmin API load run: ${CLIENTS} clients, ${elapsed.toFixed(1)} s, ${all.length} requests ` +
        `(${(all.length / elapsed).toFixed(0)} req/s), errors: ${errors.length}`,
    );
    console.log('kind      count     p50 ms   p95 ms   p99 ms   max ms');
    for (const [kind, xs] of [...Object.entries(samples), ['all', all] as const]) {
      const s = [...xs].sort((a, b) => a - b);
      console.log(
        `${kind.padEnd(8)} ${String(s.length).padStart(6)}  ` +
          `${[50, 95, 99].map((p) => percentile(s, p).toFixed(1).padStart(8)).join(' ')} ` +
          `${(s.at(-1) ?? NaN).toFixed(1).padStart(8)}`,
      );
    }
    if (errors.length) {
      console.log('\nfirst errors:');
      for (const e of errors.slice(0, 10)) console.log(`  ${e}`);
      process.exitCode = 1;
    }
  } finally {
    await stack.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
