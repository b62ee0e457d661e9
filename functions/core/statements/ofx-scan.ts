import { StatementParseError } from './errors';

/**
 * An OFX element: an aggregate (children) or a leaf (value). `offset` is its `<` in the whole text. Every node has
 * the same properties in the same order (one shape).
 */
export interface ONode {
  name: string;
  /** The reader's number for `name` (ScanEvents.codeOf), 0 for a name it does not read. */
  code: number;
  value: string | undefined;
  children: ONode[];
  offset: number;
  /** 1-based line of `offset`, for the few nodes an error may name after their text is gone (see `lined`). */
  line: number | undefined;
  /** A light aggregate keeps no children: its leaves are only given to `ScanEvents.leaf` when the reader wants them. */
  light: boolean;
  /**
   * The fields of the transaction whose element tree this node is in, if any: set by the transaction reader, opaque
   * here (ofx-trn's TrnFields; `fieldsOf`).
   */
  trn: object | undefined;
}

/** What the scanner tells its reader: an element opened, and the aggregates closed (innermost first). */
export interface ScanEvents {
  /** Statement-level elements whose line is kept, as the text they were read from does not stay. */
  lined: ReadonlySet<string>;
  /**
   * Aggregates that never hold one of their own name: one opening while another is open closes it (and what is open
   * in it), as if its end tag, left out (SGML), came there.
   */
  unnested: ReadonlySet<string>;
  /** The number the reader gives an element name (asked once per distinct name). */
  codeOf(name: string): number;
  /** A leaf under a light parent: SKIP it, give its VALUE to `leaf`, or open it as a NODE. */
  wants(parent: ONode, code: number): Want;
  leaf(parent: ONode, code: number, value: string | undefined): void;
  opened(node: ONode, parent: ONode, aggregate: boolean): void;
  /** `node` (at `depth` in the stack) is closed: `end` is where its source ends in `text`, `own` if by its own tag. */
  closed(node: ONode, depth: number, stack: readonly ONode[], text: string, end: number, own: boolean): void;
}

export enum Want {
  SKIP = 0,
  VALUE = 1,
  NODE = 2,
}

/** The children of a leaf or of a light aggregate (never added to). */
export const NO_CHILDREN: ONode[] = [];
const WAIT = -1;
const STOP = -2;
const CDATA_OPEN = -3;
const CDATA_START = -4;
const isBlank = (c: number) => c === 32 || (c >= 9 && c <= 13);

/**
 * Reads OFX 1.x SGML (leaf elements without closing tags) and OFX 2.x XML with one tolerant tokenizer, one chunk of
 * text at a time: an element followed by text is a leaf (its closing tag, if any, is consumed); an element followed by
 * another tag is an aggregate. A token is read once it is whole (the text up to the next `<` included); only the text
 * from the oldest position the reader still needs (`keepFrom`) is kept. Hand-made (indexOf and character codes
 * only): no regular expression can backtrack over a hostile file, no array of tags or lines is made.
 */
export class OfxScanner {
  readonly root: ONode = node('#root', 0, undefined, [], 0);
  /** The open aggregates, the root first. */
  readonly stack: ONode[] = [this.root];
  /** The text kept, from `base` in the whole text; reading resumes at `pos`. */
  private text = '';
  private base = 0;
  private pos = 0;
  private started = false;
  private ended = false;
  closed = false;
  private expectClose: string | undefined;
  /**
   * A search that failed for want of text (absolute offsets): resumed where it stopped, so that a hostile file (an
   * unclosed comment) is not scanned again at each chunk.
   */
  private resume = { lt: -1, needle: '', from: 0 };
  /** Line counting, monotonic: `lineAtCount` is the 1-based line of the absolute offset `counted`. */
  private counted = 0;
  private lineAtCount = 1;
  /** Interned element names (and their codes) by hash of their upper-cased characters: no string made per tag. */
  private readonly names: (string | undefined)[] = new Array(1024);
  private readonly codes = new Int32Array(1024);
  /** The name of the tag being read, as `step` found it (`nameEnd` -1: not found there). */
  private nameEnd = -1;
  private nameHash = 0;
  private nameUpper = true;

  constructor(private readonly events: ScanEvents) {}

  /** The absolute offset below which the reader needs no text (the start of a transaction being read). */
  keepFrom: () => number = () => Number.POSITIVE_INFINITY;

