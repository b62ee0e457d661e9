import { describe, expect, it } from 'vitest';
import {
  type MatchableTransaction,
  type MatchCustomer,
  matchTransactions,
  type OpenInvoice,
} from '../../../functions/core/matching';
import { allocations, credit, invoice } from './fixtures';

const people: MatchCustomer[] = [
  { customerId: 'A', name: 'Garage Moreau Automobiles SARL', ibans: ['FR7630006000011234567890189'] },
  { customerId: 'B', name: 'Moreau Automobiles Services SAS', ibans: [] },
  { customerId: 'H', name: 'Holding Moreau SA', ibans: ['FR7610107001011234567890129'] },
];
const text = (s: string) => ({ remittance: { unstructured: [s], structured: [] } });
/** What the matcher makes of one transaction against a book of open invoices (of `people` unless told). */
const paid = (book: OpenInvoice[], t: MatchableTransaction, customers = people) =>
  matchTransactions({ invoices: book, customers, transactions: [t] })[0];

describe('precision first: what the text cites at exactly the amount paid is what is paid', () => {
  it(
    'an invoice cited at exactly the paid amount is lettered, even when the payer name looks like another customer ' +
      'whose invoices add up to it',
    () => {
      const book = [invoice('FA-2026-00410', 'A', 1_000), invoice('FB-0001', 'B', 600), invoice('FB-0002', 'B', 400)];
      const r = paid(
        book,
        credit(1_000, { counterpartyName: 'MOREAU AUTOMOBILES SERVICES', ...text('FACTURE FA-2026-00410') }),
      );
      expect(r.status).toBe('matched');
      expect(allocations(r)).toEqual(['FA-2026-00410=100000']);
    },
  );

  it("a parent company paying its subsidiary's invoice, cited with its amount, is lettered to the subsidiary", () => {
    const book = [invoice('FA-2026-00411', 'A', 2_345.6), invoice('FH-0001', 'H', 2_345.6)];
    const r = paid(
      book,
      credit(2_345.6, {
        counterpartyName: 'HOLDING MOREAU',
        counterpartyIban: 'FR7610107001011234567890129',
        ...text('REGLEMENT FA-2026-00411'),
      }),
    );
    expect(r.status).toBe('matched');
    expect(allocations(r)).toEqual(['FA-2026-00411=234560']);
  });

  it('a citation without its zero padding is read as that invoice, not as a typo of another', () => {
    const book = [invoice('FA-2026-06685', 'A', 480), invoice('FA-2026-16685', 'B', 480)];
    const r = paid(book, credit(480, text('VIR FA 2026 6685')));
    expect(r.status).toBe('matched');
    expect(allocations(r)).toEqual(['FA-2026-06685=48000']);
  });
});

describe('a number one character off an invoice of the payer', () => {
  const iban = 'FR7630006000011234567890189';

  it('stands beside an exact citation of another customer’s invoice at the same amount: a person decides', () => {
    // A's invoice F2024-09725 and B's F2024-09925 both owe 300.00; A pays, citing B's number (9 typed for 7)
    const book = [invoice('F2024-09725', 'A', 300), invoice('F2024-09925', 'B', 300)];
    const r = paid(book, credit(300, { counterpartyIban: iban, ...text('F2024-09925') }));
    expect(r.status).toBe('suggested');
    expect(r.suggestions.map((c) => c.allocations[0].invoiceId)).toEqual(['F2024-09725', 'F2024-09925']);
  });

  it('is not lettered when the text names another invoice of the customer, already settled', () => {
    // F2024-40124 was paid by the first transfer; the second names it again: paid twice, or a typo of F2024-40123
    const book = [invoice('F2024-40123', 'A', 194.45), invoice('F2024-40124', 'A', 194.45)];
    const [first, second] = matchTransactions({
      invoices: book,
      customers: people,
      transactions: [
        credit(194.45, { counterpartyIban: iban, ...text('FACTURE F2024-40124') }),
        credit(194.45, { counterpartyIban: iban, ...text('REGLEMENT F2024-40124') }),
      ],
    });
    expect(allocations(first)).toEqual(['F2024-40124=19445']);
    expect(second.status).toBe('suggested');
    expect(second.suggestions[0].reasons).toContain(
      'capped: the text names an invoice of the customer already settled',
    );
  });
});

