import type { MatchResult } from '../model/matching';
import { formatCents } from '../money';
import { foldText, ibanKey } from './normalize';
import { ReferenceIndex } from './reference-index';

/**
 * Returned payments (impayé, rejet): which earlier payment does a return give back? A return is linked by what it
 * names — the end-to-end id, the bank reference or the mandate of the payment, the invoices that payment paid — and
 * by its payer. Of the payments that fit best, the most recent before the return is taken when they all paid the same
 * invoices (a payment returned, paid again, returned again); when they paid different invoices nobody can tell which
 * one came back, and nothing is undone: a person decides.
 */

/** A lettered payment as the ledger keeps it: who paid, what identifies it, what it paid. */
export interface LedgerPayment {
  transactionId: string;
  bookingDate: string;
  amountCents: number;
  allocations: { invoiceId: string; amountCents: number }[];
  counterpartyIban?: string;
  counterpartyName?: string;
  endToEndId?: string;
  bankReference?: string;
  /** Its texts (label, remittance), read for a mandate reference. */
  texts: string[];
  /** What its payer wrote (the unstructured remittance), when known: a return may quote it. */
  wrote?: readonly string[];
  /** Made in this run (its open amounts can be given back here) or read from the books. */
  inRun: boolean;
  reversed: boolean;
}

/** What a return is read for. */
export interface ReturnMovement {
  bookingDate: string;
  amountCents: number;
  counterpartyIban?: string;
  counterpartyName?: string;
  endToEndId?: string;
  texts: string[];
}

export interface Fit {
  payment: LedgerPayment;
  /** Why this payment may be the one returned, in words. */
  evidence: string[];
  score: number;
}
export type ReturnLink = { kind: 'found'; fit: Fit } | { kind: 'ambiguous'; fits: Fit[] } | { kind: 'none' };

/** Payments by amount, in the order they were lettered: the candidates of a return of that amount. */
export class PaymentLedger {
  private readonly byAmount = new Map<number, LedgerPayment[]>();
  private seq = 0;
  private readonly order = new Map<LedgerPayment, number>();

  add(p: LedgerPayment): void {
    const list = this.byAmount.get(p.amountCents);
    if (list) list.push(p);
    else this.byAmount.set(p.amountCents, [p]);
    this.order.set(p, this.seq++);
  }

  /** Which payment a return gives back (see the module comment). */
  link(ret: ReturnMovement): ReturnLink {
    const candidates = (this.byAmount.get(-ret.amountCents) ?? []).filter(
      (p) => !p.reversed && p.bookingDate <= ret.bookingDate,
    );
    if (candidates.length === 0) return { kind: 'none' };
    const read: ReadReturn = {
      ret,
      text: ` ${foldText(ret.texts.join(' '))} `,
      mandates: mandatesOf(ret.texts),
      named: invoicesNamed(ret.texts, candidates),
    };
    const fits = candidates.map((p) => fitOf(read, p)).filter((f) => f.score > 0);
    if (fits.length === 0) return { kind: 'none' };
    const top = Math.max(...fits.map((f) => f.score));
    const best = fits.filter((f) => f.score === top);
    const paid = new Set(best.map((f) => paidKey(f.payment)));
    if (paid.size > 1) return { kind: 'ambiguous', fits: best };
    const latest = best.reduce((a, b) =>
      b.payment.bookingDate > a.payment.bookingDate ||
      (b.payment.bookingDate === a.payment.bookingDate && this.order.get(b.payment)! > this.order.get(a.payment)!)
        ? b
        : a,
    );
    return { kind: 'found', fit: latest };
  }
}

/**
 * A credit left unlettered (only suggested, or not decided yet; of this batch or an earlier statement), as a return
 * may have given it back.
 */
export interface UnletteredCredit {
  transactionId: string;
  bookingDate: string;
  amountCents: number;
  counterpartyIban?: string;
  counterpartyName?: string;
  remittance?: { unstructured?: readonly string[] };
}

/** The verdict on a credit left unlettered that a return gives back: it pays nothing, and must not be lettered. */
export function givenBackResult(
  credit: { transactionId: string },
  by: { transactionId: string; bookingDate: string },
): MatchResult {
  return {
    transactionId: credit.transactionId,
    status: 'ignored',
    confidence: 1,
    suggestions: [],
    reasons: [
      `given back by transaction ${by.transactionId} of ${by.bookingDate} (impayé / rejet): it pays nothing and ` +
        'must not be lettered',
    ],
    returnedBy: by.transactionId,
  };
}

/**
 * A return that names nothing but its payer (each fit on the payer alone), read again for what the payer wrote: of the
 * payments of that payer and amount, lettered (`link`) or left unlettered, the one whose remittance text the return
 * quotes, alone, is the one returned (banks often repeat it). When it quotes none or several while some were left
 * unlettered, it is `unsure`: nothing is undone and a person chooses (linked on the payer alone, a return of a payment
 * that was only suggested had reopened the invoice that another payment of the customer paid by its reference).
 */
