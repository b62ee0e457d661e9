import { now } from '../adapters/clock';
import { holidayCalendar } from '../adapters/config';
import { getCustomer } from '../adapters/db/customers';
import { recordEvent } from '../adapters/db/history';
import { getInvoice } from '../adapters/db/invoices';
import { planNextStep } from '../core/dunning/schedule';
import { DunningState } from '../core/dunning/state';
import { isOwed } from '../core/model';
import { lambda } from '../runtime';
import { resolvePolicy } from '../use-cases/dunning/policy';
import { askFinanceToDecide } from './exhausted';

/**
 * PlanNextStep: reads the invoice, its customer and the pinned policy, and decides what comes next: wait until a step's
 * send window, or end (paid, credited, written off, in collection, no more steps). Running out of steps while the
 * invoice is still owed hands finance a decision task (never a silent end).
 */
export const handler = lambda(
  {
    name: 'dunning-plan',
    settings: ['TABLE_NAME', 'SENDER_EMAIL', 'FINANCE_EMAILS', 'HOLIDAY_CALENDAR'],
    event: DunningState,
    correlationId: (s) => s.correlationId,
  },
  async (state, log): Promise<DunningState> => {
    const at = now();
    const base: DunningState = { ...state, outcome: undefined, dispatchKey: undefined };
    const invoice = await getInvoice(state.invoiceId);
    if (!invoice) return { ...base, plan: { action: 'end', reason: 'invoice_not_found' } };
    const customer = await getCustomer(invoice.customerId);
    if (!customer) {
      await recordEvent(invoice.invoiceId, at, 'dunning_ended', { reason: 'customer_not_found' });
      return { ...base, plan: { action: 'end', reason: 'customer_not_found' } };
    }

    const { policy, change } = await resolvePolicy(state, customer);
    if (change)
      await recordEvent(invoice.invoiceId, at, change.kind, { from: change.from, to: change.to, why: change.why });

    const result = planNextStep({
      invoice,
      customer,
      policy,
      doneStepIds: state.doneStepIds,
      now: at,
      calendar: holidayCalendar(),
      lastActionAt: state.lastActionAt,
    });
    const pinned = {
      ...base,
      policyId: policy.policyId,
      policyVersion: policy.version,
      gatherSeconds: policy.gatherSeconds,
    };
    if (result.action === 'end') {
      if (result.reason === 'no_more_steps' && isOwed(invoice))
        await askFinanceToDecide({ invoice, customer, policy, skipped: result.skipped, at, log });
      await recordEvent(invoice.invoiceId, at, 'dunning_ended', {
        reason: result.reason,
        policy: `${policy.policyId}@v${policy.version}`,
      });
      log.info('dunning ends', { invoiceId: invoice.invoiceId, reason: result.reason });
      return { ...pinned, plan: { action: 'end', reason: result.reason } };
    }
    // The same step planned again at another time (after a pause, or its window's message had gone): the history says
    // when it was planned before and why it moved, so a send later than first planned is never unexplained.
    const moved =
      result.step.stepId === state.plan?.stepId && state.plan.at !== undefined && state.plan.at !== result.at;
    if (result.step.stepId !== state.plan?.stepId || change || moved) {
      await recordEvent(invoice.invoiceId, at, 'dunning_step_planned', {
        stepId: result.step.stepId,
        channel: result.step.channel,
        level: result.step.level,
        at: result.at,
        ...(result.skipped?.length ? { skipped: result.skipped } : {}),
        ...(moved ? { previousAt: state.plan?.at, ...movedBecause(state) } : {}),
      });
    }
    return { ...pinned, plan: { action: 'wait', at: result.at, stepId: result.step.stepId } };
  },
);

/** Why a step's planned time moved, when the workflow knows: it was paused, or its window's message had gone out. */
function movedBecause(state: DunningState): { movedBecause?: 'paused' | 'rescheduled' } {
  if (state.outcome === 'paused') return { movedBecause: 'paused' };
  if (state.outcome === 'rescheduled') return { movedBecause: 'rescheduled' };
  return {};
}
