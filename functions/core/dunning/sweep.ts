import { isBusinessDay, nextBusinessDay, previousBusinessDay } from '../calendar/business-days';
import type { HolidayCalendar } from '../calendar/holidays';
import { localDate } from '../calendar/time-zone';
import { addDays, type IsoDate } from '../dates';
import { digestIsWorthSending, type FinanceDigestInput } from '../messages/finance';
import type { Customer, Invoice } from '../model';
import { DunningLevel, isEscalation, type Policy, policyForCustomer, UnknownPolicyError } from './policy';
import { type HalfYear, halfYearEnd, missingRates, type RateTable } from './rates';
import { effectiveSendWindow, policyTimeline, promiseResumeAt, stepConditionsHold } from './schedule';
import { approvalStepOf } from './state';

/**
 * The daily sweep as data in, actions out (the handler reads, calls planSweep, runs the actions).
 * "Today" is the business day in Europe/Paris; messages are attributed to the Paris day they went out. Business days
 * are those of the creditor's holiday calendar (`SweepInput.calendar`).
 */
export const SWEEP_TIME_ZONE = 'Europe/Paris';

/** What the sweep knows of one owed invoice. */
export interface SweepInvoice {
  invoice: Invoice;
  customer?: Customer;
  /**
   * The invoice's current workflow generation, if dunning ever started; `claimedAt` while its start is unconfirmed
   * (the start may have failed after claiming it).
   */
  workflow?: { running: boolean; endStatus?: string; claimedAt?: string };
  /** A stored pause token exists (the workflow waits for a resume). */
  storedPause: boolean;
}

export interface SweepMessage {
  messageId: string;
  kind: string;
  customerId: string;
  invoiceIds: string[];
  level?: string;
  sentAt: string;
}

export interface SweepInput {
  now: Date;
  /** The creditor's public holidays (deployment setting): no digest on one, and no step or resume planned on one. */
  calendar: HolidayCalendar;
  policies: readonly Policy[];
  invoices: readonly SweepInvoice[];
  /** End statuses after which the sweep starts a new generation (stopped on payment undone, failed, timed out). */
  restartableEnds: ReadonlySet<string>;
  /** Open agency cases with their invoice as read now. */
  agencyCases: readonly { invoiceId: string; invoice?: Pick<Invoice, 'status'> }[];
  bouncedContacts: readonly { customerId: string; email: string; kind: 'hard_bounce' | 'complaint'; at?: string }[];
  /** Messages of the UTC days `messageDays(now)` names; those of yesterday and today (Paris) are reported. */
  messages: readonly SweepMessage[];
  /** The late-payment rate table, or why it could not be read. */
  rates: { table: RateTable } | { error: string };
}

export type SweepAction =
  | { kind: 'start'; invoiceId: string; restartAfter?: string }
  | { kind: 'resume'; invoiceId: string; approve?: false }
  | { kind: 'withdraw'; invoiceId: string };

export interface MissingRates {
  half: HalfYear;
  ecbMro: boolean;
  legalRate: boolean;
  lateInvoices: number;
}

export interface SweepPlan {
  today: IsoDate;
  actions: SweepAction[];
  digest: FinanceDigestInput;
  /** On business days only, and only when the digest has something to say. */
  sendDigest: boolean;
  missingRates: MissingRates[];
  failures: { invoiceId: string; error: string }[];
}

/**
 * The first Paris day a digest of `today` reports sends of: the previous business day (the last digest went out
 * that morning, before that day's sends), so a Monday's digest also covers the weekend.
 */
export function digestFrom(today: IsoDate, calendar: HolidayCalendar): IsoDate {
  return previousBusinessDay(addDays(today, -1), calendar);
}

/** The UTC days whose message index covers the digest's Paris days (a Paris day straddles two UTC days). */
export function messageDays(now: Date, calendar: HolidayCalendar): IsoDate[] {
  const utcToday = now.toISOString().slice(0, 10);
  const from = addDays(digestFrom(localDate(now, SWEEP_TIME_ZONE), calendar), -1);
  const days: IsoDate[] = [];
  for (let d = from; d <= utcToday; d = addDays(d, 1)) days.push(d);
  return days;
}

