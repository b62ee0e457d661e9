/**
 * The local AWS stack of encaisse: no AWS account, no Docker. Same handler code, only endpoints differ.
 *
 * In a test file, test/integration/support/local-stack.ts `useLocalStack(options)` starts it in beforeAll and stops it
 * in afterAll. Directly:
 *   import { startLocalStack } from '../../bin/local/stack';
 *   const stack = await startLocalStack({ quiet: true, handlers: { ingest: async (event) => ... } });
 *   ...   // process.env now holds stack.env: the real AWS SDK v3 clients of functions/adapters reach the local servers
 *   await stack.stop();
 *
 * startLocalStack(options?) -> Promise<LocalStack>
 *   options.sfnTimeFactor  policy seconds per real second (default 86400: a policy day per real second)
 *   options.startAt        policy time at start (default: now)
 *   options.handlers       Partial<Record<LambdaName, (event, context?) => Promise<any>>>: override the local binding
 *                          of a Lambda (default: `handler` of functions/<name>/handler.ts, imported lazily, after env)
 *   options.quiet          no log lines (tests)
 *   options.log            where log lines go (default console.log unless quiet)
 *   options.ports          Partial<{dynamodb, s3, ses, sfn, api}>: fixed ports (checked free, clear error if taken);
 *                          default: free ports found automatically
 *   options.dataDir        folder for s3rver files (default: a temp dir, removed at stop); DynamoDB stays in memory
 *   options.template       synthesized CloudFormation template (object or async factory) holding the dunning state
 *                          machine; default: buildApp(demoContext, {bundle:false, nag:false}) from lib/app.ts,
 *                          synthesized
 *                          in-process and cached in .local/cache/ by a hash of lib/** (cachedTemplate)
 *   options.holdClockWhileWorking  policy time stands still while a handler runs (see policy-clock.ts; npm start)
 *   options.apiToken       bearer token of the local admin API (default env LOCAL_API_TOKEN or 'local-dev-token'; the
 *                          read-only one: env LOCAL_API_READONLY_TOKEN or 'local-readonly-token')
 *
 * LocalStack
 *   env        Record<string,string>: TABLE_NAME, STATEMENTS_BUCKET, DOCUMENTS_BUCKET,
 *   LOCAL_{DYNAMODB,S3,SES,SFN}_ENDPOINT,
 *              STATE_MACHINE_ARN, SENDER_EMAIL, FINANCE_EMAILS, AGENCY_EMAIL, SES_CONFIGURATION_SET, AUTH_MODE=token,
 *              LOCAL_API_TOKEN, LOCAL_API_READONLY_TOKEN, AWS_REGION, AWS_ACCESS_KEY_ID/SECRET_ACCESS_KEY (dummy). Also
 *              applied to process.env
 *              (restored at stop) and the cached clients of functions/adapters/aws-clients.ts are reset.
 *   urls       {dynamodb, s3, ses, sesInbox, sfn, api}
 *   clock      the compressed policy Clock (now(), toRealDelayMs(at)), installed with setClock (restored at stop)
 *   sentEmails()          Promise<Email[]>: what aws-ses-v2-local received (GET /store)
 *   clearEmails()         empties the SES store
 *   waitFor(predicate, timeoutMs = 10000, intervalMs = 50)  resolves with the first truthy value of predicate()
 *                          (sync or async), rejects with a clear error after timeoutMs
 *   putStatement(key, bytes)  puts a file in the statements bucket (key without 'inbox/' is put under inbox/) and
 *                          resolves once the ingest binding handled its S3 -> SQS event: {key, eventKey, result?,
 *                          error?}
 *   holdClock()            stops policy time until the returned function is called
 *   stopClock()            stops policy time for good and ends the running executions quietly (the demo's story is
 *   over)
 *   invoke(name, event)    invokes a local Lambda binding directly (e.g. the sweep with a scheduled event)
 *   scheduledEvent()       what the daily schedule sends the sweep: the template's AWS::Scheduler::Schedule
 *   Target.Input
 *                          with <aws.scheduler.scheduled-time> = policy now (else an EventBridge "Scheduled Event")
 *   stepFunctions          the local runtime: list(), settled(executionArn) -> final ExecutionRecord (with history:
 *                          the states entered, in order), plus the API operations the SFN endpoint serves
 *   stop()                 aborts executions, closes every server, kills DynamoDB Local's java process, restores
 *   env/clock
 *
 * What the services do (see bin/local/*): DynamoDB Local (in memory, table from lib/storage/table-design.ts);
 * s3rver (an object created under inbox/ of the statements bucket -> the SQS-wrapped S3 event, key URL-encoded as real
 * S3
 * does, -> ingest); aws-ses-v2-local (web inbox at urls.sesInbox, GET /store); Step Functions: the state machine CDK
 * synthesizes, run by aws-local-stepfunctions, Task states bound to the local handlers, waits scaled to policy time,
 * task tokens emulated, JSON 1.0 endpoint for @aws-sdk/client-sfn (StartExecution, StopExecution, DescribeExecution,
 * ListExecutions, SendTaskSuccess/Failure/Heartbeat); failed or timed-out executions -> failure-alert (EventBridge
 * event);
 * admin API: HTTP API v2 events for the `api` handler, which checks the bearer token itself (AUTH_MODE=token).
 *
 * Time: Wait states (Seconds, Timestamp, SecondsPath, TimestampPath), the token task's timeout and the state machine's
 * timeout run in policy time; Lambda task timeouts and Retry intervals stay real time (they bound real work).
 * Not emulated: SQS redelivery / DLQ (an ingest failure is logged, not retried), SES configuration-set events, Map and
 * Parallel states, Lambda concurrency limits. A Lambda error reaches Step Functions as in AWS: Error = its name, Cause
 * =
 * {errorType, errorMessage, trace} as JSON.
 */

