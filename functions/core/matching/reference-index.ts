import { foldText, referenceKey, referenceKeyWithoutPrefix, stripGluedPrefix, tokens } from './normalize';

export type ReferenceKind = 'exact' | 'reformatted' | 'typo';
export interface ReferenceHit {
  invoice: number;
  kind: ReferenceKind;
  /** The text as found in the transaction. */
  text: string;
}

const KIND_RANK: Record<ReferenceKind, number> = { exact: 3, reformatted: 2, typo: 1 };

/** A multimap from a number or string key to invoice positions, compact for the common single-value case. */
class MultiMap<K> {
  private readonly map = new Map<K, number | number[]>();
  add(key: K, value: number): void {
    const cur = this.map.get(key);
    if (cur === undefined) this.map.set(key, value);
    else if (typeof cur === 'number') {
      if (cur !== value) this.map.set(key, [cur, value]);
    } else if (cur[cur.length - 1] !== value) cur.push(value);
  }
  get(key: K): readonly number[] | undefined {
    const cur = this.map.get(key);
    return cur === undefined ? undefined : typeof cur === 'number' ? [cur] : cur;
  }
  /** Calls `f` for each value, without allocating. */
  each(key: K, f: (value: number) => void): boolean {
    const cur = this.map.get(key);
    if (cur === undefined) return false;
    if (typeof cur === 'number') f(cur);
    else for (const v of cur) f(v);
    return true;
  }
}

/**
 * A multimap from 30-bit hashes to invoice positions in flat typed arrays: an open-addressing table of distinct hashes,
 * each heading a chain of values (dense invoice numbering gives one deletion variant to many invoices).
 * Millions of entries without millions of objects.
 */
class HashMultiMap {
  private slotKey: Int32Array;
  private slotHead: Int32Array;
  private mask: number;
  private shift: number;
  private used = 0;
  private values: Int32Array;
  private next: Int32Array;
  private count = 0;
  constructor(expected: number) {
    let cap = 1024;
    while (cap < expected) cap *= 2;
    this.slotKey = new Int32Array(cap).fill(-1);
    this.slotHead = new Int32Array(cap);
    this.mask = cap - 1;
    this.shift = 32 - Math.log2(cap);
    this.values = new Int32Array(Math.max(16, expected));
    this.next = new Int32Array(Math.max(16, expected));
  }
  private slot(key: number): number {
    let i = (Math.imul(key, 0x9e3779b1) >>> this.shift) & this.mask;
    while (this.slotKey[i] !== -1 && this.slotKey[i] !== key) i = (i + 1) & this.mask;
    return i;
  }
  add(key: number, value: number): void {
    let i = this.slot(key);
    if (this.slotKey[i] === -1) {
      if ((this.used + 1) * 2 > this.slotKey.length) {
        this.grow();
        i = this.slot(key);
      }
      this.slotKey[i] = key;
      this.slotHead[i] = -1;
      this.used++;
    } else if (this.values[this.slotHead[i]] === value) return; // the same invoice again (a repeated character)
    if (this.count === this.values.length) {
      const v = new Int32Array(this.count * 2);
      v.set(this.values);
      this.values = v;
      const n = new Int32Array(this.count * 2);
      n.set(this.next);
      this.next = n;
    }
    this.values[this.count] = value;
    this.next[this.count] = this.slotHead[i];
    this.slotHead[i] = this.count++;
  }
  get(key: number): number[] | undefined {
    const i = this.slot(key);
    if (this.slotKey[i] === -1) return undefined;
    const out: number[] = [];
    for (let e = this.slotHead[i]; e !== -1; e = this.next[e]) out.push(this.values[e]);
    return out;
  }
  private grow(): void {
    const keys = this.slotKey;
    const heads = this.slotHead;
    this.slotKey = new Int32Array(keys.length * 2).fill(-1);
    this.slotHead = new Int32Array(keys.length * 2);
    this.mask = this.slotKey.length - 1;
    this.shift = 32 - Math.log2(this.slotKey.length);
    for (let j = 0; j < keys.length; j++) {
      if (keys[j] === -1) continue;
      const i = this.slot(keys[j]);
      this.slotKey[i] = keys[j];
      this.slotHead[i] = heads[j];
    }
  }
}

/** 30-bit FNV-1a of a string with the character at `skip` left out (skip = -1: the whole string). */
function hashSkipping(s: string, skip: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    if (i === skip) continue;
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 2) & 0x3fffffff;
}

/** Levenshtein distance with adjacent transposition, answering only "at most one edit apart?". */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a[i] === b[i]) i++;
  if (la === lb) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true; // substitution
    return i + 1 < la && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2); // transposition
  }
  return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/**
 * Finds invoice numbers in bank texts. Exact keys and keys with their letter prefix dropped are hashed;
 * one-character typos are found through a deletion neighbourhood (every key with one character deleted,
 * hashed), so a lookup costs a few hash probes whatever the number of open invoices.
 */
export class ReferenceIndex {
  private readonly exact = new MultiMap<string>();
  private readonly withoutPrefix = new MultiMap<string>();
  /** Keys with the zeros padding each number dropped ("FA-2026-06685" -> "FA.2026.6685"), for numbers with several parts. */
  private readonly unpadded = new MultiMap<string>();
  private hasUnpadded = false;
  private readonly deletions: HashMultiMap;
  private readonly keys: string[];
  /** Letter/digit patterns of the invoice numbers ("LDDDDDDDDD"): a text token of such a shape names an invoice. */
  private readonly shapes = new Set<string>();
  private minLen = Infinity;
  private maxLen = 0;

