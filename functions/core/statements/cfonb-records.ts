import { StatementParseError } from './errors';
import { isBlank, sequenceAt, sequenceSize, utf8FromView } from './text';

/** Calls `visit` with each record (exactly 120 characters) and its 1-based line. */
export type Visit = (record: string, line: number) => void;

/** A character of a latin-1 view that is a byte of a UTF-8 sequence (every one at 0x80 or above). */
const HIGH = /[\x80-\xff]/g;

/**
 * Fixed 120-character records: one per line (CRLF, LF or CR, short lines padded), or back to back with no line breaks,
 * each a slice of the text (no array of lines), read one chunk of text at a time: the lines that end before the last
 * non-blank character seen are cut into records at once, the rest waits for the next chunk (or the end, where trailing
 * blanks and the DOS end-of-file mark are dropped). A file without any line break is held whole until its end (records
 * back to back).
 *
 * With `utf8View`, the chunk is a latin-1 view of UTF-8 bytes (one character per byte, see utf8FromView): a line that
 * holds a byte at 0x80 or above is decoded before it is cut into fields, the others are read as they are (ASCII).
 * Every chunk then ends at the end of a UTF-8 sequence.
 */
export function cfonbRecords(visit: Visit): { write(text: string, utf8View?: boolean): void; end(): void } {
  let pending = '';
  /** Chunks with no line break after a pending text with none: joined once a break comes (no copy per chunk). */
  let parts: string[] = [];
  let line = 1;
  let broken = false;
  let utf8 = false;
  const hasBreak = (t: string) => t.indexOf('\n') >= 0 || t.indexOf('\r') >= 0;
  return {
    write(chunk: string, utf8View = false) {
      // the flag holds for the text still pending too: a caller may change it only after ASCII text
      utf8 = utf8View;
      if (!hasBreak(chunk) && !hasBreak(pending)) {
        parts.push(chunk);
        return;
      }
      pending = parts.length ? pending + parts.join('') + chunk : pending + chunk;
      parts = [];
      const solid = solidEnd(pending, utf8);
      const lastBreak = solid === 0 ? -1 : lastBreakBefore(pending, solid);
      if (lastBreak < 0) return;
      broken = true;
      line = lines(pending, lastBreak + 1, line, visit, utf8);
      pending = pending.slice(lastBreak + 1);
    },
    end() {
      pending += parts.join('');
      parts = [];
      const end = solidEnd(pending, utf8);
      if (!broken && end === 0) throw new StatementParseError('empty', 'empty CFONB file');
      if (!broken && indexOrEnd(pending, '\n', 0, end) === end && indexOrEnd(pending, '\r', 0, end) === end)
        blocks(utf8 ? utf8FromView(pending.slice(0, end)) : pending.slice(0, end), visit);
      else lines(pending, end, line, visit, utf8);
      pending = '';
    },
  };
}

/**
 * The end of the text once its trailing blanks and DOS end-of-file marks are dropped (they are not part of a CFONB
 * file). In a UTF-8 view, a blank written in several bytes (a no-break space...) is decoded to be recognized.
 */
function solidEnd(text: string, utf8: boolean): number {
  let end = text.length;
  while (end > 0) {
    const c = text.charCodeAt(end - 1);
    if (c < 0x80 || !utf8) {
      if (c !== 0x1a && !isBlank(c)) return end;
      end--;
    } else {
      // the sequence ending here: back to its lead byte (0xC0 and above), then decoded
      let lead = end - 1;
      while (lead > 0 && text.charCodeAt(lead) < 0xc0) lead--;
      const decoded = utf8FromView(text.slice(lead, end));
      if (!isBlank(decoded.charCodeAt(0))) return end;
      end = lead;
    }
  }
  return end;
}

/** Visits the records of the lines of text[0, end), the first being line `line`; returns the next line's number. */
function lines(text: string, end: number, line: number, visit: Visit, utf8: boolean): number {
  let pos = 0;
  let lf = -1;
  let cr = -1;
  /** The next byte at 0x80 or above of a UTF-8 view (a line holding one is decoded). */
  let high = utf8 ? -1 : Infinity;
  while (pos < end) {
    // native searches for the next LF and the next CR (a file may mix them); a full record is a slice of the text
    if (lf < pos) lf = indexOrEnd(text, '\n', pos, end);
    if (cr < pos) cr = indexOrEnd(text, '\r', pos, end);
    if (high < pos) high = nextHigh(text, pos);
    const stop = Math.min(lf, cr);
    if (high < stop) {
      let decoded = text.slice(pos, high);
      // each sequence decoded, the ASCII runs between them sliced; the search for the next one finds the next line's
      while (high < stop) {
        const size = sequenceSize(text.charCodeAt(high));
        decoded += sequenceAt(text, high, size);
        const after = high + size;
        high = nextHigh(text, after);
        decoded += text.slice(after, Math.min(high, stop));
      }
      if (decoded.length === 120) visit(decoded, line);
      else shortOrLong(decoded, line, visit);
    } else if (stop - pos === 120) visit(text.slice(pos, stop), line);
    else shortOrLong(text.slice(pos, stop), line, visit);
    pos = stop === cr && lf === cr + 1 ? stop + 2 : stop + 1;
    line++;
  }
  return line;
}

/** The index of the next character at 0x80 or above from `from`, or Infinity. */
function nextHigh(text: string, from: number): number {
  HIGH.lastIndex = from;
  return HIGH.test(text) ? HIGH.lastIndex - 1 : Infinity;
}

/**
 * The last LF or CR before `end`. The last LF is found backwards (near the end); a CR is then looked for only after it
 * (a backward search for a CR absent from an LF file would read the whole text).
 */
function lastBreakBefore(text: string, end: number): number {
  const lf = text.lastIndexOf('\n', end - 1);
  if (lf < 0) return text.lastIndexOf('\r', end - 1);
  let last = lf;
  for (let cr = text.indexOf('\r', lf + 1); cr >= 0 && cr < end; cr = text.indexOf('\r', cr + 1)) last = cr;
  return last;
}

function indexOrEnd(text: string, char: string, from: number, end: number): number {
  const i = text.indexOf(char, from);
  return i < 0 || i > end ? end : i;
}

function shortOrLong(raw: string, line: number, visit: Visit): void {
  if (raw.trim().length === 0) return;
  const t = raw.trimEnd();
  if (t.length > 120)
    throw new StatementParseError('corrupt', `a CFONB record is ${t.length} characters long (120 expected)`, { line });
  visit(t.padEnd(120, ' '), line);
}

/** No line breaks at all: records back to back (a cut last record is refused before anything is read). */
function blocks(body: string, visit: Visit): void {
  const whole = body.length - (body.length % 120);
  const last = body.slice(whole);
  // trailing blanks of the last record may have been trimmed away; a record cut before its amount is truncated
  if (last.length > 0 && (last.length < 104 || !/^0[1457]/.test(last))) {
    throw new StatementParseError('truncated', `the file ends with a partial record of ${last.length} characters`, {
      line: whole / 120 + 1,
    });
  }
  for (let i = 0; i < whole; i += 120) visit(body.slice(i, i + 120), i / 120 + 1);
  if (last.length > 0) visit(last.padEnd(120, ' '), whole / 120 + 1);
}
