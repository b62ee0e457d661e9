import { describe, expect, it } from 'vitest';
import { type LetteredPayment, matchTransactions } from '../../../functions/core/matching';
import {
  isReturnedPayment,
  looksLikeReturnedPayment,
  nonCustomerCredit,
} from '../../../functions/core/matching/classify';
import { type LedgerPayment, PaymentLedger } from '../../../functions/core/matching/returns';
import { credit, customers, invoice } from './fixtures';

const IBAN = 'FR7610107001011234567890129';
const payer = { counterpartyIban: IBAN, counterpartyName: 'MENUISERIE LEFEVRE' };
const paid = (id: string, date: string, invoiceId: string, extra: Partial<LetteredPayment> = {}): LetteredPayment => ({
  transactionId: id,
  bookingDate: date,
  amountCents: 500_00,
  ...payer,
  label: 'VIR SEPA MENUISERIE LEFEVRE',
  remittance: { unstructured: [`FACTURE ${invoiceId}`], structured: [] },
  allocations: [{ invoiceId, amountCents: 500_00 }],
  ...extra,
});
const back = (text: string, extra = {}) =>
  credit(-500, {
    bookingDate: '2026-11-24',
    label: 'REJET VIR SEPA MENUISERIE LEFEVRE',
    ...payer,
    remittance: { unstructured: [text], structured: [] },
    ...extra,
  });

