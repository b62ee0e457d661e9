import { isDigit, replaced } from './mt940-86';

export interface Field {
  tag: string;
  /** The field's text, lines joined by '\n'; undefined while it is still `text` from `valueStart` to `end`. */
  value?: string;
  valueStart: number;
  line: number;
  /** Offsets of the field in the file text (from its tag to the end of its last line), for `raw`. */
  start: number;
  end: number;
}

/** A message's fields, each with its value once the message is over, but a :86: still `text` (see fieldText). */
export interface Message {
  fields: Field[];
  ended: boolean;
}

/** The field's text, lines joined by '\n'. */
export function fieldText(f: Field, text: string): string {
  return f.value ?? replaced(text.slice(f.valueStart, f.end), '\r\n', '\n');
}

const TAG = /^:(\d{2}[A-Z]?):(.*)$/;
/** A block of the SWIFT envelope: {1:...}{2:...}{3:...}{4: (the fields follow), {5:...} after the '-}' line. */
const ENVELOPE = /^\{[1-5]:/;
/**
 * Besides the line breaks, the characters a regular expression's `.` does not match: a tag line holding one is read
 * the slow way.
 */
const LINE_SEPARATORS = /[\u2028\u2029]/g;
/** A CR that ends a line on its own (not a CRLF's). */
const BARE_CR = /\r(?!\n)/g;
const isBlank = (c: number) => c === 32 || (c >= 9 && c <= 13);
const tags = new Map<number, string>();

/** The tag of a line starting ":NN:" or ":NNA:" (its text starts at `at` + the tag's length + 2), else undefined. */
function tagAt(text: string, at: number): string | undefined {
  const c1 = text.charCodeAt(at + 1);
  const c2 = text.charCodeAt(at + 2);
  if (!isDigit(c1) || !isDigit(c2)) return undefined;
  let c3 = text.charCodeAt(at + 3);
  if (c3 === 58) c3 = 0;
  else if (!(c3 >= 65 && c3 <= 90) || text.charCodeAt(at + 4) !== 58) return undefined;
  const key = c1 * 65536 + c2 * 256 + c3;
  let tag = tags.get(key);
  if (tag === undefined) {
    tag = text.slice(at + 1, c3 ? at + 4 : at + 3);
    tags.set(key, tag);
  }
  return tag;
}

/**
 * Splits the text into messages of tagged fields, one chunk of text at a time; lines end at CRLF, LF or CR (a CR
 * ending a chunk waits for the next one, which may start with its LF); a field continues on the lines that do not
 * start a tag. Each message is handed to `done` once it is over (the next :20:, its '-' line, or the end of the
 * text), with the text its fields' offsets point into: only the text of the message being read is kept. The common
 * lines (a tag, or a continuation that starts with a visible ASCII character) are read by character codes, and a
 * field's lines are sliced from the text once; anything else the slow way, line by line.
 */
export function messageReader(done: (msg: Message, text: string) => void): {
  write(text: string): void;
  end(): number;
} {
  let text = '';
  let pos = 0;
  let msg: Message | undefined;
  let field: Field | undefined;
  let lineNo = 0;
  let count = 0;
  /**
   * The next LF, CR not followed by an LF, and U+2028/U+2029 at or after a line's start (found again only once
   * passed; the end of the text when there is none): a CRLF file costs one search a line, as an LF one.
   */
  let lf = -1;
  let bareCr = -1;
  let sep = -1;
  const dotMatchesAll = (from: number, to: number) => {
    if (sep < from) {
      LINE_SEPARATORS.lastIndex = from;
      sep = LINE_SEPARATORS.exec(text)?.index ?? Number.POSITIVE_INFINITY;
    }
    return sep >= to;
  };
  const textOf = (f: Field): string => fieldText(f, text);
  const finish = () => {
    if (msg && !msg.ended) {
      // a :86: is read from the text itself
      for (const f of msg.fields) if (f.tag !== '86') f.value = textOf(f);
      done(msg, text);
    }
    if (msg) msg.ended = true;
  };
  const startField = (tag: string, valueStart: number, start: number, end: number, value?: string) => {
    if (tag === '20' || !msg) {
      finish();
      msg = { fields: [], ended: false };
      count++;
    }
    field = { tag, value, valueStart, line: lineNo, start, end };
    msg.fields.push(field);
  };
  /** A continuation line: the field's text still runs on in the file when only a line break comes between. */
  const continueField = (f: Field, lineStart: number, lineEnd: number, lineText?: string) => {
    // an LF or a CRLF between the lines (fieldText makes a CRLF an LF; a CR alone, it would keep)
    const gap = lineStart - f.end;
    const joined =
      (gap === 1 && text.charCodeAt(f.end) === 10) ||
      (gap === 2 && text.charCodeAt(f.end) === 13 && text.charCodeAt(f.end + 1) === 10);
    if (f.value !== undefined || !joined || lineText !== undefined)
      f.value = `${textOf(f)}\n${lineText ?? text.slice(lineStart, lineEnd)}`;
    f.end = lineEnd;
  };
  /** The line from `pos` to `lineEnd`; the next one starts at `next`. */
  const line = (lineEnd: number, next: number) => {
    const lineStart = pos;
    pos = next;
    lineNo++;
    const c0 = text.charCodeAt(lineStart);
    if (c0 === 58) {
      const tag = tagAt(text, lineStart);
      let te = lineEnd;
      while (te > lineStart && isBlank(text.charCodeAt(te - 1))) te--;
      if (tag && text.charCodeAt(te - 1) <= 127 && dotMatchesAll(lineStart, te)) {
        startField(tag, lineStart + tag.length + 2, lineStart, te);
        return;
      }
    } else if (c0 > 32 && c0 <= 127 && c0 !== 45 && c0 !== 123 && lineEnd > lineStart) {
      if (field) continueField(field, lineStart, lineEnd);
      return;
    }
    slowLine(lineStart, lineEnd);
  };
  /** Any line, as the reader always read it. */
  const slowLine = (lineStart: number, lineEnd: number) => {
    const rawLine = text.slice(lineStart, lineEnd);
    let line = rawLine.trimEnd();
    let offset = lineStart;
    // SWIFT envelope: {1:...}{2:...}{4: then fields, closed by -} (with {5:...} after it); any other line starting
    // with '{' is text (a :86: continued with "{FACTURE ...}")
    if (line.charCodeAt(0) === 123 && ENVELOPE.test(line)) {
      const at = line.indexOf('{4:');
      if (at < 0) return;
      line = line.slice(at + 3);
      offset = lineStart + at + 3;
      if (!line) return;
    }
    if (/^-(\}.*)?$/.test(line)) {
      finish();
      msg = undefined;
      field = undefined;
      return;
    }
    const m = TAG.exec(line);
    if (m) {
      startField(m[1], offset + m[1].length + 2, offset, offset + line.length, m[2]);
      return;
    }
    if (line.trim() === '') return;
    // continuation lines keep their spaces: a :86: wrapped after a space must not lose it
    if (field) continueField(field, lineStart, lineEnd, offset === lineStart ? rawLine : line);
    // lines before the first tag (bank headers such as "ABNANL2A" / "940") are ignored
  };
  /** Reads the lines of the text that end with a break: a CR last waits for the next chunk, unless `final`. */
  const lines = (final: boolean): void => {
    const end = text.length;
    for (;;) {
      if (lf < pos) lf = indexOrEnd(text, '\n', pos);
      if (bareCr < pos) {
        BARE_CR.lastIndex = pos;
        bareCr = BARE_CR.exec(text)?.index ?? end;
      }
      if (bareCr < lf) {
        if (!final && bareCr === end - 1) return; // its LF may start the next chunk
        line(bareCr, bareCr + 1);
      } else {
        if (lf === end) return;
        line(lf > pos && text.charCodeAt(lf - 1) === 13 ? lf - 1 : lf, lf + 1);
      }
    }
  };

  return {
    write(chunk: string) {
      // only the text of the message being read is kept (its fields' offsets move with it)
      const keep = msg && !msg.ended ? msg.fields[0].start : pos;
      if (keep > 0) {
        text = text.slice(keep);
        pos -= keep;
        for (const f of msg && !msg.ended ? msg.fields : []) {
          f.start -= keep;
          f.end -= keep;
          f.valueStart -= keep;
        }
      }
      text += chunk;
      lf = -1;
      bareCr = -1;
      sep = -1;
      lines(false);
    },
    end() {
      lines(true);
      // the text after the last break is a line too
      line(text.length, text.length + 1);
      finish();
      return count;
    },
  };
}

function indexOrEnd(text: string, char: string, from: number): number {
  const i = text.indexOf(char, from);
  return i < 0 ? text.length : i;
}
