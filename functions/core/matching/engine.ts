import type { Candidate, MatchResult } from '../model/matching';
import { amountOnlyCandidates, payerCandidates, referenceCandidates, type Search, typoCandidates } from './candidates';
import { isReturnedPayment, nonCustomerCredit, textsOf } from './classify';
import { CustomerIndex, type PayerGuess } from './customer-index';
import { applyRules, type Draft, Drafts, decide, fitsByReference, fitsByTypo } from './decision';
import { OpenLedger } from './ledger';
import { foldText, ibanKey } from './normalize';
import { ReferenceIndex } from './reference-index';
import {
  byWhatItQuotes,
  describePayment,
  describeUnlettered,
  givenBackResult,
  type LedgerPayment,
  PaymentLedger,
  samePayer,
  type UnletteredCredit,
} from './returns';
import {
  type LetteredPayment,
  type MatchCustomer,
  MatchOptions,
  type MatchOptionsInput,
  type MatchTransaction,
  type OpenInvoice,
  type UnletteredPayment,
} from './types';

/** What the engine needs of a transaction (a statement entry with its id). */
export type MatchableTransaction = Pick<
  MatchTransaction,
  | 'transactionId'
  | 'bookingDate'
  | 'amountCents'
  | 'currency'
  | 'label'
  | 'counterpartyName'
  | 'counterpartyIban'
  | 'endToEndId'
  | 'reversal'
  | 'bankCodes'
> & { bankReference?: string } & { remittance?: { unstructured?: string[]; structured?: string[] } };

export interface MatchInput {
  invoices: readonly OpenInvoice[];
  customers: readonly MatchCustomer[];
  transactions: readonly MatchableTransaction[];
  /** Payments lettered before this run: what a returned payment in this run may give back. */
  payments?: readonly LetteredPayment[];
  /** Credits of earlier statements left unlettered: a returned payment in this run may give one of them back. */
  unlettered?: readonly UnletteredPayment[];
  options?: MatchOptionsInput;
}

interface Evaluation {
  result: MatchResult;
  best?: Draft;
  /** For a return: the one credit of its payer and amount left unlettered, which it then gives back. */
  givesBack?: UnletteredCredit;
}

/** What does not depend on open amounts, read once per transaction however many passes look at it. */
interface Prepared {
  texts: string[];
  folded: string;
  payers: PayerGuess[];
  found: ReturnType<ReferenceIndex['find']>;
  typo?: Map<string, number[]>;
  returned: boolean;
}

/**
 * The reconciliation engine (lettrage): for every credit, which open invoices it pays. Pure and deterministic.
 * Open amounts are consumed as allocations are made, so two credits never allocate more than an invoice owes;
 * matches backed by an invoice reference are applied first, then the others, then returned payments are handled.
 * Results come back in transaction order. The parts: `ledger.ts` (open amounts), `candidates.ts` (what could be
 * paid), `decision.ts` (how sure, and the verdict), `classify.ts` and `returns.ts` (non-receipts and returns).
 */
export function matchTransactions(input: MatchInput): MatchResult[] {
  const matcher = createMatcher(input.invoices, input.customers, input.options, input.payments, input.unlettered);
  return matcher.matchAll(input.transactions);
}

