import { formatCents } from '../money';
import type { PayerGuess } from './customer-index';
import {
  amountFit,
  cap,
  type Draft,
  draftKey,
  draftOf,
  type PayerVerdict,
  type Payment,
  payerFit,
  type RefLevel,
  type Scoring,
} from './decision';
import type { ReferenceHit, ReferenceIndex, ReferenceKind } from './reference-index';
import { findSubsets } from './subset-sum';
import type { MatchOptions } from './types';

/**
 * Candidate generators: each proposes allocations of one credit from one kind of evidence — the invoice numbers its
 * texts name (exactly, reformatted, or one character off), the customer its payer is (by IBAN or name) with the
 * amounts that customer owes (one invoice, bank fees, the oldest ones, a bounded subset sum), or the amount alone.
 */
export interface Search extends Scoring {
  opts: MatchOptions;
  refs: ReferenceIndex;
  t: Payment & { currency: string };
  payers: readonly PayerGuess[];
  offer: (d: Draft) => void;
}

/**
 * How many invoices a subset search looks at, the oldest first (of a customer, or of those a text names): the search
 * stays bounded per payment, and a group older than the sixteenth open invoice is for a person to find.
 */
const SUBSET_POOL = 16;

export interface NamedInvoices {
  /** Open invoices the texts name, with how they were found. */
  refOf: Map<number, { kind: ReferenceKind; text: string; creditor?: ReferenceHit['creditor'] }>;
  /** What the texts name that cannot be allocated (already settled). */
  notes: string[];
  /** The customers of the invoices the texts name that are already settled (whatever their currency). */
  settledOf?: Set<number>;
}

function refWord(s: Search, i: number, h: { kind: ReferenceKind; text: string }): string {
  const id = s.ledger.invoices[i].invoiceId;
  return h.kind === 'exact'
    ? `reference: ${id} in the transaction text`
    : h.kind === 'reformatted'
      ? `reference: "${h.text}" read as ${id}`
      : `reference: "${h.text}" is one character away from ${id}`;
}

/**
 * An RF creditor reference decides alone only when its check digits hold and the amount agrees (exactly, or short by
 * fees): the check lets through some digit-for-letter typos, which name another invoice of the same length.
 */
function capCreditor(d: Draft, creditor: 'valid' | 'invalid'): void {
  if (creditor === 'invalid') cap(d, 0.85, 'the RF creditor reference fails its check digits');
  else if (d.amount !== 'exact' && d.amount !== 'fee')
    cap(d, 0.85, 'an RF creditor reference with an amount that differs');
}

/** Each invoice the texts name, alone; several named invoices of one customer, together. */
export function referenceCandidates(s: Search, hits: readonly ReferenceHit[]): NamedInvoices {
  const { ledger, t } = s;
  const amount = t.amountCents;
  const tol = s.feeTolerance;
  const refOf = new Map<number, { kind: ReferenceKind; text: string; creditor?: ReferenceHit['creditor'] }>();
  const notes: string[] = [];
  let settledOf: Set<number> | undefined;
  const currency = ledger.currencyCode(t.currency);
  for (const h of hits) {
    if (ledger.open[h.invoice] <= 0) (settledOf ??= new Set()).add(ledger.customerOf[h.invoice]);
    if (ledger.currencyOf[h.invoice] !== currency) continue;
    if (ledger.open[h.invoice] <= 0) {
      notes.push(
        `reference ${ledger.invoices[h.invoice].invoiceId} found but that invoice is already settled: possible ` +
          `duplicate payment`,
      );
      continue;
    }
    refOf.set(h.invoice, h);
  }
  for (const [i, h] of refOf) {
    const level: RefLevel = h.kind === 'typo' ? 'typo' : 'ref';
    const p = payerFit(ledger.customerOf[i], s.payers, s.customerName);
    const d = draftOf(s, t, [i], amountFit(amount, ledger.open[i], tol), level, p, [refWord(s, i, h)]);
    if (d.amount === 'over' && level === 'ref') overpaid(s, d, [i], p, [refWord(s, i, h)]);
    if (h.creditor) capCreditor(d, h.creditor);
    s.offer(d);
  }
  const groups = new Map<number, number[]>();
  for (const [i, h] of refOf) {
    if (h.kind === 'typo') continue;
    const c = ledger.customerOf[i];
    const g = groups.get(c);
    if (g) g.push(i);
    else groups.set(c, [i]);
  }
  for (const [c, group] of groups) {
    if (group.length < 2) continue;
    group.sort(ledger.byAge);
    const p = payerFit(c, s.payers, s.customerName);
    const total = group.reduce((sum, i) => sum + ledger.open[i], 0);
    const reasons = [`reference: ${group.length} invoices of ${s.customerName(c)} named in the transaction text`];
    if (amount >= total - tol) {
      const d = draftOf(s, t, group, amountFit(amount, total, tol), 'ref', p, reasons);
      if (d.amount === 'over') overpaid(s, d, group, p, reasons);
      s.offer(d);
      continue;
    }
    const pool = group.slice(0, SUBSET_POOL);
    const sols = findSubsets(
      pool.map((i) => ledger.open[i]),
      amount,
      amount,
      { minSize: 2, maxSize: Math.min(s.opts.maxInvoicesPerPayment, pool.length), maxSolutions: 3 },
    );
    for (const sol of sols)
      s.offer(
        draftOf(
          s,
          t,
          sol.map((k) => pool[k]),
          'exact',
          'ref',
          p,
          [...reasons, 'amount: equals some of them exactly'],
          sols.length > 1 ? 0.3 : 0.04,
        ),
      );
    if (sols.length === 0) s.offer(draftOf(s, t, group, 'partial', 'ref', p, reasons));
  }
  groupCandidate(s, [...groups.values()]);
  return { refOf, notes, settledOf };
}

