import './env';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SESv2Client, SendEmailCommand, type SendEmailCommandInput } from '@aws-sdk/client-sesv2';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { setClock } from '../../../functions/adapters/clock';
import { type DispatchKind, dispatchKeyOf, enlist } from '../../../functions/adapters/db/dispatch';
import { customerItem, invoiceItem } from '../../../functions/adapters/db/items';
import { recordSend } from '../../../functions/adapters/db/sends';
import { fixedClock } from '../../../functions/core/dates';
import type { DunningState } from '../../../functions/core/dunning/state';
import { handler as dispatchHandler, POLL } from '../../../functions/dunning-dispatch/handler';
import { handler as stepHandler } from '../../../functions/dunning-step/handler';
import { handler as sesEvents } from '../../../functions/ses-events/handler';
import { SEND_DOUBT } from '../../../functions/use-cases/dunning/send-once';
import { withinGrants } from '../support/access';
import { FakeTable } from './fake-table';
import { contactOf, customer, invoice } from './fixtures';

/**
 * Fault injection at handler level (issue 11): every AWS call of a grouped dispatch and of an agency handoff fails
 * once, at each position, in three ways (throttled, a 500, a timeout after the call took effect); the Step Functions
 * retry is played by re-running the task while its error is one the state machine retries; SES's event stream is
 * played by handing every accepted message's events to ses-events. Then the invariants: every customer (or agency)
 * message went out at most once, or finance holds a "maybe sent" task for it; no batch is left blocked; no workflow
 * fails on an expected retry; nothing is logged at error level.
 */

// The letters' PDFs are the same bytes in every run and cost most of its time: a stand-in PDF keeps the suite fast.
vi.mock('../../../functions/core/letters/formal-notice', async (original) => ({
  ...(await original<typeof import('../../../functions/core/letters/formal-notice')>()),
  buildFormalNoticePdf: async () => new TextEncoder().encode('%PDF-1.7 stand-in'),
}));
vi.mock('../../../functions/core/letters/agency-case', async (original) => {
  const real = await original<typeof import('../../../functions/core/letters/agency-case')>();
  return {
    ...real,
    buildAgencyCaseFile: async (input: Parameters<typeof real.buildAgencyCaseFile>[0]) => ({
      json: { caseId: input.caseId },
      pdf: new TextEncoder().encode('%PDF-1.7 stand-in'),
    }),
  };
});

const ses = mockClient(SESv2Client);
const s3 = mockClient(S3Client);
const ddb = mockClient(DynamoDBDocumentClient);
const dispatch = withinGrants('dunning-dispatch', dispatchHandler, ddb, s3);
const step = withinGrants('dunning-step', stepHandler, ddb, s3);
const W = '2026-02-02T07:30:00.000Z';
const AGENCY = 'dossiers@recouvrement.example.fr';
const FINANCE = 'finance@encaisse.example.fr';
const RETRIED = ['Throttled', 'DispatchInProgress', 'SendUnconfirmed'];

type FaultKind = 'throttled' | 'server_error' | 'timeout_after_success';
const faultKinds: FaultKind[] = ['throttled', 'server_error', 'timeout_after_success'];
type Service = 'dynamodb' | 'ses' | 's3';

function faultOf(kind: FaultKind, service: Service): Error {
  if (kind === 'timeout_after_success')
    return Object.assign(new Error('socket timed out after the request was sent'), { name: 'TimeoutError' });
  const names = {
    throttled: {
      dynamodb: ['ProvisionedThroughputExceededException', 400],
      ses: ['TooManyRequestsException', 429],
      s3: ['SlowDown', 503],
    },
    server_error: { dynamodb: ['InternalServerError', 500], ses: ['InternalFailure', 500], s3: ['InternalError', 500] },
  } as const;
  const [name, status] = names[kind][service];
  return Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
}

