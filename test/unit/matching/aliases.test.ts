import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  aliasesToLearn,
  aliasIdOf,
  aliasValue,
  CustomerIndex,
  matchTransactions,
  parseAliasId,
  payerNameTies,
  withAliases,
} from '../../../functions/core/matching';

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
      invoices: [
        {
          invoiceId: 'F-1',
          customerId: 'C1',
          amountCents: 123_456,
          openCents: 123_456,
          currency: 'EUR',
          issueDate: '2026-10-01',
          dueDate: '2026-10-31',
        },
      ],
      customers: [{ ...customers[0], aliasNames }, customers[1]],
      transactions: [
        {
          transactionId: 't1',
          bookingDate: '2026-11-02',
          amountCents: 123_456,
          currency: 'EUR',
          label: 'VIR SEPA',
          counterpartyName: 'FACTOR FINANCE SA',
        },
      ],
    });
    expect(matchTransactions(input([]))[0].status).not.toBe('matched');
    const [taught] = matchTransactions(input(['Factor Finance SA']));
    expect(taught.status).toBe('matched');
    expect(taught.best?.allocations).toEqual([{ invoiceId: 'F-1', amountCents: 123_456 }]);
  });
});

describe('what a correction teaches', () => {
  const martin = { customerId: 'C1', name: 'Boulangerie Martin', ibans: ['FR76 3000 6000 0112 3456 7890 189'] };
  const factorIban = 'FR7611808009101234567890147';

  it('nothing when the payer IBAN is already the customer’s, whatever the name', () => {
    expect(
      aliasesToLearn(martin, [], { counterpartyIban: 'FR7630006000011234567890189', counterpartyName: 'SOMEONE ELSE' }),
    ).toEqual([]);
  });

  it('an unknown IBAN and a name that does not tie, but not a name that does', () => {
    expect(
      aliasesToLearn(martin, [], { counterpartyIban: factorIban, counterpartyName: 'Factor Finance' }).map(
        (a) => `${a.kind}:${a.value}`,
      ),
    ).toEqual([`iban:${factorIban}`, 'name:FACTOR FINANCE']);
    expect(
      aliasesToLearn(martin, [], { counterpartyIban: factorIban, counterpartyName: 'BOULANGERIE MARTIN' }).map(
        (a) => a.kind,
      ),
    ).toEqual(['iban']);
  });

  it('never an identity finance removed', () => {
    const removed = [
      { kind: 'iban' as const, value: factorIban, removed: true },
      { kind: 'name' as const, value: 'FACTOR FINANCE', removed: true },
    ];
    expect(
      aliasesToLearn(martin, removed, { counterpartyIban: factorIban, counterpartyName: 'factor finance' }),
    ).toEqual([]);
  });

  it('gives the matcher live alias IBANs and names with the customer', () => {
    const [c] = withAliases(
      [martin],
      [
        { customerId: 'C1', kind: 'iban', display: factorIban },
        { customerId: 'C1', kind: 'name', display: 'Factor Finance' },
      ],
    );
    expect(c).toEqual({ ...martin, ibans: [...martin.ibans, factorIban], aliasNames: ['Factor Finance'] });
  });

  it('names an alias by an id that reads back as its kind and value, for any name', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('iban' as const, 'name' as const),
        fc.string({ minLength: 1, maxLength: 60 }),
        (kind, raw) => {
          const value = aliasValue(kind, raw);
          fc.pre(value.length > 0);
          const id = aliasIdOf(kind, value);
          expect(id).toMatch(/^[a-z]+-[A-Z0-9-]+$/);
          expect(parseAliasId(id)).toEqual({ kind, value });
        },
      ),
    );
  });
});
