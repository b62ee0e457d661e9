import { creditorCheckDigitsHold, RF_SHAPE } from '../payments/creditor-reference';
import { DeletionIndex, deletionHashes, KeyTable } from './key-tables';
import { foldText, referenceKey, referenceKeyWithoutPrefix, stripGluedPrefix, tokens } from './normalize';

export type ReferenceKind = 'exact' | 'reformatted' | 'typo';
export interface ReferenceHit {
  invoice: number;
  kind: ReferenceKind;
  /** The text as found in the transaction. */
  text: string;
  /** Found as an ISO 11649 creditor reference: 'valid' when its check digits hold, 'invalid' when they fail. */
  creditor?: 'valid' | 'invalid';
}

const KIND_RANK: Record<ReferenceKind, number> = { exact: 3, reformatted: 2, typo: 1 };

/** Levenshtein distance with adjacent transposition, answering only "at most one edit apart?". */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (la === lb) {
    if (sameFrom(a, i + 1, b, i + 1)) return true; // substitution
    return (
      i + 1 < la &&
      a.charCodeAt(i) === b.charCodeAt(i + 1) &&
      a.charCodeAt(i + 1) === b.charCodeAt(i) &&
      sameFrom(a, i + 2, b, i + 2)
    ); // transposition
  }
  return la > lb ? sameFrom(a, i + 1, b, i) : sameFrom(a, i, b, i + 1);
}

/** `a.slice(x) === b.slice(y)` without making either slice (x and y within their strings' lengths). */
function sameFrom(a: string, x: number, b: string, y: number): boolean {
  if (a.length - x !== b.length - y) return false;
  for (; x < a.length; x++, y++) if (a.charCodeAt(x) !== b.charCodeAt(y)) return false;
  return true;
}

/**
 * Finds invoice numbers in bank texts. Exact keys and keys with their letter prefix dropped are hashed;
 * one-character typos are found through a deletion neighbourhood (every key with one character deleted,
 * hashed), so a lookup costs a few hash probes whatever the number of open invoices.
 */
export class ReferenceIndex {
  private readonly exact = new KeyTable();
  private readonly withoutPrefix = new KeyTable();
  /**
   * Keys with the zeros padding each number dropped ("FA-2026-06685" -> "FA.2026.6685"), for numbers with several
   * parts.
   */
  private readonly unpadded = new KeyTable();
  private hasUnpadded = false;
  private readonly deletions: DeletionIndex;
  private readonly keys: string[];
  /** Letter/digit patterns of the invoice numbers ("LDDDDDDDDD"): a text token of such a shape names an invoice. */
  private readonly shapes = new Set<string>();
  /**
   * Lengths of the exact keys and of the keys without prefix (1 at a length some key has): a text of another length is
   * not looked up. Typed arrays, like the digit flags and the runs in `find`, so that each keeps one shape: plain
   * arrays changed shape with what they held, and the optimised `find` was thrown away and compiled again twice in
   * every run of the quarter-size book of issue 13 (about 0.1 s of compiling).
   */
  private readonly exactLengths: Uint8Array;
  private readonly shortLengths: Uint8Array;
  private minLen = Infinity;
  private maxLen = 0;

  constructor(
    invoiceIds: readonly string[],
    private readonly minTypoLength = 6,
  ) {
    this.keys = invoiceIds.map((id) => referenceKey(id));
    const longest = this.keys.reduce((n, k) => Math.max(n, k.length), 0);
    // find looks up texts up to 12 characters longer than the longest key
    this.exactLengths = new Uint8Array(longest + 14);
    this.shortLengths = new Uint8Array(longest + 14);
    let shaped = ''; // the last key whose shape was added
    for (let i = 0; i < invoiceIds.length; i++) {
      const key = this.keys[i];
      if (key.length < 3) continue;
      this.exact.add(key, i);
      this.exactLengths[key.length] = 1;
      if (!sameShape(key, shaped)) this.shapes.add(shapeOf((shaped = key)));
      this.minLen = Math.min(this.minLen, key.length);
      this.maxLen = Math.max(this.maxLen, key.length);
      const short = referenceKeyWithoutPrefix(key);
      if (short) {
        this.withoutPrefix.add(short, i);
        this.shortLengths[short.length] = 1;
      }
      const bare = PADDED.test(invoiceIds[i]) ? unpaddedKey(invoiceIds[i]) : undefined;
      if (bare) {
        this.unpadded.add(bare, i);
        this.hasUnpadded = true;
      }
    }
    this.deletions = new DeletionIndex(this.keys, minTypoLength);
  }

