import { daysBetween } from '../dates';
import type { Candidate, MatchResult } from '../model/matching';
import { formatCents } from '../money';
import type { PayerGuess } from './customer-index';
import type { OpenLedger } from './ledger';
import { insertAscending } from './subset-sum';
import type { MatchOptions } from './types';

/**
 * The decision: every candidate allocation ("draft") carries its evidence — how the invoice was named (an exact or
 * reformatted reference, a one-character typo, nothing), how the amount fits, who the payer looks like — and a
 * confidence computed from it. Rules across candidates cap guesses (a named invoice that fits outranks any guess from
 * the payer and the amount), then the best is applied when it is sure and has no close rival, else offered to a person.
 */
export type RefLevel = 'ref' | 'typo' | 'none';
const REF_RANK: Record<RefLevel, number> = { ref: 2, typo: 1, none: 0 };
export type AmountFit = 'exact' | 'fee' | 'partial' | 'over';
export type PayerFit = 'iban' | 'name' | 'weak' | 'none' | 'conflict';
export interface PayerVerdict {
  fit: PayerFit;
  reason?: string;
}

export interface Draft {
  invoices: number[];
  /** The customer of its first invoice (-1: none). */
  customer: number;
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

/** What a draft is scored against. */
export interface Scoring {
  ledger: OpenLedger;
  feeTolerance: number;
  customerName: (c: number) => string;
}

/** The movement a draft is for. */
export interface Payment {
  amountCents: number;
  bookingDate: string;
}

export function amountFit(amount: number, owed: number, tol: number): AmountFit {
  if (amount === owed) return 'exact';
  if (amount < owed) return owed - amount <= tol ? 'fee' : 'partial';
  return 'over';
}

/** How the payer relates to a customer: its IBAN, a strong or weak name likeness, nothing, or someone else. */
export function payerFit(
  customer: number,
  payers: readonly PayerGuess[],
  customerName: (c: number) => string,
): PayerVerdict {
  const g = payers.find((p) => p.customer === customer);
  if (g && g.via === 'iban') return { fit: 'iban', reason: g.reason };
  if (g && g.score >= 0.85) return { fit: 'name', reason: g.reason };
  const other = payers.find((p) => p.customer !== customer && (p.via === 'iban' || p.score >= 0.85));
  if (other)
    return {
      fit: 'conflict',
      reason: `payer looks like ${customerName(other.customer)}, not ${customerName(customer)}`,
    };
  if (g) return { fit: 'weak', reason: g.reason };
  return { fit: 'none' };
}

/**
 * How sure a candidate is, from its evidence. A reference alone is not enough when the amount disagrees and the payer
 * is someone else; a customer and an amount alone are enough only when nothing else of theirs fits.
 */
export function confidenceOf(ref: RefLevel, fit: AmountFit, payer: PayerFit, count: number): number {
  const known = payer === 'iban' || payer === 'name';
  if (ref === 'ref') {
    // the invoice named and its exact amount outrank a payer who looks like someone else (a parent company, a group)
    if (payer === 'conflict') return fit === 'exact' ? 0.93 : fit === 'fee' ? 0.5 : 0.2;
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
  return known ? 0.45 : 0.3; // partial or over without a reference
}

/** Allocations of `amount` over invoices (oldest first) and what is left: write-off or customer credit. */
function allocate(
  open: readonly number[],
  invs: number[],
  amount: number,
  fit: AmountFit,
): Pick<Draft, 'allocations' | 'writeOff' | 'credit'> {
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

/** The set of invoices as a key: their positions ascending, joined by commas. */
export function draftKey(invs: number[]): string {
  if (invs.length === 1) return String(invs[0]);
  const sorted: number[] = [];
  for (const i of invs) insertAscending(sorted, i);
  return sorted.join(',');
}

/** A candidate allocation of payment `t` over invoices `invs`, with its confidence and (lazily) its reasons. */
export function draftOf(
  s: Scoring,
  t: Payment,
  invs: number[],
  fit: AmountFit,
  ref: RefLevel,
  payer: PayerVerdict,
  reasons: string[],
  penalty = 0,
  countAs = invs.length,
): Draft {
  const { ledger } = s;
  const customer = ledger.customerOf[invs[0]];
  const { allocations, writeOff, credit } = allocate(ledger.open, invs, t.amountCents, fit);
  let datePenalty = 0;
  for (const i of invs) if (t.bookingDate < ledger.invoices[i].issueDate) datePenalty = 0.1;
  const c = Math.max(0, Math.min(1, confidenceOf(ref, fit, payer.fit, countAs) - penalty - datePenalty));
  let total = 0;
  for (const i of invs) total += ledger.open[i];
  // the wording is built only for the candidates a person will see
  const explain = () => {
    const money = formatCents;
    const amountReason =
      fit === 'exact'
        ? `amount: ${money(t.amountCents)} equals what is owed`
        : fit === 'fee'
          ? `amount: ${money(total - t.amountCents)} short of ${money(total)} (within the bank-fee tolerance): ` +
            `write-off proposed`
          : fit === 'partial'
            ? `amount: partial payment, ${money(total - t.amountCents)} still owed`
            : `amount: overpaid by ${money(t.amountCents - total)}, kept as customer credit`;
    const all = [...reasons, amountReason];
    if (payer.reason) all.push(`customer: ${payer.reason}`);
    else if (customer >= 0) all.push(`customer: payer not recognised as ${s.customerName(customer)}`);
    all.push(...dateReasons(ledger, t, invs));
    return all;
  };
  return {
    invoices: invs,
    customer,
    allocations,
    writeOff,
    credit,
    ref,
    amount: fit,
    payer: payer.fit,
    confidence: Math.round(c * 100) / 100,
    explain,
    capped: [],
    key: draftKey(invs),
  };
}

function dateReasons(ledger: OpenLedger, t: Payment, invs: number[]): string[] {
  const reasons: string[] = [];
  for (const i of invs) {
    const inv = ledger.invoices[i];
    if (t.bookingDate < inv.issueDate)
      reasons.push(
        `date: paid ${daysBetween(t.bookingDate, inv.issueDate)} days before invoice ${inv.invoiceId} was issued`,
      );
  }
  if (reasons.length === 0 && invs.length > 0) {
    const d = daysBetween(ledger.invoices[invs[0]].dueDate, t.bookingDate);
    reasons.push(
      d > 0
        ? `date: paid ${d} days after the due date`
        : d < 0
          ? `date: paid ${-d} days before the due date`
          : 'date: paid on the due date',
    );
  }
  return reasons;
}

/** The candidates of one payment, one per set of invoices: the same set found twice keeps its stronger evidence. */
export class Drafts {
  private readonly byKey = new Map<string, Draft>();
  offer(d: Draft): void {
    const prev = this.byKey.get(d.key);
    if (
      !prev ||
      REF_RANK[d.ref] > REF_RANK[prev.ref] ||
      (REF_RANK[d.ref] === REF_RANK[prev.ref] && d.confidence > prev.confidence)
    )
      this.byKey.set(d.key, d);
  }
  get size(): number {
    return this.byKey.size;
  }
  all(): Draft[] {
    return [...this.byKey.values()];
  }
  some(p: (d: Draft) => boolean): boolean {
    for (const d of this.byKey.values()) if (p(d)) return true;
    return false;
  }
}

/** A named invoice (not a typo) at exactly the amount paid, or short by fees from a payer who is not someone else. */
export const fitsByReference = (d: Draft) =>
  d.ref === 'ref' && (d.amount === 'exact' || (d.amount === 'fee' && d.payer !== 'conflict'));
export const fitsByTypo = (d: Draft) =>
  d.ref === 'typo' && (d.amount === 'exact' || d.amount === 'fee') && d.payer !== 'conflict';

/** What the texts said beyond the candidates, which limits how far guesses may go. */
export interface TextFacts {
  /** A credit that is no customer receipt (tax refund, interest...), by its text. */
  nonCustomer?: string;
  /** The text names an invoice already settled. */
  settledRef: boolean;
  /** An invoice-like number in the text that is no open invoice. */
  unknownRef?: string;
  /** The only reference in the text is an RF creditor reference whose check digits fail. */
  badCreditor?: boolean;
  /** The open invoices the text names (exactly or reformatted, not a typo away), each with its customer. */
  named?: ReadonlyMap<number, number>;
  /** The customers of the invoices the text names that are already settled. */
  settledOf?: ReadonlySet<number>;
}

export function cap(d: Draft, max: number, why: string): void {
  if (d.confidence > max) {
    d.confidence = max;
    d.capped.push(`capped: ${why}`);
  }
}

/** Rules across candidates: the evidence of a named invoice outranks guesses from the payer and the amount. */
export function applyRules(drafts: readonly Draft[], facts: TextFacts): void {
  const strongRef = drafts.some(fitsByReference);
  const sureRef = drafts.some((d) => fitsByReference(d) && d.payer !== 'conflict');
  const refConflict = drafts.some((d) => d.ref !== 'none' && d.payer === 'conflict' && d.amount !== 'exact');
  for (const d of drafts) {
    if (d.ref === 'none' && strongRef) cap(d, 0.5, 'another invoice is named in the text');
    if (d.ref === 'none' && refConflict) cap(d, 0.85, 'the text names an invoice of another customer');
    if (d.ref === 'none' && facts.nonCustomer) cap(d, 0.3, `looks like a ${facts.nonCustomer}`);
    if (d.ref === 'none' && facts.settledRef) cap(d, 0.85, 'the text names an invoice already settled');
    // a typo of the payer's own invoice stands beside a named invoice of someone the payer does not look like
    if (d.ref === 'typo' && (sureRef || (strongRef && d.payer !== 'iban' && d.payer !== 'name')))
      cap(d, 0.5, 'an invoice named exactly fits');
    // the customer's own invoice named exactly and settled: a typo of another of its invoices, or a payment made twice
    if (d.ref === 'typo' && facts.settledOf?.has(d.customer))
      cap(d, 0.85, 'the text names an invoice of the customer already settled');
    // the text names an invoice number that is not open here (paid, or not imported yet): guesses are for a person
    if (facts.unknownRef && (d.ref === 'none' || d.amount === 'over'))
      cap(d, 0.85, `the text names ${facts.unknownRef}, which is not an open invoice`);
    if (facts.badCreditor) cap(d, 0.85, 'the RF creditor reference of the text fails its check digits');
    // a named invoice paid in part while the text names others of its customer: how the transfer splits is a person's
    if (d.ref === 'ref' && d.amount === 'partial' && facts.named && leavesNamedUnpaid(d, facts.named))
      cap(d, 0.85, 'the text names other open invoices of the customer, which this leaves unpaid');
  }
  // a transfer naming several invoices that it pays exactly does not overpay one of them
  for (const whole of drafts) {
    if (whole.invoices.length < 2 || whole.ref !== 'ref' || (whole.amount !== 'exact' && whole.amount !== 'fee'))
      continue;
    const members = new Set(whole.invoices);
    for (const d of drafts) {
      if (d !== whole && d.amount === 'over' && d.invoices.every((i) => members.has(i)))
        cap(d, 0.6, 'the text names more invoices, which the amount pays together');
    }
  }
}

/** Whether the text names an open invoice of the draft's customer that the draft does not pay. */
function leavesNamedUnpaid(d: Draft, named: ReadonlyMap<number, number>): boolean {
  if (d.customer < 0 || !named.has(d.invoices[0])) return false;
  for (const [i, customer] of named) if (customer === d.customer && !d.invoices.includes(i)) return true;
  return false;
}

export function reasonsOf(d: Draft): string[] {
  return (d.reasons ??= [...d.explain(), ...d.capped]);
}

export function toCandidate(ledger: OpenLedger, d: Draft): Candidate {
  return {
    allocations: d.invoices
      .map((i, k) => ({ invoiceId: ledger.invoices[i].invoiceId, amountCents: d.allocations[k] }))
      .filter((a) => a.amountCents > 0),
    confidence: d.confidence,
    reasons: reasonsOf(d),
    writeOffCents: d.writeOff,
    customerCreditCents: d.credit,
    customerId: ledger.invoices[d.invoices[0]].customerId,
  };
}

/**
 * The verdict: the best candidate applied when sure enough and without a rival within the ambiguity margin, else the
 * ranked candidates offered; none good enough: unmatched (or ignored, for a credit that is no customer receipt).
 */
export function decide(
  ledger: OpenLedger,
  opts: MatchOptions,
  transactionId: string,
  drafts: readonly Draft[],
  facts: TextFacts & { notes: string[]; nothingFits: string },
): { result: MatchResult; best?: Draft } {
  const base = { transactionId, suggestions: [] as Candidate[] };
  const { notes } = facts;
  const ranked = drafts
    .filter((d) => d.confidence >= opts.suggestThreshold)
    .sort(
      (a, b) =>
        b.confidence - a.confidence ||
        a.invoices.length - b.invoices.length ||
        ledger.byAge(a.invoices[0], b.invoices[0]) ||
        (a.key < b.key ? -1 : 1),
    );
  const top = ranked[0];
  if (!top) {
    if (facts.nonCustomer)
      return {
        result: {
          ...base,
          status: 'ignored',
          confidence: 1,
          reasons: [`not a customer receipt: looks like a ${facts.nonCustomer}`, ...notes],
        },
      };
    const why = [...drafts].sort((a, b) => b.confidence - a.confidence)[0];
    const reasons = [facts.nothingFits, ...notes];
    if (why) reasons.push(...reasonsOf(why).map((r) => `rejected: ${r}`));
    return { result: { ...base, status: 'unmatched', confidence: 0, reasons } };
  }
  const rival = ranked.find((d) => d !== top && d.confidence >= top.confidence - opts.ambiguityMargin);
  const suggestions = ranked.slice(0, opts.maxSuggestions).map((d) => toCandidate(ledger, d));
  if (top.confidence >= opts.autoThreshold && !rival) {
    const best = toCandidate(ledger, top);
    return {
      result: {
        ...base,
        status: 'matched',
        best,
        suggestions: suggestions.slice(1),
        confidence: top.confidence,
        reasons: [...reasonsOf(top), ...notes],
      },
      best: top,
    };
  }
  const reasons = [
    ...(rival ? ['ambiguous: several open invoices fit equally well'] : ['not certain enough to apply automatically']),
    ...reasonsOf(top),
    ...notes,
  ];
  return { result: { ...base, status: 'suggested', suggestions, confidence: top.confidence, reasons } };
}
