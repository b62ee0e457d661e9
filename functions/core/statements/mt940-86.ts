import { isValidIban, normalizeIban } from './accounts';
import { ibanIn } from './compact-iban';
import { collapse, ownCopy } from './text';

export const isDigit = (c: number) => c >= 48 && c <= 57;

/**
 * The text a :86: field is read from: `s` with its line breaks left out ('\n', and with `crlf` a '\r' just before
 * one too: the source text of a field, whose lines end in LF or CRLF). Sub-field values are read from `s` by
 * position, so that those on one line are slices of `s` (of the file's text, when `s` is a slice of it).
 */
function skipBreaks(s: string, p: number, crlf: boolean): number {
  for (;;) {
    const c = s.charCodeAt(p);
    if (c === 10) p++;
    else if (crlf && c === 13 && s.charCodeAt(p + 1) === 10) p += 2;
    else return p;
  }
}

/** s[a, b) without its line breaks: a slice of `s` when it has none. */
function unbroken(s: string, a: number, b: number, crlf: boolean): string {
  let n = s.indexOf('\n', a);
  if (n < 0 || n >= b) return s.slice(a, b);
  let out = '';
  for (; n >= 0 && n < b; n = s.indexOf('\n', a)) {
    out += s.slice(a, crlf && n > a && s.charCodeAt(n - 1) === 13 ? n - 1 : n);
    a = n + 1;
  }
  return out + s.slice(a, b);
}

/** The number and the end of the last mark nextMark found. */
let markNumber = 0;
let markEnd = 0;

/** Where the next "?NN" sub-field mark starts at or after `from` (its digits may be on the next line), or -1. */
function nextMark(s: string, from: number, crlf: boolean): number {
  for (let q = s.indexOf('?', from); q >= 0; q = s.indexOf('?', q + 1)) {
    const d1 = skipBreaks(s, q + 1, crlf);
    const d2 = skipBreaks(s, d1 + 1, crlf);
    const c1 = s.charCodeAt(d1);
    const c2 = s.charCodeAt(d2);
    if (isDigit(c1) && isDigit(c2)) {
      markNumber = (c1 - 48) * 10 + c2 - 48;
      markEnd = d2 + 1;
      return q;
    }
  }
  return -1;
}

/**
 * ?NN sub-fields (French and German banks): ?00 label, ?20-?29 and ?60-?63 remittance (with SEPA keywords EREF+,
 * KREF+, SVWZ+, IBAN+), ?31 counterparty IBAN, ?32/?33 its name; undefined when the text does not start with them
 * (/^(\d{3})?\?\d{2}/ once its line breaks are left out). Read by scanning, one slice per sub-field kept.
 */
function readSubFields(s: string, crlf: boolean): Info86 | undefined {
  const p0 = skipBreaks(s, 0, crlf);
  let at = p0;
  let code: string | undefined;
  if (s.charCodeAt(p0) !== 63) {
    const p1 = skipBreaks(s, p0 + 1, crlf);
    const p2 = skipBreaks(s, p1 + 1, crlf);
    at = skipBreaks(s, p2 + 1, crlf);
    if (!isDigit(s.charCodeAt(p0)) || !isDigit(s.charCodeAt(p1)) || !isDigit(s.charCodeAt(p2))) return undefined;
    if (s.charCodeAt(at) !== 63) return undefined;
    code = unbroken(s, p0, p2 + 1, crlf);
  }
  if (nextMark(s, at, crlf) !== at) return undefined;
  const info = newInfo();
  if (code !== undefined) info.code = code;
  let label = '';
  let name32 = '';
  let name33 = '';
  let iban = '';
  let joined = '';
  let parts = 0;
  let plain = true;
  for (let q = at; q >= 0; ) {
    const n = markNumber;
    const start = markEnd;
    const next = nextMark(s, start, crlf);
    const end = next < 0 ? s.length : next;
    if ((n >= 20 && n <= 29) || (n >= 60 && n <= 63)) {
      const v = unbroken(s, start, end, crlf);
      joined += v;
      parts++;
      plain &&= v.length === end - start;
    } else if (n === 0) label += unbroken(s, start, end, crlf);
    else if (n === 31) iban += unbroken(s, start, end, crlf);
    else if (n === 32) name32 += unbroken(s, start, end, crlf);
    else if (n === 33) name33 += unbroken(s, start, end, crlf);
    q = next;
  }
  info.label = collapse(label) || undefined;
  const who = collapse(name32 + name33);
  if (who) info.counterpartyName = who;
  iban = iban.trim();
  if (iban) info.counterpartyIban = ibanIn(iban);
  readSepaKeywords(joined, info, parts > 1 || !plain);
  return info;
}

