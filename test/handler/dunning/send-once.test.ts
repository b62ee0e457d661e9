import './env';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setClock, setWallClock } from '../../../functions/adapters/clock';
import { dispatchKeyOf, enlist } from '../../../functions/adapters/db/dispatch';
import { customerItem, invoiceItem } from '../../../functions/adapters/db/items';
import { rootLogger } from '../../../functions/adapters/logger';
import { fixedClock, systemClock } from '../../../functions/core/dates';
import type { DunningState } from '../../../functions/core/dunning/state';
import type { Invoice } from '../../../functions/core/model';
import { handler as dispatch, POLL } from '../../../functions/dunning-dispatch/handler';
import { asRetryable } from '../../../functions/runtime';
import { handler as sesEvents } from '../../../functions/ses-events/handler';
import { intentIdOf, SEND_DOUBT } from '../../../functions/use-cases/dunning/send-once';
import { FakeTable } from './fake-table';
import { contactOf, customer, invoice } from './fixtures';

const ses = mockClient(SESv2Client);
const ddb = mockClient(DynamoDBDocumentClient);
const W = '2026-02-02T07:30:00.000Z';
const FINANCE = 'finance@encaisse.example.fr';
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
const mails = () => ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input);
const toCustomer = (customerId: string) =>
  mails().filter((m) => m.Destination?.ToAddresses?.includes(contactOf(customerId)));
const toFinance = () => mails().filter((m) => m.Destination?.ToAddresses?.includes(FINANCE));
const history = (invoiceId: string, kind?: string) =>
  [...table.items.values()].filter(
    (i) => i.pk === `INVOICE#${invoiceId}` && String(i.sk).startsWith('EVENT#') && (!kind || i.kind === kind),
  );
const throttled = () =>
  Object.assign(new Error('Rate exceeded'), {
    name: 'ProvisionedThroughputExceededException',
    $metadata: { httpStatusCode: 400 },
  });

async function seed(customerId: string, invoiceIds: string[]) {
  table.put(customerItem(customer(customerId)));
  for (const id of invoiceIds) {
    table.put(invoiceItem(invoice(id, customerId, '2026-01-20')));
    await enlist({
      customerId,
      windowAt: W,
      kind: 'reminder',
      member: { invoiceId: id, stepId: 'reminder-1', level: 'reminder_1', channel: 'email', enlistedAt: W },
    });
  }
  return dispatchKeyOf(customerId, W, 'reminder');
}

/** The Step Functions retry, in short: the same state again while the error is one the machine retries. */
async function untilSettled(state: DunningState, attempts = 8): Promise<DunningState> {
  for (let i = 1; ; i++) {
    try {
      return await dispatch(state);
    } catch (err) {
      if (!['Throttled', 'DispatchInProgress', 'SendUnconfirmed'].includes((err as Error).name) || i >= attempts)
        throw err;
    }
  }
}

beforeEach(() => {
  ses.reset();
  ddb.reset();
  table = new FakeTable().install(ddb);
  let n = 0;
  ses.on(SendEmailCommand).callsFake(async () => ({ MessageId: `ses-${++n}` }));
  setClock(fixedClock('2026-02-02T07:35:00.000Z'));
  POLL.attempts = 10;
  SEND_DOUBT.confirmSeconds = 180;
});

