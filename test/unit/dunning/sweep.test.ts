import { describe, expect, it } from 'vitest';
import { builtInPolicies } from '../../../functions/core/dunning/policy';
import { defaultRateTable } from '../../../functions/core/dunning/rates';
import { messageDays, planSweep, type SweepInput, type SweepInvoice } from '../../../functions/core/dunning/sweep';
import { customer, invoice } from './fixtures';

const restartableEnds = new Set(['ABORTED', 'FAILED', 'TIMED_OUT']);
const acme = customer();
const owed = (id: string, dueDate: string, extra: Partial<SweepInvoice> = {}): SweepInvoice => ({
  invoice: invoice({ invoiceId: id, dueDate }),
  customer: acme,
  storedPause: false,
  ...extra,
});
/** Monday 2 February 2026, 07:00 in Paris. */
const input = (over: Partial<SweepInput> = {}): SweepInput => ({
  now: new Date('2026-02-02T06:00:00Z'),
  calendar: 'metropole',
  policies: builtInPolicies,
  invoices: [],
  restartableEnds,
  agencyCases: [],
  bouncedContacts: [],
  messages: [],
  rates: { table: defaultRateTable },
  ...over,
});

describe('planning the daily sweep', () => {
  it('starts the invoices that entered their policy window and leaves the others', () => {
    const plan = planSweep(input({ invoices: [owed('DUE-SOON', '2026-02-04'), owed('LATER', '2026-03-31')] }));
    expect(plan.actions).toEqual([{ kind: 'start', invoiceId: 'DUE-SOON' }]);
  });

  it('does not start an invoice whose workflow runs or ran to its end, and restarts one that failed', () => {
    const plan = planSweep(
      input({
        invoices: [
          owed('RUNNING', '2026-01-10', { workflow: { running: true } }),
          owed('ENDED', '2026-01-10', { workflow: { running: false, endStatus: 'SUCCEEDED' } }),
          owed('FAILED', '2026-01-10', { workflow: { running: false, endStatus: 'FAILED' } }),
          owed('STOPPED', '2026-01-10', { workflow: { running: false, endStatus: 'ABORTED' } }),
        ],
      }),
    );
    expect(plan.actions).toEqual([
      { kind: 'start', invoiceId: 'FAILED', restartAfter: 'FAILED' },
      { kind: 'start', invoiceId: 'STOPPED' },
    ]);
  });

  it('starts a workflow whose start was never confirmed (claimed, then refused), in its window or not', () => {
    const claimedAt = '2026-02-01T09:00:00.000Z';
    const plan = planSweep(
      input({
        invoices: [
          owed('CLAIMED', '2026-01-10', { workflow: { running: true, claimedAt } }),
          owed('CLAIMED-EARLY', '2026-03-31', { workflow: { running: true, claimedAt } }),
          owed('RUNNING', '2026-01-10', { workflow: { running: true } }),
        ],
      }),
    );
    expect(plan.actions).toEqual([
      { kind: 'start', invoiceId: 'CLAIMED' },
      { kind: 'start', invoiceId: 'CLAIMED-EARLY' },
    ]);
  });

  it('resumes a broken promise and a workflow whose pause was lifted, approving nothing', () => {
    const broken = invoice({
      invoiceId: 'PROM',
      dueDate: '2026-01-10',
      pause: { reason: 'promise', since: '2026-01-15T10:00:00.000Z', until: '2026-01-26' },
    });
    const plan = planSweep(
      input({
        invoices: [
          { invoice: broken, customer: acme, storedPause: true, workflow: { running: true } },
          owed('LIFTED', '2026-01-10', { storedPause: true, workflow: { running: true } }),
        ],
      }),
    );
    expect(plan.actions).toEqual([
      { kind: 'resume', invoiceId: 'PROM', approve: false },
      { kind: 'resume', invoiceId: 'LIFTED', approve: false },
    ]);
  });

  it('resumes a broken promise at the sweep of the morning its reminders resume, not a business day later', () => {
    // Promise until Monday 2 March 2026, 3 days' grace: held through Thursday 5 March, reminders resume on Friday 6
    // March at 08:30 in Paris; the sweep runs at 06:30 (05:30 UTC in March).
    const promised = invoice({
      invoiceId: 'PROM',
      dueDate: '2026-02-02',
      pause: { reason: 'promise', since: '2026-02-20T10:00:00.000Z', until: '2026-03-02' },
    });
    const sweepOf = (day: string) =>
      planSweep(
        input({
          now: new Date(`${day}T05:30:00Z`),
          invoices: [{ invoice: promised, customer: acme, storedPause: true, workflow: { running: true } }],
        }),
      ).actions;
    expect(sweepOf('2026-03-05')).toEqual([]);
    expect(sweepOf('2026-03-06')).toEqual([{ kind: 'resume', invoiceId: 'PROM', approve: false }]);
  });

  it('lists a disputed invoice under what needs a person, and not among tomorrow’s escalations', () => {
    const disputed = invoice({
      invoiceId: 'DISPUTED',
      dueDate: '2026-01-10',
      pause: { reason: 'dispute', since: '2026-01-15T10:00:00.000Z' },
    });
    const plan = planSweep(
      input({ invoices: [{ invoice: disputed, customer: acme, storedPause: true, workflow: { running: true } }] }),
    );
    expect(plan.digest.needsPerson).toEqual([
      { customerName: 'ACME SARL', invoiceId: 'DISPUTED', reason: 'paused (dispute)', since: '2026-01-15' },
    ]);
    expect(plan.digest.escalatingTomorrow).toEqual([]);
  });

  it('announces the formal notice of the next business day (Friday’s sweep announces Monday’s)', () => {
    // Standard policy: formal notice 25 business days after the due date. Due 2025-12-26 -> Monday 2026-02-02.
    const friday = new Date('2026-01-30T06:00:00Z');
    const plan = planSweep(
      input({ now: friday, invoices: [owed('NOTICE', '2025-12-26', { workflow: { running: true } })] }),
    );
    expect(plan.digest.escalatingTomorrow.map((e) => [e.invoiceId, e.level])).toEqual([['NOTICE', 'formal_notice']]);
  });

  it('reports the messages since the previous business day in Paris, even those sent after 23:00 UTC', () => {
    const sentAt = (iso: string, id: string) => ({
      messageId: id,
      kind: 'reminder',
      customerId: 'C-ACME',
      invoiceIds: [id],
      level: 'reminder_1',
      sentAt: iso,
    });
    const messages = [
      sentAt('2026-01-28T22:30:00.000Z', 'WEDNESDAY-PARIS'), // 23:30 on Wednesday 28 January in Paris: too old
      sentAt('2026-01-31T22:30:00.000Z', 'SATURDAY-PARIS'),
      sentAt('2026-01-31T23:30:00.000Z', 'SUNDAY-PARIS'), // 00:30 on Sunday 1 February in Paris: yesterday
      sentAt('2026-02-02T05:55:00.000Z', 'TODAY'),
    ];
    const plan = planSweep(
      input({
        messages: [...messages, messages[2]],
        invoices: [owed('X', '2026-01-10', { workflow: { running: true } })],
      }),
    );
    // Monday's digest covers Friday to Monday in Paris; the Saturday message before midnight is within too.
    expect(plan.digest.sent.map((s) => s.invoiceIds[0])).toEqual(['SATURDAY-PARIS', 'SUNDAY-PARIS', 'TODAY']);
    expect(messageDays(new Date('2026-02-02T06:00:00Z'), 'metropole')).toEqual([
      '2026-01-29',
      '2026-01-30',
      '2026-01-31',
      '2026-02-01',
      '2026-02-02',
    ]);
  });

  it('withdraws the agency cases whose invoice got paid or credited', () => {
    const plan = planSweep(
      input({
        agencyCases: [
          { invoiceId: 'PAID', invoice: { status: 'paid' } },
          { invoiceId: 'OWED', invoice: { status: 'open' } },
        ],
      }),
    );
    expect(plan.actions).toEqual([{ kind: 'withdraw', invoiceId: 'PAID' }]);
  });

  it('a customer with an unknown policy fails its invoice alone, in the report and the digest', () => {
    const typo = customer({ customerId: 'C-TYPO', policyId: 'standrad' });
    const plan = planSweep(
      input({
        invoices: [
          {
            invoice: invoice({ invoiceId: 'T', customerId: 'C-TYPO', dueDate: '2026-01-10' }),
            customer: typo,
            storedPause: false,
          },
          owed('OK', '2026-01-10'),
        ],
      }),
    );
    expect(plan.failures).toEqual([{ invoiceId: 'T', error: 'unknown dunning policy "standrad"' }]);
    expect(plan.digest.failures).toEqual([{ invoiceId: 'T', reason: 'unknown dunning policy "standrad"' }]);
    expect(plan.actions).toEqual([{ kind: 'start', invoiceId: 'OK' }]);
  });

  it('an unreadable rate table is a failure in the digest, not a crash', () => {
    const plan = planSweep(input({ rates: { error: 'ThrottlingException: slow down' } }));
    expect(plan.digest.failures).toEqual([
      { reason: 'late-payment rate table unreadable: ThrottlingException: slow down' },
    ]);
  });

  it('names bounced contacts with their customer', () => {
    const plan = planSweep(
      input({
        invoices: [owed('X', '2026-01-10', { workflow: { running: true } })],
        bouncedContacts: [{ customerId: 'C-ACME', email: 'compta@acme.example', kind: 'hard_bounce' }],
      }),
    );
    expect(plan.digest.needsPerson).toContainEqual({
      customerName: 'ACME SARL',
      reason: 'hard bounce: compta@acme.example',
    });
  });
});