export function planSweep(input: SweepInput): SweepPlan {
  const today = localDate(input.now, SWEEP_TIME_ZONE);
  const plan: SweepPlan = {
    today,
    actions: [],
    digest: { date: today, sent: [], escalatingTomorrow: [], needsPerson: [], failures: [] },
    sendDigest: false,
    missingRates: [],
    failures: [],
  };
  const { calendar } = input;
  const tomorrow = nextBusinessDay(addDays(today, 1), calendar);
  for (const item of input.invoices) {
    try {
      planInvoice(item, input, today, tomorrow, plan);
    } catch (err) {
      const error =
        err instanceof UnknownPolicyError ? err.message : `${(err as Error).name}: ${(err as Error).message}`;
      plan.failures.push({ invoiceId: item.invoice.invoiceId, error });
      plan.digest.failures!.push({ invoiceId: item.invoice.invoiceId, reason: error });
    }
  }
  for (const c of input.agencyCases) {
    if (c.invoice?.status === 'paid' || c.invoice?.status === 'credited')
      plan.actions.push({ kind: 'withdraw', invoiceId: c.invoiceId });
  }
  if ('error' in input.rates) {
    plan.digest.failures!.push({ reason: `late-payment rate table unreadable: ${input.rates.error}` });
  } else {
    plan.missingRates = ratesMissingForLateInvoices(
      input.invoices.map((i) => i.invoice),
      input.rates.table,
      today,
    );
    for (const m of plan.missingRates) plan.digest.needsPerson.push({ reason: missingRatesReason(m) });
  }
  const names = new Map(
    input.invoices.flatMap((i) => (i.customer ? [[i.customer.customerId, i.customer.name] as const] : [])),
  );
  for (const b of input.bouncedContacts) {
    const since = b.at ? localDate(new Date(b.at), SWEEP_TIME_ZONE) : undefined;
    plan.digest.needsPerson.push({
      customerName: names.get(b.customerId) ?? b.customerId,
      reason: `${b.kind === 'complaint' ? 'complaint' : 'hard bounce'}: ${b.email}`,
      ...(since ? { since } : {}),
    });
  }
  const from = digestFrom(today, calendar);
  plan.digest.sent = sentSince(input.messages, from, today, names);
  const monday = new Date(`${today}T12:00:00Z`).getUTCDay() === 1;
  plan.sendDigest = isBusinessDay(today, calendar) && digestIsWorthSending(plan.digest, from, monday);
  return plan;
}

function planInvoice(item: SweepInvoice, input: SweepInput, today: IsoDate, tomorrow: IsoDate, plan: SweepPlan): void {
  const { invoice, customer, workflow } = item;
  if (!customer) {
    plan.digest.needsPerson.push({ invoiceId: invoice.invoiceId, reason: `customer ${invoice.customerId} not found` });
    return;
  }
  if (invoice.decisionNeeded) {
    const since = localDate(new Date(invoice.decisionNeeded.since), SWEEP_TIME_ZONE);
    plan.digest.needsPerson.push({
      customerName: customer.name,
      invoiceId: invoice.invoiceId,
      reason: 'relances terminées, facture toujours due : décision à prendre',
      since,
    });
  }
  const policy = policyForCustomer(customer, input.policies);
  const timeline = policyTimeline(policy, invoice, customer, input.calendar);
  const inWindow = timeline.length > 0 && timeline[0].day <= today;
  if (inWindow && (!workflow || (!workflow.running && input.restartableEnds.has(workflow.endStatus ?? '')))) {
    const restartAfter = workflow && workflow.endStatus !== 'ABORTED' ? workflow.endStatus : undefined;
    plan.actions.push({ kind: 'start', invoiceId: invoice.invoiceId, ...(restartAfter ? { restartAfter } : {}) });
  } else if (workflow?.running && workflow.claimedAt) {
    // A start never confirmed (an undone payment's, finance's restart, a sweep's own): started now if it never ran.
    plan.actions.push({ kind: 'start', invoiceId: invoice.invoiceId });
  }
  const pause = invoice.pause;
  if (pause?.reason === 'promise' && pause.until) {
    const window = effectiveSendWindow(policy, customer);
    const resumeAt = promiseResumeAt(pause.until, policy.promiseGraceDays, window, input.calendar);
    // Resumed by the sweep of the morning its reminders resume (before their window: the workflow then waits for it).
    // A broken promise is no approval: a step that awaited one asks for it again.
    if (localDate(new Date(resumeAt), SWEEP_TIME_ZONE) <= today)
      plan.actions.push({ kind: 'resume', invoiceId: invoice.invoiceId, approve: false });
  } else if (!pause && item.storedPause) {
    // The pause was lifted without resuming the workflow (or before its token was stored): resume it. A machine
    // approves nothing: a step that awaited an approval asks for it again.
    plan.actions.push({ kind: 'resume', invoiceId: invoice.invoiceId, approve: false });
  } else if (pause) {
    const approvalStep = approvalStepOf(pause);
    plan.digest.needsPerson.push({
      customerName: customer.name,
      invoiceId: invoice.invoiceId,
      reason: approvalStep ? `approval needed: ${approvalStep}` : `paused (${pause.reason})`,
      since: localDate(new Date(pause.since), SWEEP_TIME_ZONE),
    });
  }
  if (pause) return;
  for (const t of timeline) {
    if (t.day !== tomorrow || !isEscalation(t.step) || !stepConditionsHold(t.step, invoice, customer)) continue;
    plan.digest.escalatingTomorrow.push({
      customerName: customer.name,
      invoiceId: invoice.invoiceId,
      level: t.step.level,
      openCents: invoice.openCents,
      currency: invoice.currency,
      requiresApproval: t.step.requiresApproval,
    });
  }
}

