/**
 * `npm start`: the whole encaisse pipeline on this machine, no AWS account, no Docker.
 *
 *   npm start                     demo data + a demo statement dropped in ./inbox/; the story (grouped reminder,
 *                                 statement reconciled, partial payment, formal notice, agency handoff, finance task)
 *                                 plays in about a minute, then a summary is printed and policy time stops
 *   npm start -- --keep-running   policy time runs on after the story (daily sweeps go on)
 *   npm start -- --no-demo        empty table, policy time starts now and runs on
 *   npm start -- --start 2026-03-02  policy date the demo starts on (default 2026-03-02: the story stays inside
 *                                 half-years whose late-payment rates are published, see shared/reference)
 *   npm start -- --factor 43200   policy seconds per real second (default 172800 with the demo: two policy days per
 *                                 second; 86400 without)
 *   npm start -- --auto-ports     free ports instead of the fixed ones below
 *
 * Fixed ports (override each with LOCAL_PORT_DYNAMODB, LOCAL_PORT_S3, LOCAL_PORT_SES, LOCAL_PORT_SFN, LOCAL_PORT_API):
 * DynamoDB 8000, S3 4568, SES 8005 (web inbox), Step Functions 8083, admin API 3000. Admin API token: LOCAL_API_TOKEN.
 * Drop statement files in ./inbox/: each is put into local S3 under inbox/, ingested, then moved to ./inbox/.done/.
 * The daily sweep runs at start and then once per policy day; each e-mail sent is listed (in full in the SES web
 * inbox). Policy time stands still while a function works (bin/local/policy-clock.ts). Ctrl-C stops everything. The
 * functions' own JSON logs show from warnings up (LOG_LEVEL=info for all).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { S3Client } from '@aws-sdk/client-s3';
import { redact } from '../functions/adapters/logger';
import { buildConsole, startConsole } from './local/console';
import { contestThroughThePage } from './local/customer-page-demo';
import { startDailySweeps } from './local/daily';
import { DEMO_START_DAY, demoData, demoStatement, seedDemo } from './local/demo';
import { projectRoot } from './local/handlers';
import { watchInbox } from './local/inbox';
import { type LocalStack, type ServiceName, startLocalStack } from './local/stack';
import { exportDocuments, followStory, summaryLines } from './local/story';
import { cachedTemplate } from './local/template-cache';

const defaultPorts: Record<ServiceName, number> = { dynamodb: 8000, s3: 4568, ses: 8005, sfn: 8083, api: 3000 };

function fail(message: string): never {
  console.error(`\nencaisse local: ${message}\n`);
  process.exit(1);
}

async function main() {
  // The functions' JSON logs would drown the one-line-per-event story told here; LOG_LEVEL=info brings them back.
  process.env.LOG_LEVEL ??= 'warn';
  const { values } = parseArgs({
    options: {
      factor: { type: 'string' },
      'no-demo': { type: 'boolean', default: false },
      'auto-ports': { type: 'boolean', default: false },
      'keep-running': { type: 'boolean', default: false },
      start: { type: 'string' },
      inbox: { type: 'string' },
    },
  });
  // The demo's story spans about two policy months: two policy days per real second tell it in about a minute.
  const factor = Number(values.factor ?? process.env.SFN_TIME_FACTOR ?? (values['no-demo'] ? 86_400 : 172_800));
  if (!Number.isFinite(factor) || factor <= 0) fail(`--factor must be a positive number (got ${values.factor})`);
  const ports: Partial<Record<ServiceName, number>> = {};
  for (const s of Object.keys(defaultPorts) as ServiceName[]) {
    const fromEnv = process.env[`LOCAL_PORT_${s.toUpperCase()}`];
    if (fromEnv !== undefined && !/^\d+$/.test(fromEnv))
      fail(`LOCAL_PORT_${s.toUpperCase()} must be a port number (got "${fromEnv}")`);
    ports[s] = fromEnv ? Number(fromEnv) : values['auto-ports'] ? 0 : defaultPorts[s];
  }
  const inboxDir = path.resolve(values.inbox ?? path.join(projectRoot, 'inbox'));
  const demo = !values['no-demo'];
  const startDay = values.start ?? DEMO_START_DAY;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(startDay) || Number.isNaN(Date.parse(startDay)))
    fail(`--start must be a date YYYY-MM-DD (got ${values.start})`);
  // 07:00 in Paris: the first sweep runs before the day's send window.
  const startAt = demo ? new Date(`${startDay}T06:00:00.000Z`) : undefined;

  let stack: LocalStack | undefined;
  const stamp = () => {
    const policy = stack ? ` policy ${stack.clock.now().toISOString().slice(0, 10)}` : '';
    return `[${new Date().toTimeString().slice(0, 8)}${policy}]`;
  };
  // Same redaction as the handlers' logs: IBANs and e-mail addresses masked.
  const log = (line: string) => console.log(`${stamp()} ${redact(line)}`);
  let stackLog = (line: string) => console.log(`  ${line}`);

  // A closed terminal or pipe must not crash the runner before it stopped its servers.
  process.stdout.on('error', () => undefined);
  process.stderr.on('error', () => undefined);
  console.log('encaisse — local stack (no AWS account, no Docker). Starting…');
  process.on('unhandledRejection', (err) => log(`unhandled: ${(err as Error)?.stack ?? String(err)}`));

  let stopping = 0;
  const timers: NodeJS.Timeout[] = [];
  let closeInbox: () => Promise<void> = async () => {};
  let consoleServer: Awaited<ReturnType<typeof startConsole>> | undefined;
  const shutdown = async (signal: string) => {
    // Ctrl-C reaches npm, tsx and this process at once (the signal may arrive twice): only a later one forces.
    if (stopping) {
      if (Date.now() - stopping < 3000) return;
      console.log('forced exit');
      process.exit(1); // the 'exit' hook still kills DynamoDB Local
    }
    stopping = Date.now();
    console.log(`\n${signal}: stopping…`);
    if (!stack) process.exit(130); // still starting: the 'exit' hook kills what already runs
    timers.forEach(clearTimeout);
    await closeInbox();
    await consoleServer?.stop();
    await stack.stop();
    console.log('stopped, nothing left running.');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  try {
    stack = await startLocalStack({
      sfnTimeFactor: factor,
      ports,
      startAt,
      holdClockWhileWorking: true,
      template: cachedTemplate,
      log: (l) => stackLog(l),
    });
  } catch (err) {
    const e = err as Error;
    if (e.name === 'PortInUseError') fail(`${e.message} (or run with --auto-ports, or set LOCAL_PORT_<SERVICE>)`);
    if (e.name === 'JavaMissingError') fail(e.message);
    fail(e.stack ?? e.message);
  }
  const s = stack;
  // Building the console and seeding the demo must not cost policy days: the story starts on its start day.
  const releaseClock = s.holdClock();
  stackLog = log; // from here on the stack's own lines (executions, ingest) get a time stamp
  console.log(`  inbox folder          ${inboxDir}  (drop statement files here)`);
  console.log(
    `  time                  1 policy day = ${(86_400 / factor).toFixed(2)} s real; policy today ` +
      `${s.clock.now().toISOString().slice(0, 10)}`,
  );
  console.log(
    `  environment           TABLE_NAME=${s.env.TABLE_NAME} STATEMENTS_BUCKET=${s.env.STATEMENTS_BUCKET} (see ` +
      `bin/local/stack.ts)`,
  );
  // The finance console, built from web/ and signed in with the local finance token (?as=readonly for the other role).
  try {
    await buildConsole();
    const consolePort = process.env.LOCAL_PORT_CONSOLE
      ? Number(process.env.LOCAL_PORT_CONSOLE)
      : values['auto-ports']
        ? 0
        : 5173;
    consoleServer = await startConsole({
      port: consolePort,
      apiUrl: s.urls.api,
      s3Url: s.urls.s3,
      tokens: { finance: s.env.LOCAL_API_TOKEN, readonly: s.env.LOCAL_API_READONLY_TOKEN },
    });
    console.log(
      `  finance console       ${consoleServer.url}  (signed in as finance; ${consoleServer.url}?as=readonly for ` +
        `the read-only role)`,
    );
  } catch (err) {
    console.log(`  finance console       not started: ${(err as Error).message}`);
  }
  console.log('Ready. Ctrl-C stops everything.\n');

  const inbox = watchInbox({ dir: inboxDir, put: (name, bytes) => s.putStatement(`inbox/${name}`, bytes), log });
  closeInbox = () => inbox.close();

  if (demo) {
    const today = s.clock.now();
    const data = demoData(today);
    try {
      await seedDemo(data, s.env.TABLE_NAME);
      log(
        `demo: ${data.customers.length} customers, ${data.invoices.length} invoices ` +
          `(${data.invoices.filter((i) => i.dueDate < today.toISOString().slice(0, 10)).length} overdue)`,
      );
    } catch (err) {
      log(`demo: seeding failed: ${(err as Error).message}`);
    }
  }

  let storyOver = false;
  await startDailySweeps(s, { log, stopped: () => Boolean(stopping) || storyOver });
  releaseClock();

  // A line per e-mail the local SES received (the web inbox shows them in full).
  let seenEmails = 0;
  const pollEmails = () => {
    timers.push(
      setTimeout(async () => {
        try {
          const emails = await s.sentEmails();
          for (const e of emails.slice(seenEmails)) {
            const files = e.attachments.length
              ? ` (+${e.attachments.map((a) => a.filename ?? a.contentType).join(', ')})`
              : '';
            log(`mail to ${e.destination.to.join(', ')}: ${e.subject}${files}`);
          }
          seenEmails = emails.length;
        } catch {
          /* SES stopping */
        }
        if (!stopping) pollEmails();
      }, 1000),
    );
  };
  pollEmails();

  if (demo) {
    timers.push(
      setTimeout(async () => {
        const st = demoStatement(s.clock.now());
        await writeFile(path.join(inboxDir, st.name), st.content, 'latin1');
        log(`demo: statement ${st.name} dropped in the inbox folder`);
      }, 3000),
    );
    const where = {
      sesInbox: s.urls.sesInbox,
      sesStore: `${s.urls.ses}/store`,
      console: consoleServer?.url,
      documentsDir: path.join(projectRoot, '.local', 'demo'),
    };
    const end = async () => {
      if (values['keep-running']) return;
      storyOver = true;
      await s.stopClock();
    };
    const facts = await followStory(s, { log, isStopping: () => Boolean(stopping), end });
    if (!facts) return;
    await exportDocuments(s3Client(s), s.env.DOCUMENTS_BUCKET, facts.emails, where.documentsDir).catch((err: Error) =>
      log(`could not copy the documents: ${err.message}`),
    );
    const lines = summaryLines(facts, where);
    const tail = values['keep-running'] ? ['Policy time runs on (--keep-running). Ctrl-C stops everything.'] : [];
    console.log(`\n${(values['keep-running'] ? lines.slice(0, -1) : lines).concat(tail).join('\n')}\n`);
  }

  // ---- Demo step: a customer contests an invoice through the customer page (bin/local/customer-page-demo.ts) ----
  if (!values['no-demo']) {
    contestThroughThePage(s, log, () => stopping > 0).catch((err: Error) =>
      log(`demo: customer page step failed: ${err.message}`),
    );
  }
}

function s3Client(s: LocalStack): S3Client {
  return new S3Client({
    endpoint: s.urls.s3,
    region: s.env.AWS_REGION,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
}

void main();
