import type { MatchableTransaction, MatchCustomer, OpenInvoice } from '../../../functions/core/matching';

export const customers: MatchCustomer[] = [
  { customerId: 'C1', name: 'Boulangerie Dupont et Fils SARL', ibans: ['FR7630006000011234567890189'] },
  { customerId: 'C2', name: 'SAS Transports Garnier Atlantique', ibans: [] },
  { customerId: 'C3', name: 'Menuiserie Lefèvre EURL', ibans: ['FR7610107001011234567890129'] },
  { customerId: 'C4', name: 'Cabinet Rousseau & Associés SELARL', ibans: [] },
];

let n = 0;
export function invoice(id: string, customerId: string, euros: number, extra: Partial<OpenInvoice> = {}): OpenInvoice {
  const cents = Math.round(euros * 100);
  return {
    invoiceId: id,
    customerId,
    amountCents: cents,
    openCents: cents,
    currency: 'EUR',
    issueDate: '2024-01-10',
    dueDate: '2024-02-09',
    ...extra,
  };
}

export function credit(euros: number, fields: Partial<MatchableTransaction> = {}): MatchableTransaction {
  n++;
  return {
    transactionId: `T${n}`,
    bookingDate: '2024-03-01',
    amountCents: Math.round(euros * 100),
    currency: 'EUR',
    label: 'VIR SEPA RECU',
    remittance: { unstructured: [], structured: [] },
    reversal: false,
    bankCodes: [],
    ...fields,
  };
}

export const book: OpenInvoice[] = [
  invoice('F2024-00123', 'C1', 1250.0, { dueDate: '2024-01-31' }),
  invoice('F2024-00124', 'C1', 480.5, { dueDate: '2024-02-15' }),
  invoice('F2024-00125', 'C1', 99.9, { dueDate: '2024-02-28' }),
  invoice('FA-2024/311', 'C2', 3648.1),
  invoice('FA-2024/312', 'C2', 712.0),
  invoice('2024517', 'C3', 2200.0),
  invoice('2024518', 'C3', 2200.0, { dueDate: '2024-03-01' }),
  invoice('F2024-00200', 'C4', 5400.0),
];

export const allocations = (r: { best?: { allocations: { invoiceId: string; amountCents: number }[] } }) =>
  (r.best?.allocations ?? []).map((a) => `${a.invoiceId}=${a.amountCents}`);
