import { isValidIban, normalizeIban } from './accounts';
import { ibanIn } from './compact-iban';
import { collapse } from './text';

const isDigit = (c: number) => c >= 48 && c <= 57;

/** Where the next "?NN" sub-field mark starts at or after `from`, or -1. */
function nextMark(s: string, from: number): number {
  for (let q = s.indexOf('?', from); q >= 0; q = s.indexOf('?', q + 1)) {
    if (q + 2 < s.length && isDigit(s.charCodeAt(q + 1)) && isDigit(s.charCodeAt(q + 2))) return q;
  }
  return -1;
}

/**
 * ?NN sub-fields (French and German banks): ?00 label, ?20-?29 and ?60-?63 remittance (with SEPA keywords EREF+,
 * KREF+, SVWZ+, IBAN+), ?31 counterparty IBAN, ?32/?33 its name. Read by scanning, one slice per sub-field.
 */
function readSubFields(flat: string, info: Info86): void {
  let at = 0;
  if (flat.charCodeAt(0) !== 63) {
    info.code = flat.slice(0, 3);
    at = 3;
  }
  let label = '';
  let name32 = '';
  let name33 = '';
  let iban = '';
  let joined = '';
  for (let q = nextMark(flat, at); q >= 0; ) {
    const n = (flat.charCodeAt(q + 1) - 48) * 10 + flat.charCodeAt(q + 2) - 48;
    const next = nextMark(flat, q + 3);
    const v = flat.slice(q + 3, next < 0 ? flat.length : next);
    if ((n >= 20 && n <= 29) || (n >= 60 && n <= 63)) joined += v;
    else if (n === 0) label += v;
    else if (n === 31) iban += v;
    else if (n === 32) name32 += v;
    else if (n === 33) name33 += v;
    q = next;
  }
  info.label = collapse(label) || undefined;
  const who = collapse(name32 + name33);
  if (who) info.counterpartyName = who;
  iban = iban.trim();
  if (iban) info.counterpartyIban = ibanIn(iban);
  readSepaKeywords(joined, info);
}

/** The SEPA keywords of four letters (BIC is the one of three). */
const KEYWORDS = new Set([
  'EREF',
  'KREF',
  'MREF',
  'CRED',
  'DEBT',
  'SVWZ',
  'ABWA',
  'ABWE',
  'IBAN',
  'COAM',
  'OAMT',
  'SQTP',
  'PURP',
  'RREF',
]);

/**
 * Where the next SEPA keyword and its '+' start at or after `from` (the keyword in `found.key`), or -1: the leftmost
 * match of /(EREF|KREF|...|BIC|...)\+/ from `from`, found from the '+' signs (no regular expression over the text).
 */
function nextKeyword(s: string, from: number, found: { key: string }): number {
  for (let p = s.indexOf('+', from + 3); p >= 0; p = s.indexOf('+', p + 1)) {
    if (p - 4 >= from) {
      const k = s.slice(p - 4, p);
      if (KEYWORDS.has(k)) {
        found.key = k;
        return p - 4;
      }
    }
    if (s.startsWith('BIC', p - 3)) {
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

/** The remittance text of ?20-?29 split at its SEPA keywords; text before the first keyword is free text. */
function readSepaKeywords(joined: string, info: Info86): void {
  const found = { key: '' };
  let k = nextKeyword(joined, 0, found);
  if (k !== 0) {
    const head = collapse(k >= 0 ? joined.slice(0, k) : joined);
    if (head) info.unstructured = added(info.unstructured, head);
  }
  while (k >= 0) {
    const key = found.key;
    const start = k + key.length + 1;
    const next = nextKeyword(joined, start, found);
    const v = collapse(joined.slice(start, next >= 0 ? next : joined.length));
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
  const info: Info86 = { unstructured: [], structured: [] };
  const flat = replaced(value, '\n', '');
  if (/^(\d{3})?\?\d{2}/.test(flat)) {
    readSubFields(flat, info);
    return info;
  }
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
