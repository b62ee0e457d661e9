import { describe, expect, it } from 'vitest';
import { MatchOptions } from '../../../functions/core/matching';
import {
  amountOnlyCandidates,
  payerCandidates,
  referenceCandidates,
  type Search,
  typoCandidates,
} from '../../../functions/core/matching/candidates';
import type { PayerGuess } from '../../../functions/core/matching/customer-index';
import {
  amountFit,
  applyRules,
  confidenceOf,
  type Draft,
  Drafts,
  decide,
  draftOf,
  payerFit,
} from '../../../functions/core/matching/decision';
import { OpenLedger } from '../../../functions/core/matching/ledger';
import { ReferenceIndex } from '../../../functions/core/matching/reference-index';
import { customers, invoice } from './fixtures';

const book = () => [
  invoice('F-003', 'C1', 300, { dueDate: '2024-03-01' }),
  invoice('F-001', 'C1', 100, { dueDate: '2024-01-01' }),
  invoice('F-002', 'C1', 200, { dueDate: '2024-02-01' }),
  invoice('G-001', 'C2', 100, { dueDate: '2024-01-15' }),
  invoice('X-001', 'NOBODY', 100),
];
const ids = (ledger: OpenLedger, list: number[]) => list.map((i) => ledger.invoices[i].invoiceId);

describe('the ledger of open amounts', () => {
  it("lists a customer's open invoices oldest first, and forgets the settled ones", () => {
    const ledger = new OpenLedger(book(), customers);
    expect(ids(ledger, ledger.oldestOpen(0, 'EUR'))).toEqual(['F-001', 'F-002', 'F-003']);
    ledger.set(1, 0);
    expect(ids(ledger, ledger.oldestOpen(0, 'EUR'))).toEqual(['F-002', 'F-003']);
    ledger.set(1, 40_00); // reopened (a returned payment)
    expect(ids(ledger, ledger.oldestOpen(0, 'EUR'))).toEqual(['F-001', 'F-002', 'F-003']);
    expect(ledger.oldestOpen(0, 'USD')).toEqual([]);
  });

  it('knows what each customer owes at each amount, as allocations change it', () => {
    const ledger = new OpenLedger(book(), customers);
    expect(ids(ledger, ledger.openAt(0, 100_00, 'EUR'))).toEqual(['F-001']);
    ledger.set(2, 100_00); // F-002 paid in part: 100 left
    expect(ids(ledger, ledger.openAt(0, 100_00, 'EUR'))).toEqual(['F-001', 'F-002']);
    ledger.set(1, 0);
    expect(ids(ledger, ledger.openAt(0, 100_00, 'EUR'))).toEqual(['F-002']);
    expect(ids(ledger, ledger.anyAt(100_00, 'EUR')).sort()).toEqual(['G-001', 'X-001']);
  });

  it('an invoice of a customer it does not know belongs to nobody', () => {
    const ledger = new OpenLedger(book(), customers);
    expect(ledger.customerOf[4]).toBe(-1);
    expect(ledger.positionOf('X-001')).toBe(4);
    expect(ledger.positionOf('NOPE')).toBeUndefined();
  });
});

const iban: PayerGuess = { customer: 0, score: 1, via: 'iban', reason: 'IBAN on file' };
function search(ledger: OpenLedger, amountCents: number, payers: PayerGuess[] = [iban]) {
  const drafts = new Drafts();
  const s: Search = {
    ledger,
    feeTolerance: 15_00,
    customerName: (c) => customers[c]?.name ?? '?',
    opts: MatchOptions.parse({}),
    refs: new ReferenceIndex(ledger.invoices.map((i) => i.invoiceId)),
    t: { amountCents, bookingDate: '2024-03-15', currency: 'EUR' },
    payers,
    offer: (d) => drafts.offer(d),
  };
  return { s, drafts };
}
const keys = (drafts: Drafts, ledger: OpenLedger) =>
  drafts
    .all()
    .map((d) => `${ids(ledger, d.invoices).join('+')}:${d.ref}/${d.amount}`)
    .sort();