describe('a returned payment finds the payment it gives back by what it names', () => {
  const earlier = [paid('P1', '2026-11-19', 'RC-0001'), paid('P2', '2026-11-20', 'RC-0002')];

  it('the invoice it names, not the oldest payment of the same amount and payer', () => {
    const [r] = matchTransactions({
      invoices: [],
      customers,
      payments: earlier,
      transactions: [back('MOTIF AC04 FACTURE RC-0002')],
    });
    expect(r).toMatchObject({
      returned: true,
      status: 'ignored',
      reversalOf: 'P2',
      reopens: [{ invoiceId: 'RC-0002', amountCents: 500_00 }],
    });
    expect(r.reasons.join('\n')).toMatch(/names RC-0002, which it paid/);
  });

  it('the end-to-end id of the payment outranks a named invoice', () => {
    const payments = [
      paid('P1', '2026-11-19', 'RC-0001', { endToEndId: 'E2E-CANTAL-7781' }),
      paid('P2', '2026-11-20', 'RC-0002'),
    ];
    const [r] = matchTransactions({
      invoices: [],
      customers,
      payments,
      transactions: [back('RC-0002', { endToEndId: 'E2E-CANTAL-7781' })],
    });
    expect(r.reversalOf).toBe('P1');
  });

  it('the bank reference or the mandate of the payment, quoted in the return', () => {
    const payments = [
      paid('P1', '2026-11-19', 'RC-0001', { bankReference: 'BQ20261119XY' }),
      paid('P2', '2026-11-20', 'RC-0002', { remittance: { unstructured: ['PRLV RUM CANT-0042'], structured: [] } }),
    ];
    expect(
      matchTransactions({ invoices: [], customers, payments, transactions: [back('ORIG REF BQ20261119XY')] })[0]
        .reversalOf,
    ).toBe('P1');
    expect(
      matchTransactions({
        invoices: [],
        customers,
        payments,
        transactions: [back('IMPAYE PRLV RUM CANT-0042 MOTIF MD06')],
      })[0].reversalOf,
    ).toBe('P2');
  });

  it('of payments that paid the same invoice, the most recent before the return', () => {
    const payments = [
      paid('P1', '2026-11-02', 'RC-0001'),
      paid('P2', '2026-11-20', 'RC-0001'),
      paid('P3', '2026-11-30', 'RC-0001'),
    ];
    expect(
      matchTransactions({ invoices: [], customers, payments, transactions: [back('RC-0001')] })[0].reversalOf,
    ).toBe('P2');
  });

  it(
    'when several payments fit equally, undoes nothing and puts the return in the review queue with the ' +
      'candidates',
    () => {
      const [r] = matchTransactions({ invoices: [], customers, payments: earlier, transactions: [back('MOTIF AC04')] });
      expect(r.status).toBe('suggested');
      expect(r.returned).toBe(true);
      expect(r.reversalOf).toBeUndefined();
      expect(r.reopens).toBeUndefined();
      const candidates = r.reasons.filter((x) => x.startsWith('candidate: '));
      expect(candidates).toHaveLength(2);
      expect(candidates.join('\n')).toMatch(/P1 of 2026-11-19.*RC-0001[\s\S]*P2 of 2026-11-20.*RC-0002/);
    },
  );

  it('a payment from another account is not taken on its amount alone', () => {
    const [r] = matchTransactions({
      invoices: [],
      customers,
      payments: [paid('P1', '2026-11-19', 'RC-0001', { counterpartyIban: 'FR7630006000011234567890189' })],
      transactions: [back('MOTIF AC04')],
    });
    expect(r.reversalOf).toBeUndefined();
    expect(r.status).toBe('ignored');
    expect(r.reasons.join(' ')).toMatch(/original payment not found/);
  });

  it('a payment booked after the return, or already returned, is not a candidate', () => {
    const payments = [paid('P1', '2026-11-19', 'RC-0001'), paid('P9', '2026-11-28', 'RC-0001')];
    const [r1, r2] = matchTransactions({
      invoices: [],
      customers,
      payments,
      transactions: [back('RC-0001'), back('RC-0001')],
    });
    expect(r1.reversalOf).toBe('P1');
    expect(r2.reversalOf).toBeUndefined();
  });

  it('an invoice reopened from an earlier payment is owed again in this run', () => {
    const book = [invoice('RC-0002', 'C3', 800, { openCents: 300_00 })];
    const payments = [paid('P2', '2026-11-20', 'RC-0002')];
    const again = credit(800, {
      bookingDate: '2026-11-26',
      ...payer,
      remittance: { unstructured: ['RC-0002'], structured: [] },
    });
    const [r1, r2] = matchTransactions({ invoices: book, customers, payments, transactions: [back('RC-0002'), again] });
    expect(r1.reversalOf).toBe('P2');
    expect(r2.status).toBe('matched');
    expect(r2.best?.allocations).toEqual([{ invoiceId: 'RC-0002', amountCents: 800_00 }]);
  });

  it('within one run, the second of two same-amount payments when the return names its invoice', () => {
    const book = [
      invoice('RC-0001', 'C3', 500, { dueDate: '2026-10-31' }),
      invoice('RC-0002', 'C3', 500, { dueDate: '2026-11-15' }),
    ];
    const p1 = credit(500, {
      bookingDate: '2026-11-19',
      ...payer,
      remittance: { unstructured: ['FACTURE RC-0001'], structured: [] },
    });
    const p2 = credit(500, {
      bookingDate: '2026-11-20',
      ...payer,
      remittance: { unstructured: ['FACTURE RC-0002'], structured: [] },
    });
    const [, , r] = matchTransactions({ invoices: book, customers, transactions: [p1, p2, back('FACTURE RC-0002')] });
    expect(r.reversalOf).toBe(p2.transactionId);
    expect(r.reopens).toEqual([{ invoiceId: 'RC-0002', amountCents: 500_00 }]);
  });
});