export function createMatcher(
  invoices: readonly OpenInvoice[],
  customers: readonly MatchCustomer[],
  options: MatchOptionsInput = {},
  earlier: readonly LetteredPayment[] = [],
  earlierUnlettered: readonly UnletteredPayment[] = [],
) {
  const opts = MatchOptions.parse(options);
  const ledger = new OpenLedger(invoices, customers);
  const open = ledger.open;
  const refs = new ReferenceIndex(invoices.map((i) => i.invoiceId));
  const names = new CustomerIndex(customers);
  const ownIbans = new Set(opts.ownIbans.map(ibanKey));
  const customerName = (c: number) => (c >= 0 ? customers[c].name : 'unknown customer');
  const scoring = { ledger, feeTolerance: opts.feeToleranceCents, customerName };
  /** Lettered payments, earlier ones and this run's, for returned payments to find what they give back. */
  const payments = new PaymentLedger();
  /** What each payment of this run took from the open amounts (fees written off included), to give it back. */
  const consumedBy = new Map<LedgerPayment, { invoice: number; cents: number }[]>();
  for (const p of earlier)
    payments.add({
      ...p,
      allocations: p.allocations.filter((a) => a.amountCents > 0),
      texts: textsOf(p),
      wrote: p.remittance?.unstructured,
      inRun: false,
      reversed: false,
    });

  /**
   * What `prepare` read of each transaction of the batch being matched, dropped with the batch (a plain Map: the
   * entries of a WeakMap cost every garbage collection of the run).
   */
  let prepared: Map<MatchableTransaction, Prepared> | undefined;
  function inBatch<T>(f: () => T): T {
    prepared = new Map();
    try {
      return f();
    } finally {
      prepared = undefined;
    }
  }
  function prepare(t: MatchableTransaction): Prepared {
    let p = prepared?.get(t);
    if (p) return p;
    const texts = textsOf(t);
    const folded = foldText(texts.join(' '));
    const returned = isReturnedPayment(t, folded);
    if (t.amountCents <= 0 && !returned) {
      // a plain debit: nobody to recognise, nothing to look up
      p = {
        texts,
        folded,
        payers: [],
        found: { hits: [], typoQueries: [], unresolved: [], badCreditor: [] },
        returned,
      };
    } else {
      // the label is read for a customer name only when there is no payer name field
      const payers = names.identify(t.counterpartyIban, t.counterpartyName, t.counterpartyName ? [] : texts);
      p = { texts, folded, payers, found: refs.find(texts), returned };
    }
    prepared?.set(t, p);
    return p;
  }
  function typoNeighbours(p: Prepared, q: string): number[] {
    p.typo ??= new Map();
    let list = p.typo.get(q);
    if (!list) p.typo.set(q, (list = refs.typoNeighbours(q)));
    return list;
  }

  /**
   * One transaction against the current open amounts: its candidates from each kind of evidence, then the verdict.
   * `unlettered`: for a returned payment, the credits before it of its payer and amount not lettered, of earlier
   * statements or of this batch (see returned).
   */
  function evaluate(t: MatchableTransaction, unlettered: readonly UnletteredCredit[] = []): Evaluation {
    const prep = prepare(t);
    const base = { transactionId: t.transactionId, suggestions: [] as Candidate[] };
    if (t.amountCents <= 0) {
      if (prep.returned) return returned(t, unlettered);
      return {
        result: {
          ...base,
          status: 'ignored',
          confidence: 1,
          reasons: [t.amountCents === 0 ? 'zero amount' : 'debit: not a customer receipt'],
        },
      };
    }
    if (t.counterpartyIban && ownIbans.has(ibanKey(t.counterpartyIban))) {
      return {
        result: {
          ...base,
          status: 'ignored',
          confidence: 1,
          reasons: ['credit from one of our own accounts: internal transfer'],
        },
      };
    }
    const drafts = new Drafts();
    const s: Search = {
      ...scoring,
      opts,
      refs,
      t: { amountCents: t.amountCents, bookingDate: t.bookingDate, currency: t.currency },
      payers: prep.payers,
      offer: (d) => drafts.offer(d),
    };
    const { found } = prep;
    // 1. invoice numbers in the texts; one character off only when those read do not fit
    const { refOf, notes, settledOf } = referenceCandidates(s, found.hits);
    // (a named invoice that fits, of someone the payer does not look like, leaves room for a typo of the payer's own)
    if (!drafts.some((d) => fitsByReference(d) && d.payer !== 'conflict'))
      typoCandidates(s, found.typoQueries, (q) => typoNeighbours(prep, q), refOf, found.badCreditor);
    const unknownRef = drafts.some(fitsByTypo) ? undefined : found.unresolved[0];
    // 2. the customer recognised by IBAN or name, and what it owes
    // the three likeliest payers, and any as likely as the third: a cut among equals would be arbitrary (a short name
    // fitting eight customers equally kept the first three in book order, and an amount one of them owed decided)
    const likely = prep.payers.filter((p) => p.score >= 0.5);
    const known = likely.filter((p, k) => k < 3 || p.score === likely[2].score);
    for (const g of known) payerCandidates(s, g.customer, refOf);
    // 3. nothing to go on but the amount: a hint for a person at most
    const nonCustomer = nonCustomerCredit(prep.folded);
    if (drafts.size === 0 && known.length === 0 && !nonCustomer) amountOnlyCandidates(s);

    const all = drafts.all();
    // an RF reference whose check digits fail, and no reference read right: someone typed it by hand, a person checks
    const badCreditor =
      (found.badCreditor.length > 0 || found.hits.some((h) => h.creditor === 'invalid')) &&
      !found.hits.some((h) => h.kind !== 'typo');
    // the invoices named, with their customers: one named invoice leaves no other unpaid (see applyRules)
    let named: Map<number, number> | undefined;
    if (refOf.size > 1) {
      named = new Map();
      for (const [i, h] of refOf) if (h.kind !== 'typo') named.set(i, ledger.customerOf[i]);
    }
    const facts = { nonCustomer, settledRef: notes.length > 0, unknownRef, badCreditor, named, settledOf };
    applyRules(all, facts);
    const nothingFits =
      known.length === 0 && refOf.size === 0
        ? found.unresolved.length > 0
          ? `the text names ${found.unresolved.slice(0, 3).join(', ')}, which is not an open invoice, and the payer ` +
            `is not a known customer`
          : 'no invoice reference and no known customer'
        : 'no open invoice fits this payment';
    return decide(ledger, opts, t.transactionId, all, { ...facts, notes, nothingFits });
  }

  /**
   * A returned or rejected payment: find the payment it gives back (this run's or an earlier one, see returns.ts) and
   * reopen what that one paid; when several fit, undo nothing and hand it to a person with the candidates. A return
   * that names nothing but its payer, while credits of that payer and amount were left unlettered (`unlettered`: only
   * suggested, or not decided yet), may give back one of those: nothing is undone either, unless it quotes what the
   * payer wrote with the lettered payment alone (see byWhatItQuotes).
   */
  function returned(t: MatchableTransaction, unlettered: readonly UnletteredCredit[]): Evaluation {
    const prep = prepare(t);
    const head = 'returned payment (impayé / rejet): what it paid must be reopened and finance alerted';
    const base = { transactionId: t.transactionId, suggestions: [], returned: true as const };
    const ret = { ...t, texts: prep.texts };
    const link = byWhatItQuotes(ret, payments.link(ret), unlettered);
    const unletteredCandidates = unlettered.map((u) => `candidate: ${describeUnlettered(u)}`);
    if (link.kind === 'unsure') {
      const others = unlettered.map((u) => `${u.transactionId} of ${u.bookingDate}`).join(', ');
      const reasons = [
        head,
        `ambiguous: it names only its payer, who also paid ${others} (not lettered); nothing reopened, a person must ` +
          `choose`,
        `candidate: ${describePayment(link.fit)}`,
        ...unletteredCandidates,
      ];
      return { result: { ...base, status: 'suggested', confidence: 0.5, reasons } };
    }
    if (link.kind === 'ambiguous') {
      const reasons = [
        head,
        `ambiguous: ${link.fits.length} payments could be the one returned; nothing reopened, a person must choose`,
        ...link.fits.map((f) => `candidate: ${describePayment(f)}`),
      ];
      return { result: { ...base, status: 'suggested', confidence: 0.5, reasons } };
    }
    if (link.kind === 'found') {
      const p = link.fit.payment;
      p.reversed = true;
      if (p.inRun) for (const x of consumedBy.get(p)!) ledger.set(x.invoice, open[x.invoice] + x.cents);
      else
        for (const a of p.allocations) {
          const i = ledger.positionOf(a.invoiceId);
          if (i !== undefined) ledger.set(i, open[i] + a.amountCents);
        }
      const reasons = [
        head,
        `reverses transaction ${p.transactionId} of ${p.bookingDate}${p.inRun ? ' (this run)' : ''}: ` +
          `${link.fit.evidence.join('; ')}`,
      ];
      return {
        result: {
          ...base,
          status: 'ignored',
          confidence: 1,
          reasons,
          reversalOf: p.transactionId,
          reopens: p.allocations.map((a) => ({ ...a })),
        },
      };
    }
    const reasons = [head];
    const reopens: { invoiceId: string; amountCents: number }[] = [];
    const named = [...new Set(prep.found.hits.map((h) => h.invoice))].sort((x, y) => x - y);
    for (const i of named) {
      const paid = Math.min(-t.amountCents, invoices[i].amountCents - open[i]);
      reasons.push(`names invoice ${invoices[i].invoiceId}`);
      if (paid > 0) reopens.push({ invoiceId: invoices[i].invoiceId, amountCents: paid });
    }
    // its payment may be one of the payer's left unlettered (the invoices it names, if any, were paid by nothing:
    // their payment undone by a person, or never lettered): named for finance, which must not letter it
    const nothingPaid = reopens.length === 0;
    if (nothingPaid && unlettered.length > 0)
      reasons.push(
        'original payment not lettered: nothing reopened, and it must not be lettered',
        ...unletteredCandidates,
      );
    else if (named.length === 0) reasons.push('original payment not found: look it up by amount and payer');
    return {
      result: { ...base, status: 'ignored', confidence: 1, reasons, ...(reopens.length ? { reopens } : {}) },
      ...(nothingPaid && unlettered.length === 1 ? { givesBack: unlettered[0] } : {}),
    };
  }

  function apply(t: MatchableTransaction, ev: Evaluation) {
    const d = ev.best!;
    const lastShort = d.writeOff > 0 ? d.invoices.findIndex((i, k) => d.allocations[k] < open[i]) : -1;
    const consumed = d.invoices.map((i, k) => ({
      invoice: i,
      cents: d.allocations[k] + (k === lastShort ? d.writeOff : 0),
    }));
    for (const x of consumed) {
      ledger.set(x.invoice, open[x.invoice] - x.cents);
      if (open[x.invoice] < 0) throw new Error(`internal: over-allocated invoice ${invoices[x.invoice].invoiceId}`);
    }
    const allocations = d.invoices
      .map((i, k) => ({ invoiceId: invoices[i].invoiceId, amountCents: d.allocations[k] }))
      .filter((a) => a.amountCents > 0);
    const payment: LedgerPayment = {
      ...t,
      allocations,
      texts: prepare(t).texts,
      wrote: t.remittance?.unstructured,
      inRun: true,
      reversed: false,
    };
    payments.add(payment);
    consumedBy.set(payment, consumed);
  }

  /** A return's result that names payments: the one it gave back, or those it may give back. */
  function namesPayments(r: MatchResult): boolean {
    return r.reversalOf !== undefined || r.reasons.some((x) => x.startsWith('candidate: '));
  }

  return {
    /** Matches a batch: reference-backed matches first, then the rest, then returned payments. */
    matchAll(
      transactions: readonly MatchableTransaction[],
      more: { ownIbans?: readonly string[] } = {},
    ): MatchResult[] {
      for (const iban of more.ownIbans ?? []) ownIbans.add(ibanKey(iban));
      return inBatch(() => inPasses(transactions));
    },
    /** Matches one transaction against the current open amounts, consuming them when matched. */
    match(t: MatchableTransaction): MatchResult {
      return inBatch(() => {
        const ev = evaluate(t);
        if (ev.result.status === 'matched') apply(t, ev);
        return ev.result;
      });
    },
    /**
     * Builds now the look-up tables the first transactions would build (reference tables, the typo index, invoices by
     * amount): for a caller with time to spare before its transactions arrive (the CLI, while a worker parses the
     * statement). Changes no result.
     */
    warm(): void {
      refs.warm();
      ledger.byStartAmount();
    },
    /** What is still owed on an invoice after this run's allocations. */
    openCentsOf(invoiceId: string): number | undefined {
      const i = ledger.positionOf(invoiceId);
      return i === undefined ? undefined : open[i];
    },
  };

  /** A batch in three passes: reference-backed matches first, then the rest, then returned payments. */
  function inPasses(transactions: readonly MatchableTransaction[]): MatchResult[] {
    const results: (MatchResult | undefined)[] = new Array(transactions.length);
    const later: number[] = [];
    const unlinkedReturns: number[] = [];
    /** Returns that give back a credit left unlettered (see returned), by their place in the batch. */
    const givesBack = new Map<number, UnletteredCredit>();
    const decideReturn = (k: number, ev: Evaluation) => {
      results[k] = ev.result;
      if (ev.givesBack) givesBack.set(k, ev.givesBack);
      else givesBack.delete(k);
    };
    const laterByAmount = new Map<number, number[]>();
    const defer = (k: number) => {
      later.push(k);
      const l = laterByAmount.get(transactions[k].amountCents);
      if (l) l.push(k);
      else laterByAmount.set(transactions[k].amountCents, [k]);
    };
    /**
     * The credits before return `t`, of its payer and the amount it returns, not lettered: earlier statements' left in
     * the review queue, then this batch's left for pass 2.
     */
    const unletteredBefore = (t: MatchableTransaction): UnletteredCredit[] => [
      ...earlierUnlettered.filter(
        (u) => u.amountCents === -t.amountCents && u.bookingDate <= t.bookingDate && samePayer(u, t),
      ),
      ...(laterByAmount.get(-t.amountCents) ?? [])
        .filter(
          (j) =>
            results[j]?.status !== 'matched' &&
            transactions[j].bookingDate <= t.bookingDate &&
            samePayer(transactions[j], t),
        )
        .map((j) => transactions[j]),
    ];
    /** A transaction decided for good: what prepare read of it is no longer needed (the batch's live heap shrinks). */
    const settled = (k: number) => prepared?.delete(transactions[k]);
    // pass 1, file order: reference-backed matches and returned payments (which undo what came before them)
    transactions.forEach((t, k) => {
      const prep = prepare(t);
      if (prep.returned) {
        // the payment it undoes may be waiting for pass 2: settle that one now, in its place in time
        const same = (laterByAmount.get(-t.amountCents) ?? []).filter(
          (j) => results[j] === undefined && samePayer(transactions[j], t),
        );
        for (const j of same.slice(-1)) {
          const ev = evaluate(transactions[j]);
          if (ev.result.status !== 'matched') continue;
          apply(transactions[j], ev);
          results[j] = ev.result;
          settled(j);
        }
        decideReturn(k, evaluate(t, unletteredBefore(t)));
        if (!results[k]!.reversalOf) unlinkedReturns.push(k);
        else settled(k);
        return;
      }
      // nothing in the text points at an invoice: no reference-backed match is possible, decide in pass 2
      if (t.amountCents > 0 && prep.found.hits.length === 0 && prep.found.typoQueries.length === 0) {
        defer(k);
        return;
      }
      const ev = evaluate(t);
      if (ev.result.status === 'matched' && ev.best && ev.best.ref === 'ref') {
        apply(t, ev);
        results[k] = ev.result;
      } else if (ev.result.status === 'ignored') results[k] = ev.result;
      else {
        defer(k);
        return;
      }
      settled(k);
    });
    // pass 2: the rest, against what references left open
    for (const k of later) {
      if (results[k] !== undefined) continue;
      const ev = evaluate(transactions[k]);
      if (ev.result.status === 'matched') apply(transactions[k], ev);
      results[k] = ev.result;
      settled(k);
    }
    // pass 3: returns whose payment was matched in pass 2
    for (const k of unlinkedReturns) {
      const again = evaluate(transactions[k], unletteredBefore(transactions[k]));
      // linked now, or the payments it may give back as they are now (pass 2 lettered some): more than pass 1 knew
      if (namesPayments(again.result) || namesPayments(results[k]!)) decideReturn(k, again);
    }
    // a credit left unlettered that one return, and one only, gives back: out of the review queue, never lettered
    const claims = new Map<string, number[]>();
    for (const [k, u] of givesBack) claims.set(u.transactionId, [...(claims.get(u.transactionId) ?? []), k]);
    for (const [id, by] of claims) {
      if (by.length > 1) continue;
      const j = transactions.findIndex((x) => x.transactionId === id);
      if (j >= 0 && results[j]!.status === 'matched') continue;
      results[by[0]] = { ...results[by[0]]!, givesBack: id };
      if (j >= 0) results[j] = givenBackResult(transactions[j], transactions[by[0]]);
    }
    return results as MatchResult[];
  }
}