import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { resetClients } from '../../functions/adapters/aws-clients';
import { clock as currentClock, setClock } from '../../functions/adapters/clock';
import type { Clock } from '../../functions/core/dates';
import { invoiceInboxPrefixes } from '../../functions/invoice-inbox/prefixes';
import { startApi } from './api';
import { startDynamo } from './dynamodb';
import { HandlerRegistry, type LambdaName, type LocalHandler } from './handlers';
import { policyClock } from './policy-clock';
import { freePort, PortInUseError, pickPort } from './ports';
import { encodeS3EventKey, type S3rverEvent, sqsEventOfS3Record, startS3 } from './s3';
import { type Email, startSes } from './ses';
import { type CfnTemplate, resolveStateMachine, scheduleInputFor } from './sfn/definition';
import { startSfnEndpoint } from './sfn/endpoint';
import { LocalStepFunctions } from './sfn/runtime';
import { cachedTemplate } from './template-cache';

export type { LambdaName, LocalHandler } from './handlers';
export { encodeS3EventKey } from './s3';
export type { Email } from './ses';
export type { ExecutionRecord, ExecutionStatus } from './sfn/runtime';
export { cachedTemplate, synthesizeTemplate } from './template-cache';

export type ServiceName = 'dynamodb' | 's3' | 'ses' | 'sfn' | 'api';

export interface LocalStackOptions {
  sfnTimeFactor?: number;
  startAt?: Date;
  handlers?: Partial<Record<LambdaName, LocalHandler>>;
  quiet?: boolean;
  log?: (line: string) => void;
  ports?: Partial<Record<ServiceName, number>>;
  dataDir?: string;
  template?: CfnTemplate | (() => Promise<CfnTemplate>);
  apiToken?: string;
  /** Policy time stands still while a handler runs (npm start: sends go out in their planned window). */
  holdClockWhileWorking?: boolean;
}

export interface IngestDelivery {
  key: string;
  /** the key as the S3 event carries it (URL-encoded) */
  eventKey: string;
  result?: unknown;
  error?: Error;
}

export interface LocalStack {
  env: Record<string, string>;
  urls: { dynamodb: string; s3: string; ses: string; sesInbox: string; sfn: string; api: string };
  clock: Clock & { toRealDelayMs(at: Date): number };
  sentEmails(): Promise<Email[]>;
  clearEmails(): Promise<void>;
  waitFor<T>(predicate: () => T | Promise<T>, timeoutMs?: number, intervalMs?: number): Promise<NonNullable<T>>;
  putStatement(key: string, bytes: Uint8Array | string): Promise<IngestDelivery>;
  invoke(name: LambdaName, event: unknown): Promise<unknown>;
  scheduledEvent(): Record<string, unknown>;
  /** Stops policy time until the returned release is called (set-up work that must not cost policy days). */
  holdClock(): () => void;
  /** Stops policy time for good (the demo's story is over): running executions are ended quietly, no timer is left. */
  stopClock(): Promise<void>;
  stepFunctions: LocalStepFunctions;
  stop(): Promise<void>;
}