/**
 * A group paying for several of its companies in one transfer: the invoices named, of two customers or more, whose
 * total is the amount (or short of it by bank fees). The payer is judged by the customer it fits best.
 */
function groupCandidate(s: Search, groups: number[][]): void {
  if (groups.length < 2) return;
  const { ledger, t } = s;
  const all = groups.flat().sort(ledger.byAge);
  const total = all.reduce((sum, i) => sum + ledger.open[i], 0);
  const fit = amountFit(t.amountCents, total, s.feeTolerance);
  if (fit !== 'exact' && fit !== 'fee') return;
  const rank = { iban: 0, name: 1, weak: 2, none: 3, conflict: 4 };
  const p = groups
    .map((g) => payerFit(ledger.customerOf[g[0]], s.payers, s.customerName))
    .sort((a, b) => rank[a.fit] - rank[b.fit])[0];
  s.offer(
    draftOf(s, t, all, fit, 'ref', p, [
      `reference: ${all.length} invoices of ${groups.length} customers named in the transaction text (one payer for ` +
        `several companies)`,
    ]),
  );
}

/**
 * A transfer that pays more than the invoices it names (draft `d`): when the rest is what other open invoices of the
 * customer owe, those are offered and `d` is not applied (see restCandidates). When nothing explains the rest, it is
 * kept as the customer's credit automatically only while it is no larger than what the text names: a larger rest from
 * a customer who owes other invoices is likelier a payment of those (one of them paid in part meanwhile, or paid in
 * part now) than a credit, and a person decides, or those invoices would be chased although paid.
 */
function overpaid(s: Search, d: Draft, named: number[], p: PayerVerdict, reasons: string[]): void {
  if (restCandidates(s, named, p, reasons)) {
    cap(d, 0.6, 'the rest equals other open invoices of the customer');
    return;
  }
  const { ledger, t } = s;
  const c = ledger.customerOf[named[0]];
  const owed = named.reduce((sum, i) => sum + ledger.open[i], 0);
  const rest = t.amountCents - owed;
  if (c < 0 || rest <= owed) return;
  if (ledger.oldestOpen(c, t.currency).some((i) => !named.includes(i)))
    cap(d, 0.85, `the rest, ${formatCents(rest)}, is more than the invoices named, and the customer owes others`);
}

/**
 * A transfer that pays more than the invoices it names: when the rest is exactly another open invoice of the same
 * customer (or a few of its oldest together), that is what it pays, never a credit; unique, it is applied; several
 * ways, each is a suggestion. Says whether any was found.
 */
