import './env';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { setClock } from '../../../functions/adapters/clock';
import { dispatchKeyOf, enlist } from '../../../functions/adapters/db/dispatch';
import { customerItem, invoiceItem } from '../../../functions/adapters/db/items';
import { fixedClock } from '../../../functions/core/dates';
import type { DunningState } from '../../../functions/core/dunning/state';
import { handler as dispatchHandler, POLL } from '../../../functions/dunning-dispatch/handler';
import { withinGrants } from '../support/access';
import { FakeTable } from './fake-table';
import { contactOf, customer, invoice } from './fixtures';

const ses = mockClient(SESv2Client);
const ddb = mockClient(DynamoDBDocumentClient);
const handler = withinGrants('dunning-dispatch', dispatchHandler, ddb);
const W = '2026-02-02T07:30:00.000Z';
let table: FakeTable;
POLL.intervalMs = 5;

const stateOf = (invoiceId: string, dispatchKey: string): DunningState => ({
  invoiceId,
  doneStepIds: ['courtesy'],
  policyId: 'standard',
  policyVersion: 1,
  plan: { action: 'wait', at: W, stepId: 'reminder-1' },
  outcome: 'enlisted',
  gatherSeconds: 300,
  dispatchKey,
});
const sentTexts = () =>
  ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input.Content?.Simple?.Body?.Text?.Data ?? '');

async function seed(
  customerId: string,
  invoiceIds: string[],
  overrides: Record<string, Partial<ReturnType<typeof invoice>>> = {},
) {
  table.put(customerItem(customer(customerId)));
  for (const id of invoiceIds) {
    table.put(invoiceItem(invoice(id, customerId, '2026-01-20', overrides[id])));
    await enlist({
      customerId,
      windowAt: W,
      kind: 'reminder',
      member: { invoiceId: id, stepId: 'reminder-1', level: 'reminder_1', channel: 'email', enlistedAt: W },
    });
  }
  return dispatchKeyOf(customerId, W, 'reminder');
}

beforeEach(() => {
  ses.reset();
  ddb.reset();
  table = new FakeTable().install(ddb);
  let n = 0;
  ses.on(SendEmailCommand).callsFake(async () => ({ MessageId: `ses-${++n}` }));
  setClock(fixedClock('2026-02-02T07:35:00.000Z'));
  POLL.attempts = 10;
});

describe('a batch reads what it needs once', () => {
  it(
    'the customer is read once per batch, also when a payment crossing the composition makes it compose ' + 'again',
    async () => {
      const key = await seed('R', ['R-1', 'R-2']);
      let reads = 0;
      ddb.on(GetCommand).callsFake(async (input) => {
        if (input.Key?.pk === 'CUSTOMER#R' && ++reads === 1) {
          // A payment of R-2 lands while the message is being composed: the re-check leaves it out.
          const stored = table.get('INVOICE#R-2', 'INVOICE')!;
          table.put({ ...stored, status: 'paid', openCents: 0, version: Number(stored.version) + 1 });
        }
        return { Item: table.get(String(input.Key?.pk), String(input.Key?.sk)) };
      });
      expect((await handler(stateOf('R-1', key))).outcome).toBe('sent');
      expect(sentTexts()[0]).not.toContain('R-2');
      expect(reads).toBe(1);
    },
  );
});

describe('who the reminder greets', () => {
  it('greets the one named contact it goes to, not the company', async () => {
    const key = await seed('G', ['G-1']);
    table.put(
      customerItem(customer('G', { contacts: [{ name: 'Claire Dubois', email: contactOf('G'), role: 'billing' }] })),
    );
    await handler(stateOf('G-1', key));
    expect(sentTexts()[0]).toContain('Bonjour Claire Dubois,');
  });

  it('greets the company when the reminder goes to two contacts', async () => {
    const key = await seed('H', ['H-1']);
    const contacts = [
      { name: 'Claire Dubois', email: contactOf('H'), role: 'billing' as const },
      { name: 'Paul Martin', email: 'paul@h.example.fr', role: 'accounts_payable' as const },
    ];
    table.put(customerItem(customer('H', { contacts })));
    await handler(stateOf('H-1', key));
    expect(sentTexts()[0]).toContain('Bonjour Client H,');
  });
});

