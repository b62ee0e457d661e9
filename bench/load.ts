/**
 * Load run of the dunning on the local stack (npm run load; not part of npm test; loopback only):
 * CUSTOMERS customers (default 80) with INVOICES_EACH invoices each (default 5: 400 invoices) enter their dunning
 * together (two grouped reminders, then an agency handoff, one policy day apart; FACTOR policy seconds per real
 * second).
 * Bank statements paying some of them are dropped while each send window's dispatch runs, and one after the
 * handoffs (the agency must then be told the case is withdrawn). Then it checks:
 *   - no reminder (or handoff) sent after the payment of its invoice was recorded, unless the customer (or agency)
 *     was told at once that it crossed the payment;
 *   - one e-mail per customer per send window (one message per batch, and SES got exactly the messages recorded);
 *   - no double allocation (each bank transaction lettered once, no invoice over-allocated);
 *   - no failed workflow;
 *   - no error logged (an expected retry, DispatchInProgress or throttling, is info/warn).
 * and prints e-mails per second, ingest latency per statement and peak memory. Bounded: exits after LIMIT_SECONDS.
 *
 *   npm run load
 *   CUSTOMERS=20 FACTOR=1800 SETUP_SECONDS=70 npm run load   # a loaded machine: slower policy time, fewer invoices
 */
import { execFileSync } from 'node:child_process';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { type LocalStack, startLocalStack } from '../bin/local/stack';
import type { Statement, StatementEntry } from '../functions/core/model';
import { writeStatementFile } from '../functions/core/statements';
import { customer, invoice } from '../test/handler/dunning/fixtures';
import { dunningTemplate } from '../test/integration/support/templates';

const CUSTOMERS = Number(process.env.CUSTOMERS ?? 80);
const INVOICES_EACH = Number(process.env.INVOICES_EACH ?? 5);
const LIMIT_SECONDS = Number(process.env.LIMIT_SECONDS ?? 420);
/** Policy seconds per real second (default 3600: a policy day lasts 24 s). */
const FACTOR = Number(process.env.FACTOR ?? 3600);
/** Windows at 08:30 Paris (06:30Z) on Monday 1, 2 and 3 June 2026; invoices due the day before. */
const WINDOW_1 = Date.parse('2026-06-01T06:30:00.000Z');
/** Real seconds before the first window for seeding and starting every workflow. */
const SETUP_SECONDS = Number(process.env.SETUP_SECONDS ?? 90);
const START = new Date(WINDOW_1 - SETUP_SECONDS * FACTOR * 1000);
const DUE = '2026-05-31';
const WINDOWS = ['2026-06-01T06:30:00.000Z', '2026-06-02T06:30:00.000Z', '2026-06-03T06:30:00.000Z'];
const HOUR = 3_600_000;
const CREDITOR_ACCOUNT = {
  iban: 'FR7630006000011234567890189',
  bankCode: '30006',
  branchCode: '00001',
  accountNumber: '12345678901',
};

const customerId = (c: number) => `L${String(c).padStart(3, '0')}`;
const invoiceId = (c: number, i: number) => `F-${customerId(c)}-${i + 1}`;
const amountOf = (c: number, i: number) => 1_000_00 + c * 100 + i * 7;

// --- what the functions log
// --------------------------------------------------------------------------------------------
process.env.LOG_LEVEL = 'info';
const logs = { error: [] as string[], retries: 0 };
// Powertools writes info to stdout, warn and error to stderr, and the EMF metric lines to stdout.
for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write.bind(stream);
  stream.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    const line = String(chunk);
    if (line.startsWith('{"level":') || line.startsWith('{"_aws":')) {
      if (line.startsWith('{"level":"ERROR"')) logs.error.push(line.trim());
      if (line.includes('"message":"will be retried"')) logs.retries += 1;
      return true; // the functions' logs are counted, not printed
    }
    return write(chunk, ...rest);
  }) as typeof stream.write;
}

