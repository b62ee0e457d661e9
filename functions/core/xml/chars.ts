/** The character classes, references and small scans of XML 1.0 that the streaming scanner (scanner.ts) uses. */

const NAME_START =
  ':A-Z_a-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C\\u200D' +
  '\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD\\u{10000}-\\u{EFFFF}';
export const NAME = new RegExp(`^[${NAME_START}][${NAME_START}\\-.0-9\\u00B7\\u0300-\\u036F\\u203F\\u2040]*$`, 'u');
/** Characters XML 1.0 does not allow anywhere (surrogates aside: decoded text never has a lone one). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finds the characters XML forbids, on purpose
export const BAD_CHAR = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/g;
export const XML_DECL = new RegExp(
  '^<\\?xml\\s+version\\s*=\\s*(["\'])1\\.[0-9]+\\1(\\s+encoding\\s*=\\s*(["\'])[A-Za-z][A-Za-z0-9._-]*\\3)?' +
    '(\\s+standalone\\s*=\\s*(["\'])(yes|no)\\5)?\\s*\\?>$',
);
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' };
export const NONE = Number.POSITIVE_INFINITY;
export const isSpace = (c: number) => c === 32 || c === 10 || c === 9 || c === 13;

/** Reports a fault at an offset of the text being read (never returns). */
export type Fail = (message: string, at: number) => never;

/** The text with its entity and character references replaced (`at`: its offset, for the faults). */
export function decodeReferences(text: string, at: number, fail: Fail): string {
  let out = '';
  let from = 0;
  for (let amp = text.indexOf('&'); amp >= 0; amp = text.indexOf('&', from)) {
    const semi = text.indexOf(';', amp);
    if (semi < 0) fail('entity reference without ";"', at + amp);
    out += text.slice(from, amp) + reference(text.slice(amp + 1, semi), at + amp, fail);
    from = semi + 1;
  }
  return out + text.slice(from);
}

function reference(name: string, at: number, fail: Fail): string {
  if (name.charCodeAt(0) !== 35 /* # */) {
    const known = ENTITIES[name];
    if (known === undefined || !Object.hasOwn(ENTITIES, name))
      fail(name ? `undefined entity: ${name}` : 'empty entity name', at);
    return known;
  }
  const hex = name.charCodeAt(1) === 120; /* x */
  const digits = name.slice(hex ? 2 : 1);
  const code = (hex ? /^[0-9a-fA-F]+$/ : /^[0-9]+$/).test(digits) ? Number.parseInt(digits, hex ? 16 : 10) : -1;
  const valid =
    code === 9 ||
    code === 10 ||
    code === 13 ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff);
  if (!valid) fail('malformed character entity', at);
  return String.fromCodePoint(code);
}

/** The offset after a DOCTYPE starting at `lt`, -1 when it is not ended in buf (quoted strings and the internal subset
 * in brackets may hold '>'). */
export function doctypeEnd(buf: string, lt: number): number {
  let quote = 0;
  let depth = 0;
  for (let i = lt + 9; i < buf.length; i++) {
    const c = buf.charCodeAt(i);
    if (quote) {
      if (c === quote) quote = 0;
    } else if (c === 34 || c === 39) quote = c;
    else if (c === 91) depth++;
    else if (c === 93) depth--;
    else if (c === 62 && depth <= 0) return i + 1;
  }
  return -1;
}

export function nextOf(buf: string, what: string, from: number): number {
  const at = buf.indexOf(what, from);
  return at < 0 ? NONE : at;
}

export function isBlank(buf: string, s: number, e: number): boolean {
  for (let i = s; i < e; i++) if (!isSpace(buf.charCodeAt(i))) return false;
  return true;
}

/** Line breaks in [s, e): \n, \r\n and a lone \r count one each (`next`: the character after e, when known). */
export function countLines(buf: string, s: number, e: number, next = buf.charCodeAt(e)): number {
  let count = 0;
  for (let i = buf.indexOf('\n', s); i >= 0 && i < e; i = buf.indexOf('\n', i + 1)) count++;
  for (let i = buf.indexOf('\r', s); i >= 0 && i < e; i = buf.indexOf('\r', i + 1)) {
    const after = i + 1 < e ? buf.charCodeAt(i + 1) : next;
    if (after !== 10) count++;
  }
  return count;
}

/**
 * An XML declaration holds no '<', '>' or '?' before its '?>' (`end`, -1 when not read yet: a '?' last may be the one
 * of '?>'): the offset of the first one, told at once rather than at the end of the document; -1 when none.
 */
export function declarationFault(buf: string, lt: number, end: number): number {
  const stop = end < 0 ? buf.length - 1 : end;
  for (const c of ['<', '>', '?']) {
    const at = buf.indexOf(c, lt + 2);
    if (at >= 0 && at < stop) return at;
  }
  return -1;
}