describe('a customer message goes out at most once', () => {
  it(
    'a DynamoDB fault right after SES accepted a grouped reminder: the immediate retry does not send it ' + 'again',
    async () => {
      const key = await seed('A', ['A-1', 'A-2']);
      let failed = false;
      table.fault = (name, input) => {
        if (!failed && name === 'Put' && String(input.Item?.pk).startsWith('MESSAGE#')) {
          failed = true;
          return throttled();
        }
        return undefined;
      };
      await expect(dispatch(stateOf('A-1', key))).rejects.toMatchObject({ name: 'Throttled' });
      const retried = await Promise.all(['A-1', 'A-2'].map((id) => untilSettled(stateOf(id, key))));
      expect(toCustomer('A')).toHaveLength(1);
      expect(retried.map((r) => r.outcome)).toEqual(['sent', 'sent']);
      expect(table.get(`SEND#A-2#reminder-1`, 'SEND')).toMatchObject({ messageId: 'ses-1' });
      expect(history('A-1', 'reminder_sent')).toHaveLength(1);
    },
  );

  it('the intent is written before SES is called and the message carries its id as a tag', async () => {
    const key = await seed('B', ['B-1']);
    let intentAtSend: unknown;
    ses.on(SendEmailCommand).callsFake(async () => {
      intentAtSend = table.get(`INTENT#${intentIdOf('batch', key)}`, 'INTENT')?.status;
      return { MessageId: 'ses-b' };
    });
    await dispatch(stateOf('B-1', key));
    expect(intentAtSend).toBe('sending');
    expect(mails()[0].EmailTags).toEqual(expect.arrayContaining([{ Name: 'intent', Value: intentIdOf('batch', key) }]));
    expect(table.get(`INTENT#${intentIdOf('batch', key)}`, 'INTENT')).toMatchObject({
      status: 'sent',
      messageId: 'ses-b',
      invoiceIds: ['B-1'],
    });
  });

  it('an SES timeout leaves the send in doubt: the retry waits (SendUnconfirmed) and sends nothing', async () => {
    const key = await seed('C', ['C-1']);
    ses.on(SendEmailCommand).rejectsOnce(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }));
    await expect(dispatch(stateOf('C-1', key))).rejects.toMatchObject({ name: 'Throttled' });
    await expect(dispatch(stateOf('C-1', key))).rejects.toMatchObject({ name: 'SendUnconfirmed' });
    expect(mails()).toHaveLength(1);
    expect(table.get(key, 'DISPATCH')).toMatchObject({ status: 'pending' }); // no member waits on a lease meanwhile
  });

  it(
    'a send in doubt is settled by the SES event stream: the message id is recorded, nothing is sent again, ' +
      'finance is not bothered',
    async () => {
      const key = await seed('D', ['D-1', 'D-2']);
      ses.on(SendEmailCommand).callsFakeOnce(async () => {
        throw Object.assign(new Error('timed out after the request was sent'), { name: 'TimeoutError' });
      });
      await expect(dispatch(stateOf('D-1', key))).rejects.toMatchObject({ name: 'Throttled' });
      const sendEvent = {
        eventType: 'Send',
        mail: {
          messageId: 'ses-accepted',
          timestamp: '2026-02-02T07:35:00.500Z',
          destination: [contactOf('D')],
          tags: { intent: [intentIdOf('batch', key)] },
        },
        send: {},
      };
      await sesEvents({ source: 'aws.ses', 'detail-type': 'Email Sent', detail: sendEvent });
      const out = await Promise.all(['D-1', 'D-2'].map((id) => untilSettled(stateOf(id, key))));
      expect(out.map((r) => r.outcome)).toEqual(['sent', 'sent']);
      expect(mails()).toHaveLength(1); // the one that timed out, and nothing else
      expect(table.get('SEND#D-2#reminder-1', 'SEND')).toMatchObject({ messageId: 'ses-accepted' });
      expect(toFinance()).toHaveLength(0);
    },
  );

  it(
    'when nothing can tell, the retry hands finance a "maybe sent" task, closes the step without sending, and the ' +
      'history says so',
    async () => {
      const key = await seed('E', ['E-1', 'E-2']);
      ses
        .on(SendEmailCommand)
        .rejectsOnce(
          Object.assign(new Error('internal'), { name: 'InternalFailure', $metadata: { httpStatusCode: 500 } }),
        )
        .resolves({ MessageId: 'alert' });
      await expect(dispatch(stateOf('E-1', key))).rejects.toMatchObject({ name: 'Throttled' });
      SEND_DOUBT.confirmSeconds = 0;
      const out = await Promise.all(['E-1', 'E-2'].map((id) => untilSettled(stateOf(id, key))));
      expect(out.map((r) => r.outcome)).toEqual(['sent', 'sent']);
      expect(out[0].doneStepIds).toContain('reminder-1');
      expect(toCustomer('E')).toHaveLength(1); // the doubtful one only
      expect(toFinance()).toHaveLength(1);
      expect(toFinance()[0].Content?.Simple?.Subject?.Data).toMatch(/peut-être/);
      for (const id of ['E-1', 'E-2']) {
        expect(history(id, 'send_maybe_sent')[0]).toMatchObject({ detail: { task: 'open', stepId: 'reminder-1' } });
        expect(table.get(`SEND#${id}#reminder-1`, 'SEND')).toMatchObject({ maybeSent: true });
        expect(table.get(`INVOICE#${id}`, 'INVOICE')?.dunningLevel).toBeUndefined(); // not known to have gone out
      }
      // SES's events arrive later after all: the task closes itself, and the history says the message went out.
      await sesEvents({
        eventType: 'Delivery',
        mail: { messageId: 'ses-late', tags: { intent: [intentIdOf('batch', key)] } },
        delivery: { recipients: [contactOf('E')] },
      });
      expect(history('E-1', 'send_confirmed')[0]).toMatchObject({ detail: { messageId: 'ses-late', task: 'closed' } });
      for (const id of ['E-1', 'E-2'])
        expect(table.get(`INVOICE#${id}`, 'INVOICE')).toMatchObject({ dunningLevel: 'reminder_1', version: 1 });
    },
  );

  it(
    'a confirmation cut half-way (a throttled write) is finished by its retry, and the message’s next event adds ' +
      'nothing',
    async () => {
      const key = await seed('K', ['K-1', 'K-2']);
      ses
        .on(SendEmailCommand)
        .rejectsOnce(
          Object.assign(new Error('internal'), { name: 'InternalFailure', $metadata: { httpStatusCode: 500 } }),
        )
        .resolves({ MessageId: 'alert' });
      await expect(dispatch(stateOf('K-1', key))).rejects.toMatchObject({ name: 'Throttled' });
      SEND_DOUBT.confirmSeconds = 0;
      await Promise.all(['K-1', 'K-2'].map((id) => untilSettled(stateOf(id, key))));
      const delivery = {
        eventType: 'Delivery',
        mail: { messageId: 'ses-late', timestamp: W, tags: { intent: [intentIdOf('batch', key)] } },
        delivery: { recipients: [contactOf('K')] },
      };
      // the second invoice's history line is throttled: the event fails and SES's event is delivered again
      let throttled = false;
      table.fault = (name, input) => {
        if (throttled || name !== 'Put' || input.Item?.kind !== 'send_confirmed' || input.Item.invoiceId !== 'K-2')
          return undefined;
        throttled = true;
        return Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' });
      };
      await expect(sesEvents(delivery)).rejects.toThrow();
      await sesEvents(delivery);
      await sesEvents({ ...delivery, eventType: 'Open', open: { userAgent: 'x' } });
      for (const id of ['K-1', 'K-2']) {
        expect(history(id, 'send_confirmed'), id).toHaveLength(1);
        expect(table.get(`INVOICE#${id}`, 'INVOICE')).toMatchObject({ dunningLevel: 'reminder_1' });
      }
      expect(table.get(`INTENT#${intentIdOf('batch', key)}`, 'INTENT')).toMatchObject({ status: 'sent' });
    },
  );

  it(
    'the doubt window runs on the injectable wall clock: a retry inside it waits, one after it hands finance the ' +
      'task',
    async () => {
      const key = await seed('G', ['G-1']);
      setWallClock(fixedClock('2026-02-02T07:35:00.000Z'));
      try {
        ses
          .on(SendEmailCommand)
          .rejectsOnce(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }))
          .resolves({ MessageId: 'alert' });
        await expect(dispatch(stateOf('G-1', key))).rejects.toMatchObject({ name: 'Throttled' });
        expect(table.get(`INTENT#${intentIdOf('batch', key)}`, 'INTENT')).toMatchObject({
          status: 'sending',
          since: '2026-02-02T07:35:00.000Z',
        });
        setWallClock(fixedClock('2026-02-02T07:37:59.000Z')); // 179 s later: SES may still answer
        await expect(dispatch(stateOf('G-1', key))).rejects.toMatchObject({ name: 'SendUnconfirmed' });
        setWallClock(fixedClock('2026-02-02T07:38:00.000Z')); // 180 s: a person is asked
        expect((await dispatch(stateOf('G-1', key))).outcome).toBe('sent');
        expect(toFinance()).toHaveLength(1);
        expect(table.get(`INTENT#${intentIdOf('batch', key)}`, 'INTENT')).toMatchObject({ status: 'maybe_sent' });
      } finally {
        setWallClock(systemClock);
      }
    },
  );

  it('a throttled send is surely not sent: the intent is released and the retry sends once', async () => {
    const key = await seed('F', ['F-1']);
    ses
      .on(SendEmailCommand)
      .rejectsOnce(
        Object.assign(new Error('slow down'), { name: 'TooManyRequestsException', $metadata: { httpStatusCode: 429 } }),
      )
      .resolves({ MessageId: 'ses-f' });
    await expect(dispatch(stateOf('F-1', key))).rejects.toMatchObject({ name: 'Throttled' });
    expect(table.get(`INTENT#${intentIdOf('batch', key)}`, 'INTENT')).toMatchObject({ status: 'released' });
    expect((await dispatch(stateOf('F-1', key))).outcome).toBe('sent');
    expect(table.get(`INTENT#${intentIdOf('batch', key)}`, 'INTENT')).toMatchObject({
      status: 'sent',
      attempt: 2,
      messageId: 'ses-f',
    });
  });
});

