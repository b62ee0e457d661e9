import { addBusinessDays, nextBusinessDay } from '../calendar/business-days';
import type { HolidayCalendar } from '../calendar/holidays';
import { localDate, nextSendWindow, type SendWindow, sendWindowAt, sendWindowOnOrAfter } from '../calendar/time-zone';
import { addDays, daysBetween, type IsoDate, type IsoTimestamp } from '../dates';
import type { Customer, Invoice } from '../model';
import { isEscalation, type Policy, type PolicyStep } from './policy';

/**
 * Scheduling rules (pure; time is passed in):
 *
 * 1. Day of a step: see stepDay. Calendar steps landing on a weekend or a public holiday move forward to the next
 *    business day; business-day steps count business days only. Public holidays are those of the creditor's
 *    holiday calendar (`calendar`: metropole, or alsace-moselle with Good Friday and 26 December), as are the
 *    days a send window opens on. The step fires at the send window of that day:
 *    the policy's window time in the customer's time zone (effectiveSendWindow).
 * 2. Steps already done (doneStepIds) and every step placed before the last done step in the policy are never
 *    planned again. Steps whose conditions fail (minOpenCents, segments) are skipped. A step before the due date
 *    (negative offset, e.g. the courtesy reminder) is skipped once the due date has passed: it no longer makes sense.
 * 3. Catch-up without a burst: when several steps are already past, only ONE is planned, at the next send window:
 *    the latest past reminder-type step (email, call task); the earlier ones are skipped as "superseded".
 *    Escalations (formal notice, agency handoff) are never superseded and never jumped over: when a past
 *    escalation comes after past reminders, the latest of those reminders goes first and the escalation follows.
 * 4. Spacing: after a step, the next one comes no sooner than the policy's own interval between the two step days,
 *    counted from the day the last step acted (`lastActionAt`, default `now`: planning normally runs right after a
 *    step acted). So a late-started invoice gets its catch-up reminder, then its formal notice after the interval
 *    the policy gives between them — not the next morning.
 * 5. A payment promise (pause reason 'promise' with a date) holds planning until the promised date + grace days
 *    have passed; other pauses are handled by recheckBeforeAction at the step (the runtime parks the workflow).
 */
export type EndReason = 'paid' | 'no_more_steps' | 'in_collection' | 'written_off' | 'credited';

export interface SkippedStep {
  stepId: string;
  reason: 'superseded' | 'condition' | 'before_due_passed';
}

export type PlanResult =
  | { action: 'end'; reason: EndReason; skipped?: SkippedStep[] }
  | { action: 'wait'; step: PolicyStep; at: IsoTimestamp; skipped?: SkippedStep[] };

export interface PlanInput {
  invoice: Invoice;
  customer: Customer;
  policy: Policy;
  doneStepIds: string[];
  now: Date;
  /** The creditor's public holidays (deployment setting): no step acts on one. */
  calendar: HolidayCalendar;
  /** When the last done step acted; default `now`. Pass it after a resume so the next contact is not delayed. */
  lastActionAt?: Date | IsoTimestamp;
}

/** The policy's window time in the customer's time zone (Customer.timeZone defaults to Europe/Paris). */
export function effectiveSendWindow(
  policy: Pick<Policy, 'sendWindow'>,
  customer?: Pick<Customer, 'timeZone'>,
): SendWindow {
  return { time: policy.sendWindow.time, timeZone: customer?.timeZone || policy.sendWindow.timeZone };
}

/** The business day a step acts on, for an invoice due on `dueDate`. */
export function stepDay(
  step: Pick<PolicyStep, 'offsetDays' | 'dayKind'>,
  dueDate: IsoDate,
  calendar: HolidayCalendar,
): IsoDate {
  if (step.dayKind === 'business') {
    return step.offsetDays === 0
      ? nextBusinessDay(dueDate, calendar)
      : addBusinessDays(dueDate, step.offsetDays, calendar);
  }
  return nextBusinessDay(addDays(dueDate, step.offsetDays), calendar);
}

export function stepConditionsHold(
  step: PolicyStep,
  invoice: Pick<Invoice, 'openCents'>,
  customer: Pick<Customer, 'segment'>,
): boolean {
  const c = step.conditions;
  if (!c) return true;
  if (c.minOpenCents !== undefined && invoice.openCents < c.minOpenCents) return false;
  if (c.segments && c.segments.length > 0 && !c.segments.includes(customer.segment ?? 'standard')) return false;
  return true;
}

/** Why an invoice's dunning is over, if it is. */
export function endReasonOf(
  invoice: Pick<Invoice, 'status' | 'openCents'>,
): Exclude<EndReason, 'no_more_steps'> | undefined {
  switch (invoice.status) {
    case 'paid':
      return 'paid';
    case 'credited':
      return 'credited';
    case 'written_off':
      return 'written_off';
    case 'in_collection':
      return 'in_collection';
    default:
      return invoice.openCents <= 0 ? 'paid' : undefined;
  }
}

/** Every step of the policy with its day and window instant for this invoice (for digests, the API, tests). */
export function policyTimeline(
  policy: Policy,
  invoice: Pick<Invoice, 'dueDate'>,
  customer: Pick<Customer, 'timeZone'> | undefined,
  calendar: HolidayCalendar,
): { step: PolicyStep; day: IsoDate; at: IsoTimestamp }[] {
  const window = effectiveSendWindow(policy, customer);
  return policy.steps.map((step) => {
    const day = stepDay(step, invoice.dueDate, calendar);
    return { step, day, at: sendWindowAt(day, window) };
  });
}

