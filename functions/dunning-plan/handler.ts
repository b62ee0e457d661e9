import { requireSettings } from '../adapters/config';
import { getCustomer } from '../adapters/db/customers';
import { getInvoice } from '../adapters/db/invoices';
import { planNextStep } from '../core/dunning/schedule';
import { recordEvent } from '../dunning-shared/history';
import { resolvePolicy } from '../dunning-shared/policy';
import { lambda, now } from '../dunning-shared/runtime';
import { DunningState } from '../dunning-shared/state';

requireSettings(['TABLE_NAME']);

/**
 * PlanNextStep: reads the invoice, its customer and the pinned policy, and decides what comes next: wait until a step's
 * send window, or end (paid, credited, written off, in collection, no more steps).
 */
export const handler = lambda('dunning-plan', DunningState, async (state, log): Promise<DunningState> => {
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
    lastActionAt: state.lastActionAt,
  });
  const pinned = {
    ...base,
    policyId: policy.policyId,
    policyVersion: policy.version,
    gatherSeconds: policy.gatherSeconds,
  };
  if (result.action === 'end') {
    await recordEvent(invoice.invoiceId, at, 'dunning_ended', {
      reason: result.reason,
      policy: `${policy.policyId}@v${policy.version}`,
    });
    log.info('dunning ends', { invoiceId: invoice.invoiceId, reason: result.reason });
    return { ...pinned, plan: { action: 'end', reason: result.reason } };
  }
  if (result.step.stepId !== state.plan?.stepId || change) {
    await recordEvent(invoice.invoiceId, at, 'dunning_step_planned', {
      stepId: result.step.stepId,
      channel: result.step.channel,
      level: result.step.level,
      at: result.at,
      ...(result.skipped?.length ? { skipped: result.skipped } : {}),
    });
  }
  return { ...pinned, plan: { action: 'wait', at: result.at, stepId: result.step.stepId } };
});