export function byWhatItQuotes(
  ret: { texts: string[] },
  link: ReturnLink,
  unlettered: readonly UnletteredCredit[],
): ReturnLink | { kind: 'unsure'; fit: Fit } {
  const fits = link.kind === 'found' ? [link.fit] : link.kind === 'ambiguous' ? link.fits : [];
  if (fits.length === 0 || fits.some((f) => f.score > 1)) return link;
  if (link.kind === 'found' && unlettered.length === 0) return link;
  const text = ` ${foldText(ret.texts.join(' '))} `;
  const quoting = fits.flatMap((f) => {
    const line = quotedLine(text, f.payment.wrote);
    return line ? [{ f, line }] : [];
  });
  if (quoting.length === 1 && !unlettered.some((u) => quotedLine(text, u.remittance?.unstructured))) {
    const { f, line } = quoting[0];
    return { kind: 'found', fit: { ...f, evidence: [...f.evidence, `quotes its text "${line}"`] } };
  }
  return link.kind === 'found' ? { kind: 'unsure', fit: link.fit } : link;
}

/**
 * The line of `wrote` (four characters or more once folded) that the return's text quotes whole, if any; `text` is
 * the return's texts folded, with a space at each end.
 */
function quotedLine(text: string, wrote: readonly string[] | undefined): string | undefined {
  if (!wrote || wrote.length === 0) return undefined;
  return wrote.find((line) => {
    const f = foldText(line);
    return f.length >= 4 && text.includes(` ${f} `);
  });
}

/** Who paid a movement, as a return and the payment it gives back are compared. */
type Payer = { counterpartyIban?: string; counterpartyName?: string };

/** Whether two movements have the same payer: the same account when both name one, else the same name. */
export function samePayer(a: Payer, b: Payer): boolean {
  if (a.counterpartyIban && b.counterpartyIban) return ibanKey(a.counterpartyIban) === ibanKey(b.counterpartyIban);
  return !!a.counterpartyName && !!b.counterpartyName && foldText(a.counterpartyName) === foldText(b.counterpartyName);
}

/** A payment in words, for a person choosing among candidates. */
export function describePayment(f: Fit): string {
  const p = f.payment;
  return (
    `transaction ${p.transactionId} of ${p.bookingDate}, ${formatCents(p.amountCents)} lettered to ` +
    `${p.allocations.map((a) => a.invoiceId).join(', ')} (${f.evidence.join('; ')})`
  );
}

/** A credit left unlettered in words: one a return may give back, for a person to find (and not to letter). */
export function describeUnlettered(u: UnletteredCredit): string {
  return `transaction ${u.transactionId} of ${u.bookingDate}, ${formatCents(u.amountCents)}, not lettered`;
}

const NO_ID = new Set(['NOTPROVIDED', 'NONREF', 'NONE', 'NA']);
const MANDATE = /\b(?:RUM|MANDAT|MANDATE(?: ?ID)?|MNDTID|MNDT)\s*[:.]?\s*([A-Z0-9][A-Z0-9+\-/.]{3,34})/g;

/** A return as read once for all its candidate payments: its folded text, its mandates, the invoices it names. */
interface ReadReturn {
  ret: ReturnMovement;
  text: string;
  mandates: Set<string>;
  named: Set<string>;
}

function fitOf({ ret, text: retText, mandates, named }: ReadReturn, p: LedgerPayment): Fit {
  const evidence: string[] = [];
  let score = 0;
  const cites = (id: string | undefined, min: number) => {
    if (!id || NO_ID.has(id.toUpperCase())) return false;
    const f = foldText(id);
    return f.length >= min && retText.includes(` ${f} `);
  };
  if (
    p.endToEndId &&
    !NO_ID.has(p.endToEndId.toUpperCase()) &&
    (ret.endToEndId === p.endToEndId || cites(p.endToEndId, 6))
  )
    evidence.push(`end-to-end id ${p.endToEndId}`);
  if (cites(p.bankReference, 6)) evidence.push(`bank reference ${p.bankReference}`);
  const mandate = sharedMandate(mandates, p.texts);
  if (mandate) evidence.push(`mandate ${mandate}`);
  if (evidence.length > 0) score += 4;
  const invoices = p.allocations.map((a) => a.invoiceId).filter((id) => named.has(id));
  if (invoices.length > 0) {
    score += 2;
    evidence.push(`names ${invoices.join(', ')}, which it paid`);
  }
  const bothIbans = !!ret.counterpartyIban && !!p.counterpartyIban;
  const same = samePayer(ret, p);
  const otherIban = bothIbans && !same;
  if (same) {
    score += 1;
    evidence.push(bothIbans ? 'same payer account' : 'same payer name');
  }
  // a payment from another account is not the one returned unless the return names it
  if (otherIban && score < 2) return { payment: p, evidence, score: 0 };
  return { payment: p, evidence, score };
}

/** The candidates' invoices that the return's texts name (read as the matcher reads invoice numbers). */
function invoicesNamed(texts: string[], candidates: LedgerPayment[]): Set<string> {
  const ids = [...new Set(candidates.flatMap((p) => p.allocations.map((a) => a.invoiceId)))];
  const hits = new ReferenceIndex(ids).find(texts).hits.filter((h) => h.kind !== 'typo');
  return new Set(hits.map((h) => ids[h.invoice]));
}

function mandatesOf(texts: string[]): Set<string> {
  const out = new Set<string>();
  for (const t of texts) for (const m of t.toUpperCase().matchAll(MANDATE)) out.add(m[1].replace(/[.]+$/, ''));
  return out;
}
/** The first of the return's mandates that the payment's texts name too. */
function sharedMandate(returns: Set<string>, paymentTexts: string[]): string | undefined {
  const mine = mandatesOf(paymentTexts);
  if (mine.size === 0) return undefined;
  for (const m of returns) if (mine.has(m)) return m;
  return undefined;
}

function paidKey(p: LedgerPayment): string {
  return p.allocations
    .map((a) => a.invoiceId)
    .sort()
    .join('\u0000');
}
