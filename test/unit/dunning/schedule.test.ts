import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultSendWindow, isBusinessDay, localDate, localParts } from '../../../functions/core/calendar';
import { addDays } from '../../../functions/core/dates';
import {
  builtInPolicies,
  type PlanResult,
  planNextStep,
  policyTimeline,
  promiseResumeAt,
  recheckBeforeAction,
  stepDay,
} from '../../../functions/core/dunning';
import { customer, invoice, policy } from './fixtures';

const standard = builtInPolicies.find((p) => p.policyId === 'standard')!;
const at = (iso: string) => new Date(iso);

function waitAt(r: PlanResult): { stepId: string; at: string } {
  if (r.action !== 'wait') throw new Error(`expected a wait, got ${JSON.stringify(r)}`);
  return { stepId: r.step.stepId, at: r.at };
}

/** Runs a workflow's plan loop with a fake clock: each step acts at its instant, planning runs 5 minutes later. */
function runCycle(inv = invoice(), pol = standard, start = at('2026-03-01T00:00:00Z'), cust = customer()) {
  const done: string[] = [];
  const trace: string[] = [];
  let now = start;
  for (let i = 0; i < 20; i++) {
    const r = planNextStep({
      calendar: 'metropole',
      invoice: inv,
      customer: cust,
      policy: pol,
      doneStepIds: done,
      now,
    });
    if (r.action === 'end') {
      trace.push(`end:${r.reason}`);
      break;
    }
    trace.push(`${r.step.stepId}@${r.at}`);
    done.push(r.step.stepId);
    now = new Date(Date.parse(r.at) + 5 * 60_000);
  }
  return trace;
}

describe('day of a step', () => {
  const cal = (offsetDays: number) => ({ offsetDays, dayKind: 'calendar' as const });
  const biz = (offsetDays: number) => ({ offsetDays, dayKind: 'business' as const });

  it('a calendar step landing on a Saturday moves forward to Monday', () => {
    expect(stepDay(cal(2), '2026-03-12', 'metropole')).toBe('2026-03-16');
  });
  it('a calendar step landing on 1 May (a Friday in 2026) moves to Monday 4 May', () => {
    expect(stepDay(cal(7), '2026-04-24', 'metropole')).toBe('2026-05-04');
  });
  it('a calendar step landing on Easter Monday moves to the Tuesday', () => {
    expect(stepDay(cal(7), '2026-03-30', 'metropole')).toBe('2026-04-07');
  });
  it('a calendar step at a month end landing on a Saturday moves into the next month', () => {
    expect(stepDay(cal(28), '2026-01-31', 'metropole')).toBe('2026-03-02');
  });
  it('business days skip 14 July: 2 business days after Friday 10 July 2026 is Wednesday 15 July', () => {
    expect(stepDay(biz(2), '2026-07-10', 'metropole')).toBe('2026-07-15');
  });
  it('business offset 0 on a Sunday due date is the Monday; negative offsets count back over 8 May', () => {
    expect(stepDay(biz(0), '2026-05-03', 'metropole')).toBe('2026-05-04');
    expect(stepDay(biz(-2), '2026-05-11', 'metropole')).toBe('2026-05-06');
  });
});

describe('standard cycle of an invoice due Thursday 30 April 2026 (Paris, summer time)', () => {
  it('plans every step at 08:30 Paris (06:30Z) on business days: Whit Monday and 14 July skipped', () => {
    expect(
      policyTimeline(standard, invoice(), customer(), 'metropole').map((t) => `${t.step.stepId} ${t.day}`),
    ).toEqual([
      'courtesy 2026-04-27',
      'reminder-1 2026-05-07',
      'reminder-2 2026-05-15',
      'final-reminder 2026-05-26', // 25 May is Whit Monday
      'formal-notice 2026-06-10', // 25 business days: 1, 8, 14 and 25 May not counted
      'agency 2026-07-15', // 14 July
    ]);
    expect(runCycle()).toEqual([
      'courtesy@2026-04-27T06:30:00.000Z',
      'reminder-1@2026-05-07T06:30:00.000Z',
      'reminder-2@2026-05-15T06:30:00.000Z',
      'final-reminder@2026-05-26T06:30:00.000Z',
      'formal-notice@2026-06-10T06:30:00.000Z',
      'agency@2026-07-15T06:30:00.000Z',
      'end:no_more_steps',
    ]);
  });

  it('switches from 07:30Z to 06:30Z when the cycle crosses the end of March (and Easter Monday)', () => {
    expect(runCycle(invoice({ dueDate: '2026-03-20' }), standard, at('2026-03-01T00:00:00Z')).slice(0, 3)).toEqual([
      'courtesy@2026-03-17T07:30:00.000Z',
      'reminder-1@2026-03-27T07:30:00.000Z',
      'reminder-2@2026-04-07T06:30:00.000Z', // 4 April is a Saturday, 6 April Easter Monday
    ]);
  });

  it('switches back to 07:30Z after the last Sunday of October', () => {
    expect(runCycle(invoice({ dueDate: '2026-10-20' }), standard, at('2026-10-01T00:00:00Z')).slice(0, 3)).toEqual([
      'courtesy@2026-10-19T06:30:00.000Z', // 17 October is a Saturday: moved to Monday 19
      'reminder-1@2026-10-27T07:30:00.000Z',
      'reminder-2@2026-11-04T07:30:00.000Z',
    ]);
  });

  it('sends at the customer’s own time zone when it has one', () => {
    const r = planNextStep({
      calendar: 'metropole',
      invoice: invoice(),
      customer: customer({ timeZone: 'America/Martinique' }),
      policy: standard,
      doneStepIds: [],
      now: at('2026-04-01T00:00:00Z'),
    });
    expect(waitAt(r).at).toBe('2026-04-27T12:30:00.000Z'); // 08:30 at UTC-4
  });
});

