import type { savePolicy } from '../../../functions/adapters/db/policies';
import { Customer, Invoice } from '../../../functions/core/model';

/** Test data of the dunning runtime tests (handler and local-stack). */
export function customer(id: string, overrides: Partial<Customer> = {}): Customer {
  return Customer.parse({
    customerId: id,
    name: `Client ${id}`,
    isBusiness: true,
    segment: 'standard',
    language: 'fr',
    contacts: [{ name: 'Compta', email: `compta@${id.toLowerCase()}.example.fr`, role: 'billing' }],
    accountManagerEmail: 'am@encaisse.example.fr',
    postalAddress: ['1 rue du Test', '75001 Paris'],
    ...overrides,
  });
}

export function invoice(id: string, customerId: string, dueDate: string, overrides: Partial<Invoice> = {}): Invoice {
  return Invoice.parse({
    invoiceId: id,
    customerId,
    amountCents: 120_000,
    openCents: 120_000,
    currency: 'EUR',
    issueDate: '2026-09-01',
    dueDate,
    status: 'open',
    version: 0,
    ...overrides,
  });
}

/** An invoice's workflow marker as stored (INVOICE#<id> / WORKFLOW): generation 1, running, unless told otherwise. */
export function workflowMarker(invoiceId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    pk: `INVOICE#${invoiceId}`,
    sk: 'WORKFLOW',
    invoiceId,
    generation: 1,
    running: true,
    executionName: `inv-${invoiceId}`,
    executionArn: `arn:aws:states:eu-west-3:123456789012:execution:dunning:inv-${invoiceId}`,
    startedAt: '2026-01-07T06:00:00.000Z',
    ...overrides,
  };
}

export const contactOf = (customerId: string) => `compta@${customerId.toLowerCase()}.example.fr`;

/** A two-reminder policy (days 1 and 3 after the due date) for local-stack tests that need a short cycle. */
export const shortPolicyInput: Parameters<typeof savePolicy>[0] = {
  policyId: 'short',
  name: 'Deux relances',
  steps: [
    {
      stepId: 'reminder-1',
      offsetDays: 1,
      dayKind: 'calendar',
      channel: 'email',
      level: 'reminder_1',
      template: 'reminder.first',
    },
    {
      stepId: 'reminder-2',
      offsetDays: 3,
      dayKind: 'calendar',
      channel: 'email',
      level: 'reminder_2',
      template: 'reminder.second',
    },
  ],
  promiseGraceDays: 1,
};
