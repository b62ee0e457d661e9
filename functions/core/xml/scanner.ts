/**
 * A streaming XML scanner written for speed: it finds each '<' with indexOf, reads tags with charCodeAt, and hands its
 * handler the open/close events and only the text the handler asks for (no object for an element, no string for text
 * nobody reads). Entities are decoded only where an '&' is. It checks well-formedness as a validating-free XML 1.0
 * parser does (matched tags, one root, quoted and unique attributes, valid names, characters and entity references,
 * comments without '--', no ']]>' in text), and refuses what it cannot read with an XmlSyntaxError: 'truncated' when
 * the text ends before the document does, 'corrupt' otherwise. A DOCTYPE is skipped, never read: no entity is
 * declared, so none is ever expanded.
 * Memory: the text from the start of the token being read (an incomplete tag, or text not ended yet) and, while the
 * handler keeps a mark, the text since the mark; never the whole document.
 */

import {
  BAD_CHAR,
  countLines,
  declarationFault,
  decodeReferences,
  doctypeEnd,
  isBlank,
  isSpace,
  NAME,
  NONE,
  nextOf,
  XML_DECL,
} from './chars';
import { type XmlHandler, XmlSyntaxError } from './events';

export { type XmlHandler, XmlSyntaxError } from './events';

const LT = 60;
const GT = 62;
const SLASH = 47;
const BANG = 33;
const QUESTION = 63;
const EQ = 61;

const MAX_NAMES = 4096;
/** Slots for element and attribute names, in pairs (a name takes either slot of the pair of its hash). */
const SLOTS = 2048;
const slotOfHash = (h: number) => (Math.imul(h, 0x9e3779b1) >>> 21) & (SLOTS - 2);

export class XmlScanner {
  private buf = '';
  /** Next offset to read in buf; offsets are relative to buf, `base` is the document offset of buf[0]. */
  private pos = 0;
  private base = 0;
  /** Line breaks before buf[lineStart]. */
  private lines = 0;
  private lineStart = 0;
  /** buf length to wait for before reading again (a token was incomplete: wait until it may have doubled). */
  private waitFor = 0;
  /** Qualified names of the open elements. */
  private readonly open: string[] = [];
  private rootSeen = false;
  /** No more text will come (end): what is left is read as all there is. */
  private ending = false;
  private rootDone = false;
  /** Cached offsets of the next '&', ']]>' and disallowed character at or after the last lookup (NONE: none in buf). */
  private amp = -1;
  private cdataEnd = -1;
  private bad = NONE;
  /** Offset the handler asked to keep text from (-1: none), and the text kept from earlier chunks. */
  private markAt = -1;
  /** Offset in buf of the '<' of the tag being opened. */
  private tagStart = 0;
  private kept: string[] = [];
  private readonly names = new Map<string, string>();

  constructor(private readonly handler: XmlHandler) {}

  /**
   * Reads on with one more chunk of the document. The chunk itself is read (the text of a tag cut at its start is
   * read from a small join of the two), never a concatenation of chunks: V8 reads a concatenated string several times
   * slower.
   */
  write(chunk: string): void {
    const rest = this.buf.length - this.pos;
    if (rest === 0) {
      this.moveTo(chunk, 0);
      this.read(false);
      return;
    }
    if (rest > chunk.length) {
      // a token longer than the chunk (a long text, a tiny chunk): joined, and read again once it may have doubled
      this.moveTo(this.buf.slice(this.pos) + chunk, 0, rest);
      if (this.buf.length >= this.waitFor) this.read(false);
      return;
    }
    const left = this.buf.slice(this.pos);
    for (let k = Math.min(chunk.length, 64 + 2 * rest); ; k = Math.min(chunk.length, 2 * k)) {
      this.moveTo(left + chunk.slice(0, k), 0);
      this.read(false);
      if (this.pos >= rest || k === chunk.length) break;
    }
    if (this.pos < rest) return;
    this.moveTo(chunk, this.pos - rest);
    this.read(false);
  }