describe('the candidate generators', () => {
  it('a named invoice, alone and with the other named invoices of its customer', () => {
    const ledger = new OpenLedger(book(), customers);
    const { s, drafts } = search(ledger, 300_00);
    const { refOf, notes } = referenceCandidates(s, s.refs.find(['FACTURES F-001 F-002']).hits);
    expect([...refOf.keys()].length).toBe(2);
    expect(notes).toEqual([]);
    expect(keys(drafts, ledger)).toEqual(['F-001+F-002:ref/exact', 'F-001:ref/over', 'F-002:ref/over']);
  });

  it('a named invoice already settled is a note, not a candidate', () => {
    const ledger = new OpenLedger(book(), customers);
    ledger.set(1, 0);
    const { s, drafts } = search(ledger, 100_00);
    expect(referenceCandidates(s, s.refs.find(['F-001']).hits).notes[0]).toMatch(
      /F-001 found but that invoice is already settled/,
    );
    expect(drafts.size).toBe(0);
  });

  it('an invoice one character away, only when its amount fits or its payer is known', () => {
    const ledger = new OpenLedger([invoice('F2024-00123', 'C1', 100), invoice('F2024-00124', 'C2', 999)], customers);
    const { s, drafts } = search(ledger, 100_00, []);
    typoCandidates(s, ['F202400128'], (q) => s.refs.typoNeighbours(q), new Map());
    expect(keys(drafts, ledger)).toEqual(['F2024-00123:typo/exact']);
  });

  it("the payer's invoice of exactly the amount, else its oldest ones together, else a partial payment", () => {
    const ledger = new OpenLedger(book(), customers);
    let x = search(ledger, 200_00);
    payerCandidates(x.s, 0, new Map());
    expect(keys(x.drafts, ledger)).toEqual(['F-002:none/exact']);
    x = search(ledger, 300_00 + 300_00);
    payerCandidates(x.s, 0, new Map());
    expect(keys(x.drafts, ledger)).toEqual(['F-001+F-002+F-003:none/exact']);
    x = search(ledger, 50_00);
    payerCandidates(x.s, 0, new Map());
    expect(keys(x.drafts, ledger)).toEqual(['F-001:none/partial']);
  });

  it('the amount alone gives hints, never more than a few', () => {
    const ledger = new OpenLedger(book(), customers);
    const { s, drafts } = search(ledger, 100_00, []);
    amountOnlyCandidates(s);
    expect(drafts.size).toBe(3);
    expect(drafts.all().every((d) => d.confidence < 0.9)).toBe(true);
  });
});

describe('the decision', () => {
  const ledger = new OpenLedger(book(), customers);
  const scoring = { ledger, feeTolerance: 15_00, customerName: (c: number) => customers[c].name };
  const t = { amountCents: 100_00, bookingDate: '2024-03-15' };
  const opts = MatchOptions.parse({});
  const facts = { settledRef: false, notes: [], nothingFits: 'nothing' };

  it('reads the amount against what is owed, within the bank-fee tolerance', () => {
    expect([amountFit(100, 100, 15), amountFit(90, 100, 15), amountFit(50, 100, 15), amountFit(150, 100, 15)]).toEqual([
      'exact',
      'fee',
      'partial',
      'over',
    ]);
  });

  it('a payer known by IBAN fits; a payer who is another customer conflicts', () => {
    const name = (c: number) => `#${c}`;
    expect(payerFit(0, [iban], name).fit).toBe('iban');
    expect(payerFit(1, [iban], name)).toEqual({ fit: 'conflict', reason: 'payer looks like #0, not #1' });
    expect(payerFit(1, [], name).fit).toBe('none');
  });

  it('an exact reference outranks the payer and the amount, and a guess beside it is capped', () => {
    expect(confidenceOf('ref', 'exact', 'none', 1)).toBeGreaterThan(confidenceOf('none', 'exact', 'iban', 1));
    const byRef = draftOf(scoring, t, [3], 'exact', 'ref', { fit: 'none' }, ['reference']);
    const byPayer = draftOf(scoring, t, [1], 'exact', 'none', { fit: 'iban', reason: 'IBAN' }, ['amount']);
    applyRules([byRef, byPayer], facts);
    expect(byPayer.confidence).toBe(0.5);
    const { result } = decide(ledger, opts, 'T1', [byRef, byPayer], facts);
    expect(result.status).toBe('matched');
    expect(result.best?.allocations).toEqual([{ invoiceId: 'G-001', amountCents: 100_00 }]);
  });

  it('two candidates equally sure are a suggestion, never a guess', () => {
    const a = draftOf(scoring, t, [1], 'exact', 'none', { fit: 'iban' }, ['a']);
    const b = draftOf(scoring, t, [4], 'exact', 'none', { fit: 'iban' }, ['b']);
    const { result, best } = decide(ledger, opts, 'T2', [a, b], facts);
    expect(result.status).toBe('suggested');
    expect(best).toBeUndefined();
    expect(result.reasons[0]).toMatch(/ambiguous/);
  });

  it('nothing sure enough: unmatched with the reasons of the best rejected candidate', () => {
    const weak: Draft = draftOf(scoring, t, [1], 'partial', 'none', { fit: 'none' }, ['weak']);
    const { result } = decide(ledger, opts, 'T3', [weak], facts);
    expect(result.status).toBe('unmatched');
    expect(result.reasons).toContain('rejected: weak');
  });
});
