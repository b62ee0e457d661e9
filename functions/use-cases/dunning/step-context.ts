import { getCustomer } from '../../adapters/db/customers';
import { getInvoice } from '../../adapters/db/invoices';
import { getPolicy } from '../../adapters/db/policies';
import { listBouncedContacts } from '../../adapters/db/sends';
import type { Policy, PolicyStep } from '../../core/dunning/policy';
import { reminderRecipients } from '../../core/dunning/recipients';
import type { DunningState } from '../../core/dunning/state';
import type { Customer, Invoice } from '../../core/model';
import { resolvePolicy } from './policy';

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
  const policy = await policyOf(state, customer);
  const step = policy.steps.find((s) => s.stepId === state.plan?.stepId);
  return { invoice, customer, policy, step };
}

/** The policy the workflow pinned, else the customer's (resolvePolicy). */
export async function policyOf(state: DunningState, customer: Customer): Promise<Policy> {
  const pinned =
    state.policyId && state.policyVersion !== undefined
      ? await getPolicy(state.policyId, state.policyVersion)
      : undefined;
  return pinned ?? (await resolvePolicy(state, customer)).policy;
}

/** Who receives the customer's reminders now (core/dunning/recipients), its bounced addresses read from the table. */
export async function recipientsOf(customer: Customer, options: { legal?: boolean } = {}): Promise<string[]> {
  const bounced = await listBouncedContacts(customer.customerId);
  return reminderRecipients(
    customer,
    bounced.map((b) => b.email),
    options,
  );
}
