import { z } from 'zod';
import { requireSettings } from '../adapters/config';
import { getCustomer } from '../adapters/db/customers';
import { getInvoice, listOwedInvoices } from '../adapters/db/invoices';
import { listPolicies } from '../adapters/db/policies';
import { loadRateTable } from '../adapters/db/rates';
import { listBouncedContacts, listMessagesOn, listOpenAgencyCases } from '../adapters/db/sends';
import type { Logger } from '../adapters/logger';
import { sendEmail } from '../adapters/mailer';
import { dunningStarted, getPause, RESTARTABLE_END, resumeDunning, startDunning } from '../adapters/workflows';
import { nextBusinessDay } from '../core/calendar/business-days';
import { localDate } from '../core/calendar/time-zone';
import { addDays } from '../core/dates';
import { DunningLevel, isEscalation, policyForCustomer, UnknownPolicyError } from '../core/dunning/policy';
import { type HalfYear, halfYearEnd, missingRates } from '../core/dunning/rates';
import { effectiveSendWindow, policyTimeline, promiseResumeAt, stepConditionsHold } from '../core/dunning/schedule';
import { type FinanceDigestInput, renderFinanceDigest } from '../core/messages/finance';
import { type Customer, type Invoice, isOwed } from '../core/model';
import { recordEvent } from '../dunning-shared/history';
import { financeEmails, lambda, now } from '../dunning-shared/runtime';
import { withdrawCase } from '../dunning-shared/withdrawal';
import { sendPendingIngestAlerts } from '../ingest/alerts';

requireSettings(['TABLE_NAME', 'STATE_MACHINE_ARN', 'SENDER_EMAIL', 'FINANCE_EMAILS']);

/** EventBridge Scheduler's input ({source, kind, scheduledTime}) or an EventBridge "Scheduled Event" ({time}). */
const SweepEvent = z.object({ scheduledTime: z.string().optional(), time: z.string().optional() }).passthrough();

export interface SweepReport {
  day: string;
  started: string[];
  alreadyRunning: number;
  resumed: string[];
  /** Half-years in which an owed invoice is late but the rate table lacks a figure (penalties cannot be computed). */
  missingRates: { half: HalfYear; ecbMro: boolean; legalRate: boolean; lateInvoices: number }[];
  digestMessageId?: string;
  failures: { invoiceId: string; error: string }[];
  /** Failed (or timed-out) workflows brought back as a new generation. */
  restarted: string[];
  /** Agency cases withdrawn because their invoice got paid after the handoff. */
  withdrawn: string[];
}

/**
 * The daily sweep: starts the workflow of every owed invoice entering its policy's window (first step day <= today),
 * resumes broken payment promises (promised date + grace passed, still unpaid), and e-mails finance the daily
 * digest: what went out yesterday and today, what escalates on the next business day, what needs a person.
 */
export const handler = lambda('sweep', SweepEvent, async (_event, log): Promise<SweepReport> => {
  const at = now();
  const today = localDate(at, 'Europe/Paris');
  const policies = await listPolicies();
  const invoices = await listOwedInvoices();
  const customers = new Map<string, Customer | undefined>();
  const customerOf = async (id: string) => {
    if (!customers.has(id)) customers.set(id, await getCustomer(id));
    return customers.get(id);
  };

  const report: SweepReport = {
    day: today,
    started: [],
    alreadyRunning: 0,
    resumed: [],
    missingRates: [],
    failures: [],
    restarted: [],
    withdrawn: [],
  };
  const digest: FinanceDigestInput = { date: today, sent: [], escalatingTomorrow: [], needsPerson: [], failures: [] };
  const tomorrow = nextBusinessDay(addDays(today, 1));

  for (const invoice of invoices) {
    try {
      const customer = await customerOf(invoice.customerId);
      if (!customer) {
        digest.needsPerson.push({ invoiceId: invoice.invoiceId, reason: `customer ${invoice.customerId} not found` });
        continue;
      }
      const policy = policyForCustomer(customer, policies);
      const timeline = policyTimeline(policy, invoice, customer);
      if (timeline.length > 0 && timeline[0].day <= today) await startIfNeeded(invoice.invoiceId, at, report);
      const pause = invoice.pause;
      if (pause?.reason === 'promise' && pause.until) {
        const resumeAt = promiseResumeAt(pause.until, policy.promiseGraceDays, effectiveSendWindow(policy, customer));
        if (Date.parse(resumeAt) <= at.getTime()) {
          // A broken promise is no approval: a step that awaited one asks for it again.
          const res = await resumeDunning(invoice.invoiceId, {}, { approve: false });
          if (res.resumed) report.resumed.push(invoice.invoiceId);
        }
      } else if (!pause && (await getPause(invoice.invoiceId))) {
        // The pause was lifted without resuming the workflow (or before its token was stored): resume it.
        const res = await resumeDunning(invoice.invoiceId);
        if (res.resumed) report.resumed.push(invoice.invoiceId);
      } else if (pause) {
        digest.needsPerson.push({
          customerName: customer.name,
          invoiceId: invoice.invoiceId,
          reason: pause.note?.startsWith('approval:')
            ? `approval needed: ${pause.note.slice(9)}`
            : `paused (${pause.reason})`,
        });
      }
      for (const t of timeline) {
        if (t.day === tomorrow && isEscalation(t.step) && stepConditionsHold(t.step, invoice, customer) && !pause) {
          digest.escalatingTomorrow.push({
            customerName: customer.name,
            invoiceId: invoice.invoiceId,
            level: t.step.level,
            openCents: invoice.openCents,
            currency: invoice.currency,
            requiresApproval: t.step.requiresApproval,
          });
        }
      }
    } catch (err) {
      const error =
        err instanceof UnknownPolicyError ? err.message : `${(err as Error).name}: ${(err as Error).message}`;
      report.failures.push({ invoiceId: invoice.invoiceId, error });
      digest.failures!.push({ invoiceId: invoice.invoiceId, reason: error });
      log.error('sweep failed for an invoice', { invoiceId: invoice.invoiceId, error: err });
    }
  }

  await withdrawSettledCases(report, log);

  try {
    report.missingRates = await ratesMissingForLateInvoices(invoices, today);
    for (const m of report.missingRates) digest.needsPerson.push({ reason: missingRatesReason(m) });
  } catch (err) {
    digest.failures!.push({
      reason: `late-payment rate table unreadable: ${(err as Error).name}: ${(err as Error).message}`,
    });
    log.error('could not check the late-payment rates', { error: err });
  }

  for (const customer of customers.values()) {
    if (!customer) continue;
    for (const b of await listBouncedContacts(customer.customerId)) {
      digest.needsPerson.push({
        customerName: customer.name,
        reason: `${b.kind === 'complaint' ? 'complaint' : 'hard bounce'}: ${b.email}`,
      });
    }
  }
  const yesterday = addDays(at.toISOString().slice(0, 10), -1);
  for (const day of [yesterday, at.toISOString().slice(0, 10)]) {
    for (const m of await listMessagesOn(day)) {
      if (!['reminder', 'formal_notice', 'call'].includes(m.kind)) continue;
      const customer = await customerOf(m.customerId);
      digest.sent.push({
        customerName: customer?.name ?? m.customerId,
        invoiceIds: m.invoiceIds,
        level:
          DunningLevel.safeParse(m.level).data ??
          (m.kind === 'formal_notice' ? 'formal_notice' : m.kind === 'call' ? 'call' : 'reminder_1'),
        channel: m.kind,
        messageId: m.messageId,
      });
    }
  }

  await sendPendingIngestAlerts({ log, reportStuck: true }); // statement alerts SES refused earlier; never throws

  const message = renderFinanceDigest(digest);
  const { messageId } = await sendEmail({ to: financeEmails(), ...message, tags: { kind: 'digest' } });
  report.digestMessageId = messageId;
  log.info('sweep done', {
    day: today,
    started: report.started.length,
    resumed: report.resumed.length,
    failures: report.failures.length,
  });
  return report;
});