/** One run: a fresh table, one fault armed at call `position` (or none), every accepted message remembered. */
class Run {
  table = new FakeTable();
  documents = new Map<string, Uint8Array>();
  calls: string[] = [];
  accepted: { to: string[]; kind: string; intent?: string; messageId: string }[] = [];
  failures: string[] = [];
  private pendingEvents: { messageId: string; intent?: string }[] = [];
  private armedHere = false;
  private fired = false;

  constructor(
    private readonly position = -1,
    private readonly kind: FaultKind = 'throttled',
  ) {
    ses.reset();
    s3.reset();
    ddb.reset();
    this.table.install(ddb);
    const before = this.kind !== 'timeout_after_success';
    this.table.fault = (name) => (this.next(`dynamodb:${name}`) && before ? this.fire('dynamodb') : undefined);
    this.table.after = () => (this.armedHere && !before && !this.fired ? this.fire('dynamodb') : undefined);
    ses.on(SendEmailCommand).callsFake(async (input: SendEmailCommandInput) => this.ses(input));
    // The documents bucket keeps what is put (the formal notice's letters are read back for the "to post" alert).
    s3.on(PutObjectCommand).callsFake(async (input) => {
      const armed = this.next('s3:PutObject');
      if (armed && before) throw this.fire('s3');
      this.documents.set(input.Key, input.Body);
      if (armed) throw this.fire('s3');
      return {};
    });
    s3.on(GetObjectCommand).callsFake(async (input) => {
      if (this.next('s3:GetObject')) throw this.fire('s3');
      const bytes = this.documents.get(input.Key);
      if (!bytes)
        throw Object.assign(new Error('NoSuchKey'), { name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } });
      return { Body: { transformToByteArray: async () => bytes } };
    });
  }

  /** Counts a call; true when it is the armed position. */
  private next(label: string): boolean {
    this.armedHere = !this.fired && this.calls.length === this.position;
    this.calls.push(label);
    return this.armedHere;
  }
  private fire(service: Service): Error {
    this.fired = true;
    this.armedHere = false;
    return faultOf(this.kind, service);
  }

  private async ses(input: SendEmailCommandInput) {
    const armed = this.next('ses:SendEmail');
    if (armed && this.kind !== 'timeout_after_success') throw this.fire('ses');
    const messageId = `ses-${this.accepted.length + 1}`;
    const tags = Object.fromEntries((input.EmailTags ?? []).map((t) => [t.Name, t.Value]));
    this.accepted.push({
      to: input.Destination?.ToAddresses ?? [],
      kind: String(tags.kind),
      intent: tags.intent,
      messageId,
    });
    this.pendingEvents.push({ messageId, intent: tags.intent });
    if (armed) throw this.fire('ses');
    return { MessageId: messageId };
  }

  /** SES's event stream: the accepted messages' Send events reach ses-events (outside the fault positions). */
  async deliverEvents() {
    const saved = [this.table.fault, this.table.after];
    this.table.fault = () => undefined;
    this.table.after = () => undefined;
    for (const e of this.pendingEvents.splice(0)) {
      await sesEvents({
        eventType: 'Send',
        mail: { messageId: e.messageId, timestamp: W, tags: e.intent ? { intent: [e.intent] } : {} },
        send: {},
      });
    }
    [this.table.fault, this.table.after] = saved;
  }

  /** The state machine's Retry: the same task again while its error is one the machine retries. */
  async task(fn: (s: DunningState) => Promise<DunningState>, state: DunningState): Promise<DunningState | undefined> {
    for (let attempt = 1; attempt <= 8; attempt++) {
      try {
        const out = await fn(state);
        await this.deliverEvents();
        return out;
      } catch (err) {
        await this.deliverEvents();
        if (!RETRIED.includes((err as Error).name)) {
          this.failures.push(`${(err as Error).name}: ${(err as Error).message}`);
          return undefined;
        }
      }
    }
    this.failures.push('retries exhausted');
    return undefined;
  }

  to(address: string, kind: string) {
    return this.accepted.filter((m) => m.to.includes(address) && m.kind === kind);
  }
  maybeSentTasks() {
    return this.accepted.filter((m) => m.to.includes(FINANCE) && m.kind === 'alert_maybe_sent');
  }
  history(invoiceId: string, kind: string) {
    return [...this.table.items.values()].filter(
      (i) => i.pk === `INVOICE#${invoiceId}` && String(i.sk).startsWith('EVENT#') && i.kind === kind,
    );
  }
}