describe('a returned payment that names nothing but its payer', () => {
  const book = [
    invoice('RC-0101', 'C3', 500, { dueDate: '2026-10-31' }),
    invoice('RC-0102', 'C3', 500, { dueDate: '2026-11-10' }),
    invoice('RC-0103', 'C3', 500, { dueDate: '2026-11-15' }),
  ];
  const pay = (date: string, text: string) =>
    credit(500, { bookingDate: date, ...payer, remittance: { unstructured: [text], structured: [] } });

  it('does not undo a payment lettered by its reference when another of its payer and amount was not lettered', () => {
    // the first payment names no invoice and three are owed at its amount: only suggested; the return quotes its text
    const unsure = pay('2026-11-19', 'PAIEMENT FACTURE');
    const cited = pay('2026-11-20', 'FACTURE RC-0103');
    const [, r2, r] = matchTransactions({
      invoices: book,
      customers,
      transactions: [unsure, cited, back('MOTIF AC04 COMPTE CLOTURE PAIEMENT FACTURE')],
    });
    expect(r2.best?.allocations).toEqual([{ invoiceId: 'RC-0103', amountCents: 500_00 }]);
    expect(r).toMatchObject({ returned: true, status: 'suggested' });
    expect(r.reversalOf).toBeUndefined();
    expect(r.reasons[1]).toBe(
      `ambiguous: it names only its payer, who also paid ${unsure.transactionId} of 2026-11-19 (not lettered); ` +
        'nothing reopened, a person must choose',
    );
  });

  it('gives back the one payment of its payer and amount left unlettered: out of the review queue, unlettered', () => {
    const unsure = pay('2026-11-19', 'PAIEMENT FACTURE');
    const ret = back('MOTIF AC04 COMPTE CLOTURE');
    const [r1, r] = matchTransactions({ invoices: book.slice(0, 2), customers, transactions: [unsure, ret] });
    expect(r).toMatchObject({ returned: true, status: 'ignored' });
    expect(r.reversalOf).toBeUndefined();
    expect(r.reasons.slice(1)).toEqual([
      'original payment not lettered: nothing reopened, and it must not be lettered',
      `candidate: transaction ${unsure.transactionId} of 2026-11-19, 500.00, not lettered`,
    ]);
    expect(r.givesBack).toBe(unsure.transactionId);
    expect(r1).toEqual({
      transactionId: unsure.transactionId,
      status: 'ignored',
      confidence: 1,
      suggestions: [],
      reasons: [
        `given back by transaction ${ret.transactionId} of 2026-11-24 (impayé / rejet): it pays nothing and must ` +
          'not be lettered',
      ],
      returnedBy: ret.transactionId,
    });
  });

  it('gives back a payment of an earlier statement left in the review queue, when it is the only one', () => {
    const waiting = { transactionId: 'EARLIER-1', bookingDate: '2026-11-12', amountCents: 500_00, ...payer };
    const other = { ...waiting, transactionId: 'EARLIER-2', counterpartyIban: 'FR7630004000031234567890143' };
    const [r] = matchTransactions({
      invoices: book,
      customers,
      unlettered: [waiting, other, { ...waiting, transactionId: 'EARLIER-3', amountCents: 400_00 }],
      transactions: [back('MOTIF AC04')],
    });
    expect(r).toMatchObject({ returned: true, status: 'ignored', givesBack: 'EARLIER-1' });
    expect(r.reversalOf).toBeUndefined();
    expect(r.reasons.slice(1)).toEqual([
      'original payment not lettered: nothing reopened, and it must not be lettered',
      'candidate: transaction EARLIER-1 of 2026-11-12, 500.00, not lettered',
    ]);
  });

  it('gives back the payment left unlettered when the invoice it names was paid by nothing (lettering undone)', () => {
    // finance undid the payment's lettering before the return came: the invoice it names is fully open again
    const waiting = { transactionId: 'EARLIER-1', bookingDate: '2026-11-12', amountCents: 500_00, ...payer };
    const [r] = matchTransactions({
      invoices: book,
      customers,
      unlettered: [waiting],
      transactions: [back('MOTIF AC04 FACTURE RC-0102')],
    });
    expect(r).toMatchObject({ returned: true, status: 'ignored', givesBack: 'EARLIER-1' });
    expect(r.reopens).toBeUndefined();
    expect(r.reasons.slice(1)).toEqual([
      'names invoice RC-0102',
      'original payment not lettered: nothing reopened, and it must not be lettered',
      'candidate: transaction EARLIER-1 of 2026-11-12, 500.00, not lettered',
    ]);
  });

  it('gives back none of an earlier payment and one of its own statement, both unlettered: a person chooses', () => {
    const waiting = { transactionId: 'EARLIER-1', bookingDate: '2026-11-12', amountCents: 500_00, ...payer };
    const results = matchTransactions({
      invoices: book,
      customers,
      unlettered: [waiting],
      transactions: [pay('2026-11-19', 'PAIEMENT FACTURE'), back('MOTIF AC04')],
    });
    expect(results[0].status).toBe('suggested');
    expect(results[1].givesBack).toBeUndefined();
    expect(results[1].reasons.filter((x) => x.startsWith('candidate: '))).toHaveLength(2);
  });

  it('gives back none of two payments of its payer and amount left unlettered: a person chooses', () => {
    const first = pay('2026-11-18', 'PAIEMENT FACTURE');
    const second = pay('2026-11-19', 'REGLEMENT');
    const results = matchTransactions({
      invoices: book,
      customers,
      transactions: [first, second, back('MOTIF AC04 COMPTE CLOTURE')],
    });
    expect(results.map((r) => r.status)).toEqual(['suggested', 'suggested', 'ignored']);
    expect(results.some((r) => r.returnedBy)).toBe(false);
    expect(results[2].reasons.filter((x) => x.startsWith('candidate: '))).toHaveLength(2);
  });

  it('gives back nothing when two returns could give back the same unlettered payment', () => {
    const unsure = pay('2026-11-19', 'PAIEMENT FACTURE');
    const results = matchTransactions({
      invoices: book.slice(0, 2),
      customers,
      transactions: [unsure, back('MOTIF AC04'), back('MOTIF MS03', { bookingDate: '2026-11-25' })],
    });
    expect(results[0].status).toBe('suggested');
    expect(results.some((r) => r.returnedBy)).toBe(false);
  });

  it('gives back the payment whose remittance text it quotes, of two lettered ones', () => {
    const cited = pay('2026-11-19', 'FACTURE RC-0101');
    const deposit = pay('2026-11-20', 'ACOMPTE CHANTIER DURAND');
    const [, , r] = matchTransactions({
      invoices: book.slice(0, 2),
      customers,
      transactions: [cited, deposit, back('MOTIF AC04 ACOMPTE CHANTIER DURAND')],
    });
    expect(r).toMatchObject({ status: 'ignored', reversalOf: deposit.transactionId });
    expect(r.reopens).toEqual([{ invoiceId: 'RC-0102', amountCents: 500_00 }]);
    expect(r.reasons[1]).toMatch(/same payer account; quotes its text "ACOMPTE CHANTIER DURAND"$/);
  });
});