describe('a transfer paying more invoices than it cites', () => {
  it('when the rest is exactly one other open invoice of the customer, pays both; nothing is kept as credit', () => {
    const book = [
      invoice('FA-2026-00501', 'A', 1_200, { dueDate: '2024-01-20' }),
      invoice('FA-2026-00502', 'A', 345.5, { dueDate: '2024-02-20' }),
      invoice('FA-2026-00503', 'A', 99),
    ];
    const r = paid(
      book,
      credit(1_545.5, { counterpartyIban: 'FR7630006000011234567890189', ...text('FACTURE FA-2026-00501') }),
    );
    expect(r.status).toBe('matched');
    expect(allocations(r)).toEqual(['FA-2026-00501=120000', 'FA-2026-00502=34550']);
    expect(r.best?.customerCreditCents).toBe(0);
  });

  it('when the rest equals several ways of paying, it is a suggestion, never a credit applied', () => {
    const book = [
      invoice('FA-2026-00601', 'A', 1_200),
      invoice('FA-2026-00602', 'A', 300, { dueDate: '2024-02-20' }),
      invoice('FA-2026-00603', 'A', 300, { dueDate: '2024-02-25' }),
    ];
    const r = paid(
      book,
      credit(1_500, { counterpartyIban: 'FR7630006000011234567890189', ...text('FACTURE FA-2026-00601') }),
    );
    expect(r.status).toBe('suggested');
    expect(
      r.suggestions
        .slice(0, 2)
        .map((s) => s.allocations.map((a) => a.invoiceId).join('+'))
        .sort(),
    ).toEqual(['FA-2026-00601+FA-2026-00602', 'FA-2026-00601+FA-2026-00603']);
  });

  it("when the rest matches nothing owed, the overpayment is still the customer's credit", () => {
    const book = [invoice('FA-2026-00701', 'A', 1_200), invoice('FA-2026-00702', 'A', 300)];
    const r = paid(
      book,
      credit(1_250, { counterpartyIban: 'FR7630006000011234567890189', ...text('FACTURE FA-2026-00701') }),
    );
    expect(r.status).toBe('matched');
    expect(r.best?.customerCreditCents).toBe(50_00);
  });
});

describe('a transfer paying more than the invoices it names, when nothing owed explains the rest', () => {
  const iban = 'FR7630006000011234567890189';
  const book = [
    invoice('FA-2026-00801', 'A', 1_542.33, { dueDate: '2024-01-20' }),
    invoice('FA-2026-00802', 'A', 6_711.31, { dueDate: '2024-02-20' }),
  ];

  it('a rest larger than what is named, from a customer who owes other invoices, is for a person, not a credit', () => {
    // the customer paid part of FA-2026-00802 earlier (not yet lettered): 7,482.54 = 1,542.33 + the rest of 00802;
    // kept as a credit of 5,940.21, FA-2026-00802 would be chased although paid
    const r = paid(book, credit(7_482.54, { counterpartyIban: iban, ...text('REGLEMENT FA-2026-00801') }));
    expect(r.status).toBe('suggested');
    expect(r.suggestions[0].allocations.map((a) => a.invoiceId)).toEqual(['FA-2026-00801']);
    expect(r.suggestions[0].customerCreditCents).toBe(5_940_21);
    expect(r.suggestions[0].reasons).toContain(
      'capped: the rest, 5940.21, is more than the invoices named, and the customer owes others',
    );
  });

  it('from a customer who owes nothing else, the rest is its credit, however large', () => {
    const r = paid(book.slice(0, 1), credit(7_482.54, { counterpartyIban: iban, ...text('REGLEMENT FA-2026-00801') }));
    expect(r.status).toBe('matched');
    expect(r.best?.customerCreditCents).toBe(5_940_21);
  });

  it('a transfer naming two invoices, paying one in full and part of the other, is not lettered to one alone', () => {
    const two = [
      invoice('FA-2026-00901', 'A', 3_188.87, { dueDate: '2024-02-06' }),
      invoice('FA-2026-00902', 'A', 250, { dueDate: '2024-01-15' }),
    ];
    const r = paid(two, credit(1_845.41, { counterpartyIban: iban, ...text('FACT FA-2026-00901/FA-2026-00902') }));
    expect(r.status).toBe('suggested');
    const split = r.suggestions.find((c) => c.allocations.length === 2);
    expect(split?.allocations).toEqual([
      { invoiceId: 'FA-2026-00902', amountCents: 250_00 },
      { invoiceId: 'FA-2026-00901', amountCents: 1_595_41 },
    ]);
  });
});

