import { getPolicy, listPolicies } from '../../adapters/db/policies';
import { type Policy, policyForCustomer } from '../../core/dunning/policy';
import type { DunningState } from '../../core/dunning/state';
import type { Customer } from '../../core/model';

export interface ResolvedPolicy {
  policy: Policy;
  /** What changed relative to the state's pinned policy, for the invoice's history. */
  change?: { kind: 'dunning_policy_pinned' | 'dunning_policy_switched'; from?: string; to: string; why: string };
}

const label = (p: Pick<Policy, 'policyId' | 'version'>) => `${p.policyId}@v${p.version}`;

/**
 * The policy a workflow runs with. The first run pins the customer's policy (id and version). A running workflow keeps
 * the version it pinned, even when the policy is edited; it switches only when the customer is moved to another policy
 * (or its pinned version cannot be read), and says so. Only the send window is always the current version's: it says
 * when messages go out, not what they claim, and one customer's invoices on both versions must share one message a day.
 */
export async function resolvePolicy(state: DunningState, customer: Customer): Promise<ResolvedPolicy> {
  const current = policyForCustomer(customer, await listPolicies());
  if (!state.policyId || state.policyVersion === undefined) {
    return { policy: current, change: { kind: 'dunning_policy_pinned', to: label(current), why: 'first run' } };
  }
  const pinnedLabel = `${state.policyId}@v${state.policyVersion}`;
  if (current.policyId !== state.policyId) {
    return {
      policy: current,
      change: {
        kind: 'dunning_policy_switched',
        from: pinnedLabel,
        to: label(current),
        why: 'customer moved to another policy',
      },
    };
  }
  const pinned = await getPolicy(state.policyId, state.policyVersion);
  if (!pinned) {
    return {
      policy: current,
      change: {
        kind: 'dunning_policy_switched',
        from: pinnedLabel,
        to: label(current),
        why: 'pinned version not found',
      },
    };
  }
  return { policy: { ...pinned, sendWindow: current.sendWindow } };
}