// --- memory
// ------------------------------------------------------------------------------------------------------------
const memory = { node: 0, children: 0 };
function sampleMemory() {
  memory.node = Math.max(memory.node, process.memoryUsage().rss);
  try {
    const out = execFileSync('ps', ['-o', 'rss=', '--ppid', String(process.pid)], { encoding: 'utf8' });
    const kb = out
      .split('\n')
      .map(Number)
      .filter((n) => n > 0)
      .reduce((a, b) => a + b, 0);
    memory.children = Math.max(memory.children, kb * 1024);
  } catch {
    /* no child */
  }
}

// --- statements
// --------------------------------------------------------------------------------------------------------
function statementPaying(pairs: [number, number][], day: string, n: number): string {
  const entries: StatementEntry[] = pairs.map(([c, i], k) => ({
    index: k,
    bookingDate: day,
    valueDate: day,
    amountCents: amountOf(c, i),
    currency: 'EUR',
    bankCodes: [],
    bankReference: `LOAD${n}-${k}`,
    label: `VIR SEPA CLIENT ${customerId(c)}`,
    counterpartyName: `Client ${customerId(c)}`,
    remittance: { unstructured: [`FACTURE ${invoiceId(c, i)}`], structured: [] },
    reversal: false,
    raw: [],
  }));
  const total = entries.reduce((s, e) => s + e.amountCents, 0);
  const statement: Statement = {
    format: 'camt053',
    account: CREDITOR_ACCOUNT,
    currency: 'EUR',
    statementId: `LOAD-${n}`,
    periodStart: day,
    periodEnd: day,
    openingBalanceCents: 0,
    closingBalanceCents: total,
    entries,
    balanceCheck: { status: 'ok' },
  };
  return writeStatementFile('camt053', [statement]);
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
let setupOverran = false;
/** Phases that overran the policy clock (the machine too slow for one policy hour per second). */
const compressed: string[] = [];
/** Who pays when: during each window's dispatch, and once more after the handoffs (a withdrawal). */
const payments: { name: string; at: string; pairs: [number, number][] }[] = [
  { name: 'during the first reminders', at: WINDOWS[0], pairs: range(CUSTOMERS / 2).map((c) => [c, 0]) },
  {
    name: 'during the second reminders',
    at: WINDOWS[1],
    pairs: range(CUSTOMERS / 2).map((c) => [CUSTOMERS / 2 + c, 1]),
  },
  { name: 'during the handoffs', at: WINDOWS[2], pairs: range(CUSTOMERS / 2).map((c) => [c, 2]) },
  {
    name: 'after the handoffs',
    at: new Date(Date.parse(WINDOWS[2]) + 3 * HOUR).toISOString(),
    pairs: range(CUSTOMERS / 4).map((c) => [CUSTOMERS / 2 + c, 3]),
  },
];

async function untilPolicyTime(stack: LocalStack, at: string) {
  const ms = stack.clock.toRealDelayMs(new Date(at));
  if (ms > 0) await new Promise((r) => setTimeout(r, ms));
}

async function scanAll(stack: LocalStack): Promise<Record<string, unknown>[]> {
  const { dynamo } = await import('../functions/adapters/aws-clients');
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await dynamo().send(new ScanCommand({ TableName: stack.env.TABLE_NAME, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** Runs fn over items, `width` at a time. */
async function pool<T>(items: T[], width: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    range(width).map(async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

/** Real time and recipients of every message SES accepted (aws-ses-v2-local keeps whole seconds only). */
const accepted: { at: number; to: string[] }[] = [];
async function recordSends() {
  const { ses } = await import('../functions/adapters/aws-clients');
  ses().middlewareStack.add(
    (next) => async (args) => {
      const out = await next(args);
      accepted.push({
        at: performance.now(),
        to: (args.input as { Destination?: { ToAddresses?: string[] } }).Destination?.ToAddresses ?? [],
      });
      return out;
    },
    { step: 'initialize', name: 'loadRunRecordsSends' },
  );
}

async function seed() {
  const { putCustomer } = await import('../functions/adapters/db/customers');
  const { saveInvoice } = await import('../functions/adapters/db/invoices');
  const { savePolicy } = await import('../functions/adapters/db/policies');
  await savePolicy({
    policyId: 'load',
    name: 'Deux relances puis agence',
    steps: [
      {
        stepId: 'reminder-1',
        offsetDays: 1,
        dayKind: 'calendar',
        channel: 'email',
        level: 'reminder_1',
        template: 'reminder.first',
      },
      {
        stepId: 'reminder-2',
        offsetDays: 2,
        dayKind: 'calendar',
        channel: 'email',
        level: 'reminder_2',
        template: 'reminder.second',
      },
      {
        stepId: 'agency',
        offsetDays: 3,
        dayKind: 'calendar',
        channel: 'agency_handoff',
        level: 'agency_handoff',
        template: 'agency.handoff',
      },
    ],
    gatherSeconds: 3600,
  });
  await pool(range(CUSTOMERS), 16, (c) => putCustomer(customer(customerId(c), { policyId: 'load' })));
  const pairs = range(CUSTOMERS).flatMap((c) => range(INVOICES_EACH).map((i) => [c, i] as const));
  await pool(pairs, 16, ([c, i]) =>
    saveInvoice(
      undefined,
      invoice(invoiceId(c, i), customerId(c), DUE, {
        amountCents: amountOf(c, i),
        openCents: amountOf(c, i),
        issueDate: '2026-05-01',
      }),
      {
        at: START.toISOString(),
        kind: 'imported',
        actor: 'load',
        detail: {},
      },
    ),
  );
}

async function main() {
  const deadline = setTimeout(() => {
    console.error(`load run: still running after ${LIMIT_SECONDS} s: stopped`);
    process.exit(2);
  }, LIMIT_SECONDS * 1000);
  const sampler = setInterval(sampleMemory, 500);
  const t0 = Date.now();
  const stack = await startLocalStack({
    quiet: true,
    template: dunningTemplate,
    sfnTimeFactor: FACTOR,
    startAt: START,
  });
  const ingest: { name: string; entries: number; ms: number; error?: string }[] = [];
  try {
    await recordSends();
    const ready = Date.now();
    await seed();
    console.log(
      `local stack up in ${((ready - t0) / 1000).toFixed(1)} s; seeded ${CUSTOMERS * INVOICES_EACH} invoices of ` +
        `${CUSTOMERS} customers in ${((Date.now() - ready) / 1000).toFixed(1)} s`,
    );
    const startedAt = Date.now();
    const { startDunning } = await import('../functions/adapters/workflows');
    await pool(
      range(CUSTOMERS).flatMap((c) => range(INVOICES_EACH).map((i) => invoiceId(c, i))),
      16,
      (id) => startDunning(id, stack.clock.now()),
    );
    console.log(`started ${CUSTOMERS * INVOICES_EACH} workflows in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
    const margin = (WINDOW_1 - stack.clock.now().getTime()) / HOUR;
    console.log(`first send window in ${margin.toFixed(1)} policy hours`);
    if (margin < 1) setupOverran = true;

    for (const [n, p] of payments.entries()) {
      // Half an hour of policy time into the window: the gather wait is over, the batches are being sent.
      await untilPolicyTime(stack, new Date(Date.parse(p.at) + HOUR / 2).toISOString());
      const started = performance.now();
      const delivery = await stack.putStatement(
        `inbox/load-${n + 1}.xml`,
        statementPaying(p.pairs, p.at.slice(0, 10), n + 1),
      );
      ingest.push({
        name: p.name,
        entries: p.pairs.length,
        ms: performance.now() - started,
        error: delivery.error ? String(delivery.error) : undefined,
      });
      const nextAt = payments[n + 1]?.at;
      if (nextAt && stack.clock.now().toISOString() > nextAt)
        compressed.push(`statement ${n + 1} ended after the next payment's window`);
      console.log(
        `statement ${n + 1} (${p.name}) ingested in ${((performance.now() - started) / 1000).toFixed(1)} s; policy ` +
          `time ${stack.clock.now().toISOString()}`,
      );
    }
    await untilPolicyTime(stack, new Date(Date.parse(WINDOWS[2]) + 5 * HOUR).toISOString());
    const sweepAfter = (await stack.invoke('sweep', stack.scheduledEvent())) as { withdrawn: string[] };
    const executions = stack.stepFunctions.list();
    console.log(
      `final sweep done; waiting for ${executions.filter((e) => e.status === 'RUNNING').length} running workflows ` +
        `to end`,
    );
    await Promise.all(executions.map((e) => stack.stepFunctions.settled(e.executionArn)));
    sampleMemory();
    await report(stack, ingest, sweepAfter.withdrawn, (Date.now() - t0) / 1000);
  } finally {
    clearInterval(sampler);
    clearTimeout(deadline);
    await stack.stop();
  }
}

async function report(
  stack: LocalStack,
  ingest: { name: string; entries: number; ms: number; error?: string }[],
  withdrawn: string[],
  seconds: number,
) {
  const items = await scanAll(stack);
  const emails = await stack.sentEmails();
  const problems: string[] = [];
  const events = items.filter((i) => i.type === 'event') as {
    invoiceId: string;
    at: string;
    kind: string;
    detail: Record<string, unknown>;
  }[];
  const byInvoice = new Map<string, typeof events>();
  for (const e of events) byInvoice.set(e.invoiceId, [...(byInvoice.get(e.invoiceId) ?? []), e]);

  // 1. No reminder or handoff after the payment was recorded (unless the crossing was told at once).
  const sends = new Set(['reminder_sent', 'agency_notice_sent', 'dunning_message_sent']);
  let crossed = 0;
  for (const [id, list] of byInvoice) {
    const paidAt = list
      .filter((e) => e.kind === 'allocation')
      .map((e) => e.at)
      .sort()[0];
    if (!paidAt) continue;
    for (const e of list.filter((x) => sends.has(x.kind) && x.at > paidAt)) {
      const told = list.some((x) => x.kind === 'payment_crossed_notice_sent' || x.kind === 'agency_case_withdrawn');
      if (told) crossed += 1;
      else problems.push(`${id}: ${e.kind} at ${e.at} after the payment recorded at ${paidAt}`);
    }
  }
  // 2. One e-mail per customer per send window.
  const messages = items.filter((i) => i.type === 'message' && i.kind === 'reminder') as {
    customerId: string;
    dispatchKey: string;
    messageId: string;
  }[];
  const perWindow = new Map<string, number>();
  for (const m of messages) {
    const window = m.dispatchKey.split('#')[2];
    perWindow.set(`${m.customerId} ${window}`, (perWindow.get(`${m.customerId} ${window}`) ?? 0) + 1);
  }
  for (const [k, n] of perWindow) if (n > 1) problems.push(`${k}: ${n} reminders in one send window`);
  const contacts = new Set(range(CUSTOMERS).map((c) => `compta@${customerId(c).toLowerCase()}.example.fr`));
  const toCustomers = emails.filter((e) => e.destination.to.some((t) => contacts.has(t)));
  const crossedNotices = toCustomers.filter((e) => /règlement a bien été reçu/.test(e.subject));
  const reminders = toCustomers.length - crossedNotices.length;
  if (reminders !== messages.length) problems.push(`SES received ${reminders} reminders, ${messages.length} recorded`);
  // 3. No double allocation.
  const allocations = items.filter((i) => String(i.sk).startsWith('ALLOC#')) as {
    pk: string;
    sk: string;
    amountCents: number;
  }[];
  const txnOwners = new Map<string, number>();
  for (const a of allocations) txnOwners.set(a.sk, (txnOwners.get(a.sk) ?? 0) + 1);
  for (const [txn, n] of txnOwners) if (n > 1) problems.push(`${txn} allocated to ${n} invoices`);
  const invoices = items.filter((i) => i.type === 'invoice') as {
    invoiceId: string;
    amountCents: number;
    openCents: number;
    status: string;
  }[];
  for (const inv of invoices) {
    const allocated = allocations
      .filter((a) => a.pk === `INVOICE#${inv.invoiceId}`)
      .reduce((s, a) => s + Number(a.amountCents ?? 0), 0);
    if (inv.openCents !== inv.amountCents - allocated || inv.openCents < 0)
      problems.push(`${inv.invoiceId}: open ${inv.openCents}, amount ${inv.amountCents}, allocated ${allocated}`);
  }
  const paidCount = payments.reduce((s, p) => s + p.pairs.length, 0);
  const paidInvoices = invoices.filter((i) => i.status === 'paid').length;
  if (paidInvoices !== paidCount) problems.push(`${paidInvoices} invoices paid, ${paidCount} payments sent`);
  // 4. No failed workflow.
  const statuses = new Map<string, number>();
  for (const e of stack.stepFunctions.list()) statuses.set(e.status, (statuses.get(e.status) ?? 0) + 1);
  if (statuses.get('FAILED')) problems.push(`${statuses.get('FAILED')} failed workflows`);
  // 5. No error logged.
  for (const line of logs.error.slice(0, 5)) problems.push(`error logged: ${line.slice(0, 300)}`);
  if (logs.error.length > 5) problems.push(`... ${logs.error.length - 5} more error lines`);
  const maybeSent = events.filter((e) => e.kind === 'send_maybe_sent').length;
  const agency = emails.filter((e) => e.destination.to.includes(stack.env.AGENCY_EMAIL));

  /** E-mails per second within each burst (a send window's dispatch): sends closer than 3 s apart form a burst. */
  const bursts = (ats: number[]) => {
    ats.sort((x, y) => x - y);
    const out: { count: number; seconds: number }[] = [];
    let first = 0;
    for (let k = 1; k <= ats.length; k++) {
      if (k === ats.length || ats[k] - ats[k - 1] > 3000) {
        out.push({ count: k - first, seconds: Math.max(0.001, (ats[k - 1] - ats[first]) / 1000) });
        first = k;
      }
    }
    return out.filter((x) => x.count >= 10);
  };
  for (const c of compressed) console.log(`timing: ${c} (policy time ran ahead: later windows were compressed)`);
  if (setupOverran)
    problems.push(
      'the setup overran the policy clock: the windows were compressed, the figures mean nothing (raise SETUP_SECONDS)',
    );
  const customerAndAgency = [...toCustomers, ...agency];
  console.log('');
  console.log(
    `invoices ${invoices.length}, customers ${CUSTOMERS}, payments ${paidCount}, wall ${seconds.toFixed(0)} s`,
  );
  console.log(`workflows: ${[...statuses].map(([s, n]) => `${s} ${n}`).join(', ')}`);
  console.log(
    `e-mails: ${reminders} reminders, ${agency.length} to the agency (handoffs + withdrawals), ` +
      `${crossedNotices.length} "payment crossed" notices, ${emails.length - customerAndAgency.length} to finance`,
  );
  const outside = accepted
    .filter((a) => a.to.some((t) => contacts.has(t) || t === stack.env.AGENCY_EMAIL))
    .map((a) => a.at);
  for (const b of bursts(outside))
    console.log(
      `burst: ${b.count} customer/agency e-mails in ${b.seconds.toFixed(1)} s = ${(b.count / b.seconds).toFixed(1)} ` +
        `e-mails/s`,
    );
  console.log(
    `sends that crossed a payment and were told at once: ${crossed}; "maybe sent" tasks: ${maybeSent}; agency cases ` +
      `withdrawn by the sweep: ${withdrawn.length}`,
  );
  console.log(`expected retries logged at info/warn: ${logs.retries}`);
  for (const i of ingest)
    console.log(`ingest ${i.name}: ${i.entries} entries in ${i.ms.toFixed(0)} ms${i.error ? ` ERROR ${i.error}` : ''}`);
  console.log(
    `peak RSS: node ${(memory.node / 2 ** 20).toFixed(0)} MB (load generator + every function + local servers), ` +
      `children ${(memory.children / 2 ** 20).toFixed(0)} MB (DynamoDB Local's JVM)`,
  );
  console.log(
    problems.length ? `\n${problems.length} PROBLEM(S):\n${problems.slice(0, 40).join('\n')}` : '\nall checks hold',
  );
  process.exitCode = problems.length ? 1 : 0;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