describe('one failing sender does not block its batch', () => {
  it(
    'a claimer failing before its SES call gives the batch back at once: another member sends without waiting for ' +
      'the lease',
    async () => {
      const key = await seed('G', ['G-1', 'G-2']);
      let failed = false;
      table.fault = (name, input) => {
        if (!failed && name === 'Get' && input.Key?.pk === 'CUSTOMER#G') {
          failed = true;
          return throttled();
        }
        return undefined;
      };
      await expect(dispatch(stateOf('G-1', key))).rejects.toMatchObject({ name: 'Throttled' });
      expect(table.get(key, 'DISPATCH')).toMatchObject({ status: 'pending' });
      POLL.attempts = 0; // no polling: a blocked batch would throw DispatchInProgress at once
      expect((await dispatch(stateOf('G-2', key))).outcome).toBe('sent');
      expect(toCustomer('G')).toHaveLength(1);
    },
  );
});

describe('a payment crossing a message', () => {
  it(
    'an invoice paid while its reminder was being composed is left out of the message (re-checked right before the ' +
      'send)',
    async () => {
      const key = await seed('H', ['H-1', 'H-2']);
      let reads = 0;
      table.fault = (name, input) => {
        // The second consistent read of H-2 is the re-check after composing: pay it just before.
        if (name === 'Get' && input.Key?.pk === 'INVOICE#H-2' && ++reads === 2) {
          table.put(
            invoiceItem({
              ...(table.get('INVOICE#H-2', 'INVOICE') as Invoice),
              status: 'paid',
              openCents: 0,
              version: 1,
            }),
          );
        }
        return undefined;
      };
      const out = await Promise.all(['H-1', 'H-2'].map((id) => untilSettled(stateOf(id, key))));
      expect(toCustomer('H')).toHaveLength(1);
      expect(toCustomer('H')[0].Content?.Simple?.Body?.Text?.Data).not.toContain('H-2');
      expect(out.map((r) => r.outcome)).toEqual(['sent', 'skipped']);
    },
  );

  it(
    'an invoice paid a moment before SES accepted its reminder: the customer is told to disregard it, finance and ' +
      'the history know',
    async () => {
      const key = await seed('K', ['K-1', 'K-2']);
      ses
        .on(SendEmailCommand)
        .callsFakeOnce(async () => {
          table.put(
            invoiceItem({
              ...(table.get('INVOICE#K-2', 'INVOICE') as Invoice),
              status: 'paid',
              openCents: 0,
              version: 1,
            }),
          );
          return { MessageId: 'ses-k' };
        })
        .resolves({ MessageId: 'ses-k2' });
      await dispatch(stateOf('K-1', key));
      const customerMails = toCustomer('K');
      expect(customerMails).toHaveLength(2);
      expect(customerMails[1].Content?.Simple?.Subject?.Data).toMatch(/règlement a bien été reçu/);
      expect(customerMails[1].Content?.Simple?.Body?.Text?.Data).toContain('K-2');
      expect(customerMails[1].Content?.Simple?.Body?.Text?.Data).not.toContain('K-1');
      expect(toFinance()).toHaveLength(1);
      expect(history('K-2', 'payment_crossed_notice_sent')).toHaveLength(1);
    },
  );
});

