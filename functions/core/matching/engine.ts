import type { Candidate, MatchResult } from '../model/matching';
import { formatCents } from '../money';
import { daysBetween } from '../dates';
import { CustomerIndex, type PayerGuess } from './customer-index';
import { foldText, ibanKey } from './normalize';
import { ReferenceIndex, type ReferenceKind } from './reference-index';
import { findSubsets } from './subset-sum';
import { isReturnedPayment, nonCustomerCredit, textsOf } from './classify';
import { describePayment, PaymentLedger, type LedgerPayment } from './returns';
import { MatchOptions, type LetteredPayment, type MatchCustomer, type MatchOptionsInput, type MatchTransaction, type OpenInvoice } from './types';

/** What the engine needs of a transaction (a statement entry with its id). */
export type MatchableTransaction = Pick<
  MatchTransaction,
  'transactionId' | 'bookingDate' | 'amountCents' | 'currency' | 'label' | 'counterpartyName' | 'counterpartyIban' | 'endToEndId' | 'reversal' | 'bankCodes'
> & { bankReference?: string } & { remittance?: { unstructured?: string[]; structured?: string[] } };

export interface MatchInput {
  invoices: readonly OpenInvoice[];
  customers: readonly MatchCustomer[];
  transactions: readonly MatchableTransaction[];
  /** Payments lettered before this run: what a returned payment in this run may give back. */
  payments?: readonly LetteredPayment[];
  options?: MatchOptionsInput;
}

type RefLevel = 'ref' | 'typo' | 'none';
const REF_RANK: Record<RefLevel, number> = { ref: 2, typo: 1, none: 0 };
type AmountFit = 'exact' | 'fee' | 'partial' | 'over';
type PayerFit = 'iban' | 'name' | 'weak' | 'none' | 'conflict';

interface Draft {
  invoices: number[];
  allocations: number[];
  writeOff: number;
  credit: number;
  ref: RefLevel;
  amount: AmountFit;
  payer: PayerFit;
  confidence: number;
  /** Built on demand (see reasonsOf): most candidates are never shown. */
  explain: () => string[];
  capped: string[];
  reasons?: string[];
  key: string;
}

interface Evaluation {
  result: MatchResult;
  best?: Draft;
  payers: PayerGuess[];
}

/**
 * The reconciliation engine (lettrage): for every credit, which open invoices it pays. Pure and deterministic.
 * Open amounts are consumed as allocations are made, so two credits never allocate more than an invoice owes;
 * matches backed by an invoice reference are applied first, then the others, then returned payments are handled.
 * Results come back in transaction order.
 */
export function matchTransactions(input: MatchInput): MatchResult[] {
  const matcher = createMatcher(input.invoices, input.customers, input.options, input.payments);
  return matcher.matchAll(input.transactions);
}