describe('end of dunning', () => {
  const plan = (inv = invoice()) =>
    planNextStep({
      calendar: 'metropole',
      invoice: inv,
      customer: customer(),
      policy: standard,
      doneStepIds: [],
      now: at('2026-05-01T00:00:00Z'),
    });
  it.each([
    ['paid', { status: 'paid' as const, openCents: 0 }],
    ['credited', { status: 'credited' as const }],
    ['written_off', { status: 'written_off' as const }],
    ['in_collection', { status: 'in_collection' as const }],
    ['paid', { status: 'open' as const, openCents: 0 }],
  ])('ends with reason %s', (reason, overrides) => {
    expect(plan(invoice(overrides))).toEqual({ action: 'end', reason });
  });

  it('a partial payment continues the cycle on what is left', () => {
    expect(plan(invoice({ status: 'partially_paid', openCents: 20_000 })).action).toBe('wait');
  });

  it('ends when every step is done', () => {
    const r = planNextStep({
      calendar: 'metropole',
      invoice: invoice(),
      customer: customer(),
      policy: standard,
      doneStepIds: standard.steps.map((s) => s.stepId),
      now: at('2026-08-01T00:00:00Z'),
    });
    expect(r).toEqual({ action: 'end', reason: 'no_more_steps' });
  });
});

describe('catching up without a burst', () => {
  it(
    'an invoice started 81 days late gets the latest past reminder first, skipping the superseded ones and the ' +
      'courtesy',
    () => {
      const r = planNextStep({
        calendar: 'metropole',
        invoice: invoice(),
        customer: customer(),
        policy: standard,
        doneStepIds: [],
        now: at('2026-07-20T10:00:00Z'),
      });
      expect(waitAt(r)).toEqual({ stepId: 'final-reminder', at: '2026-07-21T06:30:00.000Z' });
      expect(r.skipped).toEqual([
        { stepId: 'courtesy', reason: 'before_due_passed' },
        { stepId: 'reminder-1', reason: 'superseded' },
        { stepId: 'reminder-2', reason: 'superseded' },
      ]);
    },
  );

  it(
    'then the formal notice and the agency handoff follow at the policy’s own intervals, never the next ' + 'morning',
    () => {
      const trace = runCycle(invoice(), standard, at('2026-07-20T10:00:00Z'));
      expect(trace).toEqual([
        'final-reminder@2026-07-21T06:30:00.000Z',
        'formal-notice@2026-08-05T06:30:00.000Z', // 26 May -> 10 June is 15 days in the policy
        'agency@2026-09-09T06:30:00.000Z', // 10 June -> 15 July is 35 days
        'end:no_more_steps',
      ]);
    },
  );

  it('a step whose day passed is due at the next send window, not replayed at its old time', () => {
    // reminder-1 was due 7 May at 08:30; the workflow only starts at 09:00 Paris that day
    const r = planNextStep({
      calendar: 'metropole',
      invoice: invoice(),
      customer: customer(),
      policy: standard,
      doneStepIds: ['courtesy'],
      now: at('2026-05-07T07:00:00Z'),
      lastActionAt: '2026-04-27T06:35:00.000Z',
    });
    expect(waitAt(r)).toEqual({ stepId: 'reminder-1', at: '2026-05-11T06:30:00.000Z' }); // 8 May holiday, weekend
  });

  it(
    'after a resume, lastActionAt lets the next contact go at the next window instead of a full interval ' + 'later',
    () => {
      const base = {
        calendar: 'metropole' as const,
        invoice: invoice(),
        customer: customer(),
        policy: standard,
        doneStepIds: ['courtesy', 'reminder-1'],
        now: at('2026-06-01T09:00:00Z'),
      };
      expect(waitAt(planNextStep({ ...base, lastActionAt: '2026-05-07T06:35:00.000Z' }))).toEqual({
        stepId: 'final-reminder',
        at: '2026-06-02T06:30:00.000Z',
      });
      // without it, planning assumes the last step acted just now and keeps the policy's 19-day interval
      expect(waitAt(planNextStep(base))).toEqual({ stepId: 'final-reminder', at: '2026-06-22T06:30:00.000Z' });
    },
  );
});