function restCandidates(s: Search, named: number[], p: PayerVerdict, reasons: string[]): boolean {
  const { ledger, t } = s;
  const c = ledger.customerOf[named[0]];
  const rest = t.amountCents - named.reduce((sum, i) => sum + ledger.open[i], 0);
  if (c < 0 || rest <= 0) return false;
  const isNamed = new Set(named);
  let ways = ledger
    .openAt(c, rest, t.currency)
    .filter((i) => !isNamed.has(i))
    .map((i) => [i]);
  if (ways.length === 0) {
    const pool = ledger
      .oldestOpen(c, t.currency)
      .filter((i) => !isNamed.has(i))
      .slice(0, SUBSET_POOL);
    ways = findSubsets(
      pool.map((i) => ledger.open[i]),
      rest,
      rest,
      { minSize: 2, maxSize: 3, maxSolutions: 3 },
    ).map((sol) => sol.map((k) => pool[k]));
  }
  for (const extra of ways) {
    const invs = [...named, ...extra].sort(ledger.byAge);
    const why =
      `amount: the rest, ${formatCents(rest)}, equals ` +
      `${extra.map((i) => ledger.invoices[i].invoiceId).join(' + ')} of the same customer, not named`;
    const d = draftOf(s, t, invs, 'exact', 'ref', p, [...reasons, why], ways.length > 1 ? 0.35 : 0.03);
    // the rest is the customer's by inference only: from a payer who looks like another customer, a guess
    if (p.fit === 'conflict') cap(d, 0.85, 'the rest is not named and the payer looks like another customer');
    s.offer(d);
  }
  return ways.length > 0;
}

/** Invoices one character away from a reference-looking string of the texts, when no named invoice fits. */
export function typoCandidates(
  s: Search,
  queries: readonly string[],
  neighbours: (q: string) => number[],
  named: ReadonlyMap<number, unknown>,
  badCreditor: readonly string[] = [],
): void {
  const { ledger, t } = s;
  const currency = ledger.currencyCode(t.currency);
  let tried = 0;
  for (const q of queries) {
    for (const i of neighbours(q)) {
      // the currency by its code: most neighbours of a number are other customers' invoices, not worth reaching
      if (named.has(i) || ledger.open[i] <= 0 || ledger.currencyOf[i] !== currency) continue;
      const fit = amountFit(t.amountCents, ledger.open[i], s.feeTolerance);
      const p = payerFit(ledger.customerOf[i], s.payers, s.customerName);
      if (fit !== 'exact' && fit !== 'fee' && p.fit !== 'iban' && p.fit !== 'name') continue;
      if (++tried > 50) break;
      const d = draftOf(s, t, [i], fit, 'typo', p, [
        `reference: "${q}" is one character away from ${ledger.invoices[i].invoiceId}`,
      ]);
      if (badCreditor.includes(q)) capCreditor(d, 'invalid');
      s.offer(d);
    }
  }
}

/**
 * The customer the payer is, and what it owes: the invoice of exactly the amount (all of them), else, among its oldest
 * open invoices, one short by bank fees, the k oldest together, a few of them together (bounded subset sum), or a
 * partial payment of the oldest larger one.
 */