  write(chunk: string): void {
    const keep = Math.min(this.base + this.pos, this.keepFrom());
    if (keep > this.base) {
      this.lineAt(keep);
      this.text = this.text.slice(keep - this.base);
      this.pos -= keep - this.base;
      this.base = keep;
    }
    this.text += chunk;
    this.scan();
  }

  end(): void {
    this.ended = true;
    this.scan();
  }

  /** Whether the text had an `<OFX>` element. */
  get sawOfx(): boolean {
    return this.started;
  }

  /** The line of the end of the text (after `end`). */
  lastLine(): number {
    return this.lineAt(this.base + this.text.length);
  }

  /** 1-based line of an absolute offset: forwards from the last one counted, or backwards within the kept text. */
  lineAt(abs: number): number {
    const t = this.text;
    if (abs >= this.counted) {
      let n = 0;
      const to = abs - this.base;
      for (let i = t.indexOf('\n', this.counted - this.base); i >= 0 && i < to; i = t.indexOf('\n', i + 1)) n++;
      this.counted = abs;
      this.lineAtCount += n;
      return this.lineAtCount;
    }
    let n = 0;
    for (let i = abs - this.base; i < this.counted - this.base; i++) if (t.charCodeAt(i) === 10) n++;
    return this.lineAtCount - n;
  }

  private search(needle: string, from: number, lt: number): number {
    const r = this.resume;
    const resumed = r.lt === lt + this.base && r.needle === needle;
    return this.text.indexOf(needle, resumed ? Math.max(from, r.from - this.base) : from);
  }

  /** The token at `lt` waits for more text (`needle` was not found: its search resumes where it stopped). */
  private wait(lt: number, needle: string): typeof WAIT {
    this.pos = lt;
    this.resume = { lt: lt + this.base, needle, from: this.base + Math.max(0, this.text.length - needle.length + 1) };
    return WAIT;
  }

  private scan(): void {
    if (!this.started && !this.findStart()) return;
    const n = this.text.length;
    let i = this.pos;
    while (i < n) {
      const lt = this.text.indexOf('<', i);
      if (lt < 0) {
        i = n;
        break;
      }
      const next = this.step(lt);
      if (next === STOP) break;
      if (next === WAIT) return;
      i = next;
    }
    this.pos = i;
  }

  /** The token at `lt`: where reading goes on, WAIT (more text needed: the scan stops there) or STOP (at the end). */
  private step(lt: number): number {
    const text = this.text;
    const n = text.length;
    const c1 = text.charCodeAt(lt + 1);
    if (Number.isNaN(c1) && !this.ended) return this.wait(lt, '');
    if (c1 === 33 || c1 === 63) {
      // <!-- comment -->, <?processing instruction?>, <!DOCTYPE ...> or a stray <![CDATA[...]]>
      const comment = text.startsWith('<!--', lt);
      if (!comment && lt + 4 > n && '<!--'.startsWith(text.slice(lt)) && !this.ended) return this.wait(lt, '');
      const needle = comment ? '-->' : '>';
      const end = this.search(needle, lt + (comment ? 4 : 2), lt);
      if (end < 0) return this.ended ? STOP : this.wait(lt, needle);
      return end + needle.length;
    }
    // the `>` found right after the name (or its `/`) spares a search; a name of more than 64 characters is searched
    const limit = Math.min(n, lt + 66);
    const i = this.scanName(text.charCodeAt(lt + 1) === 47 ? lt + 2 : lt + 1, limit);
    // the name read (its end, hash and case) unless it reached `limit`: token reads it again
    this.nameEnd = i < limit ? i : -1;
    let gt: number;
    if (i < limit && text.charCodeAt(i) === 62) gt = i;
    else if (i + 1 < limit && text.charCodeAt(i) === 47 && text.charCodeAt(i + 1) === 62) gt = i + 1;
    else {
      gt = this.search('>', lt + 1, lt);
      if (gt < 0) return this.ended ? STOP : this.wait(lt, '>');
    }
    const nextLt = this.search('<', gt + 1, lt);
    if (nextLt < 0 && !this.ended) return this.wait(lt, '<');
    const next = this.token(lt, gt, nextLt < 0 ? n : nextLt);
    if (next < 0) return this.wait(lt, next === CDATA_OPEN ? ']]>' : '');
    return next;
  }

