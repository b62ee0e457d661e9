/** Scores matcher output against the corpus ground truth. */
import type { MatchResult } from '../../functions/core/model/matching';
import type { Category, Truth } from './generate';

export interface Score {
  entries: number;
  matchable: number;
  matchableUnambiguous: number;
  autoCorrectUnambiguous: number;
  auto: number;
  autoCorrect: number;
  autoOrFirstCorrect: number;
  autoWrong: { index: number; category: Category; variant?: string; got: string; want: string }[];
  missed: { index: number; category: Category; variant?: string; status: string; reasons: string[] }[];
  returnedFlagged: number;
  returnedTotal: number;
  returnedLinked: number;
  /** Credits left unlettered that the engine says a return gives back: by their own return, or by another one. */
  givenBackRight: number;
  givenBackWrong: number;
  notReceiptsLeftAlone: number;
  notReceipts: number;
  byCategory: Map<
    Category,
    { total: number; auto: number; autoCorrect: number; autoOrFirst: number; statuses: Record<string, number> }
  >;
}

const key = (allocs: readonly { invoiceId: string; amountCents: number }[]) =>
  allocs
    .map((a) => `${a.invoiceId}=${a.amountCents}`)
    .sort()
    .join(' ');

/** `results[i]` is the engine's answer for the entry with ground truth `truth[i]` (same order). */
export function score(truth: readonly Truth[], results: readonly MatchResult[], ids?: readonly string[]): Score {
  const s: Score = {
    entries: truth.length,
    matchable: 0,
    matchableUnambiguous: 0,
    autoCorrectUnambiguous: 0,
    auto: 0,
    autoCorrect: 0,
    autoOrFirstCorrect: 0,
    autoWrong: [],
    missed: [],
    returnedFlagged: 0,
    returnedTotal: 0,
    returnedLinked: 0,
    givenBackRight: 0,
    givenBackWrong: 0,
    notReceiptsLeftAlone: 0,
    notReceipts: 0,
    byCategory: new Map(),
  };
  truth.forEach((t, i) => {
    const r = results[i];
    const cat = s.byCategory.get(t.category) ?? { total: 0, auto: 0, autoCorrect: 0, autoOrFirst: 0, statuses: {} };
    s.byCategory.set(t.category, cat);
    cat.total++;
    cat.statuses[r.status] = (cat.statuses[r.status] ?? 0) + 1;
    const want = key(t.allocations);
    const got = r.best ? key(r.best.allocations) : '';
    const first = r.status === 'suggested' && r.suggestions[0] ? key(r.suggestions[0].allocations) : '';
    if (r.status === 'matched') {
      s.auto++;
      cat.auto++;
      if (got === want) {
        s.autoCorrect++;
        cat.autoCorrect++;
      } else s.autoWrong.push({ index: t.index, category: t.category, variant: t.variant, got, want });
    }
    // a payment given back by its own return is not to be lettered: what the truth says it paid stays open, as it must
    const givenBack =
      r.returnedBy !== undefined &&
      ids !== undefined &&
      truth.some((x) => x.reverses === t.index && ids[x.index] === r.returnedBy);
    if (r.returnedBy !== undefined) {
      if (givenBack) s.givenBackRight++;
      else s.givenBackWrong++;
    }
    const okAutoOrFirst =
      (r.status === 'matched' && got === want) || (r.status === 'suggested' && first === want) || givenBack;
    if (t.category === 'returned') {
      s.returnedTotal++;
      if (r.returned) s.returnedFlagged++;
      if (ids && t.reverses !== undefined && r.reversalOf === ids[t.reverses]) s.returnedLinked++;
    }
    if (t.allocations.length === 0 && t.category !== 'returned') {
      s.notReceipts++;
      if (r.status !== 'matched') s.notReceiptsLeftAlone++;
    }
    if (t.allocations.length > 0) {
      s.matchable++;
      if (okAutoOrFirst) {
        s.autoOrFirstCorrect++;
        cat.autoOrFirst++;
      }
      if (t.category !== 'ambiguous') {
        s.matchableUnambiguous++;
        if (r.status === 'matched' && got === want) s.autoCorrectUnambiguous++;
      }
      if (r.status !== 'matched')
        s.missed.push({
          index: t.index,
          category: t.category,
          variant: t.variant,
          status: r.status,
          reasons: r.reasons,
        });
    }
  });
  return s;
}

export const pct = (a: number, b: number) => (b === 0 ? 'n/a' : `${((100 * a) / b).toFixed(1)}%`);

export function report(s: Score): string {
  const lines: string[] = [];
  lines.push(
    `  entries ${s.entries}, matchable credits ${s.matchable} (${s.matchable - s.matchableUnambiguous} deliberately ` +
      `ambiguous)`,
  );
  lines.push(
    `  auto-match rate            ${pct(s.autoCorrectUnambiguous, s.matchableUnambiguous)} of unambiguous matchable ` +
      `credits (${pct(s.autoCorrect, s.matchable)} of all matchable)`,
  );
  lines.push(
    `  precision of auto matches  ${pct(s.autoCorrect, s.auto)} (${s.auto - s.autoCorrect} wrong of ${s.auto})`,
  );
  lines.push(`  correct auto or 1st sugg.  ${pct(s.autoOrFirstCorrect, s.matchable)}`);
  lines.push(`  non-receipts left alone    ${pct(s.notReceiptsLeftAlone, s.notReceipts)} (${s.notReceipts})`);
  lines.push(
    `  returned payments flagged  ${pct(s.returnedFlagged, s.returnedTotal)}, linked to their payment ` +
      `${pct(s.returnedLinked, s.returnedTotal)} (${s.returnedTotal})`,
  );
  lines.push('  per category               total   auto  precision  auto|1st  statuses');
  for (const [c, v] of [...s.byCategory].sort((a, b) => b[1].total - a[1].total)) {
    const st = Object.entries(v.statuses)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
    lines.push(
      `    ${c.padEnd(24)} ${String(v.total).padStart(6)} ${pct(v.auto, v.total).padStart(6)} ` +
        `${pct(v.autoCorrect, v.auto).padStart(10)} ${pct(v.autoOrFirst, v.total).padStart(9)}  ${st}`,
    );
  }
  return lines.join('\n');
}