describe('step conditions', () => {
  it(
    'a small invoice skips the formal notice and agency handoff (minimum amounts) and ends after the last ' +
      'reminder',
    () => {
      const small = invoice({ amountCents: 3_000, openCents: 3_000 });
      const r = planNextStep({
        calendar: 'metropole',
        invoice: small,
        customer: customer(),
        policy: standard,
        doneStepIds: ['courtesy', 'reminder-1', 'reminder-2', 'final-reminder'],
        now: at('2026-05-26T06:35:00Z'),
      });
      expect(r).toEqual({
        action: 'end',
        reason: 'no_more_steps',
        skipped: [
          { stepId: 'formal-notice', reason: 'condition' },
          { stepId: 'agency', reason: 'condition' },
        ],
      });
    },
  );

  it('a step for another segment is skipped', () => {
    const p = policy([
      {
        stepId: 'call',
        offsetDays: 1,
        channel: 'call_task',
        level: 'call',
        template: 'call',
        conditions: { segments: ['key_account'] },
      },
      { stepId: 'mail', offsetDays: 3, channel: 'email', level: 'reminder_1', template: 'r1' },
    ]);
    const r = planNextStep({
      calendar: 'metropole',
      invoice: invoice(),
      customer: customer(),
      policy: p,
      doneStepIds: [],
      now: at('2026-04-01T00:00:00Z'),
    });
    expect(waitAt(r)).toEqual({ stepId: 'mail', at: '2026-05-04T06:30:00.000Z' }); // 3 May is a Sunday
    const k = planNextStep({
      calendar: 'metropole',
      invoice: invoice(),
      customer: customer({ segment: 'key_account' }),
      policy: p,
      doneStepIds: [],
      now: at('2026-04-01T00:00:00Z'),
    });
    expect(waitAt(k).stepId).toBe('call');
  });
});

describe('payment promise', () => {
  it('holds planning until the promised date plus grace days have passed', () => {
    const promised = invoice({ pause: { reason: 'promise', since: '2026-05-12T09:00:00.000Z', until: '2026-05-20' } });
    const r = planNextStep({
      calendar: 'metropole',
      invoice: promised,
      customer: customer(),
      policy: standard,
      doneStepIds: ['courtesy', 'reminder-1'],
      now: at('2026-05-12T10:00:00Z'),
    });
    // 20 May + 3 grace days = 23 May; resumes on the 24th (Sunday), 25th is Whit Monday -> Tuesday 26 May
    expect(waitAt(r)).toEqual({ stepId: 'reminder-2', at: '2026-05-26T06:30:00.000Z' });
  });
});

describe('an Alsace-Moselle creditor (Good Friday and 26 December closed)', () => {
  const onDueDate = policy([{ stepId: 'mail', offsetDays: 0, channel: 'email', level: 'reminder_1', template: 'r1' }]);
  const planFor = (calendar: 'metropole' | 'alsace-moselle', dueDate: string, now: string) =>
    planNextStep({
      calendar,
      invoice: invoice({ issueDate: '2027-01-01', dueDate }),
      customer: customer(),
      policy: onDueDate,
      doneStepIds: [],
      now: at(now),
    });

  it('a reminder planned for Good Friday 2027 goes out on Tuesday 30 March (Easter Monday closed too)', () => {
    expect(waitAt(planFor('alsace-moselle', '2027-03-26', '2027-03-01T00:00:00Z'))).toEqual({
      stepId: 'mail',
      at: '2027-03-30T06:30:00.000Z',
    });
    expect(waitAt(planFor('metropole', '2027-03-26', '2027-03-01T00:00:00Z'))).toEqual({
      stepId: 'mail',
      at: '2027-03-26T07:30:00.000Z',
    });
  });

  it('a step already due on Thursday evening waits for Tuesday’s window, not Good Friday’s', () => {
    expect(waitAt(planFor('alsace-moselle', '2027-03-22', '2027-03-25T18:00:00Z')).at).toBe('2027-03-30T06:30:00.000Z');
    expect(waitAt(planFor('metropole', '2027-03-22', '2027-03-25T18:00:00Z')).at).toBe('2027-03-26T07:30:00.000Z');
  });

  it('business days skip 26 December: 2 business days after Wednesday 24 December 2025 is Tuesday 30', () => {
    const biz2 = { offsetDays: 2, dayKind: 'business' as const };
    expect(stepDay(biz2, '2025-12-24', 'alsace-moselle')).toBe('2025-12-30');
    expect(stepDay(biz2, '2025-12-24', 'metropole')).toBe('2025-12-29');
  });

  it('a promise whose reminders come back on Good Friday 2026 holds them until Tuesday 7 April', () => {
    expect(promiseResumeAt('2026-03-30', 3, defaultSendWindow, 'alsace-moselle')).toBe('2026-04-07T06:30:00.000Z');
    expect(promiseResumeAt('2026-03-30', 3, defaultSendWindow, 'metropole')).toBe('2026-04-03T06:30:00.000Z');
  });
});