describe('expected retries', () => {
  afterEach(() => vi.restoreAllMocks());

  it(
    'a batch being sent by another workflow is not logged as an error (it would page someone for ' + 'nothing)',
    async () => {
      const key = await seed('L', ['L-1', 'L-2']);
      table.put({
        ...table.get(key, 'DISPATCH'),
        status: 'sending',
        claimedBy: 'L-1',
        leaseUntil: new Date(Date.now() + 60_000).toISOString(),
      });
      POLL.attempts = 0;
      const lines: string[] = [];
      for (const stream of [process.stdout, process.stderr]) {
        vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
          lines.push(String(chunk));
          return true;
        });
      }
      rootLogger.setLogLevel('INFO');
      try {
        await expect(dispatch(stateOf('L-2', key))).rejects.toMatchObject({ name: 'DispatchInProgress' });
      } finally {
        rootLogger.setLogLevel('ERROR');
      }
      expect(lines.filter((l) => l.includes('"level":"ERROR"'))).toEqual([]);
      expect(lines.filter((l) => l.includes('"level":"INFO"') && l.includes('will be retried'))).toHaveLength(1);
    },
  );

  it(
    'a version conflict (a payment landing while a step acts) is retried by the state machine, never a ' + 'failure',
    () => {
      const conflict = Object.assign(new Error('invoice X changed since version 3'), { name: 'VersionConflictError' });
      expect(asRetryable(conflict)).toMatchObject({ name: 'Throttled' });
    },
  );
});
