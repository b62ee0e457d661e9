import { describe, expect, it } from 'vitest';
import { pagePenalties, renderCustomerPage } from '../../../functions/core/customer-page';
import { builtInPolicies } from '../../../functions/core/dunning/policy';
import { defaultRateTable } from '../../../functions/core/dunning/rates';
import { Customer, Invoice } from '../../../functions/core/model';

const standard = builtInPolicies.find((p) => p.policyId === 'standard')!;
const acme = Customer.parse({ customerId: 'ACME', name: 'ACME SARL', isBusiness: true, version: 0 });
const invoice = Invoice.parse({
  invoiceId: 'F-1',
  customerId: 'ACME',
  amountCents: 1_000_000,
  openCents: 400_000,
  issueDate: '2025-12-15',
  dueDate: '2026-01-15',
  status: 'partially_paid',
  dunningLevel: 'formal_notice',
  version: 3,
});

describe('the penalties the customer’s page shows, as the letters claim them', () => {
  it('runs on each amount for the days it was owed, as the formal notice does', () => {
    const paid = [{ on: '2026-03-01', cents: 600_000 }];
    // 6 000 € for 44 days and 4 000 € for 90 days at 12.15 %: 207,72 € (the letters' figure)
    expect(pagePenalties(invoice, acme, standard, '2026-04-15', defaultRateTable, paid)).toEqual({
      interestCents: 20_772,
      indemnityCents: 4_000,
    });
  });

  it('keeps the indemnity and says the interest comes on top while a half-year’s rate is not published', () => {
    const shown = pagePenalties(invoice, acme, standard, '2026-12-07', defaultRateTable, []);
    expect(shown).toEqual({ indemnityCents: 4_000, interestPending: true });
    const html = renderCustomerPage({
      language: 'fr',
      today: '2026-12-07',
      customerName: 'ACME SARL',
      creditor: { name: 'Atelier Dupont', iban: 'FR7630006000011234567890189' },
      invoices: [
        {
          number: 'F-1',
          issueDate: '2025-12-15',
          dueDate: '2026-01-15',
          openCents: 400_000,
          currency: 'EUR',
          level: 'formal_notice',
          penaltiesCents: shown.interestCents,
          indemnityCents: shown.indemnityCents,
          interestPending: shown.interestPending,
        },
      ],
      formToken: 't',
      actions: { paid: './paid', dispute: './dispute', promise: './promise' },
      pageUrl: '/c/tok',
      latestPromiseDate: '2027-01-06',
    });
    expect(html).toContain('40,00\u00a0€');
    expect(html).toContain('en cours de calcul');
    expect(html).toContain('4\u202f040,00\u00a0€');
    expect(html).toContain(
      'Les pénalités de retard s’y ajoutent : leur montant sera calculé dès la publication du taux du semestre.',
    );
  });
});
