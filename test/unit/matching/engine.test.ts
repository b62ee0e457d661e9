import { describe, expect, it } from 'vitest';
import { createMatcher, type MatchableTransaction, matchTransactions } from '../../../functions/core/matching';
import { MatchResult } from '../../../functions/core/model/matching';
import { allocations, book, credit, customers, invoice } from './fixtures';

const matchOne = (t: MatchableTransaction, invoices = book, options = {}) => {
  const [r] = matchTransactions({ invoices, customers, transactions: [t], options });
  MatchResult.parse(r);
  return r;
};

describe('a payment that quotes its invoice number', () => {
  it('is lettered automatically when the number and the amount agree', () => {
    const r = matchOne(
      credit(1250, {
        counterpartyName: 'BOULANGERIE DUPONT ET FILS',
        remittance: { unstructured: ['FACTURE F2024-00123'], structured: [] },
      }),
    );
    expect(r.status).toBe('matched');
    expect(allocations(r)).toEqual(['F2024-00123=125000']);
    expect(r.confidence).toBeGreaterThanOrEqual(0.9);
    expect(r.reasons.join(' ')).toMatch(/reference/);
  });

  it.each([
    ['lower case', 'f2024-00123'],
    ['spaces instead of dashes', 'F 2024 00123'],
    ['separators dropped', 'F202400123'],
    ['slashes', 'F2024/00123'],
    ['prefix dropped', '2024-00123'],
    ['FACT N° before it', 'FACT N° F2024-00123'],
    ['FACTURE N° glued', 'FACTURE N°F2024 00123'],
    ['glued to FACT.', 'FACT.F202400123'],
  ])('is recognised when the number is reformatted (%s)', (_case, text) => {
    const r = matchOne(credit(1250, { remittance: { unstructured: [`REGLT ${text}`], structured: [] } }));
    expect(r.status).toBe('matched');
    expect(allocations(r)).toEqual(['F2024-00123=125000']);
  });

  it('is recognised when the number sits in the payer name field', () => {
    const r = matchOne(credit(3648.1, { counterpartyName: 'TRANSPORTS GARNIER FA 2024 311' }));
    expect(allocations(r)).toEqual(['FA-2024/311=364810']);
  });

  it('is recognised from a structured creditor reference', () => {
    const r = matchOne(credit(712, { remittance: { unstructured: [], structured: ['FA-2024/312'] } }));
    expect(allocations(r)).toEqual(['FA-2024/312=71200']);
  });

  it('survives a one-character typo in the number when the amount and the payer agree', () => {
    const r = matchOne(
      credit(480.5, {
        counterpartyName: 'BOULANGERIE DUPONT ET FILS SARL',
        remittance: { unstructured: ['FACTURE F2024-00142'], structured: [] },
      }),
    );
    expect(r.status).toBe('matched');
    expect(allocations(r)).toEqual(['F2024-00124=48050']);
    expect(r.reasons.join(' ')).toMatch(/one character away/);
  });

  it('with a typo but neither the amount nor the payer to confirm it, is not lettered', () => {
    const r = matchOne(credit(300, { remittance: { unstructured: ['FACTURE F2024-00142'], structured: [] } }));
    expect(r.status).not.toBe('matched');
  });
});

describe('a payment without any reference', () => {
  it('is lettered from the payer IBAN and an amount only one open invoice of that customer has', () => {
    const r = matchOne(
      credit(480.5, {
        counterpartyIban: 'FR76 3000 6000 0112 3456 7890 189',
        remittance: { unstructured: ['REGLEMENT'], structured: [] },
      }),
    );
    expect(r.status).toBe('matched');
    expect(allocations(r)).toEqual(['F2024-00124=48050']);
    expect(r.reasons.join(' ')).toMatch(/IBAN/);
  });

  it.each([
    ['upper case with legal form', 'TRANSPORTS GARNIER ATLANTIQUE SAS'],
    ['legal form moved', 'SAS TRANSPORTS GARNIER ATLANTIQUE'],
    ['legal form dropped', 'TRANSPORTS GARNIER ATLANTIQUE'],
    ['words in another order', 'GARNIER TRANSPORTS ATLANTIQUE'],
    ['cut by the bank at 22 characters', 'TRANSPORTS GARNIER ATL'],
  ])('recognises the customer from a fuzzy payer name (%s)', (_case, payer) => {
    const r = matchOne(credit(712, { counterpartyName: payer }));
    expect(r.status).toBe('matched');
    expect(allocations(r)).toEqual(['FA-2024/312=71200']);
  });

  it('naming an invoice number that is not open is not lettered to another invoice of the same amount', () => {
    const r = matchOne(
      credit(480.5, {
        counterpartyIban: 'FR7630006000011234567890189',
        remittance: { unstructured: ['FACTURE F2024-00999'], structured: [] },
      }),
    );
    expect(r.status).not.toBe('matched');
    expect(r.reasons.join(' ')).toMatch(/F2024-?00999|not an open invoice/);
  });

  it('from an unknown payer is at most a suggestion, even when one invoice has exactly that amount', () => {
    const r = matchOne(credit(5400, { counterpartyName: 'SOCIETE INCONNUE' }));
    expect(r.status).not.toBe('matched');
  });

  it('matching two open invoices of the same amount is a suggestion, never a guess', () => {
    const r = matchOne(credit(2200, { counterpartyIban: 'FR7610107001011234567890129' }));
    expect(r.status).toBe('suggested');
    expect(r.best).toBeUndefined();
    expect(r.suggestions.map((s) => s.allocations[0].invoiceId)).toEqual(['2024517', '2024518']);
    expect(r.reasons[0]).toMatch(/ambiguous/);
  });
});