describe('third-party payers', () => {
  it('a group paying one invoice of each of two subsidiaries in one transfer pays both', () => {
    const book = [
      invoice('FA-2026-00801', 'A', 1_000),
      invoice('FB-2026-00802', 'B', 250.25),
      invoice('FH-2026-00803', 'H', 250.25),
    ];
    const r = paid(
      book,
      credit(1_250.25, {
        counterpartyName: 'HOLDING MOREAU',
        counterpartyIban: 'FR7610107001011234567890129',
        ...text('FACTURES FA-2026-00801 FB-2026-00802'),
      }),
    );
    expect(r.status).toBe('matched');
    expect(allocations(r)).toEqual(['FA-2026-00801=100000', 'FB-2026-00802=25025']);
  });

  it('a factoring company paying a cited invoice at its amount pays that invoice', () => {
    const book = [invoice('FA-2026-00901', 'A', 3_210)];
    const r = paid(
      book,
      credit(3_210, {
        counterpartyName: 'EUROFACTOR',
        counterpartyIban: 'FR7611315000011234567890138',
        ...text('FACT FA-2026-00901 DEBITEUR GARAGE MOREAU'),
      }),
    );
    expect(allocations(r)).toEqual(['FA-2026-00901=321000']);
  });
});

describe('grouped payments without a reference', () => {
  it('are a suggestion when an invoice of the set has a twin of the same amount outside it, never a guess', () => {
    const book = [
      invoice('FA-2026-01001', 'A', 100, { dueDate: '2024-01-01' }),
      invoice('FA-2026-01002', 'A', 50, { dueDate: '2024-01-10' }),
      invoice('FA-2026-01003', 'A', 50, { dueDate: '2024-01-20' }),
    ];
    const r = paid(book, credit(150, { counterpartyIban: 'FR7630006000011234567890189', ...text('REGLEMENT') }));
    expect(r.status).toBe('suggested');
    expect(r.suggestions[0].allocations.map((a) => a.invoiceId)).toEqual(['FA-2026-01001', 'FA-2026-01002']);
  });

  it('are lettered when the set is the only one that adds up', () => {
    const book = [
      invoice('FA-2026-01101', 'A', 100, { dueDate: '2024-01-01' }),
      invoice('FA-2026-01102', 'A', 50, { dueDate: '2024-01-10' }),
      invoice('FA-2026-01103', 'A', 70, { dueDate: '2024-01-20' }),
    ];
    const r = paid(book, credit(170, { counterpartyIban: 'FR7630006000011234567890189', ...text('REGLEMENT') }));
    expect(r.status).toBe('matched');
    expect(allocations(r)).toEqual(['FA-2026-01101=10000', 'FA-2026-01103=7000']);
  });
});

