import { countQuotes, quotedCells } from './csv-fields';
import { isBlank } from './text';

/** Called with each record: its cells, the 1-based line it starts on, and its text (lines joined by LF). */
export type VisitRecord = (cells: string[], line: number, raw: string) => void;

/**
 * csvRecords one chunk of text at a time, with the same records and lines: lines end at CRLF, LF or CR (a CR ending
 * a chunk waits for the next one, which may start with its LF), blank lines are skipped, a record whose quotes do not
 * balance goes on over the next lines. Text without a line break is kept in parts and joined once a break comes, so
 * that a long line costs no more than its length.
 */
export function csvRecordSplitter(delimiter: string, visit: VisitRecord): { write(text: string): void; end(): void } {
  let parts: string[] = [];
  let partsLength = 0;
  /** Leading characters of the parts known to hold no CR nor LF (a CR waiting for its LF is after them). */
  let searched = 0;
  let line = 1;
  let open: { text: string; quotes: number; line: number } | undefined;

  const take = (text: string, at: number): void => {
    if (open) {
      open.text += `\n${text}`;
      open.quotes += countQuotes(text);
      if (open.quotes % 2 === 0) {
        visit(quotedCells(open.text, delimiter), open.line, open.text);
        open = undefined;
      }
      return;
    }
    if (isBlankText(text)) return;
    if (text.indexOf('"') < 0) visit(text.split(delimiter), at, text);
    else {
      const quotes = countQuotes(text);
      if (quotes % 2 === 1) open = { text, quotes, line: at };
      else visit(quotedCells(text, delimiter), at, text);
    }
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
      take(text.slice(pos, stop), line++);
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
      take(text.slice(rest), line);
      if (open) visit(quotedCells(open.text, delimiter), open.line, open.text);
    },
  };
}

function indexOrEnd(text: string, char: string, from: number, end: number): number {
  const i = text.indexOf(char, from);
  return i < 0 ? end : i;
}

function isBlankText(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (!isBlank(text.charCodeAt(i))) return false;
  return true;
}
