import { financeEmails, holidayCalendar } from '../adapters/config';
import { getCustomer } from '../adapters/db/customers';
import { getInvoice, listOwedInvoices } from '../adapters/db/invoices';
import { getPause } from '../adapters/db/pauses';
import { listPolicies } from '../adapters/db/policies';
import { loadRateTable } from '../adapters/db/rates';
import { type AgencyCase, listBouncedContacts, listMessagesOn, listOpenAgencyCases } from '../adapters/db/sends';
import { currentDunning } from '../adapters/db/workflow-markers';
import type { Logger } from '../adapters/logger';
import { resumeDunning, startDunning } from '../adapters/workflows';
import { mapLimited } from '../core/concurrency';
import { RESTARTABLE_END } from '../core/dunning/executions';
import { type MissingRates, messageDays, planSweep, type SweepAction, type SweepInput } from '../core/dunning/sweep';
import { renderFinanceDigest } from '../core/messages/finance';
import { type Customer, type Invoice, isOwed } from '../core/model';
import { sendPendingIngestAlerts } from '../ingest/alerts';
import { alertFinanceOnce, intentIdOf } from '../use-cases/dunning/send-once';
import { withdrawCase } from '../use-cases/dunning/withdrawal';
import { settleStopChecks } from './stop-checks';

/** How many invoices the sweep reads or acts on at once (DynamoDB and Step Functions calls in flight). */
export const SWEEP_CONCURRENCY = 8;

export interface SweepReport {
  day: string;
  started: string[];
  alreadyRunning: number;
  resumed: string[];
  /** Half-years in which an owed invoice is late but the rate table lacks a figure (penalties cannot be computed). */
  missingRates: MissingRates[];
  /**
   * Absent on a day with nothing to report and on weekends and public holidays (no digest is sent), and when the
   * day's digest is "maybe sent" (finance has the task). A retry that finds the day's digest sent gives its id again.
   */
  digestMessageId?: string;
  failures: { invoiceId: string; error: string }[];
  /** Failed (or timed-out) workflows brought back as a new generation. */
  restarted: string[];
  /** Agency cases withdrawn because their invoice got paid after the handoff. */
  withdrawn: string[];
  /** Workflows of invoices paid through a match whose request failed before stopping them (its stop checks). */
  stopped: string[];
}

/**
 * The daily sweep: reads what it needs, lets planSweep decide (starts, resumes, withdrawals, the digest), runs the
 * actions a few at a time, and e-mails finance the digest when there is something to say.
 */
export async function runSweep(at: Date, log: Logger): Promise<SweepReport> {
  const { input, agencyCases } = await readSweepInput(at);
  const plan = planSweep(input);
  const report: SweepReport = {
    day: plan.today,
    started: [],
    alreadyRunning: 0,
    resumed: [],
    missingRates: plan.missingRates,
    failures: [...plan.failures],
    restarted: [],
    withdrawn: [],
    stopped: [],
  };
  const checks = await settleStopChecks(SWEEP_CONCURRENCY, log);
  report.stopped.push(...checks.stopped);
  report.failures.push(...checks.failures);
  await mapLimited(plan.actions, SWEEP_CONCURRENCY, async (action) => {
    try {
      await runAction(action, at, report, log, agencyCases);
    } catch (err) {
      const error =
        `${action.kind === 'withdraw' ? 'withdrawal: ' : ''}${(err as Error).name}: ` + `${(err as Error).message}`;
      report.failures.push({ invoiceId: action.invoiceId, error });
      if (action.kind !== 'withdraw') plan.digest.failures!.push({ invoiceId: action.invoiceId, reason: error });
      log.error('sweep action failed (the next sweep retries)', {
        invoiceId: action.invoiceId,
        action: action.kind,
        error: err,
      });
    }
  });

  await sendPendingIngestAlerts({ log, reportStuck: true }); // statement alerts SES refused earlier; never throws
  if (plan.sendDigest) {
    // At most once per Paris day, through a send intent: a retried sweep (the run failed or timed out after the
    // digest, or the invocation came again) finds it sent and sends nothing; SES refused it → sent again; a doubt
    // waits for SES's events (SendUnconfirmed fails the run, which Lambda retries), then a "maybe sent" task.
    const digest = { to: financeEmails(), ...renderFinanceDigest(plan.digest), tags: { kind: 'digest' } };
    const sent = await alertFinanceOnce(digestIntentId(plan.today), digest, log);
    if (sent.outcome === 'sent') report.digestMessageId = sent.intent.messageId;
  }
  log.info('sweep done', {
    day: plan.today,
    started: report.started.length,
    resumed: report.resumed.length,
    failures: report.failures.length,
    digest: Boolean(report.digestMessageId),
  });
  return report;
}

