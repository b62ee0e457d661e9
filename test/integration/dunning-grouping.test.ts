import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Email, type LocalStack, startLocalStack } from '../../bin/local/stack';
import { contactOf, customer, invoice } from '../handler/dunning/fixtures';
import { dunningTemplate } from './support/templates';

/**
 * Issue 8 on the local stack, running the SYNTHESIZED state machine with the real handlers: one reminder per customer
 * per send window, whatever the number of invoice workflows reaching their step at the same instant.
 *
 * Policy time: Monday 23 November 2026, 05:30 Paris; the invoices are due on 16 November, so their first reminder
 * (J+7) is due at today's 08:30 window (07:30Z), 3 policy hours later. Time runs 1200x: 9 s real for the thirty
 * workflows to plan, and a gather window of 3600 policy seconds (3 s real) for every workflow of the window to
 * enlist before the batch is sent, on a loaded 2-core machine.
 */
const START = new Date('2026-11-23T04:30:00.000Z');
const FACTOR = 1200;
const DUE = '2026-11-16';

let stack: LocalStack;
let emails: Email[] = [];
const arns = new Map<string, string>();
let sesFailures = 0;

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i + 1}`);
const emailsTo = (customerId: string) => emails.filter((e) => e.destination.to.includes(contactOf(customerId)));
const listed = (e: Email, invoiceIds: string[]) => invoiceIds.filter((id) => (e.body.text ?? '').includes(id));

beforeAll(async () => {
  stack = await startLocalStack({ quiet: true, template: dunningTemplate, sfnTimeFactor: FACTOR, startAt: START });
  const { putCustomer } = await import('../../functions/adapters/db/customers');
  const { saveInvoice, getInvoice } = await import('../../functions/adapters/db/invoices');
  const { savePolicy } = await import('../../functions/adapters/db/policies');
  const { startDunning } = await import('../../functions/adapters/workflows');
  const { ses } = await import('../../functions/adapters/aws-clients');

  // SES refuses (throttling) the first attempt to send to customer G: the retry must still yield exactly one e-mail.
  ses().middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as { Destination?: { ToAddresses?: string[] } };
      if (input.Destination?.ToAddresses?.includes(contactOf('G')) && sesFailures === 0) {
        sesFailures += 1;
        throw Object.assign(new Error('Maximum sending rate exceeded.'), {
          name: 'TooManyRequestsException',
          $metadata: { httpStatusCode: 429 },
        });
      }
      return next(args);
    },
    { step: 'initialize', name: 'failFirstSendToG' },
  );

  await savePolicy({
    policyId: 'one-reminder',
    name: 'Une relance',
    steps: [
      {
        stepId: 'reminder-1',
        offsetDays: 7,
        dayKind: 'calendar',
        channel: 'email',
        level: 'reminder_1',
        template: 'reminder.first',
      },
    ],
    gatherSeconds: 3600,
  });
  const scenario: Record<string, { n: number; overrides?: Parameters<typeof customer>[1] }> = {
    A: { n: 5 }, // five invoices at once -> one e-mail listing five
    B: { n: 5 }, // one paid during the wait -> one e-mail listing four
    C: { n: 2 }, // two customers -> two e-mails
    D: { n: 2 },
    E: { n: 3, overrides: { reminderGrouping: 'per_invoice' } }, // one e-mail per invoice
    G: { n: 2 }, // SES throttles the first send
  };
  const all: string[] = [];
  for (const [c, { n, overrides }] of Object.entries(scenario)) {
    await putCustomer(customer(c, { policyId: 'one-reminder', ...overrides }));
    for (const id of ids(`INV-${c}`, n)) {
      await saveInvoice(undefined, invoice(id, c, DUE), {
        at: START.toISOString(),
        kind: 'imported',
        actor: 'test',
        detail: {},
      });
      all.push(id);
    }
  }
  const started = await Promise.all(
    all.map(async (id) => [id, (await startDunning(id, stack.clock.now())).executionArn] as const),
  );
  for (const [id, arn] of started) arns.set(id, arn);

  // B-3 is paid while its workflow waits for the 08:30 window.
  const b3 = (await getInvoice('INV-B-3'))!;
  await saveInvoice(
    b3,
    { ...b3, openCents: 0, status: 'paid' },
    { at: stack.clock.now().toISOString(), kind: 'payment_allocated', actor: 'test', detail: {} },
  );

  await Promise.all([...arns.values()].map((arn) => stack.stepFunctions.settled(arn)));
  emails = await stack.sentEmails();
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('reminders grouped per customer and send window (issue 8)', () => {
  it('every workflow ends successfully', async () => {
    for (const [id, arn] of arns) {
      const rec = await stack.stepFunctions.settled(arn);
      expect({ id, status: rec.status, error: rec.error, cause: rec.cause }).toMatchObject({ id, status: 'SUCCEEDED' });
    }
  });

  it('five invoices of one customer reaching their step at once -> one e-mail listing the five', () => {
    const mine = emailsTo('A');
    expect(mine).toHaveLength(1);
    expect(listed(mine[0], ids('INV-A', 5))).toEqual(ids('INV-A', 5));
  });

  it('an invoice paid during the wait is left out: one e-mail listing the other four', () => {
    const mine = emailsTo('B');
    expect(mine).toHaveLength(1);
    expect(listed(mine[0], ids('INV-B', 5))).toEqual(['INV-B-1', 'INV-B-2', 'INV-B-4', 'INV-B-5']);
  });

  it('two customers -> two e-mails, each listing only its own invoices', () => {
    expect(emailsTo('C')).toHaveLength(1);
    expect(emailsTo('D')).toHaveLength(1);
    expect(listed(emailsTo('C')[0], [...ids('INV-C', 2), ...ids('INV-D', 2)])).toEqual(ids('INV-C', 2));
  });

  it('a customer switched to one e-mail per invoice gets one e-mail per invoice', () => {
    const mine = emailsTo('E');
    expect(mine).toHaveLength(3);
    expect(mine.map((e) => listed(e, ids('INV-E', 3))).sort()).toEqual([['INV-E-1'], ['INV-E-2'], ['INV-E-3']]);
  });

  it('a send refused by SES is retried and still yields exactly one e-mail', () => {
    expect(sesFailures).toBe(1);
    const mine = emailsTo('G');
    expect(mine).toHaveLength(1);
    expect(listed(mine[0], ids('INV-G', 2))).toEqual(ids('INV-G', 2));
  });

  it('every included invoice records the SES message id in its history; the paid one records none', async () => {
    const { listInvoiceEvents } = await import('../../functions/adapters/db/events');
    const messageId = emailsTo('A')[0].messageId;
    for (const id of ids('INV-A', 5)) {
      const sent = (await listInvoiceEvents(id)).filter(
        (e) => e.kind === 'reminder_sent' || e.kind === 'dunning_message_sent',
      );
      expect(sent.map((e) => e.detail.messageId)).toEqual([messageId]);
    }
    const paid = await listInvoiceEvents('INV-B-3');
    expect(paid.some((e) => e.kind === 'reminder_sent')).toBe(false);
  });
});