describe('one message per customer per send window', () => {
  it(
    'three workflows of one customer dispatching at the same instant send exactly one e-mail listing the ' + 'three',
    async () => {
      const key = await seed('A', ['A-1', 'A-2', 'A-3']);
      const results = await Promise.all(['A-1', 'A-2', 'A-3'].map((id) => handler(stateOf(id, key))));
      expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
      expect(ses.commandCalls(SendEmailCommand)[0].args[0].input.Destination?.ToAddresses).toEqual([contactOf('A')]);
      for (const id of ['A-1', 'A-2', 'A-3']) expect(sentTexts()[0]).toContain(id);
      expect(results.map((r) => r.outcome)).toEqual(['sent', 'sent', 'sent']);
      expect(results.every((r) => r.doneStepIds.includes('reminder-1') && r.dispatchKey === undefined)).toBe(true);
      expect(table.get(key, 'DISPATCH')).toMatchObject({
        status: 'sent',
        messageId: 'ses-1',
        includedInvoiceIds: ['A-1', 'A-2', 'A-3'],
      });
    },
  );

  it('every included invoice records the message id once: a send record and one history event', async () => {
    const key = await seed('A', ['A-1', 'A-2']);
    await Promise.all(['A-1', 'A-2'].map((id) => handler(stateOf(id, key))));
    for (const id of ['A-1', 'A-2']) {
      expect(table.get(`SEND#${id}#reminder-1`, 'SEND')).toMatchObject({ messageId: 'ses-1' });
      const events = [...table.items.values()].filter(
        (i) => i.pk === `INVOICE#${id}` && String(i.sk).startsWith('EVENT#') && i.detail?.messageId === 'ses-1',
      );
      expect(events).toHaveLength(1);
      expect(events[0].kind).toBe('reminder_sent');
    }
    expect(table.get('MESSAGE#ses-1', 'MESSAGE')).toMatchObject({ customerId: 'A', invoiceIds: ['A-1', 'A-2'] });
  });

  it(
    'an invoice paid between its step and the send is left out of the message and its workflow skips the ' + 'step',
    async () => {
      const key = await seed('B', ['B-1', 'B-2', 'B-3'], { 'B-2': { status: 'paid', openCents: 0 } });
      const results = await Promise.all(['B-1', 'B-2', 'B-3'].map((id) => handler(stateOf(id, key))));
      expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
      expect(sentTexts()[0]).toContain('B-1');
      expect(sentTexts()[0]).not.toContain('B-2');
      expect(results.map((r) => r.outcome)).toEqual(['sent', 'skipped', 'sent']);
      expect(results[1].doneStepIds).not.toContain('reminder-1');
    },
  );

  it('an SES throttling gives the batch back and throws Throttled; the retry sends exactly one e-mail', async () => {
    const key = await seed('C', ['C-1', 'C-2']);
    ses
      .on(SendEmailCommand)
      .rejectsOnce(
        Object.assign(new Error('Maximum sending rate exceeded'), {
          name: 'TooManyRequestsException',
          $metadata: { httpStatusCode: 429 },
        }),
      )
      .resolves({ MessageId: 'ses-retry' });
    await expect(handler(stateOf('C-1', key))).rejects.toMatchObject({ name: 'Throttled' });
    expect(table.get(key, 'DISPATCH')).toMatchObject({ status: 'pending' });
    expect(table.get(key, 'DISPATCH')?.claimedBy).toBeUndefined();
    const retried = await Promise.all(['C-1', 'C-2'].map((id) => handler(stateOf(id, key))));
    expect(retried.map((r) => r.outcome)).toEqual(['sent', 'sent']);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(2); // the refused attempt and the one e-mail
    expect(table.get(key, 'DISPATCH')).toMatchObject({ status: 'sent', messageId: 'ses-retry' });
  });

  it(
    'a workflow finding the batch being sent by a live sender throws DispatchInProgress for the state machine to ' +
      'retry',
    async () => {
      const key = await seed('D', ['D-1', 'D-2']);
      table.put({
        ...table.get(key, 'DISPATCH'),
        status: 'sending',
        claimedBy: 'D-1',
        leaseUntil: new Date(Date.now() + 60_000).toISOString(),
      });
      POLL.attempts = 2;
      await expect(handler(stateOf('D-2', key))).rejects.toMatchObject({ name: 'DispatchInProgress' });
      expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
    },
  );

  it('a batch whose sender crashed (lease expired) is claimed again and sent once', async () => {
    const key = await seed('E', ['E-1', 'E-2']);
    table.put({
      ...table.get(key, 'DISPATCH'),
      status: 'sending',
      claimedBy: 'E-1',
      leaseUntil: new Date(Date.now() - 1000).toISOString(),
    });
    const r = await handler(stateOf('E-2', key));
    expect(r.outcome).toBe('sent');
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
    expect(sentTexts()[0]).toContain('E-1');
  });

  it(
    'after a sender crashed once its send records were written (batch left "sending"), a retried workflow does not ' +
      'send again',
    async () => {
      const key = await seed('K', ['K-1', 'K-2']);
      table.put({
        ...table.get(key, 'DISPATCH'),
        status: 'sending',
        claimedBy: 'K-1',
        leaseUntil: new Date(Date.now() - 1000).toISOString(),
      });
      for (const id of ['K-1', 'K-2'])
        table.put({
          pk: `SEND#${id}#reminder-1`,
          sk: 'SEND',
          invoiceId: id,
          stepId: 'reminder-1',
          messageId: 'ses-crashed',
          kind: 'reminder',
          at: W,
          dispatchKey: key,
        });
      const r = await handler(stateOf('K-2', key));
      expect(r.outcome).toBe('sent');
      expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
    },
  );

  it('a workflow enlisted after its window was sent is rescheduled to the next window', async () => {
    const key = await seed('F', ['F-1']);
    await handler(stateOf('F-1', key));
    table.put(invoiceItem(invoice('F-2', 'F', '2026-01-20')));
    await enlist({
      customerId: 'F',
      windowAt: W,
      kind: 'reminder',
      member: { invoiceId: 'F-2', stepId: 'reminder-1', level: 'reminder_1', channel: 'email', enlistedAt: W },
    });
    const late = await handler(stateOf('F-2', key));
    expect(late.outcome).toBe('rescheduled');
    expect(late.doneStepIds).not.toContain('reminder-1');
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
  });

  it('a Lambda retry of a workflow whose invoice was already sent does not send again', async () => {
    const key = await seed('G', ['G-1']);
    await handler(stateOf('G-1', key));
    const again = await handler(stateOf('G-1', key));
    expect(again.outcome).toBe('sent');
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
  });

  it('a reminder links the invoice PDF with a time-limited link when the invoice has one', async () => {
    const key = await seed('L', ['L-1'], { 'L-1': { pdfKey: 'invoices/L-1.pdf' } });
    await handler(stateOf('L-1', key));
    expect(sentTexts()[0]).toMatch(
      new RegExp(
        String.raw`https://encaisse-documents-test\.s3\.eu-west-3\.amazonaws\.com/invoices/L-1\.pdf` +
          String.raw`\?X-Amz-Algorithm=AWS4-HMAC-SHA256&[^\s]*X-Amz-Expires=604800`,
      ),
    );
  });

  it('DynamoDB throttling surfaces as Throttled (retried by the state machine)', async () => {
    const key = await seed('H', ['H-1']);
    table.fault = (name) =>
      name === 'Get'
        ? Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' })
        : undefined;
    await expect(handler(stateOf('H-1', key))).rejects.toMatchObject({ name: 'Throttled' });
  });
});

