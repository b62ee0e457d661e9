import { endsInQuotes, opensCell, quotedCells } from './csv-fields';
import { collapse, isBlank } from './text';

/**
 * A record of the file, reused from one record to the next (read it before the next one comes). A record without
 * quotes is held as the ranges of its cells in `text`: no cell is copied until it is asked for. A record with quotes
 * holds its cells unquoted (`cells`) and its text (`raw`).
 */
export interface CsvRecord {
  text: string;
  /** Cell k is text[starts[k], ends[k]) when `cells` is undefined. */
  starts: Int32Array;
  ends: Int32Array;
  /** 1 when cell k holds a blank other than single spaces between words: it is collapsed as a string. */
  blanks: Uint8Array;
  count: number;
  /** The cells of a record with quotes. */
  cells: string[] | undefined;
  raw: string | undefined;
  rawStart: number;
  rawEnd: number;
  /** The 1-based line the record starts on. */
  line: number;
}

/** Called with each record. */
export type VisitRecord = (record: CsvRecord) => void;

function newRecord(capacity: number): CsvRecord {
  return {
    text: '',
    starts: new Int32Array(capacity),
    ends: new Int32Array(capacity),
    blanks: new Uint8Array(capacity),
    count: 0,
    cells: undefined,
    raw: undefined,
    rawStart: 0,
    rawEnd: 0,
    line: 0,
  };
}

/** Cell k as it is written (the text between delimiters, quotes removed); '' past the last cell. */
export function rawCell(r: CsvRecord, k: number): string {
  if (r.cells !== undefined) return r.cells[k] ?? '';
  return k < r.count ? r.text.slice(r.starts[k], r.ends[k]) : '';
}

/** Cell k collapsed (runs of blanks as one space, trimmed): collapse(rawCell(r, k)), copying nothing more. */
export function cellAt(r: CsvRecord, k: number): string {
  if (r.cells !== undefined) return collapse(r.cells[k] ?? '');
  if (k >= r.count) return '';
  const s = r.starts[k];
  const e = r.ends[k];
  if (s === e) return '';
  return r.blanks[k] === 0 ? r.text.slice(s, e) : collapse(r.text.slice(s, e));
}

/** Cell k collapsed, or `known` itself when the cell is written as `known` (dates, accounts repeat row after row). */
export function cellLike(r: CsvRecord, k: number, known: string): string {
  if (r.cells === undefined && k < r.count && r.blanks[k] === 0) {
    const s = r.starts[k];
    if (r.ends[k] - s === known.length && r.text.startsWith(known, s)) return known;
  }
  return cellAt(r, k);
}

/** Whether cell k is written exactly as `known`. */
export function rawCellIs(r: CsvRecord, k: number, known: string): boolean {
  if (r.cells !== undefined || k >= r.count) return rawCell(r, k) === known;
  const s = r.starts[k];
  return r.ends[k] - s === known.length && r.text.startsWith(known, s);
}

/** Every cell as written. */
export function cellsOf(r: CsvRecord): string[] {
  if (r.cells !== undefined) return r.cells;
  const out: string[] = [];
  for (let k = 0; k < r.count; k++) out.push(r.text.slice(r.starts[k], r.ends[k]));
  return out;
}

/** The record's text (its lines joined by LF). */
export function rawOf(r: CsvRecord): string {
  return r.raw ?? r.text.slice(r.rawStart, r.rawEnd);
}

/**
 * The cells of text[from, to) split at `delimiter` into `r`; false when a quote opens a cell in the line (it is read
 * as a string then; a quote inside a cell is a plain character). A line of blanks only is a record of no cell.
 */
function rangeCells(r: CsvRecord, text: string, from: number, to: number, delimiter: number): boolean {
  let count = 0;
  let start = from;
  let blanks = 0;
  let space = true;
  let filled = false;
  for (let i = from; i <= to; i++) {
    const c = i < to ? text.charCodeAt(i) : delimiter;
    if (c === delimiter) {
      if (i < to && delimiter !== 9) filled = true;
      if (count === r.starts.length) grow(r);
      r.starts[count] = start;
      r.ends[count] = i;
      r.blanks[count] = space && i > start ? 1 : blanks;
      count++;
      start = i + 1;
      blanks = 0;
      space = true;
    } else if (c > 32 && c < 0xa0) {
      if (c === 34 && opensCell(text, i, delimiter, start)) return false;
      space = false;
      filled = true;
    } else if (c === 32) {
      if (space) blanks = 1;
      space = true;
    } else if (isBlank(c)) {
      blanks = 1;
      space = true;
    } else {
      space = false;
      filled = true;
    }
  }
  r.count = filled ? count : 0;
  return true;
}

