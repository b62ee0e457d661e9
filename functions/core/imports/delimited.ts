/**
 * Delimited text (CSV with RFC 4180 quotes, FEC tab/pipe) split into records, each with the 1-based line it starts on.
 * Empty lines are skipped. A byte-order mark is dropped.
 */
export interface TextRecord {
  line: number;
  fields: string[];
}

export function splitRecords(text: string, separator: string, quotes = true): TextRecord[] {
  const out: TextRecord[] = [];
  forEachRecord(text, separator, quotes, (line, fields) => {
    out.push({ line, fields });
  });
  return out;
}

/**
 * The records of `splitRecords` handed one by one to `visit` (1-based line the record starts on, its fields), without
 * holding them all: a large file's fields become garbage as soon as they are read. `visit` returns false to stop.
 */
export function forEachRecord(
  text: string,
  separator: string,
  quotes: boolean,
  // biome-ignore lint/suspicious/noConfusingVoidType: a visitor that never stops returns nothing
  visit: (line: number, fields: string[]) => boolean | void,
): void {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let line = 1;
  let i = 0;
  while (i < src.length) {
    // fast path: a physical line without quotes (or quotes off) and without a lone CR is one record, split as is
    const nl = src.indexOf('\n', i);
    const end = nl < 0 ? src.length : nl;
    const stop = end > i && src.charCodeAt(end - 1) === 13 ? end - 1 : end;
    const physical = src.slice(i, stop);
    let fields: string[];
    const at = line;
    if (!physical.includes('\r') && !(quotes && physical.includes('"'))) {
      fields = physical.split(separator);
      line++;
      i = end + 1;
    } else {
      const rec = readRecord(src, i, separator, quotes);
      fields = rec.fields;
      line += rec.lines;
      i = rec.next;
    }
    if (!(fields.length === 1 && fields[0].trim() === '') && visit(at, fields) === false) return;
  }
}

/**
 * One record from `start` character by character (RFC 4180: a field opening with a quote may hold separators, doubled
 * quotes and line breaks). Returns its fields, where the next record starts and how many line breaks it consumed.
 */
function readRecord(
  src: string,
  start: number,
  separator: string,
  quotes: boolean,
): { fields: string[]; next: number; lines: number } {
  const fields: string[] = [];
  let field = '';
  let lines = 0;
  let inQuotes = false;
  let fieldStarted = false;
  for (let i = start; i < src.length; i++) {
    const ch = src[i];
    if (inQuotes) {
      if (ch === '"') {
        if (src[i + 1] === '"') {
          field += '"';
          i++;
        } else inQuotes = false;
      } else {
        if (ch === '\n') lines++;
        field += ch;
      }
      continue;
    }
    if (quotes && ch === '"' && !fieldStarted) {
      inQuotes = true;
      fieldStarted = true;
    } else if (ch === separator) {
      fields.push(field);
      field = '';
      fieldStarted = false;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && src[i + 1] === '\n') i++;
      fields.push(field);
      return { fields, next: i + 1, lines: lines + 1 };
    } else {
      field += ch;
      fieldStarted = true;
    }
  }
  fields.push(field);
  return { fields, next: src.length, lines };
}

/** The separator of the header line among the candidates: the one that splits it into the most fields. */
export function detectSeparator(headerLine: string, candidates: string[]): string {
  let best = candidates[0];
  let bestCount = -1;
  for (const c of candidates) {
    const n = headerLine.split(c).length;
    if (n > bestCount) {
      best = c;
      bestCount = n;
    }
  }
  return best;
}

export function firstLine(text: string): string {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const end = src.search(/\r?\n/);
  return end < 0 ? src : src.slice(0, end);
}
