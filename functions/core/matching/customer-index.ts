import { BoundedMap } from '../bounded-map';
import {
  ibanKey,
  isCutLegalForm,
  LEGAL_FORMS,
  legalFormsOf,
  maskIban,
  NAME_STOPWORDS,
  nameCoreTokens,
  tokens,
} from './normalize';
import type { MatchCustomer } from './types';

export type PayerEvidence = 'iban' | 'name';
export interface PayerGuess {
  customer: number;
  /** 1 = certain (IBAN), >= 0.85 strong name likeness, 0.5..0.85 weak. */
  score: number;
  via: PayerEvidence;
  reason: string;
  /** The customer's alias name (taught by finance) that the payer name matched, if not its own name. */
  alias?: string;
}

/** A bank payer name is often cut at 18 to 35 characters: from 16 on, a last word may be a cut word. */
const TRUNCATION_MIN_LENGTH = 16;
const MAX_POSTING = 3000;
/** A customer whose name states another legal form than the payer's: a weak likeness (see `preferStatedForm`). */
const OTHER_FORM_SCORE = 0.8;
/** Guesses `identify` returns at most. */
const MAX_GUESSES = 8;
/** Payer names whose guesses are remembered at most (see `byNameFieldOnce`). */
const NAME_MEMO = 20_000;

/**
 * Recognises customers from a payer IBAN or a payer name as banks print it: upper case, legal form moved or
 * dropped, word order changed, truncated. Names are compared as weighted word sets (rare words weigh more).
 */
export class CustomerIndex {
  private readonly byIban = new Map<string, number[]>();
  private readonly byToken = new Map<string, number[]>();
  private readonly core: string[][];
  private readonly coreSets: Set<string>[];
  /** The legal forms each name entry states (see `preferStatedForm`). */
  private readonly forms: string[][];
  private readonly total: number;
  private readonly unknownWeight: number;
  private readonly weights = new Map<string, number>();
  private readonly coreW: number[][];
  /** Customers whose name has a single identifying word, by that word. */
  private readonly byCore = new Map<string, number[]>();
  /** Customers by the set of their name words (sorted), for the exact-words lookup. */
  private readonly bySet = new Map<string, number[]>();

  /** The customer each name entry belongs to: its own name first, then its alias names. */
  private readonly owner: number[] = [];
  private readonly entryNames: string[] = [];
  private readonly nameMemo = new BoundedMap<string, readonly PayerGuess[]>(NAME_MEMO);

  constructor(private readonly customers: readonly MatchCustomer[]) {
    customers.forEach((c, i) => {
      for (const name of [c.name, ...(c.aliasNames ?? [])]) {
        this.entryNames.push(name);
        this.owner.push(i);
      }
    });
    this.total = this.entryNames.length;
    this.core = this.entryNames.map((name) => {
      const core = nameCoreTokens(name);
      return core.length > 0 ? core : tokens(name);
    });
    this.coreSets = this.core.map((t) => new Set(t));
    this.forms = this.entryNames.map((name) => legalFormsOf(tokens(name)));
    customers.forEach((c, i) => {
      for (const iban of c.ibans) {
        const k = ibanKey(iban);
        if (k.length < 8) continue;
        const list = this.byIban.get(k);
        if (!list) this.byIban.set(k, [i]);
        else if (!list.includes(i)) list.push(i);
      }
    });
    this.coreSets.forEach((set, e) => {
      for (const t of set) {
        const list = this.byToken.get(t);
        if (!list) this.byToken.set(t, [e]);
        else list.push(e);
      }
    });
    this.unknownWeight = Math.log(1 + Math.max(1, this.total));
    this.coreW = this.core.map((words) => words.map((w) => this.weight(w)));
    this.core.forEach((words, c) => {
      const k = setKey(words);
      const same = this.bySet.get(k);
      if (same) same.push(c);
      else this.bySet.set(k, [c]);
    });
    this.core.forEach((words, c) => {
      if (words.length > 1) return;
      const key = words.join(' ');
      const list = this.byCore.get(key);
      if (list) list.push(c);
      else this.byCore.set(key, [c]);
    });
  }