/** The send intent of the finance digest of a Paris day. */
export const digestIntentId = (day: string): string => intentIdOf('sweep-digest', day);

type OpenCases = Map<string, { agencyCase: AgencyCase; invoice?: Invoice }>;

async function readSweepInput(at: Date): Promise<{ input: SweepInput; agencyCases: OpenCases }> {
  const calendar = holidayCalendar();
  const [policies, owed, cases, messages] = await Promise.all([
    listPolicies(),
    listOwedInvoices(),
    listOpenAgencyCases(),
    Promise.all(messageDays(at, calendar).map(listMessagesOn)),
  ]);
  const customers = new Map<string, Promise<Customer | undefined>>();
  const customerOf = (id: string) => customers.get(id) ?? customers.set(id, getCustomer(id)).get(id)!;
  const invoices = await mapLimited(owed, SWEEP_CONCURRENCY, async (invoice) => {
    const [customer, workflow, pause] = await Promise.all([
      customerOf(invoice.customerId),
      currentDunning(invoice.invoiceId),
      invoice.pause ? undefined : getPause(invoice.invoiceId),
    ]);
    return { invoice, customer, workflow, storedPause: Boolean(pause) };
  });
  const withInvoices = await mapLimited(cases, SWEEP_CONCURRENCY, async (agencyCase) => ({
    agencyCase,
    invoice: await getInvoice(agencyCase.invoiceId),
  }));
  const known = [...new Set(invoices.filter((i) => i.customer).map((i) => i.invoice.customerId))];
  const bouncedContacts = (await mapLimited(known, SWEEP_CONCURRENCY, listBouncedContacts)).flat();
  const rates = await loadRateTable().then(
    (table) => ({ table }),
    (err: Error) => ({ error: `${err.name}: ${err.message}` }),
  );
  const agencyCases = withInvoices.map((c) => ({ invoiceId: c.agencyCase.invoiceId, invoice: c.invoice }));
  const input = {
    now: at,
    calendar,
    policies,
    invoices,
    restartableEnds: RESTARTABLE_END,
    agencyCases,
    bouncedContacts,
    messages: messages.flat(),
    rates,
  };
  return { input, agencyCases: new Map(withInvoices.map((c) => [c.agencyCase.invoiceId, c])) };
}

async function runAction(
  action: SweepAction,
  at: Date,
  report: SweepReport,
  log: Logger,
  cases: OpenCases,
): Promise<void> {
  switch (action.kind) {
    case 'start': {
      // The status index the sweep lists from is eventually consistent: the invoice is read again (consistent read)
      // right before starting, so a payment recorded a moment ago never gets a second, empty run.
      const fresh = await getInvoice(action.invoiceId);
      if (!fresh || !isOwed(fresh)) return;
      // A restart's history line is written with its claim, before the start (adapters/workflows.ts).
      const restart = action.restartAfter
        ? { by: 'sweep' as const, actor: 'system:dunning', after: action.restartAfter }
        : undefined;
      const res = await startDunning(action.invoiceId, at, restart);
      if (!res.started) report.alreadyRunning += 1;
      else if (action.restartAfter) report.restarted.push(action.invoiceId);
      else report.started.push(action.invoiceId);
      return;
    }
    case 'resume': {
      const res = await resumeDunning(action.invoiceId, {}, action.approve === false ? { approve: false } : {});
      if (res.resumed) report.resumed.push(action.invoiceId);
      return;
    }
    case 'withdraw': {
      const open = cases.get(action.invoiceId);
      if (!open?.invoice) return;
      await withdrawCase(open.agencyCase, open.invoice, log);
      report.withdrawn.push(action.invoiceId);
    }
  }
}