const errorLines: string[] = [];
beforeAll(() => {
  POLL.attempts = 0;
  POLL.intervalMs = 0;
  SEND_DOUBT.confirmSeconds = 0; // no waiting in tests: a doubt SES did not settle goes to finance at once
  setClock(fixedClock('2026-02-02T07:35:00.000Z'));
  // Powertools writes errors to stderr, "level":"ERROR"
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    vi.spyOn(stream, 'write').mockImplementation(((chunk: string | Uint8Array) => {
      if (String(chunk).includes('"level":"ERROR"')) errorLines.push(String(chunk));
      return write(chunk);
    }) as typeof stream.write);
  }
});
afterAll(() => {
  vi.restoreAllMocks();
  SEND_DOUBT.confirmSeconds = 180;
});

// --- scenario 1: a grouped dispatch of three invoices
// ------------------------------------------------------------------

async function groupedDispatch(run: Run, kind: DispatchKind) {
  const MEMBERS = membersOf(kind);
  const saved = [run.table.fault, run.table.after];
  run.table.fault = () => undefined;
  run.table.after = () => undefined;
  run.table.put(customerItem(customer('G')));
  for (const id of MEMBERS) {
    run.table.put(invoiceItem(invoice(id, 'G', '2025-12-01')));
    await enlist({
      customerId: 'G',
      windowAt: W,
      kind,
      member: {
        invoiceId: id,
        stepId: 'step-x',
        level: kind === 'formal_notice' ? 'formal_notice' : 'reminder_1',
        channel: kind === 'formal_notice' ? 'formal_notice' : 'email',
        enlistedAt: W,
      },
    });
  }
  [run.table.fault, run.table.after] = saved;
  const key = dispatchKeyOf('G', W, kind);
  const outcomes: (string | undefined)[] = [];
  for (const id of MEMBERS) {
    const state: DunningState = {
      invoiceId: id,
      doneStepIds: [],
      policyId: 'standard',
      policyVersion: 1,
      plan: { action: 'wait', at: W, stepId: 'step-x' },
      outcome: 'enlisted',
      dispatchKey: key,
    };
    outcomes.push((await run.task(dispatch, state))?.outcome);
  }
  return { key, outcomes };
}

/** Three invoices in a grouped reminder; two formal notices (each builds a PDF letter: kept short for speed). */
const membersOf = (kind: DispatchKind) => (kind === 'reminder' ? ['G-1', 'G-2', 'G-3'] : ['G-1', 'G-2']);

function checkGrouped(run: Run, key: string, outcomes: (string | undefined)[], kind: DispatchKind) {
  const MEMBERS = membersOf(kind);
  expect(run.failures).toEqual([]);
  expect(outcomes).toEqual(MEMBERS.map(() => 'sent'));
  const sent = run.to(contactOf('G'), kind);
  expect(sent.length, 'at most one message to the customer').toBeLessThanOrEqual(1);
  const maybe = MEMBERS.every((id) => run.table.get(`SEND#${id}#step-x`, 'SEND')?.maybeSent);
  if (sent.length === 0 || maybe) {
    // Not known to SES's events, or closed in doubt: finance holds the task and every invoice's history says so.
    expect(run.maybeSentTasks().length, 'a "maybe sent" task for finance').toBeGreaterThanOrEqual(1);
    for (const id of MEMBERS) expect(run.history(id, 'send_maybe_sent').length, id).toBeGreaterThanOrEqual(1);
  } else {
    for (const id of MEMBERS) expect(run.table.get(`SEND#${id}#step-x`, 'SEND')?.messageId, id).toBe(sent[0].messageId);
    // a formal notice's record keeps what its letter claimed beyond the principal, whichever member recorded it
    if (kind === 'formal_notice')
      for (const id of MEMBERS)
        expect(run.table.get(`SEND#${id}#step-x`, 'SEND')?.claims, id).toMatchObject({ indemnityCents: 4000 });
  }
  expect(run.table.get(key, 'DISPATCH')?.status, 'the batch is not left blocked').toBe('sent');
  if (kind === 'formal_notice' && sent.length === 1 && !maybe) {
    // the notice went out: finance is told once to post its letters, or holds a "maybe sent" task for that alert
    const toPost = run.to(FINANCE, 'alert_formal_notice_to_post');
    expect(toPost.length, 'at most one "to post" alert').toBeLessThanOrEqual(1);
    if (toPost.length === 0) expect(run.maybeSentTasks().length, 'a "maybe sent" task').toBeGreaterThanOrEqual(1);
  }
}