  weight(token: string): number {
    let w = this.weights.get(token);
    if (w === undefined) {
      const df = this.byToken.get(token)?.length ?? 0;
      w = df === 0 ? this.unknownWeight : Math.log(1 + this.total / df);
      if (df > 0) this.weights.set(token, w);
    }
    return w;
  }

  customersOfIban(iban: string | undefined): readonly number[] {
    return iban ? (this.byIban.get(ibanKey(iban)) ?? []) : [];
  }

  /**
   * Who may have paid: by payer IBAN, by the payer name field, and by a customer name written in the label. Best first.
   */
  identify(payerIban: string | undefined, payerName: string | undefined, otherTexts: readonly string[]): PayerGuess[] {
    const best = new Map<number, PayerGuess>();
    const offer = (g: PayerGuess) => {
      const prev = best.get(g.customer);
      if (!prev || g.score > prev.score) best.set(g.customer, g);
    };
    const byIban = this.customersOfIban(payerIban);
    for (const c of byIban) {
      offer({
        customer: c,
        score: byIban.length === 1 ? 1 : 0.9,
        via: 'iban',
        reason: `payer IBAN ${maskIban(payerIban!)} is known for ${this.customers[c].name}`,
      });
    }
    // a payer IBAN known for exactly one customer says who paid: the name adds nothing
    if (payerName?.trim() && byIban.length !== 1) {
      for (const g of this.byNameFieldOnce(payerName)) offer(this.ofOwner(g));
    }
    // the label is read for a customer name only when the IBAN and the payer name field did not say who paid
    const sure = [...best.values()].some((g) => g.via === 'iban' || g.score >= 0.85);
    const other = sure ? '' : otherTexts.filter((t) => t?.trim()).join(' ');
    if (other) for (const g of this.byNameInText(other)) offer(this.ofOwner(g));
    const all = [...best.values()].sort((a, b) => b.score - a.score || a.customer - b.customer);
    let ranked = all.slice(0, MAX_GUESSES);
    // a cut among equals would keep some in book order: when the next one is as likely as the last kept, a name that
    // fits so many customers says none of them (and no amount one of them owes decides)
    if (all.length > MAX_GUESSES && all[MAX_GUESSES].score === ranked[MAX_GUESSES - 1].score)
      ranked = ranked.filter((g) => g.score > all[MAX_GUESSES].score);
    for (const g of ranked) {
      const name = g.alias
        ? `${g.alias} (known alias of ${this.customers[g.customer].name})`
        : this.customers[g.customer].name;
      if (g.via === 'iban') continue;
      g.reason =
        g.reason === 'in-text'
          ? `customer name ${name} in the transaction text`
          : g.reason === 'part-in-text'
            ? `part of customer name ${name} in the transaction text`
            : `payer name "${(payerName ?? '').trim()}" ~ ${name} (${g.reason})`;
    }
    return ranked;
  }

  /**
   * `byNameField`, remembered per payer name (a customer pays many times under the same name; the index never changes
   * once built). The guesses are shared: `identify` copies them (`ofOwner`) before setting anything. Bounded: the
   * memory is cleared when it holds `NAME_MEMO` names.
   */
  private byNameFieldOnce(raw: string): readonly PayerGuess[] {
    let guesses = this.nameMemo.get(raw);
    if (!guesses) this.nameMemo.set(raw, (guesses = this.byNameField(raw)));
    return guesses;
  }

  /**
   * A guess about a name entry (own name or alias name) made a guess about its customer, naming the alias that said it.
   */
  private ofOwner(g: PayerGuess): PayerGuess {
    const customer = this.owner[g.customer];
    const name = this.entryNames[g.customer];
    return name === this.customers[customer].name ? { ...g, customer } : { ...g, customer, alias: name };
  }