describe('an invoice waiting for finance’s decision', () => {
  it('stays under what needs a person until finance decides', () => {
    const waiting = invoice({
      invoiceId: 'SMALL',
      dueDate: '2025-10-10',
      openCents: 96_00,
      decisionNeeded: { since: '2026-01-20T06:30:00.000Z', reason: 'no_more_steps', options: ['write_off'] },
    });
    const plan = planSweep(
      input({
        invoices: [
          {
            invoice: waiting,
            customer: acme,
            storedPause: false,
            workflow: { running: false, endStatus: 'SUCCEEDED' },
          },
        ],
      }),
    );
    expect(plan.digest.needsPerson).toContainEqual({
      customerName: 'ACME SARL',
      invoiceId: 'SMALL',
      reason: 'relances terminées, facture toujours due : décision à prendre',
      since: '2026-01-20',
    });
    expect(plan.actions).toEqual([]);
  });
});

describe('when the digest goes out', () => {
  const disputed = invoice({
    invoiceId: 'DISPUTED',
    dueDate: '2026-01-10',
    pause: { reason: 'dispute', since: '2026-01-15T10:00:00.000Z' },
  });
  const withWork = {
    invoices: [{ invoice: disputed, customer: acme, storedPause: true, workflow: { running: true } }],
  };

  it('goes out on a business day with something new to say', () => {
    const fresh = invoice({
      invoiceId: 'DISPUTED',
      dueDate: '2026-01-10',
      pause: { reason: 'dispute', since: '2026-02-03T16:00:00.000Z' },
    });
    const tuesday = new Date('2026-02-04T06:00:00Z');
    expect(
      planSweep(
        input({
          now: tuesday,
          invoices: [{ invoice: fresh, customer: acme, storedPause: true, workflow: { running: true } }],
        }),
      ).sendDigest,
    ).toBe(true);
  });

  it(
    'work that waits since last week makes a digest on Monday only, and is listed in every digest that goes ' + 'out',
    () => {
      expect(planSweep(input(withWork)).sendDigest).toBe(true); // Monday 2 February
      const tuesday = planSweep(input({ ...withWork, now: new Date('2026-02-03T06:00:00Z') }));
      expect(tuesday.sendDigest).toBe(false);
      const sent = {
        messageId: 'm',
        kind: 'reminder',
        customerId: 'C-ACME',
        invoiceIds: ['F-1'],
        level: 'reminder_1',
        sentAt: '2026-02-02T07:31:00.000Z',
      };
      const withSend = planSweep(input({ ...withWork, now: new Date('2026-02-03T06:00:00Z'), messages: [sent] }));
      expect(withSend.sendDigest).toBe(true);
      expect(withSend.digest.needsPerson.map((p) => p.invoiceId)).toEqual(['DISPUTED']);
    },
  );

  it('stays home on a day with nothing to say', () => {
    expect(planSweep(input()).sendDigest).toBe(false);
  });

  it('never goes out on a Sunday or on Christmas Day, however much there is to do', () => {
    expect(planSweep(input({ ...withWork, now: new Date('2026-02-01T06:00:00Z') })).sendDigest).toBe(false);
    expect(planSweep(input({ ...withWork, now: new Date('2026-12-25T06:00:00Z') })).sendDigest).toBe(false);
  });
});