/**
 * The instant a payment promise stops holding the workflow: the window of the first business day after until + grace.
 */
export function promiseResumeAt(
  until: IsoDate,
  graceDays: number,
  window: SendWindow,
  calendar: HolidayCalendar,
): IsoTimestamp {
  return sendWindowOnOrAfter(addDays(until, graceDays + 1), window, calendar);
}

export function planNextStep(input: PlanInput): PlanResult {
  const { invoice, customer, policy, doneStepIds, calendar } = input;
  const ended = endReasonOf(invoice);
  if (ended) return { action: 'end', reason: ended };

  const window = effectiveSendWindow(policy, customer);
  let now = input.now;
  if (invoice.pause?.reason === 'promise' && invoice.pause.until) {
    const resume = new Date(promiseResumeAt(invoice.pause.until, policy.promiseGraceDays, window, calendar));
    if (resume > now) now = resume;
  }
  const nowMs = now.getTime();
  const today = localDate(now, window.timeZone);

  const done = new Set(doneStepIds);
  let lastDoneIndex = -1;
  policy.steps.forEach((s, i) => {
    if (done.has(s.stepId)) lastDoneIndex = i;
  });

  const skipped: SkippedStep[] = [];
  const eligible: { step: PolicyStep; index: number; day: IsoDate; at: IsoTimestamp }[] = [];
  policy.steps.forEach((step, index) => {
    if (index <= lastDoneIndex || done.has(step.stepId)) return;
    if (!stepConditionsHold(step, invoice, customer)) {
      skipped.push({ stepId: step.stepId, reason: 'condition' });
      return;
    }
    if (step.offsetDays < 0 && today > invoice.dueDate) {
      skipped.push({ stepId: step.stepId, reason: 'before_due_passed' });
      return;
    }
    const day = stepDay(step, invoice.dueDate, calendar);
    eligible.push({ step, index, day, at: sendWindowAt(day, window) });
  });

  if (eligible.length === 0) return withSkipped({ action: 'end', reason: 'no_more_steps' }, skipped);

  const overdue = eligible.filter((e) => Date.parse(e.at) < nowMs);
  let pick = eligible[0];
  if (overdue.length > 0) {
    const firstEscalation = overdue.findIndex((e) => isEscalation(e.step));
    const pickIndex = firstEscalation === 0 ? 0 : firstEscalation > 0 ? firstEscalation - 1 : overdue.length - 1;
    pick = overdue[pickIndex];
    for (const e of overdue.slice(0, pickIndex)) skipped.push({ stepId: e.step.stepId, reason: 'superseded' });
  }

  let atMs = Math.max(Date.parse(pick.at), Date.parse(nextSendWindow(now, window, calendar)));
  if (lastDoneIndex >= 0) {
    const lastDone = policy.steps[lastDoneIndex];
    const gap = daysBetween(stepDay(lastDone, invoice.dueDate, calendar), pick.day);
    const lastAction = input.lastActionAt !== undefined ? new Date(input.lastActionAt) : input.now;
    const earliestDay = addDays(localDate(lastAction, window.timeZone), gap);
    atMs = Math.max(atMs, Date.parse(sendWindowOnOrAfter(earliestDay, window, calendar)));
  }
  skipped.sort(
    (a, b) =>
      policy.steps.findIndex((s) => s.stepId === a.stepId) - policy.steps.findIndex((s) => s.stepId === b.stepId),
  );
  return withSkipped({ action: 'wait', step: pick.step, at: new Date(atMs).toISOString() }, skipped);
}

function withSkipped<T extends PlanResult>(result: T, skipped: SkippedStep[]): T {
  return skipped.length > 0 ? { ...result, skipped } : result;
}

export type RecheckResult =
  | { proceed: true; promiseBroken?: boolean }
  | { proceed: false; outcome: 'stopped'; reason: 'paid' | 'credited' | 'written_off' | 'in_collection' }
  | { proceed: false; outcome: 'paused'; reason: 'dispute' | 'promise' | 'manual' };

/**
 * Right before a step acts: is the invoice still owed and not suspended?
 * Paid (or nothing left open), credited, written off, in collection -> stopped. A pause -> paused, except a payment
 * promise whose date + grace days has passed (local date in `timeZone`, default Europe/Paris): the promise is
 * broken and the step proceeds (promiseBroken: true, so the runtime can record it and clear the pause).
 */
export function recheckBeforeAction(input: {
  invoice: Invoice;
  now: Date;
  promiseGraceDays?: number;
  timeZone?: string;
}): RecheckResult {
  const { invoice, now } = input;
  const ended = endReasonOf(invoice);
  if (ended) return { proceed: false, outcome: 'stopped', reason: ended };
  const pause = invoice.pause;
  if (pause) {
    if (pause.reason === 'promise' && pause.until) {
      const today = localDate(now, input.timeZone ?? 'Europe/Paris');
      const lastHeldDay = addDays(pause.until, input.promiseGraceDays ?? 3);
      if (today > lastHeldDay) return { proceed: true, promiseBroken: true };
    }
    return { proceed: false, outcome: 'paused', reason: pause.reason };
  }
  return { proceed: true };
}