describe('a payment of exactly one invoice without a reference', () => {
  const book = [
    invoice('FA-2026-01201', 'A', 210, { dueDate: '2023-12-31' }),
    invoice('FA-2026-01202', 'A', 130, { dueDate: '2024-01-01' }),
    invoice('FA-2026-01203', 'A', 180, { dueDate: '2024-01-04' }),
    invoice('FA-2026-01204', 'A', 520, { dueDate: '2024-01-08' }),
  ];
  const pay = (euros: number, invoices = book) =>
    paid(invoices, credit(euros, { counterpartyName: 'GARAGE MOREAU AUTOMOBILES', ...text('REGLEMENT') }));
  const ids = (c: { allocations: { invoiceId: string }[] }) => c.allocations.map((a) => a.invoiceId);

  it('is a suggestion when other open invoices of the customer add up to it too, both offered', () => {
    const r = pay(520);
    expect(r.status).toBe('suggested');
    expect(r.suggestions.map(ids)).toEqual([['FA-2026-01204'], ['FA-2026-01201', 'FA-2026-01202', 'FA-2026-01203']]);
  });

  it('is lettered when no other set of its open invoices adds up to it', () => {
    const r = pay(
      520,
      book.filter((i) => i.invoiceId !== 'FA-2026-01202'),
    );
    expect(r.status).toBe('matched');
    expect(allocations(r)).toEqual(['FA-2026-01204=52000']);
  });
});

describe('companies of the same name and different legal forms', () => {
  const twins: MatchCustomer[] = [
    { customerId: 'S', name: 'Benali Alpes SARL', ibans: [] },
    { customerId: 'U', name: 'SASU Benali Alpes', ibans: [] },
  ];

  it('a payer stating its legal form is not taken for the other company because that one owes the amount once', () => {
    // the SASU owes 200.00 twice (a person must choose which), the SARL once: before, the SARL's was lettered
    const book = [
      invoice('FS-1', 'S', 200),
      invoice('FU-1', 'U', 200, { dueDate: '2024-02-01' }),
      invoice('FU-2', 'U', 200, { dueDate: '2024-02-15' }),
    ];
    const r = paid(book, credit(200, { counterpartyName: 'SASU BENALI ALPES', ...text('REGLEMENT') }), twins);
    expect(r.status).toBe('suggested');
    expect(r.suggestions.map((s) => s.allocations[0].invoiceId)).toEqual(['FU-1', 'FU-2']);
  });

  it('the company of the stated form owing the amount once is lettered', () => {
    const book = [invoice('FS-1', 'S', 200), invoice('FU-1', 'U', 200)];
    const r = paid(book, credit(200, { counterpartyName: 'SASU BENALI ALPES', ...text('REGLEMENT') }), twins);
    expect(r.status).toBe('matched');
    expect(allocations(r)).toEqual(['FU-1=20000']);
  });
});

describe('payers the name alone cannot tell apart', () => {
  it('a short name fitting several customers as well is not lettered to the one that happens to owe the amount', () => {
    // the name fits all four equally (cut by the bank); the fourth in the book paid, the second owes the same amount
    const froid: MatchCustomer[] = ['Roche', 'Aubert', 'Hubert', 'Nguyen'].map((who) => ({
      customerId: who,
      name: `Froid industriel ${who} SASU`,
      ibans: [],
    }));
    const book = [invoice('FR-1', 'Roche', 990), invoice('FA-1', 'Aubert', 1_250), invoice('FN-1', 'Nguyen', 1_250)];
    const r = paid(book, credit(1_250, { counterpartyName: 'FROID INDUSTRIEL', ...text('VIREMENT') }), froid);
    expect(r.status).toBe('suggested');
    expect(r.suggestions.map((s) => s.allocations[0].invoiceId).sort()).toEqual(['FA-1', 'FN-1']);
  });

  it('the rest of a transfer is not lettered with its cited invoice when the payer looks like another', () => {
    const book = [
      invoice('FA-2026-02001', 'A', 2_020),
      invoice('FA-2026-02002', 'A', 2_210),
      invoice('FB-2026-02003', 'B', 990),
    ];
    const r = paid(
      book,
      credit(4_230, { counterpartyName: 'MOREAU AUTOMOBILES SERVICES', ...text('FACTURE FA-2026-02001') }),
    );
    expect(r.status).toBe('suggested');
    expect(r.suggestions[0].reasons).toContain(
      'capped: the rest is not named and the payer looks like another customer',
    );
  });
});