  /**
   * Customers worth scoring: those holding the rarest of the given words, narrowed to those also holding the second
   * rarest when `both` (a payer name field: a good match holds all its whole words).
   */
  private candidatesOf(words: Iterable<string>, both: boolean): number[] {
    const lists: number[][] = [];
    for (const w of new Set(words)) {
      const list = this.byToken.get(w);
      if (list && list.length <= MAX_POSTING) lists.push(list);
    }
    if (lists.length === 0) return [];
    lists.sort((a, b) => a.length - b.length);
    if (lists.length === 1 && !both) return lists[0];
    if (both) {
      // a strong match holds every whole word of the payer name: a word no customer has rules everyone out
      const all = [...new Set(words)];
      if (all.some((w) => !this.byToken.has(w))) return [];
      const out: number[] = [];
      const first = lists[0];
      for (let i = 0; i < first.length; i++) {
        const set = this.coreSets[first[i]];
        let ok = true;
        for (let k = 0; k < all.length && ok; k++) ok = set.has(all[k]);
        if (ok) out.push(first[i]);
      }
      return out;
    }
    return lists[1].length <= 300 ? [...new Set([...lists[0], ...lists[1]])] : lists[0];
  }

  /**
   * The payer name field: every payer word should belong to the customer name, and most of the name should be there.
   */
  private byNameField(raw: string): PayerGuess[] {
    const all = tokens(raw);
    const truncated = all.join(' ').length >= TRUNCATION_MIN_LENGTH;
    const words = all.filter((t) => !LEGAL_FORMS.has(t) && !NAME_STOPWORDS.has(t));
    if (words.length === 0) return [];
    const last = words[words.length - 1];
    const lastIsCut = truncated && all[all.length - 1] === last;
    const whole = lastIsCut ? words.slice(0, -1) : words;
    const noiseTail = lastIsCut && isPrefixOfNoise(last);
    // a legal form at the end of a name the bank may have cut counts only when it cannot be the start of a longer one
    const stated = legalFormsOf(truncated && isCutLegalForm(all[all.length - 1]) ? all.slice(0, -1) : all);
    // the common case first: the same words as a customer's name, in any order (one hash lookup)
    for (const ws of noiseTail ? [words, words.slice(0, -1)] : [words]) {
      const same = this.bySet.get(setKey(ws));
      if (same) {
        return this.preferStatedForm(
          same.map((c) => ({
            customer: c,
            score: 1,
            via: 'name' as const,
            reason: ws.join(' ') === this.core[c].join(' ') ? 'same name' : 'same name, words reordered',
          })),
          stated,
        );
      }
    }
    if (!lastIsCut) return [];
    const wordW = words.map((w) => this.weight(w));
    const wordSet = new Set(words);
    const out: PayerGuess[] = [];
    // one whole word says little: only customers whose whole name is that word (or starts with it, when cut) qualify
    const pool =
      whole.length >= 2
        ? this.candidatesOf(whole, true)
        : lastIsCut && whole.length === 1
          ? this.candidatesOf(whole, false)
          : (this.byCore.get(words.join(' ')) ?? []);
    const mustStartWith = lastIsCut && !noiseTail && !this.byToken.has(last) ? last : undefined;
    for (const c of pool) {
      const core = this.core[c];
      const coreSet = this.coreSets[c];
      if (mustStartWith !== undefined) {
        let starts = false;
        for (let k = 0; k < core.length && !starts; k++) starts = core[k].startsWith(mustStartWith);
        if (!starts) continue;
      }
      // does the cut last word start one of the customer's words?
      let cutMatches = -1;
      if (lastIsCut && !coreSet.has(last)) {
        for (let k = 0; k < core.length; k++)
          if (core[k].startsWith(last)) {
            cutMatches = k;
            break;
          }
      }
      // "DUPONT ET FILS S": a cut legal form
      const dropLast = lastIsCut && !coreSet.has(last) && cutMatches < 0 && noiseTail;
      let payerW = 0;
      let payerMatched = 0;
      const n = dropLast ? words.length - 1 : words.length;
      if (n === 0) continue;
      for (let k = 0; k < n; k++) {
        payerW += wordW[k];
        if (coreSet.has(words[k]) || (k === words.length - 1 && cutMatches >= 0)) payerMatched += wordW[k];
      }
      let custW = 0;
      let custMatched = 0;
      let firstMissing = -1;
      let presentAfterMissing = false;
      const coreW = this.coreW[c];
      for (let k = 0; k < core.length; k++) {
        const wt = coreW[k];
        custW += wt;
        if (wordSet.has(core[k]) || k === cutMatches) {
          custMatched += wt;
          if (firstMissing >= 0) presentAfterMissing = true;
        } else if (firstMissing < 0) firstMissing = k;
      }
      const payerCov = payerMatched / payerW;
      const custCov = custMatched / custW;
      let score = Math.min(payerCov, custCov);
      let how = 'similar name';
      if (payerCov > 0.999 && custCov > 0.999) {
        how = words.slice(0, n).join(' ') === core.join(' ') ? 'same name' : 'same name, words reordered';
      } else if (payerCov > 0.999 && truncated && !presentAfterMissing) {
        // cut by the bank: the missing words all come after the ones present, in the customer's order
        score = custCov >= 0.4 ? 0.9 : 0.6;
        how = 'payer name truncated';
      }
      if (score >= 0.5) out.push({ customer: c, score: round3(score), via: 'name', reason: how });
    }
    return this.preferStatedForm(out, stated);
  }