/** Reminders, notices and call tasks that went out on a Paris day from `from` to `to` (inclusive), oldest first. */
function sentSince(
  messages: readonly SweepMessage[],
  from: IsoDate,
  to: IsoDate,
  names: Map<string, string>,
): FinanceDigestInput['sent'] {
  const seen = new Set<string>();
  return [...messages]
    .filter((m) => ['reminder', 'formal_notice', 'call'].includes(m.kind))
    .filter((m) => {
      const day = localDate(new Date(m.sentAt), SWEEP_TIME_ZONE);
      if (day < from || day > to || seen.has(m.messageId)) return false;
      seen.add(m.messageId);
      return true;
    })
    .sort((a, b) => a.sentAt.localeCompare(b.sentAt))
    .map((m) => ({
      customerName: names.get(m.customerId) ?? m.customerId,
      invoiceIds: m.invoiceIds,
      level:
        DunningLevel.safeParse(m.level).data ??
        (m.kind === 'formal_notice' ? 'formal_notice' : m.kind === 'call' ? 'call' : 'reminder_1'),
      channel: m.kind,
      messageId: m.messageId,
    }));
}

/**
 * The half-years, from the oldest due date of the owed invoices that are late to today, whose late-payment rates the
 * table lacks, with how many owed invoices are late in each: a formal notice there would fail on the missing rate.
 */
function ratesMissingForLateInvoices(invoices: readonly Invoice[], table: RateTable, today: IsoDate): MissingRates[] {
  const late = invoices.filter((i) => i.dueDate < today);
  if (late.length === 0) return [];
  // biome-ignore lint/complexity/useMathMinMax: ISO date strings compare as text, Math.min would make numbers of them
  const oldestDue = late.reduce((min, i) => (i.dueDate < min ? i.dueDate : min), late[0].dueDate);
  return missingRates(table, oldestDue, today)
    .map((m) => ({ ...m, lateInvoices: late.filter((i) => i.dueDate < halfYearEnd(m.half)).length }))
    .filter((m) => m.lateInvoices > 0);
}

function missingRatesReason(m: MissingRates): string {
  const h1 = m.half.endsWith('H1');
  const fr = [m.ecbMro && `taux BCE au 1er ${h1 ? 'janvier' : 'juillet'}`, m.legalRate && 'taux d’intérêt légal']
    .filter(Boolean)
    .join(', ');
  const en = [m.ecbMro && `ECB rate on 1 ${h1 ? 'January' : 'July'}`, m.legalRate && 'legal interest rate']
    .filter(Boolean)
    .join(', ');
  const n = m.lateInvoices;
  return (
    `taux de pénalités manquants pour ${m.half} (${fr}) : ${n} facture${n > 1 ? 's' : ''} en retard, à saisir dans ` +
    `encaisse (PUT /rates)` +
    ` / late-payment rates missing for ${m.half} (${en}): ${n} late invoice${n > 1 ? 's' : ''}`
  );
}
