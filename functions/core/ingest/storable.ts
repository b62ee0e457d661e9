import type { StatementEntry } from '../model';

/**
 * A movement is stored as one DynamoDB item with its match, and DynamoDB holds 400 KB an item: what one entry of a bank
 * file (or a hostile one: a CSV label of 600,000 characters) carries in its texts is kept within these bounds, counted
 * in characters (at most 4 UTF-8 bytes each: 2 × 2,000 + 24,000 + 12,000 characters stay under 170 KB). The statement
 * file itself is kept whole for ten years: a text cut here says so, and the ingest tells finance.
 */
export const ENTRY_TEXT_BOUNDS = {
  /** One text: the label, the payer's name, one remittance line, one structured reference. */
  text: 2_000,
  /** The remittance lines and references together. */
  remittance: 24_000,
  /** The entry's source lines (`raw`) together. */
  raw: 12_000,
} as const;

/** What ends a cut text, in the reader's language of the stored data (the console shows it as it is). */
export const CUT_MARK = ' […]';

/**
 * The entry as it can be stored: the same object when within the bounds, else a copy whose long texts are cut (ending
 * with CUT_MARK), whose remittance keeps its first lines within the bound, and whose raw keeps its first lines and a
 * last one saying how much more the statement file holds. `cutChars`: how many characters were left out.
 */
export function storableEntry(entry: StatementEntry): { entry: StatementEntry; cutChars: number } {
  let cutChars = 0;
  const text = (s: string): string => {
    if (s.length <= ENTRY_TEXT_BOUNDS.text) return s;
    cutChars += s.length - ENTRY_TEXT_BOUNDS.text;
    return head(s, ENTRY_TEXT_BOUNDS.text) + CUT_MARK;
  };
  let budget: number = ENTRY_TEXT_BOUNDS.remittance;
  const lines = (list: string[]): string[] => {
    const kept: string[] = [];
    for (const line of list.map(text)) {
      if (line.length > budget) {
        cutChars += line.length;
        continue;
      }
      budget -= line.length;
      kept.push(line);
    }
    return kept;
  };
  const label = text(entry.label);
  const counterpartyName = entry.counterpartyName === undefined ? undefined : text(entry.counterpartyName);
  const unstructured = lines(entry.remittance.unstructured);
  const structured = lines(entry.remittance.structured);
  const raw = rawWithin(entry.raw);
  cutChars += raw.cutChars;
  if (cutChars === 0) return { entry, cutChars };
  const { remittance: _r, label: _l, counterpartyName: _n, raw: _raw, ...rest } = entry;
  return {
    entry: {
      ...rest,
      label,
      ...(counterpartyName === undefined ? {} : { counterpartyName }),
      remittance: { unstructured, structured },
      raw: raw.lines,
    },
    cutChars,
  };
}

/** The source lines within the bound (the last one cut), then one saying how much more the statement file holds. */
function rawWithin(raw: string[]): { lines: string[]; cutChars: number } {
  let budget: number = ENTRY_TEXT_BOUNDS.raw;
  const lines: string[] = [];
  let left = 0;
  for (const line of raw) {
    if (left === 0 && line.length <= budget) {
      budget -= line.length;
      lines.push(line);
    } else if (left === 0 && budget > 0) {
      // the line that passes the bound keeps its beginning
      lines.push(head(line, budget));
      left += line.length - budget;
      budget = 0;
    } else left += line.length;
  }
  if (left === 0) return { lines: raw, cutChars: 0 };
  return { lines: [...lines, `[… ${left} caractères de plus dans le fichier du relevé]`], cutChars: left };
}

/** The first `n` UTF-16 units of `s`, one fewer when the cut would split a surrogate pair (an emoji). */
function head(s: string, n: number): string {
  const code = s.charCodeAt(n - 1);
  return s.slice(0, code >= 0xd800 && code <= 0xdbff ? n - 1 : n);
}