describe('one transfer for several invoices', () => {
  it('naming them all pays each of them', () => {
    const r = matchOne(
      credit(1730.5, { remittance: { unstructured: ['FACTURES F2024-00123 + F2024-00124'], structured: [] } }),
    );
    expect(r.status).toBe('matched');
    expect(allocations(r).sort()).toEqual(['F2024-00123=125000', 'F2024-00124=48050']);
  });

  it('naming none pays the oldest open invoices of the customer when they add up exactly', () => {
    const r = matchOne(
      credit(1730.5, {
        counterpartyName: 'BOULANGERIE DUPONT ET FILS SARL',
        remittance: { unstructured: ['VIREMENT'], structured: [] },
      }),
    );
    expect(r.status).toBe('matched');
    expect(allocations(r).sort()).toEqual(['F2024-00123=125000', 'F2024-00124=48050']);
  });

  it('naming none finds other combinations too (subset sum), as a suggestion when not the oldest ones', () => {
    const r = matchOne(credit(1349.9, { counterpartyName: 'BOULANGERIE DUPONT ET FILS SARL' }));
    expect(r.status).not.toBe('unmatched');
    const first = r.best ?? r.suggestions[0];
    expect(first.allocations.map((a) => a.invoiceId).sort()).toEqual(['F2024-00123', 'F2024-00125']);
  });
});

describe('amounts that are not what is owed', () => {
  it('a deposit quoting the invoice is a partial payment: the rest stays owed', () => {
    const matcher = createMatcher(book, customers);
    const r = matcher.match(
      credit(1000, {
        counterpartyName: 'TRANSPORTS GARNIER ATLANTIQUE',
        remittance: { unstructured: ['ACOMPTE FA-2024/311'], structured: [] },
      }),
    );
    expect(r.status).toBe('matched');
    expect(allocations(r)).toEqual(['FA-2024/311=100000']);
    expect(matcher.openCentsOf('FA-2024/311')).toBe(264810);
  });

  it('short by bank fees within the tolerance settles the invoice and proposes the difference as a write-off', () => {
    const r = matchOne(credit(3640.6, { remittance: { unstructured: ['FA-2024/311'], structured: [] } }));
    expect(r.status).toBe('matched');
    expect(allocations(r)).toEqual(['FA-2024/311=364060']);
    expect(r.best!.writeOffCents).toBe(750);
  });

  it('short by more than the tolerance is no write-off', () => {
    const r = matchOne(credit(3640.6, { remittance: { unstructured: ['FA-2024/311'], structured: [] } }), book, {
      feeToleranceCents: 500,
    });
    expect(r.best?.writeOffCents ?? 0).toBe(0);
  });

  it('an overpayment allocates what the invoice owes and keeps the rest as customer credit', () => {
    const r = matchOne(
      credit(5450, {
        counterpartyName: 'CABINET ROUSSEAU ET ASSOCIES',
        remittance: { unstructured: ['FACTURE F2024-00200'], structured: [] },
      }),
    );
    expect(r.status).toBe('matched');
    expect(allocations(r)).toEqual(['F2024-00200=540000']);
    expect(r.best!.customerCreditCents).toBe(5000);
  });
});

