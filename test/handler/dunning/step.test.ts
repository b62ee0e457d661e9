import './env';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { setClock } from '../../../functions/adapters/clock';
import { customerItem, invoiceItem } from '../../../functions/adapters/db/items';
import { fixedClock } from '../../../functions/core/dates';
import type { DunningState } from '../../../functions/core/dunning/state';
import type { Customer, Invoice } from '../../../functions/core/model';
import { handler as plan } from '../../../functions/dunning-plan/handler';
import { handler as stepHandler } from '../../../functions/dunning-step/handler';
import { withinGrants } from '../support/access';
import { FakeTable } from './fake-table';
import { customer, invoice } from './fixtures';

const ses = mockClient(SESv2Client);
const s3 = mockClient(S3Client);
const ddb = mockClient(DynamoDBDocumentClient);
const step = withinGrants('dunning-step', stepHandler, ddb, s3);
const W = '2026-02-02T07:30:00.000Z';
let table: FakeTable;

const stateAt = (stepId: string, extra: Partial<DunningState> = {}): DunningState => ({
  invoiceId: 'INV-1',
  doneStepIds: [],
  policyId: 'standard',
  policyVersion: 1,
  plan: { action: 'wait', at: W, stepId },
  ...extra,
});
function seed(inv: Partial<Invoice> = {}, cust: Partial<Customer> = {}) {
  table.put(customerItem(customer('A', cust)));
  table.put(invoiceItem(invoice('INV-1', 'A', '2026-01-20', inv)));
}
const events = (kind?: string) =>
  [...table.items.values()].filter(
    (i) => i.pk === 'INVOICE#INV-1' && String(i.sk).startsWith('EVENT#') && (!kind || i.kind === kind),
  );
const batches = () => [...table.items.values()].filter((i) => i.sk === 'DISPATCH');

beforeEach(() => {
  ses.reset();
  s3.reset();
  ddb.reset();
  table = new FakeTable().install(ddb);
  ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
  s3.on(PutObjectCommand).resolves({});
  setClock(fixedClock('2026-02-02T07:30:01.000Z'));
});