describe('a message lists at most 100 invoices', () => {
  it(
    'of 101 invoices due in one window, the message lists the 100 oldest due and the latest moves to the next ' +
      'window, its step still to send',
    async () => {
      const ids = Array.from({ length: 101 }, (_, i) => `M-${String(i).padStart(3, '0')}`);
      const key = await seed('M', ids, { 'M-100': { dueDate: '2026-01-25' } });
      const first = await handler(stateOf('M-000', key));
      expect(first.outcome).toBe('sent');
      expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
      expect(table.get(key, 'DISPATCH')?.includedInvoiceIds).toEqual(ids.slice(0, 100));
      expect(table.get(key, 'DISPATCH')?.excludedInvoiceIds).toEqual([]);
      const last = await handler(stateOf('M-100', key));
      expect(last).toMatchObject({ outcome: 'rescheduled', doneStepIds: ['courtesy'] });
      expect(sentTexts()[0]).not.toContain('M-100');
    },
  );
});

describe('where the customer’s answer goes', () => {
  it('a reminder that says "répondez simplement à ce message" is answered to the accounting contact', async () => {
    const key = await seed('Y', ['Y-1']);
    await handler(stateOf('Y-1', key));
    const sent = ses.commandCalls(SendEmailCommand)[0].args[0].input;
    expect(sentTexts()[0]).toContain('répondez simplement à ce message');
    expect(sent.ReplyToAddresses).toEqual(['compta@atelier-test.example.fr']);
  });
});