/** The SEPA keywords of four letters (BIC is the one of three), by the number their letters make. */
const KEYWORDS = new Map(
  ['EREF', 'KREF', 'MREF', 'CRED', 'DEBT', 'SVWZ', 'ABWA', 'ABWE', 'IBAN', 'COAM', 'OAMT', 'SQTP', 'PURP', 'RREF'].map(
    (k) => [lettersAt(k, 0), k] as const,
  ),
);

/** The four capital letters at `at` as one number, or -1. */
function lettersAt(s: string, at: number): number {
  let n = 0;
  for (let i = at; i < at + 4; i++) {
    const c = s.charCodeAt(i);
    if (c < 65 || c > 90) return -1;
    n = n * 26 + c - 65;
  }
  return n;
}

/**
 * Where the next SEPA keyword and its '+' start at or after `from` (the keyword in `found.key`), or -1: the leftmost
 * match of /(EREF|KREF|...|BIC|...)\+/ from `from`, found from the '+' signs (no regular expression over the text).
 */
function nextKeyword(s: string, from: number, found: { key: string }): number {
  for (let p = s.indexOf('+', from + 3); p >= 0; p = s.indexOf('+', p + 1)) {
    if (p - 4 >= from) {
      const k = KEYWORDS.get(lettersAt(s, p - 4));
      if (k !== undefined) {
        found.key = k;
        return p - 4;
      }
    }
    if (s.charCodeAt(p - 3) === 66 && s.charCodeAt(p - 2) === 73 && s.charCodeAt(p - 1) === 67) {
      found.key = 'BIC';
      return p - 3;
    }
  }
  return -1;
}

/**
 * `list` with `v` added: arrays of one or two made at their size (a push onto an empty array gives it room for 17,
 * kept by every entry: the profile's garbage collector copied them).
 */
function added(list: string[], v: string): string[] {
  if (list.length === 0) return [v];
  if (list.length === 1) return [list[0], v];
  list.push(v);
  return list;
}

/**
 * A copy of `v` of its own when `fresh` and V8 would make it a slice (13 characters or more): a slice of a text
 * joined from several pieces would keep that whole text.
 */
function kept(v: string, fresh: boolean): string {
  return fresh ? ownCopy(v) : v;
}

/**
 * The remittance text of ?20-?29 split at its SEPA keywords; text before the first keyword is free text. With
 * `fresh`, the values are copies (see kept).
 */
function readSepaKeywords(joined: string, info: Info86, fresh: boolean): void {
  const found = { key: '' };
  let k = nextKeyword(joined, 0, found);
  if (k !== 0) {
    const head = kept(collapse(k >= 0 ? joined.slice(0, k) : joined), fresh);
    if (head) info.unstructured = added(info.unstructured, head);
  }
  while (k >= 0) {
    const key = found.key;
    const start = k + key.length + 1;
    const next = nextKeyword(joined, start, found);
    const v = kept(collapse(joined.slice(start, next >= 0 ? next : joined.length)), fresh);
    if (v) {
      if (key === 'EREF') {
        if (v.length !== 11 || v.toUpperCase() !== 'NOTPROVIDED') info.endToEndId ??= v;
      } else if (key === 'KREF') info.structured = added(info.structured, v);
      else if (key === 'SVWZ') info.unstructured = added(info.unstructured, v);
      else if (key === 'IBAN' && !info.counterpartyIban) info.counterpartyIban = ibanIn(v);
    }
    k = next;
  }
}

