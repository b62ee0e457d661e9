import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Email, type ExecutionRecord, type LocalStack, startLocalStack } from '../../bin/local/stack';
import { contactOf, customer, invoice, shortPolicyInput } from '../handler/dunning/fixtures';
import { dunningTemplate } from './support/templates';

/**
 * Issue 5 on the local stack: the SYNTHESIZED per-invoice state machine with the real handlers, DynamoDB Local, s3rver
 * and the SES store. Time runs 86400x (a policy day per real second) from Monday 2 February 2026, 05:30 Paris.
 */
const START = new Date('2026-02-02T04:30:00.000Z');
const TRANSITION_USD = 0.025 / 1000;

let stack: LocalStack;
const arns = new Map<string, string>();
type Adapters = {
  saveInvoice: typeof import('../../functions/adapters/db/invoices').saveInvoice;
  getInvoice: typeof import('../../functions/adapters/db/invoices').getInvoice;
  listInvoiceEvents: typeof import('../../functions/adapters/db/events').listInvoiceEvents;
  workflows: typeof import('../../functions/adapters/workflows') & typeof import('../../functions/adapters/db/pauses');
};
let a: Adapters;

const emailsTo = async (address: string): Promise<Email[]> =>
  (await stack.sentEmails()).filter((e) => e.destination.to.includes(address));
const settled = (id: string): Promise<ExecutionRecord> => stack.stepFunctions.settled(arns.get(id)!);
const kinds = async (id: string) => (await a.listInvoiceEvents(id)).map((e) => e.kind);

async function pay(id: string) {
  const inv = (await a.getInvoice(id))!;
  await a.saveInvoice(
    inv,
    { ...inv, openCents: 0, status: 'paid' },
    { at: stack.clock.now().toISOString(), kind: 'payment_allocated', actor: 'test', detail: {} },
  );
}

