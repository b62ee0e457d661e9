import { describe, expect, it } from 'vitest';
import { books, precisionOf, scoreBook } from '../../../bench/corpus/sweep';

describe('on a realistic month of French bank credits (labelled corpus)', () => {
  const s = scoreBook({ seed: 2024, customers: 160, entries: 800 }).score;

  it('letters at least 92% of the unambiguous customer receipts automatically', () => {
    expect(s.autoCorrectUnambiguous / s.matchableUnambiguous).toBeGreaterThanOrEqual(0.92);
  });

  it('is right at least 99.5% of the times it letters automatically', () => {
    expect(s.autoCorrect / s.auto).toBeGreaterThanOrEqual(0.995);
  });

  it('has the right answer applied or first in the review list for 98% of the receipts', () => {
    expect(s.autoOrFirstCorrect / s.matchable).toBeGreaterThanOrEqual(0.98);
  });

  it('never letters a credit that is not a customer receipt', () => {
    expect(s.notReceiptsLeftAlone).toBe(s.notReceipts);
  });
});

describe(
  'on a harder book: many customers with similar names, third-party payers, new accounts, partly cited ' + 'transfers',
  () => {
    const s = scoreBook({ seed: 7, customers: 1500, entries: 2000 }).score;

    it('no category of payment gets below 99.5% precision', () => {
      for (const [category, c] of s.byCategory)
        if (c.auto > 0) expect(c.autoCorrect / c.auto, category).toBeGreaterThanOrEqual(0.995);
    });

    it(
      'letters third-party payers, transfers paying more than they cite and citations in other forms ' +
        'automatically',
      () => {
        for (const category of ['third-party', 'more-than-cited', 'other-citation'] as const) {
          const c = s.byCategory.get(category)!;
          expect(c.autoCorrect / c.total, category).toBeGreaterThanOrEqual(0.95);
        }
      },
    );
  },
);

describe('on many generated books (four seeds of 100, 400 and 1,500 customers)', () => {
  // seeds among which the eighth session's engine kept a large unexplained rest as credit, or linked a return to a
  // payment of its payer lettered by its reference, not to its own (bench/corpus/sweep.ts)
  const sizes = [100, 400, 1_500].map((customers) => ({ customers, entries: 4_000 }));
  const scored = books([5, 13, 14, 19], sizes).map(scoreBook);

  it('no book gets below 99.5% precision', () => {
    for (const b of scored) expect(precisionOf(b.score), `seed ${b.book.seed}`).toBeGreaterThanOrEqual(0.995);
  });

  it('every wrong automatic match is one a later return gave back, or a payment lettered as a later one was', () => {
    const unexplained = scored.flatMap((b) =>
      b.wrong.filter((w) => w.kind === 'unexplained').map((w) => `seed ${b.book.seed} #${w.index} ${w.category}`),
    );
    expect(unexplained).toEqual([]);
  });

  it('no return undoes another payment than the one it gives back', () => {
    expect(scored.filter((b) => b.returnsToAnother > 0).map((b) => `seed ${b.book.seed}`)).toEqual([]);
  });
});