describe('the sweep of an Alsace-Moselle creditor (Good Friday and 26 December closed)', () => {
  const sent = {
    messageId: 'm-24',
    kind: 'reminder',
    customerId: 'C-ACME',
    invoiceIds: ['F-1'],
    level: 'reminder_1',
    sentAt: '2025-12-24T07:31:00.000Z', // Wednesday 24 December 2025, 08:31 in Paris
  };
  const sweepOn = (now: string, calendar: SweepInput['calendar']) =>
    planSweep(input({ now: new Date(now), calendar, messages: [sent] }));

  it('sends no digest on Friday 26 December 2025, and Monday’s reports what went out on Wednesday', () => {
    expect(sweepOn('2025-12-26T06:00:00Z', 'alsace-moselle').sendDigest).toBe(false);
    const monday = sweepOn('2025-12-29T06:00:00Z', 'alsace-moselle');
    expect(monday.sendDigest).toBe(true);
    expect(monday.digest.sent.map((s) => s.messageId)).toEqual(['m-24']);
    expect(messageDays(new Date('2025-12-29T06:00:00Z'), 'alsace-moselle')[0]).toBe('2025-12-23');
  });

  it('leaves a metropolitan creditor’s digest of Friday 26 December 2025 as it was', () => {
    const friday = sweepOn('2025-12-26T06:00:00Z', 'metropole');
    expect(friday.sendDigest).toBe(true);
    expect(friday.digest.sent.map((s) => s.messageId)).toEqual(['m-24']);
    expect(sweepOn('2025-12-29T06:00:00Z', 'metropole').digest.sent).toEqual([]);
  });

  it('resumes a promise whose reminders come back on Good Friday 2026 on Tuesday 7 April instead', () => {
    // promised for Monday 30 March 2026, 3 grace days: reminders resume on the next business day after 2 April
    const promised = invoice({
      invoiceId: 'PROM',
      dueDate: '2026-02-10',
      pause: { reason: 'promise', since: '2026-03-20T10:00:00.000Z', until: '2026-03-30' },
    });
    const sweepOf = (day: string, calendar: SweepInput['calendar']) =>
      planSweep(
        input({
          now: new Date(`${day}T05:30:00Z`),
          calendar,
          invoices: [{ invoice: promised, customer: acme, storedPause: true, workflow: { running: true } }],
        }),
      ).actions;
    const resume = [{ kind: 'resume', invoiceId: 'PROM', approve: false }];
    expect(sweepOf('2026-04-03', 'metropole')).toEqual(resume);
    expect(sweepOf('2026-04-03', 'alsace-moselle')).toEqual([]);
    expect(sweepOf('2026-04-06', 'alsace-moselle')).toEqual([]); // Easter Monday
    expect(sweepOf('2026-04-07', 'alsace-moselle')).toEqual(resume);
  });
});