function grow(r: CsvRecord): void {
  const n = r.starts.length * 2;
  const starts = new Int32Array(n);
  const ends = new Int32Array(n);
  const blanks = new Uint8Array(n);
  starts.set(r.starts);
  ends.set(r.ends);
  blanks.set(r.blanks);
  r.starts = starts;
  r.ends = ends;
  r.blanks = blanks;
}

/**
 * csvRecords one chunk of text at a time, with the same records and lines: lines end at CRLF, LF or CR (a CR ending
 * a chunk waits for the next one, which may start with its LF), blank lines are skipped, a record whose quoted cell is
 * still open at the end of a line goes on over the next lines. Text without a line break is kept in parts and joined
 * once a break comes, so that a long line costs no more than its length. A line where no quote opens a cell is split
 * by character codes in place.
 */
export function csvRecordSplitter(delimiter: string, visit: VisitRecord): { write(text: string): void; end(): void } {
  let parts: string[] = [];
  let partsLength = 0;
  /** Leading characters of the parts known to hold no CR nor LF (a CR waiting for its LF is after them). */
  let searched = 0;
  let line = 1;
  /** A record whose quoted cell goes on over the next line. */
  let open: { text: string; line: number } | undefined;
  const record = newRecord(16);
  const code = delimiter.charCodeAt(0);

  const quoted = (text: string, at: number): void => {
    record.cells = quotedCells(text, delimiter);
    record.raw = text;
    record.line = at;
    visit(record);
  };

  const take = (text: string, from: number, to: number, at: number): void => {
    if (open) {
      const next = text.slice(from, to);
      open.text += `\n${next}`;
      if (!endsInQuotes(next, delimiter, true)) {
        quoted(open.text, open.line);
        open = undefined;
      }
      return;
    }
    if (rangeCells(record, text, from, to, code)) {
      if (record.count === 0) return;
      record.text = text;
      record.cells = undefined;
      record.raw = undefined;
      record.rawStart = from;
      record.rawEnd = to;
      record.line = at;
      visit(record);
      return;
    }
    const lineText = text.slice(from, to);
    if (endsInQuotes(lineText, delimiter)) open = { text: lineText, line: at };
    else quoted(lineText, at);
  };

  /** Visits the lines of `text` that end with a break; returns where the rest starts. */
  const lines = (text: string, final: boolean): number => {
    const end = text.length;
    let pos = 0;
    const from = searched;
    let lf = indexOrEnd(text, '\n', from, end);
    let cr = indexOrEnd(text, '\r', from, end);
    while (pos < end) {
      if (lf < pos) lf = indexOrEnd(text, '\n', pos, end);
      if (cr < pos) cr = indexOrEnd(text, '\r', pos, end);
      const stop = Math.min(lf, cr);
      // no break left, or a CR last that may be the first half of a CRLF: the rest waits
      if (stop === end || (!final && stop === cr && stop === end - 1)) break;
      take(text, pos, stop, line++);
      pos = stop === cr && lf === cr + 1 ? stop + 2 : stop + 1;
    }
    return pos;
  };

  return {
    write(chunk: string) {
      if (chunk.indexOf('\n') < 0 && chunk.indexOf('\r') < 0) {
        if (searched === partsLength) searched += chunk.length;
        parts.push(chunk);
        partsLength += chunk.length;
        return;
      }
      const text = parts.length ? parts.join('') + chunk : chunk;
      const rest = lines(text, false);
      parts = rest < text.length ? [text.slice(rest)] : [];
      partsLength = text.length - rest;
      searched = text.charCodeAt(text.length - 1) === 13 ? partsLength - 1 : partsLength;
    },
    end() {
      const text = parts.join('');
      parts = [];
      partsLength = 0;
      const rest = lines(text, true);
      // the text after the last break is a line too (blank after a final line break)
      take(text, rest, text.length, line);
      if (open) quoted(open.text, open.line);
    },
  };
}

function indexOrEnd(text: string, char: string, from: number, end: number): number {
  const i = text.indexOf(char, from);
  return i < 0 ? end : i;
}