export const localNames = {
  region: 'eu-west-3',
  table: 'encaisse-local',
  statementsBucket: 'encaisse-statements-local',
  documentsBucket: 'encaisse-documents-local',
  stateMachine: 'encaisse-dunning-local',
  ingestQueue: 'encaisse-ingest-local',
  invoiceInboxQueue: 'encaisse-invoice-inbox-local',
} as const;

export const defaultApiToken = 'local-dev-token';
export const defaultReadonlyApiToken = 'local-readonly-token';

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const log = options.log ?? (options.quiet ? () => undefined : (line: string) => console.log(line));
  const factor = options.sfnTimeFactor ?? 86_400;
  if (!(factor > 0)) throw new Error(`sfnTimeFactor must be a positive number (got ${options.sfnTimeFactor})`);
  const region = localNames.region;
  // s3rver only knows the access key S3RVER; the other stand-ins accept any: one dummy pair for all.
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  const apiToken = options.apiToken ?? process.env.LOCAL_API_TOKEN ?? defaultApiToken;

  const cleanups: (() => Promise<void> | void)[] = [];
  const stopAll = async () => {
    for (const c of cleanups.reverse()) {
      try {
        await c();
      } catch (err) {
        log(`stop: ${(err as Error).message}`);
      }
    }
    cleanups.length = 0;
  };

  try {
    const ports = {} as Record<ServiceName, number>;
    const labels: Record<ServiceName, string> = {
      dynamodb: 'DynamoDB Local',
      s3: 'S3 (s3rver)',
      ses: 'SES (aws-ses-v2-local)',
      sfn: 'Step Functions (local endpoint)',
      api: 'admin API',
    };
    for (const s of Object.keys(labels) as ServiceName[]) ports[s] = await pickPort(labels[s], options.ports?.[s]);

    const urls = {
      dynamodb: `http://127.0.0.1:${ports.dynamodb}`,
      s3: `http://127.0.0.1:${ports.s3}`,
      ses: `http://127.0.0.1:${ports.ses}`,
      sesInbox: `http://127.0.0.1:${ports.ses}/`,
      sfn: `http://127.0.0.1:${ports.sfn}`,
      api: `http://127.0.0.1:${ports.api}`,
    };
    const stateMachineArn = `arn:aws:states:${region}:000000000000:stateMachine:${localNames.stateMachine}`;
    const env: Record<string, string> = {
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      TABLE_NAME: localNames.table,
      STATEMENTS_BUCKET: localNames.statementsBucket,
      DOCUMENTS_BUCKET: localNames.documentsBucket,
      STATE_MACHINE_ARN: stateMachineArn,
      LOCAL_DYNAMODB_ENDPOINT: urls.dynamodb,
      LOCAL_S3_ENDPOINT: urls.s3,
      LOCAL_SES_ENDPOINT: urls.ses,
      LOCAL_SFN_ENDPOINT: urls.sfn,
      SENDER_EMAIL: 'relances@encaisse.example.fr',
      FINANCE_EMAILS: 'finance@encaisse.example.fr,comptabilite@encaisse.example.fr',
      AGENCY_EMAIL: 'dossiers@recouvrement.example.fr',
      SES_CONFIGURATION_SET: 'encaisse-local',
      AUTH_MODE: 'token',
      // Links to the customer page in the messages (served by the local API server under /c/; demo signing key).
      CUSTOMER_PAGE_URL: urls.api,
      // A policy year (the most): policy time runs fast here, a link must outlive the demo by a few real minutes.
      CUSTOMER_LINK_DAYS: process.env.CUSTOMER_LINK_DAYS ?? '365',
      LOCAL_API_TOKEN: apiToken,
      LOCAL_API_READONLY_TOKEN: process.env.LOCAL_API_READONLY_TOKEN ?? defaultReadonlyApiToken,
      // A statement record is left to its own delivery for 3 hours of the clock; here that is a fraction of a real
      // second (policy time is scaled): 10 real minutes instead, or the sweep races the ingest's own alert.
      INGEST_GRACE_MINUTES: String(Math.max(180, (600 * factor) / 60)),
    };
    // Handlers read their settings at import (readEnv) and the shared clients cache endpoints: env first.
    const previousEnv = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    Object.assign(process.env, env);
    resetClients();
    cleanups.push(() => {
      for (const [k, v] of Object.entries(previousEnv)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      resetClients();
    });

    // Policy time starts when the stack is ready (restarted at the end of start-up, synthesis takes seconds).
    const startAt = options.startAt ?? new Date();
    let scaled = policyClock(startAt, factor);
    const clock = { now: () => scaled.now(), toRealDelayMs: (at: Date) => scaled.toRealDelayMs(at) };
    const previousClock = currentClock();
    setClock(clock);
    cleanups.push(() => setClock(previousClock));

    const handlers = new HandlerRegistry(
      region,
      options.handlers,
      options.holdClockWhileWorking ? () => scaled.hold() : undefined,
    );

    // The JVM of DynamoDB Local starts while the template is synthesized (the two slowest steps).
    const dynamoStarting = (async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await startDynamo({ port: ports.dynamodb, tableName: localNames.table, region, credentials });
        } catch (err) {
          // A free port taken meanwhile by another process: pick another one, unless the port was imposed.
          if (!(err instanceof PortInUseError) || options.ports?.dynamodb || attempt >= 3) throw err;
          ports.dynamodb = await freePort();
        }
      }
    })();
    dynamoStarting.catch(() => undefined);
    cleanups.push(async () => (await dynamoStarting.catch(() => undefined))?.stop());
    const template =
      typeof options.template === 'function'
        ? await options.template()
        : (options.template ?? (await cachedTemplate()));
    const machine = resolveStateMachine(template, region);
    const sweepInput = scheduleInputFor(template, region, 'sweep');
    await dynamoStarting;
    if (!urls.dynamodb.endsWith(`:${ports.dynamodb}`)) {
      urls.dynamodb = `http://127.0.0.1:${ports.dynamodb}`;
      env.LOCAL_DYNAMODB_ENDPOINT = process.env.LOCAL_DYNAMODB_ENDPOINT = urls.dynamodb;
      resetClients();
    }
    log(`DynamoDB Local        ${urls.dynamodb}  (table ${localNames.table}, in memory)`);

    // S3: object created under inbox/ of the statements bucket -> SQS-wrapped S3 event -> ingest.
    const dataDir = options.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'encaisse-s3-')));
    if (!options.dataDir) cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const waiters = new Map<string, ((d: IngestDelivery) => void)[]>(); // per key, first come first served
    const inFlight = new Set<Promise<void>>();
    const onS3Event = (event: S3rverEvent) => {
      for (const record of event.Records ?? []) {
        const key = record.s3?.object?.key;
        if (!record.eventName?.startsWith('ObjectCreated') || record.s3.bucket.name !== localNames.statementsBucket)
          continue;
        // e-invoices under invoices/inbox/ -> invoice-inbox (its own queue in AWS: lib/invoice-inbox)
        const target = key?.startsWith('inbox/')
          ? 'ingest'
          : key?.startsWith(invoiceInboxPrefixes.inbox)
            ? 'invoice-inbox'
            : undefined;
        if (!target) continue;
        const sqsEvent = sqsEventOfS3Record(record, {
          region,
          queueName: target === 'ingest' ? localNames.ingestQueue : localNames.invoiceInboxQueue,
        });
        const delivery: IngestDelivery = { key, eventKey: encodeS3EventKey(key) };
        const p = handlers
          .invoke(target, sqsEvent)
          .then(
            (result) => {
              delivery.result = result;
              const failures = (result as { batchItemFailures?: unknown[] } | undefined)?.batchItemFailures;
              log(
                failures?.length
                  ? `${key}: ${target} reported a failure (message kept for retry)`
                  : `${key}: handled by ${target}`,
              );
            },
            (err: Error) => {
              delivery.error = err;
              log(`${key}: ${target} threw ${err?.name}: ${err?.message}`);
            },
          )
          .finally(() => {
            inFlight.delete(p);
            const queue = waiters.get(key);
            queue?.shift()?.(delivery);
            if (!queue?.length) waiters.delete(key);
          });
        inFlight.add(p);
      }
    };
    const s3 = await startS3({
      port: ports.s3,
      directory: dataDir,
      buckets: [localNames.statementsBucket, localNames.documentsBucket],
      onEvent: onS3Event,
    });
    cleanups.push(() => s3.stop());
    cleanups.push(async () => {
      await Promise.allSettled([...inFlight]);
    });
    log(`S3 (s3rver)           ${urls.s3}  (buckets ${localNames.statementsBucket}, ${localNames.documentsBucket})`);

    const ses = await startSes({ port: ports.ses });
    cleanups.push(() => ses.stop());
    log(`SES (aws-ses-v2-local) ${urls.ses}  web inbox: ${urls.sesInbox}`);

    const sfnClock = options.holdClockWhileWorking ? { ...clock, hold: () => scaled.hold() } : clock;
    const stepFunctions = new LocalStepFunctions({
      machine,
      stateMachineArn,
      region,
      handlers,
      factor,
      clock: sfnClock,
      log,
    });
    cleanups.push(() => stepFunctions.stopAll());
    const sfnEndpoint = await startSfnEndpoint(stepFunctions, ports.sfn);
    cleanups.push(() => sfnEndpoint.stop());
    log(`Step Functions        ${urls.sfn}  (${localNames.stateMachine}, ${factor} policy s per real s)`);

    const api = await startApi({ port: ports.api, handlers, token: apiToken, log });
    cleanups.push(() => api.stop());
    log(
      `admin API             ${urls.api}  (Authorization: Bearer ${apiToken}, read-only: Bearer ` +
        `${env.LOCAL_API_READONLY_TOKEN})`,
    );

    const s3Client = new S3Client({
      endpoint: urls.s3,
      region,
      credentials,
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
    cleanups.push(() => s3Client.destroy());

    scaled = policyClock(startAt, factor);
    let stopped = false;
    const stack: LocalStack = {
      env,
      urls,
      clock,
      sentEmails: () => ses.sentEmails(),
      clearEmails: () => ses.clear(),
      async waitFor<T>(predicate: () => T | Promise<T>, timeoutMs = 10_000, intervalMs = 50): Promise<NonNullable<T>> {
        const deadline = Date.now() + timeoutMs;
        let lastError: unknown;
        for (;;) {
          try {
            const v = await predicate();
            if (v) return v as NonNullable<T>;
          } catch (err) {
            lastError = err;
          }
          if (Date.now() > deadline) {
            throw new Error(
              `waitFor: condition not met within ${timeoutMs} ` +
                `ms${lastError ? ` (last error: ${(lastError as Error).message})` : ''}`,
            );
          }
          await new Promise((r) => setTimeout(r, intervalMs));
        }
      },
      async putStatement(key: string, bytes: Uint8Array | string): Promise<IngestDelivery> {
        const fullKey = key.startsWith('inbox/') ? key : `inbox/${key}`;
        let waiter!: (d: IngestDelivery) => void;
        const delivered = new Promise<IngestDelivery>((resolve) => (waiter = resolve));
        waiters.set(fullKey, [...(waiters.get(fullKey) ?? []), waiter]);
        try {
          await s3Client.send(new PutObjectCommand({ Bucket: localNames.statementsBucket, Key: fullKey, Body: bytes }));
        } catch (err) {
          waiters.set(
            fullKey,
            (waiters.get(fullKey) ?? []).filter((w) => w !== waiter),
          );
          throw err;
        }
        return delivered;
      },
      invoke: (name, event) => handlers.invoke(name, event),
      holdClock: () => scaled.hold(),
      stopClock: async () => {
        scaled.freeze();
        await stepFunctions.stopAll();
      },
      scheduledEvent: () => {
        const time = clock
          .now()
          .toISOString()
          .replace(/\.\d{3}Z$/, 'Z');
        if (sweepInput !== undefined) {
          // The daily schedule's own Target.Input from the template, its context attributes filled in as Scheduler
          // does.
          const filled = sweepInput
            .replaceAll('<aws.scheduler.scheduled-time>', time)
            .replaceAll('<aws.scheduler.execution-id>', randomUUID())
            .replaceAll(
              '<aws.scheduler.schedule-arn>',
              `arn:aws:scheduler:${region}:000000000000:schedule/default/local-daily-sweep`,
            )
            .replaceAll('<aws.scheduler.attempt-number>', '1');
          return JSON.parse(filled) as Record<string, unknown>;
        }
        return {
          version: '0',
          id: randomUUID(),
          'detail-type': 'Scheduled Event',
          source: 'aws.events',
          account: '000000000000',
          time,
          region,
          resources: [`arn:aws:events:${region}:000000000000:rule/local-daily-sweep`],
          detail: {},
        };
      },
      stepFunctions,
      async stop() {
        if (stopped) return;
        stopped = true;
        await stopAll();
      },
    };
    return stack;
  } catch (err) {
    await stopAll();
    throw err;
  }
}