  /**
   * Invoice numbers found in the given texts (each text is read on its own: no reference spans two fields), and the
   * reference-looking strings worth a typo search (see `typoNeighbours`) should the exact hits not fit.
   */
  find(texts: readonly string[]): {
    hits: ReferenceHit[];
    typoQueries: string[];
    unresolved: string[];
    badCreditor: string[];
  } {
    const found = new Map<number, ReferenceHit>();
    let creditor: ReferenceHit['creditor'];
    const note = (invoice: number, kind: ReferenceKind, text: string) => {
      const prev = found.get(invoice);
      if (!prev || KIND_RANK[kind] > KIND_RANK[prev.kind])
        found.set(invoice, creditor ? { invoice, kind, text, creditor } : { invoice, kind, text });
    };
    /** Typo queries read from an RF reference whose check digits fail: what they find is for a person to confirm. */
    const badCreditor = new Set<string>();
    const candidates: { text: string; from: number; to: number; hit: boolean }[] = [];
    const typoQueries = new Set<string>();
    const unresolved = new Set<string>();
    for (const raw of texts) {
      if (!DIGIT.test(raw)) continue; // every invoice number has a digit: a text without any names none
      const text = glueCreditorReferences(raw);
      const toks = tokens(text);
      const digits = new Uint8Array(toks.length);
      for (let k = 0; k < toks.length; k++) digits[k] = DIGIT.test(toks[k]) ? 1 : 0;
      const used = new Set<number>();
      /** Each token's runs without padding (see `unpaddedOf`), read once per text when a window asks. */
      let runs: string[] | undefined;
      candidates.length = 0;
      for (let i = 0; i < toks.length; i++) {
        let s = '';
        let hasDigit = false;
        for (let j = i; j < toks.length && j < i + 4; j++) {
          s += toks[j];
          if (s.length > this.maxLen + 12) break;
          if (!hasDigit) hasDigit = digits[j] === 1;
          if (!hasDigit || s.length < this.minLen - 2) continue;
          let hit = false;
          const first = s.charCodeAt(0);
          const stripped =
            first === 70 || first === 73 || first === 78 || first === 82 ? stripGluedPrefix(s) : undefined; // F I N R
          for (let v = 0; v < (stripped ? 2 : 1); v++) {
            const f = v === 0 ? s : stripped!;
            // an ISO 11649 creditor reference (RF + check digits) is exact when its check digits hold; when they do
            // not,
            // a character was mistyped somewhere: read as a typo, which needs the amount or the payer to agree
            const rf: ReferenceKind | undefined =
              v === 1 && first === 82 && RF_SHAPE.test(s) ? (creditorCheckDigitsHold(s) ? 'exact' : 'typo') : undefined;
            const kind: ReferenceKind = rf ?? (j === i && v === 0 ? 'exact' : 'reformatted');
            creditor = rf === undefined ? undefined : rf === 'exact' ? 'valid' : 'invalid';
            if (creditor === 'invalid') badCreditor.add(f);
            if (
              this.exactLengths[f.length] === 1 &&
              this.exact.each(f, (inv) => note(inv, kind, toks.slice(i, j + 1).join(' ')))
            )
              hit = true;
            if (
              this.shortLengths[f.length] === 1 &&
              this.withoutPrefix.each(f, (inv) =>
                note(inv, rf === 'typo' ? 'typo' : 'reformatted', toks.slice(i, j + 1).join(' ')),
              )
            )
              hit = true;
            creditor = undefined;
          }
          // a number whose parts lost their zero padding ("FA 2026 6685" for FA-2026-06685) is that number, not a typo
          if (
            !hit &&
            j > i &&
            this.hasUnpadded &&
            this.unpadded.each(unpaddedOf((runs ??= runsOf(toks)), i, j), (inv) =>
              note(inv, 'reformatted', toks.slice(i, j + 1).join(' ')),
            )
          )
            hit = true;
          if (hit) for (let k = i; k <= j; k++) used.add(k);
          if (s.length >= this.minTypoLength - 1 && s.length <= this.maxLen + 1 && countDigits(s) >= 3 && j - i < 3) {
            candidates.push({ text: stripped ?? s, from: i, to: j, hit });
          }
        }
      }
      for (const c of candidates) {
        let overlaps = false;
        if (!c.hit) for (let k = c.from; k <= c.to; k++) if (used.has(k)) overlaps = true;
        if (overlaps) continue;
        typoQueries.add(c.text);
        if (!c.hit && this.shapes.has(shapeOf(c.text))) unresolved.add(c.text);
      }
    }
    return {
      hits: [...found.values()].sort((a, b) => a.invoice - b.invoice),
      typoQueries: [...typoQueries],
      unresolved: [...unresolved],
      badCreditor: [...badCreditor].filter((q) => typoQueries.has(q)),
    };
  }

  /** Builds now the tables the first lookups would build (the typo index included). */
  warm(): void {
    this.exact.warm();
    this.withoutPrefix.warm();
    this.unpadded.warm();
    this.deletions.warm();
  }