  /**
   * Reads on in `next` from `at`, the text at this.pos in buf (the text before it is read: its lines are counted).
   * `known`: characters from `at` on already searched for disallowed characters.
   */
  private moveTo(next: string, at: number, known = 0): void {
    const { buf, pos } = this;
    const seen = this.bad === NONE ? NONE : this.bad - pos + at;
    if (this.markAt >= 0) {
      if (pos > this.markAt) this.kept.push(buf.slice(this.markAt, pos));
      this.markAt = at;
    }
    this.lines += countLines(buf, this.lineStart, pos, pos < buf.length ? buf.charCodeAt(pos) : next.charCodeAt(at));
    this.lineStart = at;
    this.base += pos - at;
    this.waitFor += at - pos;
    this.buf = next;
    this.pos = at;
    this.amp = -1;
    this.cdataEnd = -1;
    // searched once per chunk here, not in the loop: the loop only compares offsets
    if (known > 0 && seen !== NONE) this.bad = seen;
    else {
      BAD_CHAR.lastIndex = at + known;
      const m = BAD_CHAR.exec(next);
      this.bad = m ? m.index : NONE;
    }
  }

  end(): void {
    this.read(true);
    if (this.open.length > 0)
      this.fail('truncated', `unclosed tag: ${this.open[this.open.length - 1]}`, this.buf.length);
    if (!this.rootSeen) this.fail('truncated', 'document must contain a root element', this.buf.length);
  }

  /** Keeps the text from the start of the tag just opened on, until `takeMarked` (called during open). */
  markTag(): void {
    this.markAt = this.tagStart;
  }

  /** The text from the mark to the end of the current tag. */
  takeMarked(): string {
    const own = this.buf.slice(this.markAt, this.pos);
    const text = this.kept.length ? this.kept.join('') + own : own;
    this.markAt = -1;
    this.kept = [];
    return text;
  }

  /** 1-based line of the current position (counted only when asked). */
  line(at = this.pos): number {
    return this.lines + countLines(this.buf, this.lineStart, at) + 1;
  }

  fail(code: 'truncated' | 'corrupt', message: string, at: number): never {
    throw new XmlSyntaxError(code, message, this.line(Math.min(at, this.buf.length)));
  }

  /** Reads every complete token; `final`: no more text will come. */
  private read(final: boolean): void {
    this.ending = final;
    const buf = this.buf;
    const n = buf.length;
    let pos = this.pos;
    while (pos < n) {
      // most tags follow a tag: no search then
      const lt = buf.charCodeAt(pos) === LT ? pos : buf.indexOf('<', pos);
      if (lt < 0) {
        if (!final) break;
        // text cut by the end of the document (an entity half written...): the document is truncated
        if (this.open.length > 0) {
          this.checkChars(n);
          this.fail('truncated', `unclosed tag: ${this.open[this.open.length - 1]}`, n);
        }
        this.textOf(pos, n);
        pos = n;
        break;
      }
      if (lt > pos) this.textOf(pos, lt);
      pos = lt;
      this.pos = lt;
      const c = lt + 1 < n ? buf.charCodeAt(lt + 1) : 0;
      // the common tags (<Name>, </Name>) the short way; anything else, or any fault, the full way
      const end =
        c === SLASH
          ? this.quickClose(lt) || this.closeTag(lt)
          : c === BANG
            ? this.bang(lt)
            : c === QUESTION
              ? this.pi(lt)
              : this.quickOpen(lt) || this.openTag(lt);
      if (end < 0) break;
      pos = end;
    }
    this.pos = pos;
    if (final && pos < n) {
      this.checkChars(n);
      this.fail('truncated', 'unexpected end', n);
    }
    this.waitFor = n + (n - pos);
  }

  /** Fails when a disallowed character comes before `end` (the text is searched once, as it comes). */
  private checkChars(end: number): void {
    if (this.bad < end) this.fail('corrupt', 'disallowed character', this.bad);
  }

