import type { MatchCustomer } from './types';
import { foldText, ibanKey, LEGAL_FORMS, maskIban, NAME_STOPWORDS, nameCoreTokens, tokens } from './normalize';

export type PayerEvidence = 'iban' | 'name';
export interface PayerGuess {
  customer: number;
  /** 1 = certain (IBAN), >= 0.85 strong name likeness, 0.5..0.85 weak. */
  score: number;
  via: PayerEvidence;
  reason: string;
}

/** A bank payer name is often cut at 18 to 35 characters: from 16 on, a last word may be a cut word. */
const TRUNCATION_MIN_LENGTH = 16;
const MAX_POSTING = 3000;

/**
 * Recognises customers from a payer IBAN or a payer name as banks print it: upper case, legal form moved or
 * dropped, word order changed, truncated. Names are compared as weighted word sets (rare words weigh more).
 */
export class CustomerIndex {
  private readonly byIban = new Map<string, number[]>();
  private readonly byToken = new Map<string, number[]>();
  private readonly core: string[][];
  private readonly coreSets: Set<string>[];
  private readonly total: number;
  private readonly unknownWeight: number;

  constructor(private readonly customers: readonly MatchCustomer[]) {
    this.total = customers.length;
    this.core = customers.map((c) => {
      const core = nameCoreTokens(c.name);
      return core.length > 0 ? core : tokens(c.name);
    });
    this.coreSets = this.core.map((t) => new Set(t));
    customers.forEach((c, i) => {
      for (const iban of c.ibans) {
        const k = ibanKey(iban);
        if (k.length < 8) continue;
        const list = this.byIban.get(k);
        if (!list) this.byIban.set(k, [i]);
        else if (!list.includes(i)) list.push(i);
      }
      for (const t of this.coreSets[i]) {
        const list = this.byToken.get(t);
        if (!list) this.byToken.set(t, [i]);
        else list.push(i);
      }
    });
    this.unknownWeight = Math.log(1 + Math.max(1, this.total));
  }

  weight(token: string): number {
    const df = this.byToken.get(token)?.length ?? 0;
    return df === 0 ? this.unknownWeight : Math.log(1 + this.total / df);
  }

  customersOfIban(iban: string | undefined): readonly number[] {
    return iban ? this.byIban.get(ibanKey(iban)) ?? [] : [];
  }

  /** Who may have paid: by payer IBAN, by the payer name field, and by a customer name written in the label. Best first. */
  identify(payerIban: string | undefined, payerName: string | undefined, otherTexts: readonly string[]): PayerGuess[] {
    const best = new Map<number, PayerGuess>();
    const offer = (g: PayerGuess) => {
      const prev = best.get(g.customer);
      if (!prev || g.score > prev.score) best.set(g.customer, g);
    };
    const byIban = this.customersOfIban(payerIban);
    for (const c of byIban) {
      offer({ customer: c, score: byIban.length === 1 ? 1 : 0.9, via: 'iban', reason: `payer IBAN ${maskIban(payerIban!)} is known for ${this.customers[c].name}` });
    }
    if (payerName && payerName.trim()) {
      for (const g of this.byNameField(payerName)) offer(g);
    }
    const other = otherTexts.filter((t) => t && t.trim()).join(' ');
    if (other) for (const g of this.byNameInText(other)) offer(g);
    return [...best.values()].sort((a, b) => b.score - a.score || a.customer - b.customer);
  }

  private candidatesOf(words: Iterable<string>): Set<number> {
    const out = new Set<number>();
    for (const w of words) {
      const list = this.byToken.get(w);
      if (!list || list.length > MAX_POSTING) continue;
      for (const c of list) out.add(c);
    }
    return out;
  }

  /** The payer name field: every payer word should belong to the customer name, and most of the name should be there. */
  private byNameField(raw: string): PayerGuess[] {
    const folded = foldText(raw);
    const truncated = folded.length >= TRUNCATION_MIN_LENGTH;
    let words = nameCoreTokens(raw);
    if (words.length === 0) return [];
    const last = words[words.length - 1];
    const allTokens = tokens(raw);
    const lastIsCut = truncated && allTokens[allTokens.length - 1] === last;
    const out: PayerGuess[] = [];
    for (const c of this.candidatesOf(words)) {
      const coreSet = this.coreSets[c];
      let ws = words;
      // a cut legal form or stop word at the very end ("DUPONT ET FILS S") says nothing
      if (lastIsCut && !coreSet.has(last) && !this.core[c].some((t) => t.startsWith(last)) && isPrefixOfNoise(last)) ws = words.slice(0, -1);
      if (ws.length === 0) continue;
      const wsLast = ws[ws.length - 1];
      const prefixMatch = (t: string) => lastIsCut && wsLast === last && t.startsWith(last) && t !== last;
      let payerW = 0;
      let payerMatched = 0;
      for (const w of ws) {
        const wt = this.weight(w);
        payerW += wt;
        if (coreSet.has(w) || (w === wsLast && this.core[c].some(prefixMatch))) payerMatched += wt;
      }
      let custW = 0;
      let custMatched = 0;
      const wsSet = new Set(ws);
      let firstMissing = -1;
      this.core[c].forEach((t, k) => {
        const wt = this.weight(t);
        custW += wt;
        if (wsSet.has(t) || prefixMatch(t)) custMatched += wt;
        else if (firstMissing < 0) firstMissing = k;
      });
      const payerCov = payerMatched / payerW;
      const custCov = custMatched / custW;
      let score = Math.min(payerCov, custCov);
      let how = 'same name';
      if (payerCov > 0.999 && custCov < 0.999 && truncated) {
        // cut by the bank: the missing words must all come after the ones present, in the customer's order
        const present = this.core[c].map((t) => wsSet.has(t) || prefixMatch(t));
        const cutOnly = present.every((p, k) => p || k >= firstMissing) && present.slice(firstMissing).every((p) => !p);
        if (cutOnly) {
          score = custCov >= 0.4 ? 0.9 : 0.6;
          how = 'payer name truncated';
        }
      } else if (payerCov > 0.999 && custCov > 0.999) {
        const inOrder = ws.join(' ') === this.core[c].join(' ');
        how = inOrder ? 'same name' : 'same name, words reordered';
      } else {
        how = 'similar name';
      }
      if (score >= 0.5) out.push({ customer: c, score: round3(score), via: 'name', reason: `payer name "${raw.trim()}" ~ ${this.customers[c].name} (${how})` });
    }
    return out;
  }

  /** A customer name written somewhere in the label or remittance text: all its words must be there. */
  private byNameInText(text: string): PayerGuess[] {
    const words = new Set(nameCoreTokens(text));
    const out: PayerGuess[] = [];
    for (const c of this.candidatesOf(words)) {
      let custW = 0;
      let custMatched = 0;
      for (const t of this.core[c]) {
        const wt = this.weight(t);
        custW += wt;
        if (words.has(t)) custMatched += wt;
      }
      const cov = custMatched / custW;
      if (cov > 0.999) out.push({ customer: c, score: 0.88, via: 'name', reason: `customer name ${this.customers[c].name} in the transaction text` });
      else if (cov >= 0.7) out.push({ customer: c, score: round3(0.5 + 0.3 * cov), via: 'name', reason: `part of customer name ${this.customers[c].name} in the transaction text` });
    }
    return out;
  }
}

const NOISE_WORDS = [...LEGAL_FORMS, ...NAME_STOPWORDS];
function isPrefixOfNoise(w: string): boolean {
  return NOISE_WORDS.some((n) => n.startsWith(w));
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