describe('the re-check right before a step', () => {
  it('nothing is sent for an invoice paid during the wait: the workflow stops', async () => {
    seed({ status: 'paid', openCents: 0 });
    const out = await step(stateAt('reminder-1'));
    expect(out.outcome).toBe('stopped');
    expect(batches()).toHaveLength(0);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it.each([['written_off'], ['credited'], ['in_collection']] as const)(
    'a %s invoice stops the workflow',
    async (status) => {
      seed({ status });
      expect((await step(stateAt('reminder-1'))).outcome).toBe('stopped');
    },
  );

  it('a disputed invoice pauses the workflow', async () => {
    seed({ pause: { reason: 'dispute', since: '2026-01-25T10:00:00.000Z' } });
    const out = await step(stateAt('reminder-1'));
    expect(out.outcome).toBe('paused');
    expect(events('dunning_paused')).toHaveLength(1);
    expect(batches()).toHaveLength(0);
  });

  it('a partially paid invoice continues on the remaining amount', async () => {
    seed({ status: 'partially_paid', openCents: 30_000 });
    const out = await step(stateAt('reminder-1'));
    expect(out.outcome).toBe('enlisted');
  });

  it('a promise whose date and grace passed is broken: the pause is lifted and the step proceeds', async () => {
    seed({ pause: { reason: 'promise', since: '2026-01-20T10:00:00.000Z', until: '2026-01-26' } });
    const out = await step(stateAt('reminder-1'));
    expect(out.outcome).toBe('enlisted');
    expect(table.get('INVOICE#INV-1', 'INVOICE')?.pause).toBeUndefined();
    expect(events('promise_broken')).toHaveLength(1);
  });
});

describe('acting on a step', () => {
  it('an e-mail reminder joins the customer’s batch of the window', async () => {
    seed();
    const out = await step(stateAt('reminder-1'));
    expect(out).toMatchObject({ outcome: 'enlisted', dispatchKey: `DISPATCH#A#${W}#reminder`, gatherSeconds: 300 });
    expect(table.get(`DISPATCH#A#${W}#reminder`, 'INV#INV-1')).toMatchObject({
      stepId: 'reminder-1',
      level: 'reminder_1',
    });
  });

  it('a customer who wants one e-mail per invoice gets a batch of its own per invoice', async () => {
    seed({}, { reminderGrouping: 'per_invoice' });
    const out = await step(stateAt('reminder-1'));
    expect(out.dispatchKey).toBe(`DISPATCH#A#${W}#reminder~INV-1`);
  });

  it('after a hard bounce of every contact, the next e-mail step goes to a person (call task)', async () => {
    seed();
    table.put({
      pk: 'CUSTOMER#A',
      sk: 'BOUNCE#compta@a.example.fr',
      customerId: 'A',
      email: 'compta@a.example.fr',
      at: W,
      kind: 'hard_bounce',
    });
    const out = await step(stateAt('reminder-1'));
    expect(out.dispatchKey).toBe(`DISPATCH#A#${W}#call`);
    expect(events('dunning_switched_to_person')).toHaveLength(1);
    expect(events('dunning_switched_to_person')[0].detail).toMatchObject({
      reason: 'every e-mail contact bounced (hard bounce) or complained',
    });
  });

  it('a customer without any e-mail contact goes to a person for that reason, not for a hard bounce', async () => {
    seed({}, { contacts: [] });
    const out = await step(stateAt('reminder-1'));
    expect(out.dispatchKey).toBe(`DISPATCH#A#${W}#call`);
    expect(events('dunning_switched_to_person')[0].detail).toMatchObject({ reason: 'no e-mail contact' });
  });

  it('a step whose minimum amount is no longer reached after a partial payment is skipped', async () => {
    seed({ status: 'partially_paid', openCents: 1000 });
    const out = await step(stateAt('formal-notice'));
    expect(out.outcome).toBe('skipped');
    expect(out.doneStepIds).toContain('formal-notice');
  });

  it('a step that needs approval pauses the workflow and asks finance; resuming approves it', async () => {
    seed({}, { segment: 'key_account' });
    const out = await step(stateAt('formal-notice', { policyId: 'key_account' }));
    expect(out).toMatchObject({ outcome: 'paused', awaitingApprovalStepId: 'formal-notice' });
    expect(ses.commandCalls(SendEmailCommand)[0].args[0].input.Destination?.ToAddresses).toEqual([
      'finance@encaisse.example.fr',
    ]);
    const approved = await step(
      stateAt('formal-notice', { policyId: 'key_account', approvedStepIds: ['formal-notice'] }),
    );
    expect(approved.outcome).toBe('paused'); // the invoice still carries the approval pause until the API lifts it
    table.put(invoiceItem({ ...(table.get('INVOICE#INV-1', 'INVOICE') as Invoice), pause: undefined, version: 2 }));
    const afterLift = await step(
      stateAt('formal-notice', { policyId: 'key_account', approvedStepIds: ['formal-notice'] }),
    );
    expect(afterLift).toMatchObject({ outcome: 'enlisted', dispatchKey: `DISPATCH#A#${W}#formal_notice` });
  });

  it('finance is asked to approve once, even when SES refused the first alert (the retry asks again)', async () => {
    seed({}, { segment: 'key_account' });
    ses
      .on(SendEmailCommand)
      .rejectsOnce(Object.assign(new Error('Maximum sending rate exceeded'), { name: 'TooManyRequestsException' }))
      .resolves({ MessageId: 'ses-2' });
    await expect(step(stateAt('formal-notice', { policyId: 'key_account' }))).rejects.toMatchObject({
      name: 'Throttled',
    });
    const retry = await step(stateAt('formal-notice', { policyId: 'key_account' }));
    expect(retry).toMatchObject({ outcome: 'paused', awaitingApprovalStepId: 'formal-notice' });
    await step(stateAt('formal-notice', { policyId: 'key_account' }));
    const asked = ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input.Destination?.ToAddresses);
    expect(asked).toEqual([['finance@encaisse.example.fr'], ['finance@encaisse.example.fr']]); // refused, then sent
  });

  it(
    'the agency handoff stores the case file, notifies the agency with a time-limited link and puts the invoice in ' +
      'collection',
    async () => {
      seed({ dueDate: '2025-12-01' });
      const out = await step(stateAt('agency'));
      expect(out).toMatchObject({ outcome: 'acted' });
      expect(out.doneStepIds).toContain('agency');
      const keys = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Key);
      expect(keys).toEqual(
        expect.arrayContaining([expect.stringMatching(/case-file\.json$/), expect.stringMatching(/case-file\.pdf$/)]),
      );
      const agencyMail = ses
        .commandCalls(SendEmailCommand)
        .find((c) => c.args[0].input.Destination?.ToAddresses?.includes('dossiers@recouvrement.example.fr'));
      expect(agencyMail?.args[0].input.Content?.Simple?.Body?.Text?.Data).toMatch(/X-Amz-Expires=604800/);
      expect(table.get('INVOICE#INV-1', 'INVOICE')?.status).toBe('in_collection');
      // a Lambda retry (crashed before the status change) does not mail the agency twice, and completes the handoff
      table.put(invoiceItem({ ...(table.get('INVOICE#INV-1', 'INVOICE') as Invoice), status: 'open' }));
      const again = await step(stateAt('agency'));
      expect(again.outcome).toBe('acted');
      expect(
        ses
          .commandCalls(SendEmailCommand)
          .filter((c) => c.args[0].input.Destination?.ToAddresses?.includes('dossiers@recouvrement.example.fr')),
      ).toHaveLength(1);
      expect(table.get('INVOICE#INV-1', 'INVOICE')?.status).toBe('in_collection');
    },
  );
});