// --- scenario 2: an agency handoff ----------------------------------------------------------------------------------

async function handoff(run: Run) {
  const saved = [run.table.fault, run.table.after];
  run.table.fault = () => undefined;
  run.table.after = () => undefined;
  run.table.put(customerItem(customer('H')));
  run.table.put(invoiceItem(invoice('H-1', 'H', '2025-12-01')));
  [run.table.fault, run.table.after] = saved;
  const state: DunningState = {
    invoiceId: 'H-1',
    doneStepIds: [],
    policyId: 'standard',
    policyVersion: 1,
    plan: { action: 'wait', at: W, stepId: 'agency' },
  };
  return (await run.task(step, state))?.outcome;
}

function checkHandoff(run: Run, outcome: string | undefined) {
  expect(run.failures).toEqual([]);
  expect(outcome).toBe('acted');
  const notices = run.to(AGENCY, 'agency_handoff');
  expect(notices.length, 'at most one notice to the agency').toBeLessThanOrEqual(1);
  const record = run.table.get('SEND#H-1#agency', 'SEND');
  if (notices.length === 0 || record?.maybeSent) expect(run.maybeSentTasks().length).toBeGreaterThanOrEqual(1);
  else {
    expect(record?.messageId).toBe(notices[0].messageId);
    // the case the agency holds is on record: a payment after the handoff withdraws it (the sweep reads it)
    expect(run.table.get('INVOICE#H-1', 'AGENCYCASE'), 'the agency case on record').toMatchObject({
      status: 'open',
      messageId: notices[0].messageId,
    });
  }
  expect(run.table.get('INVOICE#H-1', 'INVOICE')?.status).toBe('in_collection');
  // Finance hears of the handoff: the alert, or (the alert itself in doubt) a "maybe sent" task naming it.
  expect(
    run.to(FINANCE, 'alert_escalation').length + run.maybeSentTasks().length,
    'finance hears of the handoff',
  ).toBeGreaterThanOrEqual(1);
}

// --- scenario 3: an invoice under formal notice found paid at the re-check ------------------------------------------

/** P-1's formal notice claimed 25,16 € of penalties and the 40 € indemnity; its principal got paid, the stop failed. */
async function paidAfterNotice(run: Run) {
  const saved = [run.table.fault, run.table.after];
  run.table.fault = () => undefined;
  run.table.after = () => undefined;
  run.table.put(customerItem(customer('P')));
  const paid = invoice('P-1', 'P', '2025-12-01', {
    status: 'paid',
    openCents: 0,
    receivedCents: 120_000,
    collected: { on: '2026-01-30', amountCents: 120_000 },
    dunningLevel: 'formal_notice',
  });
  run.table.put(invoiceItem(paid));
  const claims = { on: '2026-01-15', reference: 'MED-P-1', currency: 'EUR', principalCents: 120_000 };
  await recordSend(
    {
      invoiceId: 'P-1',
      stepId: 'formal-notice',
      messageId: 'ses-notice',
      kind: 'formal_notice',
      at: '2026-01-15T07:30:00.000Z',
      claims: { ...claims, interestCents: 2_516, indemnityCents: 4_000 },
    },
    {
      at: '2026-01-15T07:30:00.000Z',
      kind: 'formal_notice_sent',
      actor: 'system:dunning',
      detail: { stepId: 'formal-notice' },
    },
  );
  [run.table.fault, run.table.after] = saved;
  const state: DunningState = {
    invoiceId: 'P-1',
    doneStepIds: ['formal-notice'],
    policyId: 'standard',
    policyVersion: 1,
    plan: { action: 'wait', at: W, stepId: 'agency' },
  };
  return (await run.task(step, state))?.outcome;
}