  /** Invoices whose key is exactly one edit (insert, delete, substitute, swap) away from q. */
  typoNeighbours(q: string): number[] {
    const out = new Set<number>();
    const one = (inv: number) => {
      if (this.keys[inv] !== q && withinOneEdit(this.keys[inv], q)) out.add(inv);
    };
    const hashes: number[] = [];
    this.deletions.get(deletionHashes(q, hashes), one); // q is a key with one character missing
    for (let d = 0; d < q.length; d++) {
      this.deletions.get(hashes[d], one); // substitution or transposition
      this.exact.each(q.slice(0, d) + q.slice(d + 1), one); // q has one character too many
    }
    return [...out].sort((a, b) => a - b);
  }
}

const DIGIT = /\d/;

const GROUP = /^[A-Z0-9]{1,4}$/i;

/**
 * An RF creditor reference printed in groups of four ("RF47 F202 6067 4312 3") as one word, however many groups it has
 * (the token window reads four words at most): the longest run of groups whose check digits hold is glued; when none
 * does, the text is left as it is (its words are still read one by one, and a failing reference as a typo).
 */
export function glueCreditorReferences(text: string): string {
  if (!/RF\d\d\s/i.test(text)) return text;
  const words = text.split(' ');
  for (let i = 0; i < words.length; i++) {
    if (!/^RF\d\d$/i.test(words[i])) continue;
    let last = i;
    while (last + 1 < words.length && last - i < 6 && GROUP.test(words[last + 1])) last++;
    for (let n = last; n > i; n--) {
      const rf = words
        .slice(i, n + 1)
        .join('')
        .toUpperCase();
      if (RF_SHAPE.test(rf) && creditorCheckDigitsHold(rf)) {
        words.splice(i, n + 1 - i, rf);
        break;
      }
    }
  }
  return words.join(' ');
}

const RUNS = /[A-Z]+|\d+/g;
/** A number part padded with zeros: a digit run starting with 0 after a non-digit or at the start. */
const PADDED = /(^|\D)0\d/;

/**
 * An invoice number as its runs of letters and of digits, each number without its leading zeros, joined by dots; only
 * for numbers that had padding to lose and several parts (a single run is the exact key's business).
 */
export function unpaddedKey(id: string): string | undefined {
  if (HAS_NON_ASCII.test(id)) return unpaddedKeyFolded(id);
  const key = unpaddedRuns(id);
  return key.includes('.') ? key : undefined; // a run holds letters or digits only: a dot joins two
}

/**
 * The runs of an ASCII text, numbers without their leading zeros, joined by dots, however many there are (one pass,
 * no regex): `unpaddedKey` when there are two or more.
 */
function unpaddedRuns(id: string): string {
  let key = '';
  let runs = 0;
  for (let i = 0; i < id.length; ) {
    const kind = runKind(id.charCodeAt(i));
    if (kind === 0) {
      i++;
      continue;
    }
    let end = i + 1;
    while (end < id.length && runKind(id.charCodeAt(end)) === kind) end++;
    let from = i;
    if (kind === 2) while (from < end - 1 && id.charCodeAt(from) === 48) from++; // zeros dropped, one digit kept
    const run = kind === 1 ? id.slice(from, end).toUpperCase() : id.slice(from, end);
    key = runs++ === 0 ? run : `${key}.${run}`;
    i = end;
  }
  return key;
}

/** Each token's `unpaddedRuns`, in an array built one way only (see `exactLengths`). */
function runsOf(toks: readonly string[]): string[] {
  const out: string[] = [];
  for (const t of toks) out.push(unpaddedRuns(t));
  return out;
}

/** An ASCII character as part of a run: 1 a letter, 2 a digit, 0 neither. */
function runKind(c: number): number {
  return isDigit(c) ? 2 : (c >= 65 && c <= 90) || (c >= 97 && c <= 122) ? 1 : 0;
}
// biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range, NUL included, on purpose
const HAS_NON_ASCII = /[^\x00-\x7f]/;

/**
 * `unpaddedKey` of the tokens i..j joined by spaces (j > i), from each token's runs: a run never spans two tokens.
 */
function unpaddedOf(runs: readonly string[], i: number, j: number): string {
  let key = runs[i];
  for (let k = i + 1; k <= j; k++) key = `${key}.${runs[k]}`;
  return key;
}

/** `unpaddedKey` of any text: folded first (accents dropped, upper case). */
function unpaddedKeyFolded(id: string): string | undefined {
  const runs = foldText(id).match(RUNS);
  if (!runs || runs.length < 2) return undefined;
  return runs.map((r) => (r.charCodeAt(0) <= 57 ? r.replace(/^0+(?=\d)/, '') : r)).join('.');
}

/** "F202400123" -> "LDDDDDDDDD": D for an ASCII digit, L for any other UTF-16 code unit. */
function shapeOf(s: string): string {
  let shape = '';
  for (let i = 0; i < s.length; i++) shape += isDigit(s.charCodeAt(i)) ? 'D' : 'L';
  return shape;
}

/** Whether two strings have the same `shapeOf`, without building either (invoice numbers of a book share one). */
function sameShape(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (isDigit(a.charCodeAt(i)) !== isDigit(b.charCodeAt(i))) return false;
  return true;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function countDigits(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
}