  /**
   * Reads a tag name from `from` (up to `limit`): sets `nameHash` (of its upper-cased characters) and `nameUpper`
   * (written in upper case), returns where it ends.
   */
  private scanName(from: number, limit: number): number {
    const text = this.text;
    let upper = true;
    let hash = 0;
    let i = from;
    for (; i < limit; i++) {
      const c = text.charCodeAt(i);
      const u = nameChar(c);
      if (u < 0) break;
      if (u !== c) upper = false;
      hash = (Math.imul(hash, 31) + u) | 0;
    }
    this.nameHash = hash;
    this.nameUpper = upper;
    return i;
  }

  /** Looks for the first `<OFX>` (any case); keeps the last characters in case it is cut between two chunks. */
  private findStart(): boolean {
    const at = this.text.search(/<OFX>/i);
    if (at < 0) {
      this.pos = Math.max(0, this.text.length - 4);
      return false;
    }
    this.started = true;
    this.pos = at;
    return true;
  }

  /**
   * One tag between `lt` and `gt`, the text after it up to `afterEnd`: where reading goes on, or CDATA_OPEN
   * (CDATA_START) when a CDATA section (its start) is not all there yet.
   */
  private token(lt: number, gt: number, afterEnd: number): number {
    const text = this.text;
    let i = lt + 1;
    const slash = text.charCodeAt(i) === 47;
    if (slash) i++;
    const start = i;
    i = this.nameEnd >= 0 ? this.nameEnd : this.scanName(i, gt);
    const upper = this.nameUpper;
    const hash = this.nameHash;
    if (i === start) return afterEnd;
    const nameEnd = i;
    let end = gt;
    let selfClose = false;
    if (end > i && text.charCodeAt(end - 1) === 47) {
      selfClose = true;
      end--;
    }
    for (; i < end; i++) if (text[i].trim() !== '') return afterEnd;
    const slot = this.slotOf(start, nameEnd, upper, hash);
    const name = this.names[slot]!;
    if (slash) {
      this.close(name, lt, gt);
      return afterEnd;
    }
    const code = this.codes[slot];
    let empty = true;
    let from = gt + 1;
    let to = afterEnd;
    if (!selfClose) {
      // the text after the tag, trimmed of ASCII blanks here, of the others (rare) when its value is made
      while (from < to && isBlank(text.charCodeAt(from))) from++;
      while (to > from && isBlank(text.charCodeAt(to - 1))) to--;
      empty = from === to || (isHigh(text, from, to) && text.slice(from, to).trim() === '');
      if (empty && afterEnd < text.length) {
        if (afterEnd + 9 > text.length && !this.ended && '<![CDATA['.startsWith(text.slice(afterEnd)))
          return CDATA_START;
        if (text.startsWith('<![CDATA[', afterEnd)) {
          const cdataEnd = this.search(']]>', afterEnd + 9, lt);
          if (cdataEnd < 0 && !this.ended) return CDATA_OPEN;
          if (cdataEnd >= 0) {
            this.leaf(name, code, lt, text.slice(afterEnd + 9, cdataEnd).trim(), 0, 0);
            this.expectClose = name;
            return cdataEnd + 3;
          }
        }
      }
    }
    this.expectClose = undefined;
    if (selfClose) this.leaf(name, code, lt, undefined, -1, 0);
    else if (!empty) this.leaf(name, code, lt, undefined, from, to);
    else this.aggregate(name, code, lt);
    if (!empty) this.expectClose = name;
    return afterEnd;
  }

  /** The slot of the interned name `text[start, end)` (upper-cased). */
  private slotOf(start: number, end: number, upper: boolean, hash: number): number {
    const slot = (hash ^ (end - start)) & 1023;
    const known = this.names[slot];
    const text = this.text;
    if (known !== undefined && known.length === end - start) {
      let k = start;
      while (k < end && nameChar(text.charCodeAt(k)) === known.charCodeAt(k - start)) k++;
      if (k === end) return slot;
    }
    const name = upper ? text.slice(start, end) : text.slice(start, end).toUpperCase();
    this.names[slot] = name;
    this.codes[slot] = this.events.codeOf(name);
    return slot;
  }

