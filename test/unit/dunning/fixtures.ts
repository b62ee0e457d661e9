import { Policy, type PolicyInput } from '../../../functions/core/dunning';
import { Customer, Invoice } from '../../../functions/core/model';

export function customer(overrides: Partial<Customer> = {}): Customer {
  return Customer.parse({ customerId: 'C-ACME', name: 'ACME SARL', ...overrides });
}

export function invoice(overrides: Partial<Invoice> = {}): Invoice {
  return Invoice.parse({
    invoiceId: 'F-2026-0042',
    customerId: 'C-ACME',
    amountCents: 120_000,
    openCents: 120_000,
    issueDate: '2026-03-01',
    dueDate: '2026-04-30',
    status: 'open',
    version: 1,
    ...overrides,
  });
}

export function policy(steps: PolicyInput['steps'], overrides: Partial<PolicyInput> = {}): Policy {
  return Policy.parse({ policyId: 'test', version: 1, name: 'Test', steps, ...overrides });
}