/**
 * Starts the invoice's workflow when it has none, or a new generation when its last one was stopped (payment undone
 * or returned: in case the reconciliation's own restart was lost) or failed / timed out (the failure-alert function
 * marked it; finance was alerted). The status index the sweep lists from is eventually consistent: the invoice is read
 * again (consistent read) right before starting, so a payment recorded a moment ago never gets a second, empty run.
 */
async function startIfNeeded(invoiceId: string, at: Date, report: SweepReport): Promise<void> {
  const workflow = await dunningStarted(invoiceId);
  if (workflow && (workflow.running || !RESTARTABLE_END.has(workflow.endStatus ?? ''))) return;
  const fresh = await getInvoice(invoiceId);
  if (!fresh || !isOwed(fresh)) return;
  const res = await startDunning(invoiceId, at);
  if (!res.started) report.alreadyRunning += 1;
  else if (workflow && workflow.endStatus !== 'ABORTED') {
    report.restarted.push(invoiceId);
    await recordEvent(invoiceId, at, 'dunning_restarted', {
      after: workflow.endStatus,
      generation: res.generation,
      by: 'sweep',
    });
  } else report.started.push(invoiceId);
}

/**
 * Open agency cases whose invoice got paid (or credited) since the handoff: the agency is told the case is withdrawn.
 */
async function withdrawSettledCases(report: SweepReport, log: Logger): Promise<void> {
  for (const agencyCase of await listOpenAgencyCases()) {
    try {
      const invoice = await getInvoice(agencyCase.invoiceId);
      if (!invoice || (invoice.status !== 'paid' && invoice.status !== 'credited')) continue;
      await withdrawCase(agencyCase, invoice, log);
      report.withdrawn.push(invoice.invoiceId);
    } catch (err) {
      report.failures.push({
        invoiceId: agencyCase.invoiceId,
        error: `withdrawal: ${(err as Error).name}: ${(err as Error).message}`,
      });
      log.warn('could not withdraw a paid agency case yet (next sweep retries)', {
        invoiceId: agencyCase.invoiceId,
        error: err,
      });
    }
  }
}

/**
 * The half-years, from the oldest due date of the owed invoices that are late to today, whose late-payment rates the
 * table lacks, with how many owed invoices are late in each: a formal notice there would fail on the missing rate.
 */
async function ratesMissingForLateInvoices(invoices: Invoice[], today: string): Promise<SweepReport['missingRates']> {
  const late = invoices.filter((i) => i.dueDate < today);
  if (late.length === 0) return [];
  // biome-ignore lint/complexity/useMathMinMax: ISO date strings, which Math.min cannot compare
  const oldestDue = late.reduce((min, i) => (i.dueDate < min ? i.dueDate : min), late[0].dueDate);
  const missing = missingRates(await loadRateTable(), oldestDue, today);
  return missing
    .map((m) => ({ ...m, lateInvoices: late.filter((i) => i.dueDate < halfYearEnd(m.half)).length }))
    .filter((m) => m.lateInvoices > 0);
}

function missingRatesReason(m: SweepReport['missingRates'][number]): string {
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
