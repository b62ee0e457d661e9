import { describe, expect, it } from 'vitest';
import { CustomerIndex, matchTransactions, payerNameTies } from '../../../functions/core/matching';

const customers = [
  { customerId: 'C1', name: 'Boulangerie Martin SARL', ibans: [], aliasNames: ['Holding Martin Participations'] },
  { customerId: 'C2', name: 'Garage Dupuis', ibans: [] },
];

describe('alias names finance taught the matcher', () => {
  it('identify their customer like its own name, and say it was an alias', () => {
    const [guess] = new CustomerIndex(customers).identify(undefined, 'HOLDING MARTIN PARTICIPATIONS', []);
    expect(guess.customer).toBe(0);
    expect(guess.score).toBe(1);
    expect(guess.reason).toContain('known alias of Boulangerie Martin SARL');
  });

  it('leave a customer without aliases recognised as before', () => {
    const [guess] = new CustomerIndex(customers).identify(undefined, 'GARAGE DUPUIS', []);
    expect(guess.customer).toBe(1);
    expect(guess.reason).not.toContain('alias');
  });

  it('tie a payer name to the customer only when the name or an alias says so', () => {
    expect(payerNameTies(customers[0], 'BOULANGERIE MARTIN')).toBe(true);
    expect(payerNameTies(customers[0], 'HOLDING MARTIN PARTICIPATIONS')).toBe(true);
    expect(payerNameTies(customers[0], 'FACTOR FINANCE SA')).toBe(false);
  });

  it('let the next payment under the alias name be lettered automatically when the amount agrees', () => {
    const input = (aliasNames: string[]) => ({
      invoices: [{ invoiceId: 'F-1', customerId: 'C1', amountCents: 123_456, openCents: 123_456, currency: 'EUR', issueDate: '2026-10-01', dueDate: '2026-10-31' }],
      customers: [{ ...customers[0], aliasNames }, customers[1]],
      transactions: [{ transactionId: 't1', bookingDate: '2026-11-02', amountCents: 123_456, currency: 'EUR', label: 'VIR SEPA', counterpartyName: 'FACTOR FINANCE SA' }],
    });
    expect(matchTransactions(input([]))[0].status).not.toBe('matched');
    const [taught] = matchTransactions(input(['Factor Finance SA']));
    expect(taught.status).toBe('matched');
    expect(taught.best?.allocations).toEqual([{ invoiceId: 'F-1', amountCents: 123_456 }]);
  });
});