  /**
   * A leaf: its value is `given` (CDATA), none (`from` < 0: self-closed) or the text `from`-`to` trimmed and decoded.
   * Under a light parent it is made only if the reader wants it, as a node only if it asks so.
   */
  private leaf(name: string, code: number, lt: number, given: string | undefined, from: number, to: number): void {
    const parent = this.stack[this.stack.length - 1];
    let want = Want.NODE;
    if (parent.light) {
      want = this.events.wants(parent, code);
      if (want === Want.SKIP) return;
    }
    const value = given ?? (from < 0 ? undefined : decodeEntities(valueAt(this.text, from, to)));
    if (want === Want.VALUE) this.events.leaf(parent, code, value);
    else this.events.opened(this.node(name, code, lt, value), parent, false);
  }

  private aggregate(name: string, code: number, lt: number): void {
    const stack = this.stack;
    if (this.events.unnested.has(name)) this.closeOpen(name, lt);
    const n = this.node(name, code, lt, undefined);
    if (stack.length > 64) {
      throw new StatementParseError('corrupt', 'OFX aggregates nested more than 64 deep', {
        line: this.lineAt(n.offset),
        element: name,
      });
    }
    this.events.opened(n, stack[stack.length - 1], true);
    stack.push(n);
  }

  /** A node at `lt` (its children are the reader's to give), with its line when the reader keeps it. */
  private node(name: string, code: number, lt: number, value: string | undefined): ONode {
    const n = node(name, code, value, NO_CHILDREN, this.base + lt);
    if (this.events.lined.has(name)) n.line = this.lineAt(n.offset);
    return n;
  }

  private close(name: string, lt: number, gt: number): void {
    if (this.expectClose === name) {
      this.expectClose = undefined;
      return;
    }
    this.expectClose = undefined;
    const stack = this.stack;
    // close the nearest open aggregate of that name (OFX nests a few levels; looking further could only cost time)
    for (let j = stack.length - 1; j > 0 && j >= stack.length - 32; j--) {
      if (stack[j].name === name) {
        for (let k = stack.length - 1; k >= j; k--)
          this.events.closed(stack[k], k, stack, this.text, k === j ? gt + 1 : lt, k === j);
        stack.length = j;
        break;
      }
    }
    if (name === 'OFX') this.closed = true;
  }

  /** An aggregate `name` opens at `lt`: the open one of that name (within 32 levels) ends there, unclosed. */
  private closeOpen(name: string, lt: number): void {
    const stack = this.stack;
    for (let j = stack.length - 1; j > 0 && j >= stack.length - 32; j--) {
      if (stack[j].name === name) {
        for (let k = stack.length - 1; k >= j; k--) this.events.closed(stack[k], k, stack, this.text, lt, false);
        stack.length = j;
        return;
      }
    }
  }

  /** At the end of the text: the aggregates still open are over. */
  closeAll(): void {
    const stack = this.stack;
    for (let k = stack.length - 1; k > 0; k--)
      this.events.closed(stack[k], k, stack, this.text, this.text.length, false);
    stack.length = 1;
  }

  /** Where an absolute offset is in the kept text. */
  relative(abs: number): number {
    return abs - this.base;
  }
}

/** A character of an element name, upper-cased (letters, digits, `_`, `.`), or -1. */
function nameChar(c: number): number {
  if (c >= 97 && c <= 122) return c - 32;
  return (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 46 ? c : -1;
}

function node(name: string, code: number, value: string | undefined, children: ONode[], offset: number): ONode {
  return { name, code, value, children, offset, line: undefined, light: false, trn: undefined };
}

const isHigh = (s: string, from: number, to: number) => s.charCodeAt(from) > 127 || s.charCodeAt(to - 1) > 127;

/** The text `from`-`to` (not blank, trimmed of ASCII blanks) trimmed as String.prototype.trim does. */
function valueAt(s: string, from: number, to: number): string {
  const v = s.slice(from, to);
  return isHigh(s, from, to) ? v.trim() : v;
}

function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos|nbsp);/gi, (m, e: string) => {
    const k = e.toLowerCase();
    if (k === 'amp') return '&';
    if (k === 'lt') return '<';
    if (k === 'gt') return '>';
    if (k === 'quot') return '"';
    if (k === 'apos') return "'";
    if (k === 'nbsp') return ' ';
    const code = k.startsWith('#x') ? parseInt(k.slice(2), 16) : parseInt(k.slice(1), 10);
    return code > 0 && code < 0x110000 ? String.fromCodePoint(code) : m;
  });
}
