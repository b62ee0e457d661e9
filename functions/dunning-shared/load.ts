import { getCustomer } from '../adapters/db/customers';
import { getInvoice } from '../adapters/db/invoices';
import { getPolicy } from '../adapters/db/policies';
import type { Policy, PolicyStep } from '../core/dunning/policy';
import type { Customer, Invoice } from '../core/model';
import { resolvePolicy } from './policy';
import type { DunningState } from './state';

export interface StepContext {
  invoice: Invoice;
  customer: Customer;
  policy: Policy;
  step: PolicyStep | undefined;
}

/** The invoice, its customer, the pinned policy and the planned step of a workflow state. */
export async function loadStepContext(state: DunningState): Promise<StepContext | undefined> {
  const invoice = await getInvoice(state.invoiceId);
  if (!invoice) return undefined;
  const customer = await getCustomer(invoice.customerId);
  if (!customer) return undefined;
  const pinned =
    state.policyId && state.policyVersion !== undefined
      ? await getPolicy(state.policyId, state.policyVersion)
      : undefined;
  const policy = pinned ?? (await resolvePolicy(state, customer)).policy;
  const step = policy.steps.find((s) => s.stepId === state.plan?.stepId);
  return { invoice, customer, policy, step };
}

export function withDone(state: DunningState, stepId: string): string[] {
  return state.doneStepIds.includes(stepId) ? state.doneStepIds : [...state.doneStepIds, stepId];
}

/** The note a pause for approval carries, so a retried step recognises its own pause. */
export const approvalNote = (stepId: string) => `approval:${stepId}`;