describe('the payment ledger', () => {
  const entry = (id: string, date: string, invoiceId: string, extra: Partial<LedgerPayment> = {}): LedgerPayment => ({
    transactionId: id,
    bookingDate: date,
    amountCents: 100,
    allocations: [{ invoiceId, amountCents: 100 }],
    texts: [],
    inRun: false,
    reversed: false,
    ...extra,
  });

  it('knows no payment of another amount', () => {
    const ledger = new PaymentLedger();
    ledger.add(entry('A', '2026-01-01', 'X-1', { counterpartyIban: IBAN }));
    expect(ledger.link({ bookingDate: '2026-02-01', amountCents: -200, counterpartyIban: IBAN, texts: [] }).kind).toBe(
      'none',
    );
    expect(ledger.link({ bookingDate: '2026-02-01', amountCents: -100, counterpartyIban: IBAN, texts: [] }).kind).toBe(
      'found',
    );
  });

  it('on the same day, the one lettered last is the most recent', () => {
    const ledger = new PaymentLedger();
    ledger.add(entry('A', '2026-01-01', 'X-1', { counterpartyName: 'ACME' }));
    ledger.add(entry('B', '2026-01-01', 'X-1', { counterpartyName: 'ACME' }));
    const link = ledger.link({ bookingDate: '2026-01-01', amountCents: -100, counterpartyName: 'Acme', texts: [] });
    expect(link.kind === 'found' && link.fit.payment.transactionId).toBe('B');
  });
});

describe('what a movement is before any invoice is looked at', () => {
  it('a debit flagged, coded or worded as a return is a returned payment; a plain debit or a credit is not', () => {
    expect(isReturnedPayment({ amountCents: -1, reversal: true }, '')).toBe(true);
    expect(isReturnedPayment({ amountCents: -1, bankCodes: ['PMNT-RCDT-RRTN'] }, '')).toBe(true);
    expect(looksLikeReturnedPayment({ amountCents: -1, label: 'Impayé prlv' })).toBe(true);
    expect(looksLikeReturnedPayment({ amountCents: -1, label: 'PRLV EDF' })).toBe(false);
    expect(looksLikeReturnedPayment({ amountCents: 1, label: 'REJET' })).toBe(false);
  });

  it('a tax refund, a grant, interest, insurance or an own-account transfer is no customer receipt', () => {
    expect(nonCustomerCredit('VIR DGFIP REMBOURSEMENT CREDIT TVA')).toBe('tax refund');
    expect(nonCustomerCredit('INTERETS CREDITEURS')).toBe('bank interest');
    expect(nonCustomerCredit('VIR SEPA DUPONT FACTURE 12')).toBeUndefined();
  });
});
