import { getInvoice, saveInvoice, VersionConflictError } from '../adapters/db/invoices';
import { financeAlertEmail } from '../adapters/finance-alerts';
import type { Logger } from '../adapters/logger';
import { decisionNeeded, exhaustedTask } from '../core/dunning/exhausted';
import type { Policy } from '../core/dunning/policy';
import type { SkippedStep } from '../core/dunning/schedule';
import type { Customer, Invoice } from '../core/model';
import { alertFinanceOnce, intentIdOf, sentMessage } from '../use-cases/dunning/send-once';

/**
 * Dunning ran out of steps, the invoice is still owed: finance gets the task (write off, injonction de payer, manual
 * follow-up) and the invoice records that it waits for a decision, with a 'dunning_exhausted' history event. A retry
 * that finds the invoice already marked sends nothing more; one that comes after the task went out but before the
 * mark was saved finds the task's send intent (one per invoice version read) and sends nothing again either.
 */
export async function askFinanceToDecide(input: {
  invoice: Invoice;
  customer: Customer;
  policy: Policy;
  skipped?: SkippedStep[];
  at: Date;
  log: Logger;
}): Promise<void> {
  const { invoice } = input;
  if (invoice.decisionNeeded) return;
  const at = input.at.toISOString();
  const decision = decisionNeeded(at);
  const intentId = intentIdOf('dunning-exhausted', invoice.invoiceId, String(invoice.version));
  const task = financeAlertEmail(exhaustedTask({ ...input, at }));
  const { messageId, sent } = sentMessage(await alertFinanceOnce(intentId, task, input.log, invoice.customerId));
  const detail = {
    openCents: invoice.openCents,
    options: decision.options,
    ...(sent ? { messageId } : { maybeSent: true, intentId }),
    ...(input.skipped?.length ? { skipped: input.skipped } : {}),
  };
  let current: Invoice | undefined = invoice;
  for (let attempt = 0; current && attempt < 3; attempt++) {
    const { version: _v, ...rest } = current;
    try {
      await saveInvoice(
        current,
        { ...rest, decisionNeeded: decision },
        { at, kind: 'dunning_exhausted', actor: 'system:dunning', detail },
      );
      return;
    } catch (err) {
      // Changed meanwhile (a payment, a note): mark the fresh version.
      if (!(err instanceof VersionConflictError)) throw err;
      current = await getInvoice(invoice.invoiceId);
    }
  }
}