  /** Text between tags, [s, e). */
  private textOf(s: number, e: number): void {
    const buf = this.buf;
    const want = this.handler.wantText;
    // blank text (the indentation between tags) has nothing to check or decode, and is wanted only after text
    if (want !== 2 && isBlank(buf, s, e)) return;
    this.checkChars(e);
    if (this.open.length === 0) this.fail('corrupt', 'text data outside of root node', s);
    if (this.amp < s && this.amp !== NONE) this.amp = nextOf(buf, '&', s);
    if (this.cdataEnd < s && this.cdataEnd !== NONE) this.cdataEnd = nextOf(buf, ']]>', s);
    if (this.cdataEnd + 3 <= e) this.fail('corrupt', 'the string "]]>" is disallowed in char data', this.cdataEnd);
    const entities = this.amp < e;
    if (want === 0) {
      if (entities) this.decodeAt(buf.slice(s, e), s);
      return;
    }
    this.handler.text(entities ? this.decodeAt(buf.slice(s, e), s) : buf.slice(s, e));
  }

  private decodeAt(text: string, at: number): string {
    return decodeReferences(text, at, this.corrupt);
  }

  private readonly corrupt = (message: string, at: number): never => this.fail('corrupt', message, at);

  /** The local name of a qualified name, checked once per distinct name. */
  private nameOf(qname: string, at: number): string {
    const known = this.names.get(qname);
    if (known !== undefined) return known;
    if (!NAME.test(qname)) this.fail('corrupt', `disallowed name: "${qname.slice(0, 40)}"`, at);
    const colon = qname.indexOf(':');
    const local = colon < 0 ? qname : qname.slice(colon + 1);
    if (this.names.size < MAX_NAMES) this.names.set(qname, local);
    return local;
  }

  /**
   * `<name>` without attributes, of a name seen before, complete and without a disallowed character: read as openTag
   * reads it, and the offset after it; 0 for any other tag (openTag reads it).
   */
  private quickOpen(lt: number): number {
    const buf = this.buf;
    const n = buf.length;
    let h = 0;
    let i = lt + 1;
    for (; i < n; i++) {
      const c = buf.charCodeAt(i);
      if (c === GT) break;
      if (c === SLASH || c === 32 || c === 10 || c === 9 || c === 13) return 0;
      h = (Math.imul(h, 31) + c) | 0;
    }
    if (i >= n || i === lt + 1 || this.bad <= i || this.rootDone) return 0;
    let slot = slotOfHash(h);
    let qname = this.slotNames[slot];
    // a slot holds only names already checked
    if (qname.length !== i - lt - 1 || !buf.startsWith(qname, lt + 1)) {
      qname = this.slotNames[++slot];
      if (qname.length !== i - lt - 1 || !buf.startsWith(qname, lt + 1)) return 0;
    }
    this.rootSeen = true;
    this.open.push(qname);
    this.tagStart = lt;
    this.pos = i + 1;
    this.handler.open(this.slotLocals[slot], null, qname);
    return i + 1;
  }

  /** `</name>` closing the open element, complete and without a disallowed character (else 0: closeTag reads it). */
  private quickClose(lt: number): number {
    const open = this.open;
    if (open.length === 0) return 0;
    const top = open[open.length - 1];
    const gt = lt + 2 + top.length;
    const buf = this.buf;
    if (gt >= buf.length || buf.charCodeAt(gt) !== GT || this.bad <= gt || !buf.startsWith(top, lt + 2)) return 0;
    this.pos = gt + 1;
    this.closed();
    return gt + 1;
  }