beforeAll(async () => {
  stack = await startLocalStack({ quiet: true, template: dunningTemplate, sfnTimeFactor: 86_400, startAt: START });
  const { putCustomer } = await import('../../functions/adapters/db/customers');
  const invoices = await import('../../functions/adapters/db/invoices');
  const { savePolicy } = await import('../../functions/adapters/db/policies');
  a = {
    saveInvoice: invoices.saveInvoice,
    getInvoice: invoices.getInvoice,
    listInvoiceEvents: (await import('../../functions/adapters/db/events')).listInvoiceEvents,
    workflows: {
      ...(await import('../../functions/adapters/workflows')),
      ...(await import('../../functions/adapters/db/pauses')),
    },
  };
  await savePolicy(shortPolicyInput);
  const at = START.toISOString();
  const seed = async (
    c: string,
    due: string,
    custom: Parameters<typeof customer>[1] = {},
    inv: Parameters<typeof invoice>[3] = {},
  ) => {
    await putCustomer(customer(c, custom));
    await invoices.saveInvoice(undefined, invoice(`INV-${c}`, c, due, inv), {
      at,
      kind: 'imported',
      actor: 'test',
      detail: {},
    });
  };
  await seed('CYC', '2026-02-06'); // standard policy, the whole cycle
  await seed('PAYSTOP', '2026-02-09'); // paid during the wait, the reconciliation stops the execution
  await seed('PAYRACE', '2026-02-09'); // paid during the wait, no stop: the re-check guards
  await seed(
    'DIS',
    '2026-02-02',
    { policyId: 'short' },
    { pause: { reason: 'dispute', since: at, note: 'contestation quantités' } },
  );
  await seed(
    'KEPT',
    '2026-02-02',
    { policyId: 'short' },
    { pause: { reason: 'promise', since: at, until: '2026-02-05' } },
  );
  await seed(
    'BROKEN',
    '2026-02-02',
    { policyId: 'short' },
    { pause: { reason: 'promise', since: at, until: '2026-02-05' } },
  );
  await seed('BOOM', '2026-02-02', { policyId: 'no-such-policy' });
  for (const c of ['CYC', 'PAYSTOP', 'PAYRACE', 'DIS', 'KEPT', 'BROKEN', 'BOOM']) {
    arns.set(`INV-${c}`, (await a.workflows.startDunning(`INV-${c}`, stack.clock.now())).executionArn);
  }
  // Payments while the workflows wait (policy 2-3 February; the first e-mails would go on 5-9 February).
  await stack.waitFor(
    async () =>
      (await kinds('INV-PAYSTOP')).includes('dunning_step_planned') &&
      (await kinds('INV-PAYRACE')).includes('dunning_step_planned'),
    10_000,
  );
  await pay('INV-PAYSTOP');
  await a.workflows.stopDunning('INV-PAYSTOP', 'paid');
  await pay('INV-PAYRACE');
  await pay('INV-KEPT');
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('per-invoice dunning workflow on the local stack (issue 5)', () => {
  it('payment during a wait: the reconciliation stops the execution and no e-mail goes out', async () => {
    await stack.waitFor(async () => (await kinds('INV-PAYSTOP')).includes('dunning_step_planned'), 10_000);
    await pay('INV-PAYSTOP');
    expect(await a.workflows.stopDunning('INV-PAYSTOP', 'paid')).toEqual({ stopped: true });
    expect((await settled('INV-PAYSTOP')).status).toBe('ABORTED');
    await new Promise((r) => setTimeout(r, 3000)); // the courtesy step would have fired by now (policy 6 February)
    expect(await emailsTo(contactOf('PAYSTOP'))).toHaveLength(0);
  });

  it('payment during a wait without a stop: the re-check ends the workflow, nothing is sent', async () => {
    await stack.waitFor(async () => (await kinds('INV-PAYRACE')).includes('dunning_step_planned'), 10_000);
    await pay('INV-PAYRACE');
    const rec = await settled('INV-PAYRACE');
    expect(rec.status).toBe('SUCCEEDED');
    expect(rec.history).toContain('RunStep');
    expect(await emailsTo(contactOf('PAYRACE'))).toHaveLength(0);
    expect(await kinds('INV-PAYRACE')).toContain('dunning_stopped');
  });

  it('a dispute pauses the workflow with a task token; resolving it resumes the reminders', async () => {
    const { getPause } = a.workflows;
    await stack.waitFor(() => getPause('INV-DIS'), 15_000);
    expect(await emailsTo(contactOf('DIS'))).toHaveLength(0);
    const inv = (await a.getInvoice('INV-DIS'))!;
    await a.saveInvoice(
      inv,
      { ...inv, pause: undefined },
      { at: stack.clock.now().toISOString(), kind: 'dispute_resolved', actor: 'test', detail: {} },
    );
    expect(await a.workflows.resumeDunning('INV-DIS')).toEqual({ resumed: true });
    const rec = await settled('INV-DIS');
    expect(rec.status).toBe('SUCCEEDED');
    expect(rec.history).toContain('AwaitResume');
    // Resumed after both step days passed: one catch-up reminder (the latest), never a burst.
    expect((await emailsTo(contactOf('DIS'))).length).toBeGreaterThanOrEqual(1);
    const events = await a.listInvoiceEvents('INV-DIS');
    const resolved = events.find((e) => e.kind === 'dispute_resolved')!;
    expect(events.filter((e) => e.kind === 'reminder_sent').every((e) => e.at > resolved.at)).toBe(true);
    expect(await a.workflows.getPause('INV-DIS')).toBeUndefined();
  });

  it('a payment promise kept: paid before the promised date, no reminder at all', async () => {
    const rec = await settled('INV-KEPT');
    expect(rec.status).toBe('SUCCEEDED');
    expect(await emailsTo(contactOf('KEPT'))).toHaveLength(0);
  });

  it(
    'a payment promise broken: reminders resume after the promised date plus grace, and the history says ' + 'so',
    async () => {
      const rec = await settled('INV-BROKEN');
      expect(rec.status).toBe('SUCCEEDED');
      const events = await a.listInvoiceEvents('INV-BROKEN');
      const broken = events.find((e) => e.kind === 'promise_broken');
      expect(broken).toBeDefined();
      expect(broken!.at >= '2026-02-07').toBe(true); // 5 February + 1 day of grace
      const mails = await emailsTo(contactOf('BROKEN'));
      expect(mails.length).toBeGreaterThanOrEqual(1);
      expect((await a.getInvoice('INV-BROKEN'))!.pause).toBeUndefined();
    },
  );

  it('a failed execution e-mails finance (failure-alert)', async () => {
    const rec = await settled('INV-BOOM');
    expect(rec.status).toBe('FAILED');
    const alert = await stack.waitFor(
      async () => (await emailsTo('finance@encaisse.example.fr')).find((e) => e.subject.includes('INV-BOOM')),
      10_000,
    );
    expect(alert.subject).toContain('À vérifier : relances arrêtées par une erreur');
  });

  it('a full standard cycle: courtesy, three reminders, formal notice with its PDF, agency handoff', async () => {
    const rec = await settled('INV-CYC');
    expect({ status: rec.status, error: rec.error, cause: rec.cause }).toMatchObject({ status: 'SUCCEEDED' });
    const mails = await emailsTo(contactOf('CYC'));
    expect(mails.map((m) => m.subject)).toHaveLength(5);
    const notice = mails[4];
    expect(notice.subject).toContain('Mise en demeure');
    // The letter's PDF, and the EPC payment QR code shown inline (the customer page, issue 15).
    expect(notice.attachments.map((x) => x.contentType).sort()).toEqual(['application/pdf', 'image/png']);
    const agency = (await emailsTo('dossiers@recouvrement.example.fr')).filter((m) => m.body.text?.includes('INV-CYC'));
    expect(agency).toHaveLength(1);
    // the whole URL: the signature is not always its last parameter
    const link = agency[0].body.text!.match(/https?:\/\/\S*X-Amz-Signature=[0-9a-f]+\S*/)?.[0];
    expect(link).toBeDefined();
    const caseFile = await fetch(link!); // the time-limited link really opens the case file
    expect(caseFile.status).toBe(200);
    expect(
      Buffer.from(await caseFile.arrayBuffer())
        .subarray(0, 4)
        .toString(),
    ).toBe('%PDF');
    expect((await a.getInvoice('INV-CYC'))!.status).toBe('in_collection');
    const history = await kinds('INV-CYC');
    expect(history.filter((k) => k === 'reminder_sent')).toHaveLength(4);
    expect(history).toEqual(
      expect.arrayContaining(['formal_notice_sent', 'agency_notice_sent', 'dunning_policy_pinned']),
    );

    const transitions = rec.history.length;
    console.log(
      `standard cycle: ${transitions} state entries (${rec.history.join(' > ')}); Step Functions cost per invoice: ` +
        `$${(transitions * TRANSITION_USD).toFixed(6)}`,
    );
  }, 180_000);
});