/** An Info86 with all its properties from the start: one shape, no property added later. */
export function newInfo(): Info86 {
  return {
    label: undefined,
    unstructured: [],
    structured: [],
    endToEndId: undefined,
    counterpartyName: undefined,
    counterpartyIban: undefined,
    code: undefined,
  };
}

export interface Info86 {
  label?: string;
  unstructured: string[];
  structured: string[];
  endToEndId?: string;
  counterpartyName?: string;
  counterpartyIban?: string;
  code?: string;
}

/**
 * `s` with each `sep` replaced by `by`, by slices (a global replace ran in the runtime: the profile's top item of
 * parse86).
 */
export function replaced(s: string, sep: string, by: string): string {
  let at = s.indexOf(sep);
  if (at < 0) return s;
  let out = s.slice(0, at);
  for (let next = s.indexOf(sep, at + sep.length); ; next = s.indexOf(sep, at + sep.length)) {
    out += by + s.slice(at + sep.length, next < 0 ? s.length : next);
    if (next < 0) return out;
    at = next;
  }
}

/** :86: in its three common shapes: ?NN sub-fields (French/German banks), /TAG/ fields (Dutch banks), or free text. */
export function parse86(value: string): Info86 {
  return readSubFields(value, false) ?? otherShapes(value);
}

/**
 * The ?NN sub-fields of a :86: field's text as the file holds it, its lines ending in LF or CRLF (the field's value
 * is that text with CRLF read as LF), or undefined when it holds none (parse86 of the value then reads it). The
 * strings read are slices of `source` or copies of their own, never slices of a temporary text.
 */
export function subFields86(source: string): Info86 | undefined {
  return readSubFields(source, true);
}

/** /TAG/ fields (Dutch banks), else free text. */
function otherShapes(value: string): Info86 {
  const info = newInfo();
  const flat = replaced(value, '\n', '');
  if (/^\/[A-Z]{2,4}\//.test(flat) && /\/(TRTP|REMI|NAME|EREF|CNTP|IBAN)\//.test(flat)) {
    const tokens = flat.split('/');
    const known = new Set([
      'TRTP',
      'IBAN',
      'BIC',
      'NAME',
      'REMI',
      'EREF',
      'CNTP',
      'MARF',
      'CSID',
      'ORDP',
      'BENM',
      'ID',
      'ADDR',
      'RTRN',
      'PREF',
      'USTD',
      'STRD',
      'ISR',
      'CUR',
    ]);
    const fields = new Map<string, string[]>();
    let key: string | undefined;
    for (const t of tokens.slice(1)) {
      if (known.has(t) && !['USTD', 'STRD', 'ISR', 'CUR'].includes(t)) {
        key = t;
        fields.set(key, []);
      } else if (key) fields.get(key)!.push(t);
    }
    const get = (k: string) => (fields.get(k) ?? []).filter((s) => s !== '');
    const cntp = fields.get('CNTP');
    if (cntp) {
      if (cntp[0] && isValidIban(cntp[0])) info.counterpartyIban = normalizeIban(cntp[0]);
      if (cntp[2]) info.counterpartyName = collapse(cntp[2]);
    }
    const iban = get('IBAN')[0];
    if (!info.counterpartyIban && iban && isValidIban(iban)) info.counterpartyIban = normalizeIban(iban);
    const name = get('NAME').join('/');
    if (!info.counterpartyName && name) info.counterpartyName = collapse(name);
    const remi = fields.get('REMI') ?? [];
    const r = remi.filter((s) => s !== '' && !['USTD', 'STRD', 'ISR', 'CUR'].includes(s));
    if (flat.includes('/REMI/STRD/') || flat.includes('/REMI/CUR/'))
      info.structured.push(...r.map(collapse).filter(Boolean));
    else if (r.length) info.unstructured.push(collapse(r.join('/')));
    const eref = get('EREF')[0];
    if (eref && eref.toUpperCase() !== 'NOTPROVIDED') info.endToEndId = collapse(eref);
    const trtp = get('TRTP').join('/');
    if (trtp) info.label = collapse(trtp);
    return info;
  }
  const lines = value.split('\n').map(collapse).filter(Boolean);
  info.unstructured = lines;
  if (lines[0]) info.label = lines[0];
  return info;
}