  constructor(invoiceIds: readonly string[], private readonly minTypoLength = 6) {
    this.keys = new Array(invoiceIds.length);
    this.deletions = new HashMultiMap(invoiceIds.length * 11);
    for (let i = 0; i < invoiceIds.length; i++) {
      const key = referenceKey(invoiceIds[i]);
      this.keys[i] = key;
      if (key.length < 3) continue;
      this.exact.add(key, i);
      this.shapes.add(shapeOf(key));
      this.minLen = Math.min(this.minLen, key.length);
      this.maxLen = Math.max(this.maxLen, key.length);
      const short = referenceKeyWithoutPrefix(key);
      if (short) this.withoutPrefix.add(short, i);
      const bare = PADDED.test(invoiceIds[i]) ? unpaddedKey(invoiceIds[i]) : undefined;
      if (bare) {
        this.unpadded.add(bare, i);
        this.hasUnpadded = true;
      }
      if (key.length >= minTypoLength) {
        for (let d = 0; d < key.length; d++) this.deletions.add(hashSkipping(key, d), i);
      }
    }
  }

  /**
   * Invoice numbers found in the given texts (each text is read on its own: no reference spans two fields), and the
   * reference-looking strings worth a typo search (see `typoNeighbours`) should the exact hits not fit.
   */
  find(texts: readonly string[]): { hits: ReferenceHit[]; typoQueries: string[]; unresolved: string[] } {
    const found = new Map<number, ReferenceHit>();
    const note = (invoice: number, kind: ReferenceKind, text: string) => {
      const prev = found.get(invoice);
      if (!prev || KIND_RANK[kind] > KIND_RANK[prev.kind]) found.set(invoice, { invoice, kind, text });
    };
    const candidates: { text: string; from: number; to: number; hit: boolean }[] = [];
    const typoQueries = new Set<string>();
    const unresolved = new Set<string>();
    for (const text of texts) {
      if (!DIGIT.test(text)) continue; // every invoice number has a digit: a text without any names none
      const toks = tokens(text);
      const digits = toks.map((t) => DIGIT.test(t));
      const used = new Set<number>();
      candidates.length = 0;
      for (let i = 0; i < toks.length; i++) {
        let s = '';
        let hasDigit = false;
        for (let j = i; j < toks.length && j < i + 4; j++) {
          s += toks[j];
          if (s.length > this.maxLen + 12) break;
          if (!hasDigit) hasDigit = digits[j];
          if (!hasDigit || s.length < this.minLen - 2) continue;
          let hit = false;
          const first = s.charCodeAt(0);
          const stripped = first === 70 || first === 73 || first === 78 || first === 82 ? stripGluedPrefix(s) : undefined; // F I N R
          for (let v = 0; v < (stripped ? 2 : 1); v++) {
            const f = v === 0 ? s : stripped!;
            const kind: ReferenceKind = j === i && v === 0 ? 'exact' : 'reformatted';
            if (this.exact.each(f, (inv) => note(inv, kind, toks.slice(i, j + 1).join(' ')))) hit = true;
            if (this.withoutPrefix.each(f, (inv) => note(inv, 'reformatted', toks.slice(i, j + 1).join(' ')))) hit = true;
          }
          // a number whose parts lost their zero padding ("FA 2026 6685" for FA-2026-06685) is that number, not a typo
          if (!hit && j > i && this.hasUnpadded && this.unpadded.each(unpaddedKey(toks.slice(i, j + 1).join(' ')) ?? '', (inv) => note(inv, 'reformatted', toks.slice(i, j + 1).join(' ')))) hit = true;
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
    return { hits: [...found.values()].sort((a, b) => a.invoice - b.invoice), typoQueries: [...typoQueries], unresolved: [...unresolved] };
  }

  /** Invoices whose key is exactly one edit (insert, delete, substitute, swap) away from q. */
  typoNeighbours(q: string): number[] {
    const out = new Set<number>();
    const check = (list: readonly number[] | undefined) => {
      if (!list) return;
      for (const inv of list) if (this.keys[inv] !== q && withinOneEdit(this.keys[inv], q)) out.add(inv);
    };
    check(this.deletions.get(hashSkipping(q, -1))); // q is a key with one character missing
    for (let d = 0; d < q.length; d++) {
      const h = hashSkipping(q, d);
      check(this.deletions.get(h)); // substitution or transposition
      check(this.exact.get(q.slice(0, d) + q.slice(d + 1))); // q has one character too many
    }
    return [...out].sort((a, b) => a - b);
  }
}

const DIGIT = /\d/;
const RUNS = /[A-Z]+|\d+/g;
/** A number part padded with zeros: a digit run starting with 0 after a non-digit or at the start. */
const PADDED = /(^|\D)0\d/;

/**
 * An invoice number as its runs of letters and of digits, each number without its leading zeros, joined by dots; only
 * for numbers that had padding to lose and several parts (a single run is the exact key's business).
 */
export function unpaddedKey(id: string): string | undefined {
  const runs = foldText(id).match(RUNS);
  if (!runs || runs.length < 2) return undefined;
  return runs.map((r) => (r.charCodeAt(0) <= 57 ? r.replace(/^0+(?=\d)/, '') : r)).join('.');
}

/** "F202400123" -> "LDDDDDDDDD". */
function shapeOf(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += c >= 48 && c <= 57 ? 'D' : 'L';
  }
  return out;
}

function countDigits(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
}
