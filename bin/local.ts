/**
 * `npm start`: the whole encaisse pipeline on this machine, no AWS account, no Docker.
 *
 *   npm start                     demo data + a demo statement dropped in ./inbox/
 *   npm start -- --no-demo        empty table
 *   npm start -- --factor 43200   policy seconds per real second (default 86400: a policy day per second)
 *   npm start -- --auto-ports     free ports instead of the fixed ones below
 *
 * Fixed ports (override each with LOCAL_PORT_DYNAMODB, LOCAL_PORT_S3, LOCAL_PORT_SES, LOCAL_PORT_SFN, LOCAL_PORT_API):
 * DynamoDB 8000, S3 4568, SES 8005 (web inbox), Step Functions 8083, admin API 3000. Admin API token: LOCAL_API_TOKEN.
 * Drop statement files in ./inbox/: each is put into local S3 under inbox/, ingested, then moved to ./inbox/.done/.
 * The daily sweep runs at start and then once per policy day; each e-mail sent is listed (in full in the SES web
 * inbox). Ctrl-C stops everything. The functions' own JSON logs show from warnings up (LOG_LEVEL=info for all).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { redact } from '../functions/adapters/logger';
import { buildConsole, startConsole } from './local/console';
import { demoData, demoStatement, seedDemo } from './local/demo';
import { projectRoot } from './local/handlers';
import { watchInbox } from './local/inbox';
import { type LocalStack, type ServiceName, startLocalStack } from './local/stack';
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
      inbox: { type: 'string' },
    },
  });
  const factor = Number(values.factor ?? process.env.SFN_TIME_FACTOR ?? 86_400);
  if (!Number.isFinite(factor) || factor <= 0) fail(`--factor must be a positive number (got ${values.factor})`);
  const ports: Partial<Record<ServiceName, number>> = {};
  for (const s of Object.keys(defaultPorts) as ServiceName[]) {
    const fromEnv = process.env[`LOCAL_PORT_${s.toUpperCase()}`];
    if (fromEnv !== undefined && !/^\d+$/.test(fromEnv))
      fail(`LOCAL_PORT_${s.toUpperCase()} must be a port number (got "${fromEnv}")`);
    ports[s] = fromEnv ? Number(fromEnv) : values['auto-ports'] ? 0 : defaultPorts[s];
  }
  const inboxDir = path.resolve(values.inbox ?? path.join(projectRoot, 'inbox'));

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
    stack = await startLocalStack({ sfnTimeFactor: factor, ports, template: cachedTemplate, log: (l) => stackLog(l) });
  } catch (err) {
    const e = err as Error;
    if (e.name === 'PortInUseError') fail(`${e.message} (or run with --auto-ports, or set LOCAL_PORT_<SERVICE>)`);
    if (e.name === 'JavaMissingError') fail(e.message);
    fail(e.stack ?? e.message);
  }
  const s = stack;
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

  if (!values['no-demo']) {
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

  let lastSweepLine = '';
  const sweep = async () => {
    if (stopping) return;
    let line: string;
    try {
      const result = (await s.invoke('sweep', s.scheduledEvent())) as Record<string, unknown> | undefined;
      // A day with nothing started, resumed or failed is not worth a line.
      const idle =
        result &&
        ['started', 'resumed', 'failures'].every(
          (k) => Array.isArray(result[k]) && (result[k] as unknown[]).length === 0,
        );
      if (idle) return;
      line = `daily sweep: ${JSON.stringify(result ?? null).slice(0, 300)}`;
    } catch (err) {
      const e = err as Error;
      line = `daily sweep threw ${e.name}: ${e.message}`;
    }
    // The same line every policy day is noise: print it once.
    if (line !== lastSweepLine) log(line);
    lastSweepLine = line;
  };
  const realDayMs = (86_400 * 1000) / factor;
  const everyDay = () => {
    timers.push(
      setTimeout(async () => {
        await sweep();
        if (!stopping) everyDay();
      }, realDayMs),
    );
  };
  await sweep();
  everyDay();

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

  if (!values['no-demo']) {
    timers.push(
      setTimeout(async () => {
        const st = demoStatement(s.clock.now());
        await writeFile(path.join(inboxDir, st.name), st.content, 'latin1');
        log(`demo: statement ${st.name} dropped in the inbox folder`);
      }, 3000),
    );
  }
}

void main();
