import type { IsoTimestamp } from '../dates';
import type { FinanceAlertInput } from '../messages/finance';
import { money } from '../messages/format';
import { levelLabels } from '../messages/reminder';
import { type Customer, type DecisionNeeded, ExhaustedOption, type Invoice } from '../model';
import type { Policy } from './policy';
import type { SkippedStep } from './schedule';

/**
 * Dunning that runs out of steps while the invoice is still owed (the agency's minimum amount not met, a policy
 * without escalation) never ends silently: finance gets a task naming the ways out, and the invoice says it waits
 * for a decision.
 */
export function decisionNeeded(at: IsoTimestamp): DecisionNeeded {
  return { since: at, reason: 'no_more_steps', options: [...ExhaustedOption.options] };
}

const optionText: Record<ExhaustedOption, string> = {
  write_off: 'passer la créance en perte (abandon) si le montant ne justifie pas de frais',
  injonction_de_payer:
    'déposer une requête en injonction de payer auprès du tribunal de commerce (ou du tribunal judiciaire pour un ' +
    'particulier), la mise en demeure restée sans effet',
  manual_follow_up: 'poursuivre le recouvrement à la main (appel, échéancier, nouvelle relance)',
};

const skippedText: Record<SkippedStep['reason'], string> = {
  condition: 'montant ou catégorie de client hors des conditions de l’étape',
  superseded: 'étape dépassée par une étape plus récente',
  before_due_passed: 'étape prévue avant l’échéance',
};

/**
 * The finance task (in French, finance's language in this deployment) for an invoice whose dunning ran out of steps.
 */
export function exhaustedTask(input: {
  invoice: Invoice;
  customer: Pick<Customer, 'name'>;
  policy: Pick<Policy, 'name' | 'steps'>;
  skipped?: SkippedStep[];
  at: IsoTimestamp;
}): FinanceAlertInput {
  const { invoice, customer, policy } = input;
  const stepName = (id: string) => {
    const step = policy.steps.find((s) => s.stepId === id);
    return step ? levelLabels.fr[step.level] : id;
  };
  return {
    language: 'fr',
    kind: 'dunning_exhausted',
    title:
      `${customer.name} – facture ${invoice.invoiceId} : ${money(invoice.openCents, invoice.currency, 'fr')} ` +
      `toujours dus`,
    occurredAt: input.at,
    details: [
      { label: 'Facture', value: invoice.invoiceId },
      { label: 'Reste dû', value: money(invoice.openCents, invoice.currency, 'fr') },
      { label: 'Scénario', value: policy.name },
    ],
    items: [
      ...(input.skipped ?? []).map((s) => `Étape non faite : ${stepName(s.stepId)} (${skippedText[s.reason]})`),
      ...ExhaustedOption.options.map((o) => `Option : ${optionText[o]}`),
    ],
    action: 'choisir une issue pour cette facture : plus aucune relance automatique ne partira.',
  };
}