export function payerCandidates(s: Search, c: number, named: ReadonlyMap<number, unknown>): void {
  const { ledger, t, opts } = s;
  const amount = t.amountCents;
  const tol = s.feeTolerance;
  const name = s.customerName(c);
  const money = formatCents;
  const p = payerFit(c, s.payers, s.customerName);
  const exact = ledger.openAt(c, amount, t.currency);
  for (const i of exact) {
    const tie = exact.length > 1;
    s.offer(
      draftOf(
        s,
        t,
        [i],
        'exact',
        named.has(i) ? 'ref' : 'none',
        p,
        [
          tie
            ? `amount: ${exact.length} open invoices of ${name} have this amount`
            : `amount: the only open invoice of ${name} of ${money(amount)}`,
        ],
        tie ? 0.35 : 0,
      ),
    );
  }
  if (exact.length === 1 && !named.has(exact[0])) groupOfTheSameAmount(s, c, p);
  if (exact.length > 0) return;
  const owedList = ledger.oldestOpen(c, t.currency);
  const open = ledger.open;
  const near = owedList.filter((i) => open[i] > amount && open[i] - amount <= tol);
  for (const i of near)
    s.offer(
      draftOf(
        s,
        t,
        [i],
        'fee',
        'none',
        p,
        [`amount: ${money(open[i] - amount)} short of invoice ${ledger.invoices[i].invoiceId} (bank fees?)`],
        near.length > 1 ? 0.3 : 0,
      ),
    );
  const pool = owedList.slice(0, opts.maxSubsetPool);
  // paying the k oldest open invoices at once is the common way, and a prefix sum rarely matches by chance
  let prefix = -1;
  for (let k = 0, sum = 0; k < Math.min(pool.length, opts.maxInvoicesPerPayment); k++) {
    sum += open[pool[k]];
    if (sum === amount && k >= 1) prefix = k + 1;
    if (sum >= amount) break;
  }
  const prefixKey = prefix > 0 ? draftKey(pool.slice(0, prefix)) : '';
  // an invoice of the set with a twin of the same amount outside it: the other set is as good, a person chooses
  const twin = (invs: number[]) => (hasTwinOutside(s, c, invs) ? 0.35 : 0);
  if (prefix > 0)
    s.offer(
      draftOf(
        s,
        t,
        pool.slice(0, prefix),
        'exact',
        'none',
        p,
        [`amount: equals the ${prefix} oldest open invoices of ${name}`],
        twin(pool.slice(0, prefix)),
        1,
      ),
    );
  if (pool.length >= 2) {
    const small = pool.slice(0, SUBSET_POOL);
    const sols = findSubsets(
      small.map((i) => open[i]),
      amount,
      amount,
      { minSize: 2, maxSize: Math.min(4, opts.maxInvoicesPerPayment), maxSolutions: 4 },
    );
    for (const sol of sols) {
      const invs = sol.map((k) => small[k]);
      if (draftKey(invs) === prefixKey) continue;
      s.offer(
        draftOf(
          s,
          t,
          invs,
          'exact',
          'none',
          p,
          [`amount: equals the sum of ${invs.length} open invoices of ${name}`],
          sols.length > 1 || prefix > 0 ? 0.35 : twin(invs),
        ),
      );
    }
    if (sols.length === 0) {
      const wide = findSubsets(
        pool.map((i) => open[i]),
        amount,
        amount + tol,
        { minSize: 2, maxSize: opts.maxInvoicesPerPayment, maxSolutions: 3, maxNodes: 20_000 },
      );
      for (const sol of wide) {
        const invs = sol.map((k) => pool[k]);
        const total = invs.reduce((a, i) => a + open[i], 0);
        s.offer(
          draftOf(
            s,
            t,
            invs,
            amountFit(amount, total, tol),
            'none',
            p,
            [`amount: close to the sum of ${invs.length} open invoices of ${name}`],
            0.2,
          ),
        );
      }
    }
  }
  if (near.length === 0) {
    const larger = owedList.find((i) => open[i] > amount);
    if (larger !== undefined)
      s.offer(
        draftOf(s, t, [larger], 'partial', named.has(larger) ? 'ref' : 'none', p, [
          `amount: less than the oldest open invoice of ${name} (partial payment?)`,
        ]),
      );
  }
}

/**
 * A payment without a reference of exactly what one invoice owes, when some of the customer's oldest open invoices
 * owe as much together: the group is offered beside the single invoice (as likely, so neither is applied), for a
 * person to choose. A customer paying three invoices of 180.00, 130.00 and 210.00 in one transfer of 520.00 was
 * lettered to its one invoice of 520.00 (the quarter-size book of issue 13). Groups of two or three of the oldest
 * (`SUBSET_POOL`): a coincidence among four or more is likelier than a customer grouping them without a word.
 */
function groupOfTheSameAmount(s: Search, c: number, p: PayerVerdict): void {
  const { ledger, t, opts } = s;
  const pool = ledger.oldestOpen(c, t.currency).slice(0, SUBSET_POOL);
  if (pool.length < 3) return;
  const [group] = findSubsets(
    pool.map((i) => ledger.open[i]),
    t.amountCents,
    t.amountCents,
    { minSize: 2, maxSize: Math.min(3, opts.maxInvoicesPerPayment), maxSolutions: 1 },
  );
  if (!group) return;
  const invs = group.map((k) => pool[k]);
  s.offer(
    draftOf(s, t, invs, 'exact', 'none', p, [
      `amount: equals the sum of ${invs.length} open invoices of ${s.customerName(c)}`,
    ]),
  );
}

/** Whether an invoice of the set has another open invoice of the customer, outside the set, owing the same. */
function hasTwinOutside(s: Search, c: number, invs: number[]): boolean {
  const inSet = new Set(invs);
  return invs.some((i) => s.ledger.openAt(c, s.ledger.open[i], s.t.currency).some((j) => !inSet.has(j)));
}

/** Nothing to go on but the amount: the few open invoices of exactly that amount, as hints for a person at most. */
export function amountOnlyCandidates(s: Search): void {
  const same = s.ledger.anyAt(s.t.amountCents, s.t.currency);
  if (same.length === 0 || same.length > s.opts.maxSuggestions) return;
  for (const i of same) {
    s.offer(
      draftOf(
        s,
        s.t,
        [i],
        'exact',
        'none',
        { fit: 'none' },
        [`amount: an open invoice of ${s.customerName(s.ledger.customerOf[i])} has exactly this amount`],
        same.length > 1 ? 0.1 : 0,
      ),
    );
  }
}
