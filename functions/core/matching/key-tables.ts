import { fmix, stringHash } from '../string-table';

/**
 * Invoice positions by a string key (an invoice number's key, or that key without its prefix): an open-addressing
 * table of Int32Arrays over the keys as added, built on the first lookup; the positions of one key are chained in the
 * order they were added. No Map entry, array or boxed number per key.
 */
export class KeyTable {
  private readonly keys: string[] = [];
  private readonly values: number[] = [];
  private table: { slots: Int32Array; next: Int32Array; hashes: Int32Array; mask: number } | undefined;

  add(key: string, value: number): void {
    this.keys.push(key);
    this.values.push(value);
  }

  private build() {
    const n = this.keys.length;
    let size = 16;
    while (size < 2 * n) size *= 2;
    const slots = new Int32Array(size).fill(-1);
    const next = new Int32Array(n).fill(-1);
    /** Each key's hash: a probe compares two strings only when their hashes are equal. */
    const hashes = new Int32Array(n);
    const mask = size - 1;
    for (let e = 0; e < n; e++) {
      const key = this.keys[e];
      const h = (hashes[e] = stringHash(key));
      let p = h & mask;
      while (slots[p] >= 0 && (hashes[slots[p]] !== h || this.keys[slots[p]] !== key)) p = (p + 1) & mask;
      if (slots[p] < 0) {
        slots[p] = e;
        continue;
      }
      let last = slots[p];
      while (next[last] >= 0) last = next[last];
      if (this.values[last] !== this.values[e]) next[last] = e; // one position once per key
    }
    return { slots, next, hashes, mask };
  }

  /** Builds the table now rather than on the first lookup. */
  warm(): void {
    this.table ??= this.build();
  }

  /** Calls `f` for each position of the key, without allocating; says whether the key is there. */
  each(key: string, f: (value: number) => void): boolean {
    const { slots, next, hashes, mask } = (this.table ??= this.build());
    const h = stringHash(key);
    for (let p = h & mask; slots[p] >= 0; p = (p + 1) & mask) {
      let e = slots[p];
      if (hashes[e] !== h || this.keys[e] !== key) continue;
      for (; e >= 0; e = next[e]) f(this.values[e]);
      return true;
    }
    return false;
  }
}

/**
 * Hashes of a string with each character left out in turn (into `out`, when given) and of the whole string (the return
 * value), in O(length): a polynomial hash built from prefix and suffix sums, so that "abc" without "b" hashes like
 * "ac". Finalised (murmur3 fmix32) and cut to 29 bits.
 */
export function deletionHashes(s: string, out?: number[]): number {
  const n = s.length;
  let suffix = 0;
  for (let i = n - 1; i >= 0; i--) {
    if (out) SUFFIX[i] = suffix; // what s[i+1..] adds, at its places
    suffix = (Math.imul(s.charCodeAt(i), POWS[n - 1 - i]) + suffix) | 0;
  }
  if (out) {
    let prefix = 0;
    for (let d = 0; d < n; d++) {
      out[d] = fmix((Math.imul(prefix, POWS[n - 1 - d]) + SUFFIX[d]) | 0, n - 1);
      prefix = (Math.imul(prefix, BASE) + s.charCodeAt(d)) | 0;
    }
  }
  return fmix(suffix, n);
}
const BASE = 0x01000193;
/** The hashes are cut to 29 bits (non-negative in an Int32Array). */
const HASH_BITS = 29;
const SUFFIX: number[] = [];
const POWS: number[] = [1];
for (let i = 1; i < 512; i++) POWS.push(Math.imul(POWS[i - 1], BASE));

/**
 * The deletion neighbourhood of the invoice keys: every key with one character left out, hashed, bucketed by the high
 * bits of its hash (a counting sort: two passes, no comparison sort), built on the first typo lookup. A lookup reads
 * one bucket of about 32 entries (hash and invoice side by side, 256 contiguous bytes): few buckets keep the counting
 * sort's counters and write positions within the cache (with a bucket per two entries, building the index of 200,000
 * invoice numbers took twice as long). 8 bytes per key character plus 4 per bucket, no object per entry.
 */
export class DeletionIndex {
  private built: { bits: number; starts: Int32Array; pairs: Int32Array } | undefined;
  constructor(
    private readonly keys: readonly string[],
    private readonly minLength: number,
  ) {}

  private indexed(k: string): boolean {
    return k.length >= this.minLength && k.length <= 500;
  }

  private build() {
    let count = 0;
    for (const k of this.keys) if (this.indexed(k)) count += k.length;
    const bits = Math.max(4, Math.min(HASH_BITS, Math.ceil(Math.log2(count / 32 + 1))));
    const shift = HASH_BITS - bits;
    const starts = new Int32Array((1 << bits) + 1);
    const all = new Int32Array(count);
    const hashes: number[] = [];
    let at = 0;
    for (const k of this.keys) {
      if (!this.indexed(k)) continue;
      deletionHashes(k, hashes);
      for (let d = 0; d < k.length; d++) {
        all[at++] = hashes[d];
        starts[(hashes[d] >>> shift) + 1]++;
      }
    }
    for (let b = 1; b < starts.length; b++) starts[b] += starts[b - 1];
    const next = starts.slice(0, -1);
    /** Per entry, its hash then its invoice, in bucket order (within a bucket, in the order of the keys). */
    const pairs = new Int32Array(2 * count);
    at = 0;
    for (let i = 0; i < this.keys.length; i++) {
      const k = this.keys[i];
      if (!this.indexed(k)) continue;
      for (let d = 0; d < k.length; d++) {
        const h = all[at++];
        const to = 2 * next[h >>> shift]++;
        pairs[to] = h;
        pairs[to + 1] = i;
      }
    }
    return { bits, starts, pairs };
  }

  /** Builds the index now rather than on the first lookup. */
  warm(): void {
    this.built ??= this.build();
  }

  /** Calls f for each invoice having a key that, with one character left out, hashes to h. */
  get(h: number, f: (invoice: number) => void): void {
    const { bits, starts, pairs } = (this.built ??= this.build());
    const b = h >>> (HASH_BITS - bits);
    for (let k = 2 * starts[b], end = 2 * starts[b + 1]; k < end; k += 2) if (pairs[k] === h) f(pairs[k + 1]);
  }
}