export function createMatcher(invoices: readonly OpenInvoice[], customers: readonly MatchCustomer[], options: MatchOptionsInput = {}, earlier: readonly LetteredPayment[] = []) {
  const opts = MatchOptions.parse(options);
  const tol = opts.feeToleranceCents;
  const open = invoices.map((i) => i.openCents);
  const customerPos = new Map<string, number>();
  customers.forEach((c, k) => {
    if (!customerPos.has(c.customerId)) customerPos.set(c.customerId, k);
  });
  const invoiceCustomer = invoices.map((i) => customerPos.get(i.customerId) ?? -1);
  const customerInvoices: number[][] = customers.map(() => []);
  invoiceCustomer.forEach((c, i) => {
    if (c >= 0) customerInvoices[c].push(i);
  });
  const byAge = (a: number, b: number) =>
    invoices[a].dueDate < invoices[b].dueDate ? -1 : invoices[a].dueDate > invoices[b].dueDate ? 1 : invoices[a].invoiceId < invoices[b].invoiceId ? -1 : invoices[a].invoiceId > invoices[b].invoiceId ? 1 : 0;
  for (const list of customerInvoices) list.sort(byAge);
  const byAmount = new Map<number, number[]>();
  invoices.forEach((inv, i) => {
    const list = byAmount.get(inv.openCents);
    if (list) list.push(i);
    else byAmount.set(inv.openCents, [i]);
  });
  const refs = new ReferenceIndex(invoices.map((i) => i.invoiceId));
  const names = new CustomerIndex(customers);
  const ownIbans = new Set(opts.ownIbans.map(ibanKey));
  /** Lettered payments, earlier ones and this run's, for returned payments to find what they give back. */
  const ledger = new PaymentLedger();
  /** What each payment of this run took from the open amounts (fees written off included), to give it back. */
  const consumedBy = new Map<LedgerPayment, { invoice: number; cents: number }[]>();
  for (const p of earlier) {
    ledger.add({ ...p, allocations: p.allocations.filter((a) => a.amountCents > 0), texts: textsOf(p), inRun: false, reversed: false });
  }
  let invoicePos: Map<string, number> | undefined;
  const positionOf = (invoiceId: string) => (invoicePos ??= new Map(invoices.map((inv, i) => [inv.invoiceId, i]))).get(invoiceId);

  const customerName = (c: number) => (c >= 0 ? customers[c].name : 'unknown customer');
  const money = (c: number) => formatCents(c);

  function payerFit(customer: number, payers: PayerGuess[]): { fit: PayerFit; reason?: string } {
    const g = payers.find((p) => p.customer === customer);
    if (g && g.via === 'iban') return { fit: 'iban', reason: g.reason };
    if (g && g.score >= 0.85) return { fit: 'name', reason: g.reason };
    const other = payers.find((p) => p.customer !== customer && (p.via === 'iban' || p.score >= 0.85));
    if (other) return { fit: 'conflict', reason: `payer looks like ${customerName(other.customer)}, not ${customerName(customer)}` };
    if (g) return { fit: 'weak', reason: g.reason };
    return { fit: 'none' };
  }

  function amountFit(amount: number, owed: number): AmountFit {
    if (amount === owed) return 'exact';
    if (amount < owed) return owed - amount <= tol ? 'fee' : 'partial';
    return 'over';
  }

  /** Allocations of `amount` over invoices (oldest first) and what is left: write-off or customer credit. */
  function allocate(invs: number[], amount: number, fit: AmountFit): Pick<Draft, 'allocations' | 'writeOff' | 'credit'> {
    const owed = invs.map((i) => open[i]);
    const total = owed.reduce((a, b) => a + b, 0);
    if (fit === 'exact') return { allocations: owed, writeOff: 0, credit: 0 };
    if (fit === 'over') return { allocations: owed, writeOff: 0, credit: amount - total };
    // short: fill oldest first; for bank fees the shortfall is proposed as a write-off
    const allocations: number[] = [];
    let left = amount;
    for (const o of owed) {
      const a = Math.min(o, left);
      allocations.push(a);
      left -= a;
    }
    return { allocations, writeOff: fit === 'fee' ? total - amount : 0, credit: 0 };
  }

  function draftKey(invs: number[]): string {
    return [...invs].sort((a, b) => a - b).join(',');
  }

  function dateReasons(t: MatchableTransaction, invs: number[]): { penalty: number; reasons: string[] } {
    const reasons: string[] = [];
    let penalty = 0;
    for (const i of invs) {
      const inv = invoices[i];
      if (t.bookingDate < inv.issueDate) {
        penalty = Math.max(penalty, 0.1);
        reasons.push(`date: paid ${daysBetween(t.bookingDate, inv.issueDate)} days before invoice ${inv.invoiceId} was issued`);
      }
    }
    if (reasons.length === 0 && invs.length > 0) {
      const d = daysBetween(invoices[invs[0]].dueDate, t.bookingDate);
      reasons.push(d > 0 ? `date: paid ${d} days after the due date` : d < 0 ? `date: paid ${-d} days before the due date` : 'date: paid on the due date');
    }
    return { penalty, reasons };
  }

  /** What does not depend on open amounts is read once per transaction, however many passes look at it. */
  interface Prepared {
    texts: string[];
    folded: string;
    payers: PayerGuess[];
    found: ReturnType<ReferenceIndex['find']>;
    typo?: Map<string, number[]>;
    returned: boolean;
  }
  const prepared = new WeakMap<MatchableTransaction, Prepared>();
  function prepare(t: MatchableTransaction): Prepared {
    let p = prepared.get(t);
    if (p) return p;
    const texts = textsOf(t);
    const folded = foldText(texts.join(' '));
    const returned = isReturnedPayment(t, folded);
    if (t.amountCents <= 0 && !returned) {
      // a plain debit: nobody to recognise, nothing to look up
      p = { texts, folded, payers: [], found: { hits: [], typoQueries: [], unresolved: [] }, returned };
    } else {
      // the label is read for a customer name only when there is no payer name field
      const payers = names.identify(t.counterpartyIban, t.counterpartyName, t.counterpartyName ? [] : texts);
      p = { texts, folded, payers, found: refs.find(texts), returned };
    }
    prepared.set(t, p);
    return p;
  }
  function typoNeighbours(p: Prepared, q: string): number[] {
    p.typo ??= new Map();
    let list = p.typo.get(q);
    if (!list) p.typo.set(q, (list = refs.typoNeighbours(q)));
    return list;
  }

  function evaluate(t: MatchableTransaction): Evaluation {
    const amount = t.amountCents;
    const prep = prepare(t);
    const { texts, folded, payers } = prep;
    const base = { transactionId: t.transactionId, suggestions: [] as Candidate[] };

    if (amount <= 0) {
      if (prep.returned) return { ...returned(t), payers };
      return { result: { ...base, status: 'ignored', confidence: 1, reasons: [amount === 0 ? 'zero amount' : 'debit: not a customer receipt'] }, payers };
    }
    if (t.counterpartyIban && ownIbans.has(ibanKey(t.counterpartyIban))) {
      return { result: { ...base, status: 'ignored', confidence: 1, reasons: ['credit from one of our own accounts: internal transfer'] }, payers };
    }

    const drafts = new Map<string, Draft>();
    const offer = (d: Draft) => {
      const prev = drafts.get(d.key);
      // the same allocation found twice: keep the stronger evidence (a reference beats a guess)
      if (!prev || REF_RANK[d.ref] > REF_RANK[prev.ref] || (REF_RANK[d.ref] === REF_RANK[prev.ref] && d.confidence > prev.confidence)) drafts.set(d.key, d);
    };
    const notes: string[] = [];

    // 1. invoice numbers in the texts
    const found = prep.found;
    const hits = found.hits.filter((h) => invoices[h.invoice].currency === t.currency);
    const refOf = new Map<number, { kind: ReferenceKind; text: string }>();
    for (const h of hits) {
      if (open[h.invoice] <= 0) {
        notes.push(`reference ${invoices[h.invoice].invoiceId} found but that invoice is already settled: possible duplicate payment`);
        continue;
      }
      refOf.set(h.invoice, h);
    }
    const refWord = (i: number) => {
      const h = refOf.get(i)!;
      return h.kind === 'exact'
        ? `reference: ${invoices[i].invoiceId} in the transaction text`
        : h.kind === 'reformatted'
          ? `reference: "${h.text}" read as ${invoices[i].invoiceId}`
          : `reference: "${h.text}" is one character away from ${invoices[i].invoiceId}`;
    };
    for (const [i, h] of refOf) {
      const fit = amountFit(amount, open[i]);
      const p = payerFit(invoiceCustomer[i], payers);
      const level: RefLevel = h.kind === 'typo' ? 'typo' : 'ref';
      offer(scored(t, [i], fit, level, p, [refWord(i)]));
    }
    // several referenced invoices of one customer paid together
    const refGroups = new Map<number, number[]>();
    for (const [i, h] of refOf) {
      if (h.kind === 'typo') continue;
      const c = invoiceCustomer[i];
      const g = refGroups.get(c);
      if (g) g.push(i);
      else refGroups.set(c, [i]);
    }
    for (const [c, group] of refGroups) {
      if (group.length < 2) continue;
      group.sort(byAge);
      const p = payerFit(c, payers);
      const total = group.reduce((s, i) => s + open[i], 0);
      const reasons = [`reference: ${group.length} invoices of ${customerName(c)} named in the transaction text`];
      if (amount >= total - tol) {
        offer(scored(t, group, amountFit(amount, total), 'ref', p, reasons));
      } else {
        const pool = group.slice(0, 16);
        const sols = findSubsets(pool.map((i) => open[i]), amount, amount, { minSize: 2, maxSize: Math.min(opts.maxInvoicesPerPayment, pool.length), maxSolutions: 3 });
        for (const s of sols) {
          offer(scored(t, s.map((k) => pool[k]), 'exact', 'ref', p, [...reasons, 'amount: equals some of them exactly'], sols.length > 1 ? 0.3 : 0.04));
        }
        if (sols.length === 0) offer(scored(t, group, 'partial', 'ref', p, reasons));
      }
    }

    // a reference with one character wrong, looked for only when the references read do not fit
    const fitting = (d: Draft) => d.ref === 'ref' && (d.amount === 'exact' || d.amount === 'fee') && d.payer !== 'conflict';
    if (![...drafts.values()].some(fitting)) {
      let tried = 0;
      for (const q of found.typoQueries) {
        for (const i of typoNeighbours(prep, q)) {
          if (refOf.has(i) || open[i] <= 0 || invoices[i].currency !== t.currency) continue;
          const fit = amountFit(amount, open[i]);
          const p = payerFit(invoiceCustomer[i], payers);
          if (fit !== 'exact' && fit !== 'fee' && p.fit !== 'iban' && p.fit !== 'name') continue;
          if (++tried > 50) break;
          offer(scored(t, [i], fit, 'typo', p, [`reference: "${q}" is one character away from ${invoices[i].invoiceId}`]));
        }
      }
    }

    // 2. the customer recognised by IBAN or name, and the amount
    const strongRefDraft = [...drafts.values()].some(fitting);
    const typoFits = [...drafts.values()].some((d) => d.ref === 'typo' && (d.amount === 'exact' || d.amount === 'fee') && d.payer !== 'conflict');
    const unknownRef = typoFits ? undefined : found.unresolved[0];
    const settledRef = notes.length > 0;
    const known = payers.filter((p) => p.score >= 0.5).slice(0, 3);
    for (const g of known) {
      const c = g.customer;
      const p = payerFit(c, payers);
      // bounded: the customer's oldest open invoices for fees, partials and sums; all of them for an exact amount
      const owedList = oldestOpen(c, t.currency);
      const exact = (openByAmount(c).get(amount) ?? []).filter((i) => open[i] === amount && invoices[i].currency === t.currency).sort(byAge);
      for (const i of exact) {
        const tie = exact.length > 1;
        offer(scored(t, [i], 'exact', refOf.has(i) ? 'ref' : 'none', p, [tie ? `amount: ${exact.length} open invoices of ${customerName(c)} have this amount` : `amount: the only open invoice of ${customerName(c)} of ${money(amount)}`], tie ? 0.35 : 0));
      }
      if (exact.length === 0) {
        const near = owedList.filter((i) => open[i] > amount && open[i] - amount <= tol);
        for (const i of near) offer(scored(t, [i], 'fee', 'none', p, [`amount: ${money(open[i] - amount)} short of invoice ${invoices[i].invoiceId} (bank fees?)`], near.length > 1 ? 0.3 : 0));
        const pool = owedList.slice(0, opts.maxSubsetPool);
        // paying the k oldest open invoices at once is the common way, and a prefix sum rarely matches by chance
        let prefix = -1;
        for (let k = 0, sum = 0; k < Math.min(pool.length, opts.maxInvoicesPerPayment); k++) {
          sum += open[pool[k]];
          if (sum === amount && k >= 1) prefix = k + 1;
          if (sum >= amount) break;
        }
        const prefixKey = prefix > 0 ? draftKey(pool.slice(0, prefix)) : '';
        if (prefix > 0) offer(scored(t, pool.slice(0, prefix), 'exact', 'none', p, [`amount: equals the ${prefix} oldest open invoices of ${customerName(c)}`], 0, 1));
        if (pool.length >= 2) {
          const small = pool.slice(0, 16);
          const sols = findSubsets(small.map((i) => open[i]), amount, amount, { minSize: 2, maxSize: Math.min(4, opts.maxInvoicesPerPayment), maxSolutions: 4 });
          for (const s of sols) {
            const invs = s.map((k) => small[k]);
            if (draftKey(invs) === prefixKey) continue;
            offer(scored(t, invs, 'exact', 'none', p, [`amount: equals the sum of ${invs.length} open invoices of ${customerName(c)}`], sols.length > 1 || prefix > 0 ? 0.35 : 0));
          }
          if (sols.length === 0) {
            const wide = findSubsets(pool.map((i) => open[i]), amount, amount + tol, { minSize: 2, maxSize: opts.maxInvoicesPerPayment, maxSolutions: 3, maxNodes: 20_000 });
            for (const s of wide) {
              const invs = s.map((k) => pool[k]);
              const total = invs.reduce((a, i) => a + open[i], 0);
              offer(scored(t, invs, amountFit(amount, total), 'none', p, [`amount: close to the sum of ${invs.length} open invoices of ${customerName(c)}`], 0.2));
            }
          }
        }
        if (near.length === 0) {
          const larger = owedList.find((i) => open[i] > amount);
          if (larger !== undefined) offer(scored(t, [larger], 'partial', refOf.has(larger) ? 'ref' : 'none', p, [`amount: less than the oldest open invoice of ${customerName(c)} (partial payment?)`]));
        }
      }
    }

    // 3. nothing to go on but the amount: a hint for a person at most
    const nonCustomer = nonCustomerCredit(folded);
    if (drafts.size === 0 && known.length === 0 && !nonCustomer) {
      const same = (byAmount.get(amount) ?? []).filter((i) => open[i] === amount && invoices[i].currency === t.currency);
      if (same.length > 0 && same.length <= opts.maxSuggestions) {
        for (const i of same) offer(scored(t, [i], 'exact', 'none', { fit: 'none' }, [`amount: an open invoice of ${customerName(invoiceCustomer[i])} has exactly this amount`], same.length > 1 ? 0.1 : 0));
      }
    }

    // global rules: a reference wins over guesses; a reference to another customer's invoice blocks guesses
    const refConflict = [...drafts.values()].some((d) => d.ref !== 'none' && d.payer === 'conflict' && d.amount !== 'exact');
    for (const d of drafts.values()) {
      if (d.ref === 'none' && strongRefDraft) cap(d, 0.5, 'another invoice is named in the text');
      if (d.ref === 'none' && refConflict) cap(d, 0.85, 'the text names an invoice of another customer');
      if (d.ref === 'none' && nonCustomer) cap(d, 0.3, `looks like a ${nonCustomer}`);
      if (d.ref === 'none' && settledRef) cap(d, 0.85, 'the text names an invoice already settled');
      if (d.ref === 'typo' && strongRefDraft) cap(d, 0.5, 'an invoice named exactly fits');
      // the text names an invoice number that is not open here (paid, or not imported yet): guesses are for a person
      if (unknownRef && (d.ref === 'none' || d.amount === 'over')) cap(d, 0.85, `the text names ${unknownRef}, which is not an open invoice`);
    }
    // a transfer naming several invoices that it pays exactly does not overpay one of them
    for (const whole of drafts.values()) {
      if (whole.invoices.length < 2 || whole.ref !== 'ref' || (whole.amount !== 'exact' && whole.amount !== 'fee')) continue;
      const members = new Set(whole.invoices);
      for (const d of drafts.values()) {
        if (d !== whole && d.amount === 'over' && d.invoices.every((i) => members.has(i))) cap(d, 0.6, 'the text names more invoices, which the amount pays together');
      }
    }

    const ranked = [...drafts.values()]
      .filter((d) => d.confidence >= opts.suggestThreshold)
      .sort((a, b) => b.confidence - a.confidence || a.invoices.length - b.invoices.length || byAge(a.invoices[0], b.invoices[0]) || (a.key < b.key ? -1 : 1));
    const top = ranked[0];
    if (!top) {
      if (nonCustomer) return { result: { ...base, status: 'ignored', confidence: 1, reasons: [`not a customer receipt: looks like a ${nonCustomer}`, ...notes] }, payers };
      const why = [...drafts.values()].sort((a, b) => b.confidence - a.confidence)[0];
      const reasons = [
        known.length === 0 && refOf.size === 0
          ? found.unresolved.length > 0
            ? `the text names ${found.unresolved.slice(0, 3).join(', ')}, which is not an open invoice, and the payer is not a known customer`
            : 'no invoice reference and no known customer'
          : 'no open invoice fits this payment',
        ...notes,
      ];
      if (why) reasons.push(...reasonsOf(why).map((r) => `rejected: ${r}`));
      return { result: { ...base, status: 'unmatched', confidence: 0, reasons }, payers };
    }
    const rival = ranked.find((d) => d !== top && d.confidence >= top.confidence - opts.ambiguityMargin);
    const suggestions = ranked.slice(0, opts.maxSuggestions).map(toCandidate);
    if (top.confidence >= opts.autoThreshold && !rival) {
      const best = toCandidate(top);
      return { result: { ...base, status: 'matched', best, suggestions: suggestions.slice(1), confidence: top.confidence, reasons: [...reasonsOf(top), ...notes] }, best: top, payers };
    }
    const reasons = [...(rival ? ['ambiguous: several open invoices fit equally well'] : ['not certain enough to apply automatically']), ...reasonsOf(top), ...notes];
    return { result: { ...base, status: 'suggested', suggestions, confidence: top.confidence, reasons }, payers };
  }

  function cap(d: Draft, max: number, why: string) {
    if (d.confidence > max) {
      d.confidence = max;
      d.capped.push(`capped: ${why}`);
    }
  }

  function scored(t: MatchableTransaction, invs: number[], fit: AmountFit, ref: RefLevel, payer: { fit: PayerFit; reason?: string }, reasons: string[], penalty = 0, countAs = invs.length): Draft {
    const customer = invoiceCustomer[invs[0]];
    const parts = allocate(invs, t.amountCents, fit);
    let c = confidenceOf(ref, fit, payer.fit, countAs);
    let datePenalty = 0;
    for (const i of invs) if (t.bookingDate < invoices[i].issueDate) datePenalty = 0.1;
    c = Math.max(0, Math.min(1, c - penalty - datePenalty));
    const total = invs.reduce((s, i) => s + open[i], 0);
    // the wording is built only for the candidates a person will see
    const explain = () => {
      const amountReason =
        fit === 'exact'
          ? `amount: ${money(t.amountCents)} equals what is owed`
          : fit === 'fee'
            ? `amount: ${money(total - t.amountCents)} short of ${money(total)} (within the bank-fee tolerance): write-off proposed`
            : fit === 'partial'
              ? `amount: partial payment, ${money(total - t.amountCents)} still owed`
              : `amount: overpaid by ${money(t.amountCents - total)}, kept as customer credit`;
      const all = [...reasons, amountReason];
      if (payer.reason) all.push(`customer: ${payer.reason}`);
      else if (customer >= 0) all.push(`customer: payer not recognised as ${customerName(customer)}`);
      all.push(...dateReasons(t, invs).reasons);
      return all;
    };
    return { invoices: invs, ...parts, ref, amount: fit, payer: payer.fit, confidence: round2(c), explain, capped: [], key: draftKey(invs) };
  }

  function reasonsOf(d: Draft): string[] {
    return (d.reasons ??= [...d.explain(), ...d.capped]);
  }

  function toCandidate(d: Draft): Candidate {
    return {
      allocations: d.invoices.map((i, k) => ({ invoiceId: invoices[i].invoiceId, amountCents: d.allocations[k] })).filter((a) => a.amountCents > 0),
      confidence: d.confidence,
      reasons: reasonsOf(d),
      writeOffCents: d.writeOff,
      customerCreditCents: d.credit,
      customerId: invoices[d.invoices[0]].customerId,
    };
  }

  /**
   * A returned or rejected payment: find the payment it gives back (this run's or an earlier one, see returns.ts) and
   * reopen what that one paid; when several fit, undo nothing and hand it to a person with the candidates.
   */
  function returned(t: MatchableTransaction): Omit<Evaluation, 'payers'> {
    const prep = prepare(t);
    const head = 'returned payment (impayé / rejet): what it paid must be reopened and finance alerted';
    const base = { transactionId: t.transactionId, suggestions: [], returned: true as const };
    const link = ledger.link({ ...t, texts: prep.texts });
    if (link.kind === 'ambiguous') {
      const reasons = [head, `ambiguous: ${link.fits.length} payments could be the one returned; nothing reopened, a person must choose`, ...link.fits.map((f) => `candidate: ${describePayment(f)}`)];
      return { result: { ...base, status: 'suggested', confidence: 0.5, reasons } };
    }
    if (link.kind === 'found') {
      const p = link.fit.payment;
      p.reversed = true;
      if (p.inRun) for (const x of consumedBy.get(p)!) setOpen(x.invoice, open[x.invoice] + x.cents);
      else for (const a of p.allocations) {
        const i = positionOf(a.invoiceId);
        if (i !== undefined) setOpen(i, open[i] + a.amountCents);
      }
      const reasons = [head, `reverses transaction ${p.transactionId} of ${p.bookingDate}${p.inRun ? ' (this run)' : ''}: ${link.fit.evidence.join('; ')}`];
      return { result: { ...base, status: 'ignored', confidence: 1, reasons, reversalOf: p.transactionId, reopens: p.allocations.map((a) => ({ ...a })) } };
    }
    const reasons = [head];
    const reopens: { invoiceId: string; amountCents: number }[] = [];
    const named = [...new Set(prep.found.hits.map((h) => h.invoice))].sort((x, y) => x - y);
    for (const i of named) {
      const paid = Math.min(-t.amountCents, invoices[i].amountCents - open[i]);
      reasons.push(`names invoice ${invoices[i].invoiceId}`);
      if (paid > 0) reopens.push({ invoiceId: invoices[i].invoiceId, amountCents: paid });
    }
    if (named.length === 0) reasons.push('original payment not found: look it up by amount and payer');
    return { result: { ...base, status: 'ignored', confidence: 1, reasons, ...(reopens.length ? { reopens } : {}) } };
  }

  function apply(t: MatchableTransaction, ev: Evaluation) {
    const d = ev.best!;
    const lastShort = d.writeOff > 0 ? d.invoices.findIndex((i, k) => d.allocations[k] < open[i]) : -1;
    d.invoices.forEach((i, k) => {
      setOpen(i, open[i] - d.allocations[k] - (k === lastShort ? d.writeOff : 0));
      if (open[i] < 0) throw new Error(`internal: over-allocated invoice ${invoices[i].invoiceId}`);
    });
    const payment: LedgerPayment = {
      ...t,
      allocations: d.invoices.map((i, k) => ({ invoiceId: invoices[i].invoiceId, amountCents: d.allocations[k] })).filter((a) => a.amountCents > 0),
      texts: prepare(t).texts,
      inRun: true,
      reversed: false,
    };
    ledger.add(payment);
    consumedBy.set(payment, d.invoices.map((i, k) => ({ invoice: i, cents: d.allocations[k] + (k === lastShort ? d.writeOff : 0) })));
  }

  /** Per customer: where its open invoices start (oldest first; the closed ones before are skipped for good). */
  const firstOpen = new Int32Array(customers.length);
  const OLDEST = 32;
  function oldestOpen(c: number, currency: string): number[] {
    const list = customerInvoices[c];
    let k = firstOpen[c];
    while (k < list.length && open[list[k]] <= 0) k++;
    firstOpen[c] = k;
    const out: number[] = [];
    for (; k < list.length && out.length < OLDEST; k++) {
      const i = list[k];
      if (open[i] > 0 && invoices[i].currency === currency) out.push(i);
    }
    return out;
  }
  /** Per customer, built on first use and kept up to date: open invoices by what they still owe. */
  const amountMaps = new Map<number, Map<number, number[]>>();
  function openByAmount(c: number): Map<number, number[]> {
    let m = amountMaps.get(c);
    if (!m) {
      m = new Map();
      for (const i of customerInvoices[c]) if (open[i] > 0) pushTo(m, open[i], i);
      amountMaps.set(c, m);
    }
    return m;
  }
  function pushTo(m: Map<number, number[]>, key: number, i: number) {
    const l = m.get(key);
    if (l) l.push(i);
    else m.set(key, [i]);
  }
  /** Every change of an open amount goes through here, so the per-customer amount maps stay right. */
  function setOpen(i: number, value: number) {
    const m = amountMaps.get(invoiceCustomer[i]);
    if (m && open[i] !== value) {
      const l = m.get(open[i]);
      if (l) {
        const at = l.indexOf(i);
        if (at >= 0) l.splice(at, 1);
      }
      if (value > 0) pushTo(m, value, i);
    }
    open[i] = value;
    if (value > 0 && invoiceCustomer[i] >= 0) {
      // reopened: it may sit before the customer's first open position
      const list = customerInvoices[invoiceCustomer[i]];
      const at = list.indexOf(i);
      if (at >= 0 && at < firstOpen[invoiceCustomer[i]]) firstOpen[invoiceCustomer[i]] = at;
    }
  }

  function samePayer(a: MatchableTransaction, b: MatchableTransaction): boolean {
    if (a.counterpartyIban && b.counterpartyIban) return ibanKey(a.counterpartyIban) === ibanKey(b.counterpartyIban);
    return !!a.counterpartyName && !!b.counterpartyName && foldText(a.counterpartyName) === foldText(b.counterpartyName);
  }

  return {
    /** Matches a batch: reference-backed matches first, then the rest, then returned payments. */
    matchAll(transactions: readonly MatchableTransaction[], more: { ownIbans?: readonly string[] } = {}): MatchResult[] {
      for (const iban of more.ownIbans ?? []) ownIbans.add(ibanKey(iban));
      const results: (MatchResult | undefined)[] = new Array(transactions.length);
      const later: number[] = [];
      const unlinkedReturns: number[] = [];
      const laterByAmount = new Map<number, number[]>();
      // pass 1, file order: reference-backed matches and returned payments (which undo what came before them)
      transactions.forEach((t, k) => {
        if (prepare(t).returned) {
          // the payment it undoes may be waiting for pass 2: settle that one now, in its place in time
          const same = (laterByAmount.get(-t.amountCents) ?? []).filter((j) => results[j] === undefined && samePayer(transactions[j], t));
          for (const j of same.slice(-1)) {
            const ev = evaluate(transactions[j]);
            if (ev.result.status !== 'matched') continue;
            apply(transactions[j], ev);
            results[j] = ev.result;
          }
          results[k] = evaluate(t).result;
          if (!results[k]!.reversalOf) unlinkedReturns.push(k);
          return;
        }
        const prep = prepare(t);
        if (t.amountCents > 0 && prep.found.hits.length === 0 && prep.found.typoQueries.length === 0) {
          // nothing in the text points at an invoice: no reference-backed match is possible, decide in pass 2
          later.push(k);
          const l = laterByAmount.get(t.amountCents);
          if (l) l.push(k);
          else laterByAmount.set(t.amountCents, [k]);
          return;
        }
        const ev = evaluate(t);
        if (ev.result.status === 'matched' && ev.best && ev.best.ref === 'ref') {
          apply(t, ev);
          results[k] = ev.result;
        } else if (ev.result.status === 'ignored') results[k] = ev.result;
        else {
          later.push(k);
          const l = laterByAmount.get(t.amountCents);
          if (l) l.push(k);
          else laterByAmount.set(t.amountCents, [k]);
        }
      });
      // pass 2: the rest, against what references left open
      for (const k of later) {
        if (results[k] !== undefined) continue;
        const ev = evaluate(transactions[k]);
        if (ev.result.status === 'matched') apply(transactions[k], ev);
        results[k] = ev.result;
      }
      // pass 3: returns whose payment was matched in pass 2
      for (const k of unlinkedReturns) {
        const again = evaluate(transactions[k]).result;
        if (again.reversalOf) results[k] = again;
      }
      return results as MatchResult[];
    },
    /** Matches one transaction against the current open amounts, consuming them when matched. */
    match(t: MatchableTransaction): MatchResult {
      const ev = evaluate(t);
      if (ev.result.status === 'matched') apply(t, ev);
      return ev.result;
    },
    /** What is still owed on an invoice after this run's allocations. */
    openCentsOf(invoiceId: string): number | undefined {
      const i = invoices.findIndex((x) => x.invoiceId === invoiceId);
      return i < 0 ? undefined : open[i];
    },
  };
}