describe('re-check right before a step acts', () => {
  const now = at('2026-05-15T06:30:00Z');
  it.each([
    ['paid', invoice({ status: 'paid', openCents: 0 })],
    ['paid', invoice({ status: 'partially_paid', openCents: 0 })],
    ['credited', invoice({ status: 'credited' })],
    ['written_off', invoice({ status: 'written_off' })],
    ['in_collection', invoice({ status: 'in_collection' })],
  ])('stops when the invoice is %s', (reason, inv) => {
    expect(recheckBeforeAction({ invoice: inv, now })).toEqual({ proceed: false, outcome: 'stopped', reason });
  });

  it('proceeds on a partially paid invoice', () => {
    expect(recheckBeforeAction({ invoice: invoice({ status: 'partially_paid', openCents: 1 }), now })).toEqual({
      proceed: true,
    });
  });

  it('pauses on a dispute or a manual pause', () => {
    expect(
      recheckBeforeAction({
        invoice: invoice({ pause: { reason: 'dispute', since: '2026-05-10T00:00:00.000Z' } }),
        now,
      }),
    ).toEqual({ proceed: false, outcome: 'paused', reason: 'dispute' });
    expect(
      recheckBeforeAction({
        invoice: invoice({ pause: { reason: 'manual', since: '2026-05-10T00:00:00.000Z' } }),
        now,
      }),
    ).toEqual({ proceed: false, outcome: 'paused', reason: 'manual' });
  });

  it('pauses on a promise until its date + grace has passed (Paris date), then proceeds as a broken promise', () => {
    const promised = invoice({ pause: { reason: 'promise', since: '2026-05-10T00:00:00.000Z', until: '2026-05-20' } });
    expect(
      recheckBeforeAction({ invoice: promised, now: at('2026-05-23T21:59:00Z'), promiseGraceDays: 3 }),
    ).toMatchObject({ proceed: false, outcome: 'paused', reason: 'promise' });
    // 22:30Z on 23 May is already 24 May 00:30 in Paris
    expect(recheckBeforeAction({ invoice: promised, now: at('2026-05-23T22:30:00Z'), promiseGraceDays: 3 })).toEqual({
      proceed: true,
      promiseBroken: true,
    });
  });

  it('a paid invoice stops even when a pause is present', () => {
    const inv = invoice({
      status: 'paid',
      openCents: 0,
      pause: { reason: 'dispute', since: '2026-05-10T00:00:00.000Z' },
    });
    expect(recheckBeforeAction({ invoice: inv, now })).toMatchObject({ outcome: 'stopped' });
  });
});

describe('whatever the due date, start time and policy', () => {
  it('a step never fires on a Saturday, a Sunday or a public holiday, always at 08:30 Paris, never in the past', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3 * 365 }),
        fc.integer({ min: -10, max: 120 }),
        fc.constantFrom(...builtInPolicies),
        (k, startOffset, pol) => {
          const dueDate = addDays('2025-01-01', k);
          const start = new Date(`${addDays(dueDate, startOffset)}T05:00:00Z`);
          const trace = runCycle(invoice({ dueDate }), pol, start);
          expect(trace[trace.length - 1]).toBe('end:no_more_steps');
          let previous = start.getTime() - 1;
          for (const entry of trace.slice(0, -1)) {
            const ms = Date.parse(entry.split('@')[1]);
            expect(ms).toBeGreaterThan(previous);
            previous = ms;
            expect(isBusinessDay(localDate(ms, 'Europe/Paris'))).toBe(true);
            const p = localParts(ms, 'Europe/Paris');
            expect([p.hour, p.minute]).toEqual([8, 30]);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