describe('planning', () => {
  it('the first run pins the customer’s policy version and says so', async () => {
    seed();
    setClock(fixedClock('2026-01-19T10:00:00.000Z'));
    const out = await plan({ invoiceId: 'INV-1', doneStepIds: [] });
    expect(out).toMatchObject({
      policyId: 'standard',
      policyVersion: 1,
      gatherSeconds: 300,
      plan: { action: 'wait', stepId: 'courtesy', at: '2026-01-20T07:30:00.000Z' },
    });
    expect(events('dunning_policy_pinned')).toHaveLength(1);
  });

  it(
    'a running workflow keeps its version after the policy is edited, and switches (saying so) when the customer ' +
      'moves',
    async () => {
      const { savePolicy } = await import('../../../functions/adapters/db/policies');
      const { builtInPolicies } = await import('../../../functions/core/dunning/policy');
      seed();
      await savePolicy({ ...builtInPolicies[0], gatherSeconds: 900 });
      const kept = await plan({ invoiceId: 'INV-1', doneStepIds: [], policyId: 'standard', policyVersion: 1 });
      expect(kept).toMatchObject({ policyVersion: 1, gatherSeconds: 300 });
      table.put(customerItem(customer('A', { segment: 'b2c' })));
      const moved = await plan({ invoiceId: 'INV-1', doneStepIds: [], policyId: 'standard', policyVersion: 1 });
      expect(moved).toMatchObject({ policyId: 'b2c', policyVersion: 1 });
      expect(events('dunning_policy_switched')[0].detail).toMatchObject({ from: 'standard@v1', to: 'b2c@v1' });
    },
  );

  it(
    'a running workflow sends in the policy’s current window, so that the customer’s invoices of both versions share ' +
      'one message',
    async () => {
      const { savePolicy } = await import('../../../functions/adapters/db/policies');
      const { builtInPolicies } = await import('../../../functions/core/dunning/policy');
      seed();
      setClock(fixedClock('2026-01-19T10:00:00.000Z'));
      await savePolicy({ ...builtInPolicies[0], sendWindow: { time: '10:00', timeZone: 'Europe/Paris' } });
      const kept = await plan({ invoiceId: 'INV-1', doneStepIds: [], policyId: 'standard', policyVersion: 1 });
      expect(kept).toMatchObject({
        policyVersion: 1,
        plan: { action: 'wait', stepId: 'courtesy', at: '2026-01-20T09:00:00.000Z' },
      });
    },
  );

  it('a paid invoice ends the workflow', async () => {
    seed({ status: 'paid', openCents: 0 });
    expect((await plan({ invoiceId: 'INV-1', doneStepIds: [] })).plan).toMatchObject({ action: 'end', reason: 'paid' });
  });
});