/**
 * How sure a candidate is, from its evidence. A reference alone is not enough when the amount disagrees and the payer
 * is someone else; a customer and an amount alone are enough only when nothing else of theirs fits.
 */
function confidenceOf(ref: RefLevel, fit: AmountFit, payer: PayerFit, count: number): number {
  const known = payer === 'iban' || payer === 'name';
  if (ref === 'ref') {
    if (payer === 'conflict') return fit === 'exact' ? 0.7 : fit === 'fee' ? 0.5 : 0.2;
    if (fit === 'exact') return 0.99;
    if (fit === 'fee') return 0.96;
    if (fit === 'partial') return count > 1 ? 0.6 : known ? 0.93 : payer === 'weak' ? 0.85 : 0.75;
    return known ? 0.92 : payer === 'weak' ? 0.85 : 0.75; // over
  }
  if (ref === 'typo') {
    if (payer === 'conflict') return 0.2;
    if (fit === 'exact') return known ? 0.94 : payer === 'weak' ? 0.9 : 0.78;
    if (fit === 'fee') return known ? 0.91 : payer === 'weak' ? 0.85 : 0.7;
    return known ? 0.6 : 0.3;
  }
  if (payer === 'conflict') return 0.2;
  if (fit === 'exact') {
    if (count === 1) return payer === 'iban' ? 0.95 : payer === 'name' ? 0.92 : payer === 'weak' ? 0.7 : 0.5;
    if (count <= 3) return payer === 'iban' ? 0.93 : payer === 'name' ? 0.91 : payer === 'weak' ? 0.6 : 0.4;
    return payer === 'iban' ? 0.88 : payer === 'name' ? 0.85 : 0.5;
  }
  if (fit === 'fee') return payer === 'iban' ? 0.88 : payer === 'name' ? 0.85 : 0.5;
  if (fit === 'partial') return known ? 0.45 : 0.3;
  return known ? 0.45 : 0.3;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