function checkPaidAfterNotice(run: Run, outcome: string | undefined) {
  expect(run.failures).toEqual([]);
  expect(outcome).toBe('stopped');
  const told = run.to(FINANCE, 'alert_notice_claims_unpaid');
  expect(told.length, 'finance told at most once').toBeLessThanOrEqual(1);
  const lines = run.history('P-1', 'notice_claims_unpaid');
  expect(lines, 'one history line').toHaveLength(1);
  // Not known to have gone out: finance holds a "maybe sent" task for the alert instead, and the line says so.
  if (told.length === 0 || lines[0].detail.maybeSent) {
    expect(run.maybeSentTasks().length, 'a "maybe sent" task').toBeGreaterThanOrEqual(1);
    expect(lines[0].detail.maybeSent).toBe(true);
  }
}

// --- the suite ------------------------------------------------------------------------------------------------------

const scenarios = [
  {
    name: 'grouped reminder of three invoices',
    run: (r: Run) => groupedDispatch(r, 'reminder'),
    check: (r: Run, o: Awaited<ReturnType<typeof groupedDispatch>>) => checkGrouped(r, o.key, o.outcomes, 'reminder'),
  },
  {
    name: 'grouped formal notices of two invoices',
    run: (r: Run) => groupedDispatch(r, 'formal_notice'),
    check: (r: Run, o: Awaited<ReturnType<typeof groupedDispatch>>) =>
      checkGrouped(r, o.key, o.outcomes, 'formal_notice'),
  },
  { name: 'agency handoff', run: (r: Run) => handoff(r), check: (r: Run, o: string | undefined) => checkHandoff(r, o) },
  {
    name: 'payment found at the re-check after a formal notice',
    run: (r: Run) => paidAfterNotice(r),
    check: (r: Run, o: string | undefined) => checkPaidAfterNotice(r, o),
  },
] as const;

describe.each(scenarios)('faults in a $name', (scenario) => {
  it('a clean run sends once and records it', async () => {
    const run = new Run();
    scenario.check(run, (await scenario.run(run)) as never);
  });

  it.each(faultKinds)(
    'every AWS call failing once (%s), at every position, keeps every invariant',
    async (kind) => {
      const clean = new Run();
      await scenario.run(clean);
      const positions = clean.calls.length;
      expect(positions).toBeGreaterThan(10);
      const maybeSent: string[] = [];
      for (let position = 0; position < positions; position++) {
        const run = new Run(position, kind);
        const out = await scenario.run(run);
        try {
          scenario.check(run, out as never);
          if (run.maybeSentTasks().length) maybeSent.push(`${kind}@${position}:${clean.calls[position]}`);
        } catch (err) {
          throw new Error(`fault ${kind} at call ${position} (${clean.calls[position]}): ${(err as Error).message}`);
        }
      }
      expect(errorLines).toEqual([]);
      if (process.env.DBG)
        console.log(`${scenario.name} ${kind}: ${positions} positions, maybe sent: ${maybeSent.join(' ')}`);
      // Dozens of runs in one test: a few seconds on a quiet machine, far more when it is shared. A test cut by the
      // default timeout would keep running beside the next one and share its mocks.
    },
    300_000,
  );
});
