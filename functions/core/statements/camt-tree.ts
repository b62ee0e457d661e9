/**
 * The element tree of one child of a camt Stmt/Rpt/Ntfctn, and its look-ups (the camt reader, camt.ts, builds it from
 * the scanner's events). The tree is an arena of parallel arrays reused from one child to the next: a node is an index,
 * -1 is "none"; no object is made per element.
 */
import { collapse } from './text';

/** The children of Stmt/Rpt/Ntfctn read (handleChild), and every name looked up below them: no other is built. */
export const READ_CHILDREN = new Set(['Id', 'Acct', 'FrToDt', 'Bal', 'Ntry']);
const NAMES_READ = [
  ...READ_CHILDREN,
  ...['IBAN', 'Othr', 'Ccy', 'Svcr', 'FinInstnId', 'BICFI', 'BIC', 'FrDtTm', 'ToDtTm', 'Tp', 'CdOrPrtry', 'Cd'],
  ...['Prtry', 'Amt', 'CdtDbtInd', 'Dt', 'DtTm', 'Sts', 'NtryDtls', 'TxDtls', 'AmtDtls', 'TxAmt', 'InstdAmt'],
  ...['BookgDt', 'ValDt', 'RvslInd', 'AcctSvcrRef', 'BkTxCd', 'Domn', 'Fmly', 'SubFmlyCd', 'AddtlNtryInf', 'Refs'],
  ...['EndToEndId', 'RltdPties', 'Dbtr', 'UltmtDbtr', 'DbtrAcct', 'Cdtr', 'UltmtCdtr', 'CdtrAcct', 'Nm', 'Pty'],
  ...['RmtInf', 'Ustrd', 'Strd', 'CdtrRefInf', 'Ref', 'RfrdDocInf', 'Nb', 'AddtlRmtInf', 'AddtlTxInf'],
];
/**
 * Each name read, to its own string: the tree holds these (not the scanner's copies), so a look-up compares a name by
 * identity first, and two different names at once (both are internalized strings).
 */
export const READ_NAMES = new Map(NAMES_READ.map((n) => [n, n]));

/** Nodes kept for reuse at most (a larger tree, a hostile one, is not kept alive with its texts). */
const MAX_KEPT = 1024;

/** No node. */
export const NONE = -1;

/**
 * The nodes of one tree: for node k, its local name, own text (its text segments joined), attributes (null when
 * none), first child, last child and next sibling. Node 0 is the root once `add` made it.
 */
export class Tree {
  size = 0;
  readonly names: string[] = [];
  readonly texts: string[] = [];
  readonly attrs: (Record<string, string> | null)[] = [];
  readonly first: number[] = [];
  readonly last: number[] = [];
  readonly next: number[] = [];

  /** Starts a new tree (its root is the next node added). A large tree's arrays are dropped, not kept for reuse. */
  clear(): void {
    if (this.size > MAX_KEPT)
      for (const a of [this.names, this.texts, this.attrs, this.first, this.last, this.next]) a.length = 0;
    this.size = 0;
  }

  /** A new node, the last child of `parent` (NONE: the root). */
  add(parent: number, name: string, attrs: Record<string, string> | null): number {
    const k = this.size++;
    this.names[k] = name;
    this.texts[k] = '';
    this.attrs[k] = attrs;
    this.first[k] = NONE;
    this.last[k] = NONE;
    this.next[k] = NONE;
    if (parent !== NONE) {
      if (this.first[parent] === NONE) this.first[parent] = k;
      else this.next[this.last[parent]] = k;
      this.last[parent] = k;
    }
    return k;
  }

  /** The first child of k named `name` (NONE when k is NONE or has none). */
  childNamed(k: number, name: string): number {
    if (k === NONE) return NONE;
    const { names, next } = this;
    for (let c = this.first[k]; c !== NONE; c = next[c]) if (names[c] === name) return c;
    return NONE;
  }

  /** The next sibling of k with k's name. */
  nextNamed(k: number): number {
    const { names, next } = this;
    const name = names[k];
    for (let c = next[k]; c !== NONE; c = next[c]) if (names[c] === name) return c;
    return NONE;
  }

  /** The first descendant along a path of up to four names. */
  child(k: number, a: string, b?: string, c?: string, d?: string): number {
    let n = this.childNamed(k, a);
    if (b !== undefined) n = this.childNamed(n, b);
    if (c !== undefined) n = this.childNamed(n, c);
    if (d !== undefined) n = this.childNamed(n, d);
    return n;
  }

  /** Text of k itself, blanks folded and trimmed; undefined when k is NONE or its text blank. */
  textOf(k: number): string | undefined {
    if (k === NONE) return undefined;
    const t = collapse(this.texts[k]);
    return t === '' ? undefined : t;
  }

  /** Text at a path below k. */
  text(k: number, a: string, b?: string, c?: string, d?: string): string | undefined {
    return this.textOf(this.child(k, a, b, c, d));
  }

  /** An attribute of k (undefined when k is NONE or has no such attribute). */
  attr(k: number, name: string): string | undefined {
    if (k === NONE) return undefined;
    return this.attrs[k]?.[name];
  }
}