  /**
   * Customers whose names have the payer's words, told apart by the legal form the payer name states: when one of
   * them states that form ("SASU BENALI ALPES" and SASU Benali Alpes), one stating another (Benali Alpes SARL) is
   * only a weak likeness, so that an amount it happens to owe is not taken for the payment. A customer whose name
   * states no form, and a customer alone of its name, keep their likeness (a form written differently in the books is
   * common).
   */
  private preferStatedForm(guesses: PayerGuess[], stated: readonly string[]): PayerGuess[] {
    if (stated.length === 0 || guesses.length < 2) return guesses;
    const agrees = (entry: number) => this.forms[entry].some((f) => stated.includes(f));
    if (!guesses.some((g) => g.score >= 0.85 && agrees(g.customer))) return guesses;
    return guesses.map((g) =>
      g.score >= 0.85 && this.forms[g.customer].length > 0 && !agrees(g.customer)
        ? { ...g, score: OTHER_FORM_SCORE, reason: 'same words, another legal form' }
        : g,
    );
  }

  /** A customer name written somewhere in the label or remittance text: all its words must be there. */
  private byNameInText(text: string): PayerGuess[] {
    const words = new Set(nameCoreTokens(text));
    const out: PayerGuess[] = [];
    for (const c of this.candidatesOf(words, false)) {
      let custW = 0;
      let custMatched = 0;
      const core = this.core[c];
      const coreW = this.coreW[c];
      for (let k = 0; k < core.length; k++) {
        custW += coreW[k];
        if (words.has(core[k])) custMatched += coreW[k];
      }
      const cov = custMatched / custW;
      if (cov > 0.999) out.push({ customer: c, score: 0.88, via: 'name', reason: 'in-text' });
      else if (cov >= 0.7)
        out.push({ customer: c, score: round3(0.5 + 0.3 * cov), via: 'name', reason: 'part-in-text' });
    }
    return out;
  }
}

function setKey(words: readonly string[]): string {
  return [...new Set(words)].sort().join(' ');
}

const NOISE_WORDS = [...LEGAL_FORMS, ...NAME_STOPWORDS];
function isPrefixOfNoise(w: string): boolean {
  return NOISE_WORDS.some((n) => n.startsWith(w));
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Whether the matcher already ties this payer name to this customer (its own name or one of its alias names). */
export function payerNameTies(customer: MatchCustomer, payerName: string): boolean {
  return new CustomerIndex([customer])
    .identify(undefined, payerName, [])
    .some((g) => g.via === 'name' && g.score >= 0.85);
}