describe('credits that are not customer receipts', () => {
  it.each([
    [
      'a tax refund',
      {
        label: 'VIR SEPA RECU /DE DGFIP',
        counterpartyName: 'DRFIP ILE DE FRANCE',
        remittance: { unstructured: ['REMBOURSEMENT CREDIT TVA'], structured: [] },
      },
    ],
    ['bank interest', { label: 'INTERETS CREDITEURS' }],
    [
      'an insurance indemnity',
      { label: 'VIR AXA FRANCE IARD', remittance: { unstructured: ['INDEMNISATION SINISTRE 123456'], structured: [] } },
    ],
    ['an own-account transfer', { label: 'VIREMENT INTERNE', counterpartyIban: 'FR7699999000011234567890111' }],
  ])('%s is not lettered, even with an amount some invoice has', (_case, fields) => {
    const r = matchOne(credit(5400, fields), book, { ownIbans: ['FR7699999000011234567890111'] });
    expect(r.status).toBe('ignored');
    expect(r.best).toBeUndefined();
  });

  it("a reference to another customer's invoice with a different amount is not lettered", () => {
    const r = matchOne(
      credit(999.99, {
        counterpartyIban: 'FR7610107001011234567890129',
        counterpartyName: 'MENUISERIE LEFEVRE',
        remittance: { unstructured: ['FACTURE F2024-00200'], structured: [] },
      }),
    );
    expect(r.status).not.toBe('matched');
    expect(r.suggestions.flatMap((s) => s.allocations.map((a) => a.invoiceId))).not.toContain('F2024-00200');
  });

  it('a debit is ignored', () => {
    const r = matchOne(
      credit(-1250, { label: 'PRLV SEPA EDF', remittance: { unstructured: ['F2024-00123'], structured: [] } }),
    );
    expect(r.status).toBe('ignored');
  });
});

describe('returned and rejected payments', () => {
  it('reopen what the payment they undo had paid, and flag it', () => {
    const paid = credit(1250, {
      counterpartyIban: 'FR7630006000011234567890189',
      remittance: { unstructured: ['F2024-00123'], structured: [] },
    });
    const back = credit(-1250, {
      bookingDate: '2024-03-05',
      label: 'IMPAYE VIR SEPA',
      counterpartyIban: 'FR7630006000011234567890189',
      remittance: { unstructured: ['MOTIF AC04 F2024-00123'], structured: [] },
    });
    const again = credit(1250, {
      bookingDate: '2024-03-12',
      counterpartyIban: 'FR7630006000011234567890189',
      remittance: { unstructured: ['F2024-00123'], structured: [] },
    });
    const [r1, r2, r3] = matchTransactions({ invoices: book, customers, transactions: [paid, back, again] });
    expect(r1.status).toBe('matched');
    expect(r2.returned).toBe(true);
    expect(r2.reversalOf).toBe(paid.transactionId);
    expect(r2.reopens).toEqual([{ invoiceId: 'F2024-00123', amountCents: 125000 }]);
    expect(r3.status).toBe('matched');
  });

  it('flagged by the bank (reversal) without the original in the run still names what to reopen', () => {
    const back = credit(-480.5, {
      label: 'REJET VIR',
      reversal: true,
      remittance: { unstructured: ['F2024-00124'], structured: [] },
    });
    const [r] = matchTransactions({
      invoices: [invoice('F2024-00124', 'C1', 480.5, { openCents: 0 })],
      customers,
      transactions: [back],
    });
    expect(r.returned).toBe(true);
    expect(r.reopens).toEqual([{ invoiceId: 'F2024-00124', amountCents: 48050 }]);
  });
});

describe('one run', () => {
  it('never allocates more than an invoice owes: a second payment of the same invoice is a possible duplicate', () => {
    const t1 = credit(1250, { remittance: { unstructured: ['F2024-00123'], structured: [] } });
    const t2 = credit(1250, { remittance: { unstructured: ['F2024-00123'], structured: [] } });
    const [r1, r2] = matchTransactions({ invoices: book, customers, transactions: [t1, t2] });
    expect(r1.status).toBe('matched');
    expect(r2.status).not.toBe('matched');
    expect(r2.reasons.join(' ')).toMatch(/already settled/);
  });

  it('gives the same answer for the same input', () => {
    const txns = [
      credit(2200, { counterpartyIban: 'FR7610107001011234567890129' }),
      credit(1730.5, { counterpartyName: 'BOULANGERIE DUPONT ET FILS SARL' }),
      credit(712, { counterpartyName: 'GARNIER TRANSPORTS' }),
    ];
    const a = matchTransactions({ invoices: book, customers, transactions: txns });
    const b = matchTransactions({ invoices: book, customers, transactions: txns });
    expect(b).toEqual(a);
  });
});