  /** `<name attr="v"...>` or `/>`: the offset after it, -1 when incomplete. */
  private openTag(lt: number): number {
    const buf = this.buf;
    const n = buf.length;
    let i = this.nameEnd(lt + 1, false);
    if (i >= n) {
      // the document ends in the name: a name already wrong is told as such
      if (this.ending && i > lt + 1) this.nameOf(buf.slice(lt + 1, i), lt);
      return -1;
    }
    const slot = this.slotOf(lt + 1, i);
    const qname = this.slotNames[slot];
    const local = this.slotLocals[slot];
    if (this.rootDone) this.fail('corrupt', 'documents may contain only one root', lt);
    let attrs: Record<string, string> | null = null;
    let c = buf.charCodeAt(i);
    while (c !== GT && c !== SLASH) {
      const start = i;
      while (i < n && isSpace(buf.charCodeAt(i))) i++;
      if (i >= n) return -1;
      c = buf.charCodeAt(i);
      if (c === GT || c === SLASH) break;
      if (i === start) this.fail('corrupt', 'no whitespace between attributes', i);
      const a = this.attribute(i);
      if (a < 0 || a >= n) return -1;
      // a plain object (Object.create(null) is a slow dictionary); a '__proto__' attribute is defined, not assigned
      attrs ??= {};
      if (Object.hasOwn(attrs, this.attrName)) this.fail('corrupt', `duplicate attribute: ${this.attrName}`, i);
      if (this.attrName === '__proto__')
        Object.defineProperty(attrs, this.attrName, { value: this.attrValue, enumerable: true, writable: true });
      else attrs[this.attrName] = this.attrValue;
      i = a;
      c = buf.charCodeAt(i);
    }
    const empty = c === SLASH;
    if (empty && i + 1 >= n) return -1;
    if (empty && buf.charCodeAt(i + 1) !== GT)
      this.fail('corrupt', 'forward-slash in opening tag not followed by >', i);
    const end = empty ? i + 2 : i + 1;
    this.checkChars(end);
    this.rootSeen = true;
    this.open.push(qname);
    this.tagStart = lt;
    this.pos = end;
    this.handler.open(local, attrs, qname);
    if (empty) this.closed();
    return end;
  }

  /**
   * Element and attribute names seen, by a hash of their characters: a name read again is found without making it a
   * string (two slots per hash; a third name of the same hash is read the slow way, and takes the second slot). A free
   * slot holds '', which no name matches: an empty name is read the slow way, and refused.
   */
  private readonly slotNames: string[] = new Array(SLOTS).fill('');
  private readonly slotLocals: string[] = new Array(SLOTS).fill('');

  /** The slot of the name [s, e) (its hash computed by nameEnd), holding it once this returns. */
  private slotOf(s: number, e: number): number {
    const buf = this.buf;
    const slot = slotOfHash(this.nameHash);
    const names = this.slotNames;
    for (let k = slot; k < slot + 2; k++)
      if (names[k].length === e - s && buf.startsWith(names[k], s) && e > s) return k;
    // the first slot of the pair when free, else the second (a third name of the pair takes it from the second)
    const k = names[slot] === '' ? slot : slot + 1;
    const qname = buf.slice(s, e);
    this.slotLocals[k] = this.nameOf(qname, s);
    names[k] = qname;
    return k;
  }

  /** Hash of the characters of the last name nameEnd went over. */
  private nameHash = 0;

  /** The end of the name from i: the first blank, '>' or '/' (or '=', for an attribute), or the end of buf. */
  private nameEnd(i: number, attribute: boolean): number {
    const buf = this.buf;
    const n = buf.length;
    let h = 0;
    for (; i < n; i++) {
      const c = buf.charCodeAt(i);
      if (c === GT || c === SLASH || isSpace(c) || (attribute && c === EQ)) break;
      h = (Math.imul(h, 31) + c) | 0;
    }
    this.nameHash = h;
    return i;
  }

  private attrName = '';
  private attrValue = '';

  /** `name="value"` from i: sets attrName and attrValue, returns the offset after it, -1 when incomplete. */
  private attribute(i: number): number {
    const buf = this.buf;
    const n = buf.length;
    let j = this.nameEnd(i, true);
    if (j >= n) return -1;
    this.attrName = this.slotNames[this.slotOf(i, j)];
    while (j < n && isSpace(buf.charCodeAt(j))) j++;
    if (j >= n) return -1;
    if (buf.charCodeAt(j) !== EQ) this.fail('corrupt', 'attribute without value', j);
    j++;
    while (j < n && isSpace(buf.charCodeAt(j))) j++;
    if (j >= n) return -1;
    const q = buf[j];
    if (q !== '"' && q !== "'") this.fail('corrupt', 'unquoted attribute value', j);
    const close = buf.indexOf(q, j + 1);
    if (close < 0) return -1;
    let breaks = false;
    let amp = false;
    for (let k = j + 1; k < close; k++) {
      const c = buf.charCodeAt(k);
      if (c === 60) this.fail('corrupt', 'disallowed character "<" in an attribute value', k);
      if (c === 38) amp = true;
      else if (c === 9 || c === 10 || c === 13) breaks = true;
    }
    let value = buf.slice(j + 1, close);
    // whitespace characters of the source read as spaces, then references replaced (&#10; stays a line break)
    if (breaks) value = value.replace(/\r\n|[\t\n\r]/g, ' ');
    this.attrValue = amp ? this.decodeAt(value, j + 1) : value;
    return close + 1;
  }

  /** `</name>`: the offset after it, -1 when incomplete. */
  private closeTag(lt: number): number {
    const buf = this.buf;
    const gt = buf.indexOf('>', lt + 2);
    if (gt < 0) return -1;
    const top = this.open[this.open.length - 1];
    if (top === undefined) this.fail('corrupt', 'unexpected close tag', lt);
    let i = lt + 2 + top.length;
    if (i <= gt && buf.startsWith(top, lt + 2)) while (i < gt && isSpace(buf.charCodeAt(i))) i++;
    else i = -1;
    this.checkChars(gt + 1);
    this.pos = gt + 1;
    if (i !== gt && !NAME.test(buf.slice(lt + 2, gt).trimEnd()))
      this.fail('corrupt', 'disallowed character in closing tag', lt);
    // as saxes did: the open element is closed (its reading may fail first), then the mismatch is told
    this.closed();
    if (i !== gt)
      this.fail(
        'corrupt',
        `unmatched closing tag: ${buf
          .slice(lt + 2, gt)
          .trim()
          .slice(0, 40)}`,
        lt,
      );
    return gt + 1;
  }

  private closed(): void {
    this.open.pop();
    if (this.open.length === 0) this.rootDone = true;
    this.handler.close();
  }

  /** Comment, CDATA section or DOCTYPE: the offset after it, -1 when incomplete. */
  private bang(lt: number): number {
    const buf = this.buf;
    if (buf.startsWith('<!--', lt)) {
      const end = buf.indexOf('-->', lt + 4);
      if (end < 0) return -1;
      if (buf.indexOf('--', lt + 4) < end) this.fail('corrupt', 'malformed comment', lt);
      this.checkChars(end + 3);
      return end + 3;
    }
    if (buf.startsWith('<![CDATA[', lt)) {
      const end = buf.indexOf(']]>', lt + 9);
      if (end < 0) return -1;
      this.checkChars(end + 3);
      if (this.open.length === 0) this.fail('corrupt', 'text data outside of root node', lt);
      const want = this.handler.wantText;
      if (want === 2 || (want === 1 && !isBlank(buf, lt + 9, end))) this.handler.text(buf.slice(lt + 9, end));
      return end + 3;
    }
    if (buf.startsWith('<!DOCTYPE', lt)) {
      if (this.rootSeen) this.fail('corrupt', 'inappropriately located doctype declaration', lt);
      const end = doctypeEnd(buf, lt);
      if (end >= 0) this.checkChars(end);
      return end;
    }
    if (buf.length - lt < 9) return -1;
    return this.fail('corrupt', 'incorrect syntax', lt);
  }

  /** A processing instruction or the XML declaration: the offset after it, -1 when incomplete. */
  private pi(lt: number): number {
    const buf = this.buf;
    const end = buf.indexOf('?>', lt + 2);
    if (buf.startsWith('<?xml', lt) && isSpace(buf.charCodeAt(lt + 5))) {
      const bad = declarationFault(buf, lt, end);
      if (bad >= 0) this.fail('corrupt', 'malformed XML declaration', bad);
    }
    if (end < 0) return -1;
    let i = lt + 2;
    while (i < end && !isSpace(buf.charCodeAt(i))) i++;
    const target = buf.slice(lt + 2, i);
    if (target === 'xml') {
      if (this.base + lt !== 0) this.fail('corrupt', 'an XML declaration must be at the start of the document', lt);
      if (!XML_DECL.test(buf.slice(lt, end + 2))) this.fail('corrupt', 'malformed XML declaration', lt);
    } else if (target.toLowerCase() === 'xml') this.fail('corrupt', 'the XML declaration must be lowercase', lt);
    else if (!target) this.fail('corrupt', 'processing instruction without a target', lt);
    else this.nameOf(target, lt);
    this.checkChars(end + 2);
    return end + 2;
  }
}
