import { BoundedMap } from '../bounded-map';
import type { CsvMapping } from './csv-mapping';
import { StatementParseError } from './errors';
import { amountOrThrow, dateOrThrow } from './text';

export type Role = keyof CsvMapping['columns'];
export type Roles = Partial<Record<Role, number[]>>;

/**
 * Words of bank CSV headers, accents folded: a header letter lost to U+FFFD (an export decoded with the wrong charset)
 * or to mojibake ("DÃ©bit", UTF-8 read as latin-1) is matched as a wildcard against them.
 */
const HEADER_WORDS = [
  'date',
  'operation',
  'operations',
  'libelle',
  'libelles',
  'debit',
  'credit',
  'reference',
  'references',
  'detail',
  'details',
  'beneficiaire',
  'emetteur',
  'numero',
  'n',
  'no',
  'complementaire',
  'complementaires',
  'devise',
  'entree',
  'entrees',
  'depense',
  'depenses',
  'intitule',
  'valeur',
  'structuree',
  'contrepartie',
  'recette',
  'recettes',
  'sortie',
  'sorties',
  'montant',
  'solde',
  'categorie',
  'tiers',
  'nature',
  'releve',
  'cheque',
  'compte',
  'donneur',
  'ordre',
  'communication',
  'informations',
  'motif',
  'commentaire',
  'sens',
  'execution',
  'comptabilisation',
];

function guessWord(token: string): string {
  if (!token.includes('\uFFFD')) return token;
  const re = new RegExp(`^${token.split('\uFFFD').join('[a-z]{0,2}')}$`);
  return HEADER_WORDS.find((w) => re.test(w)) ?? token.replace(/\uFFFD/g, '');
}

/** Header text compared without accents, case or punctuation; letters lost to a wrong charset are guessed. */
export function normalizeHeader(h: string): string {
  const folded = h
    .replace(/[ÃÂ][\u0080-\u00bf\u0152-\u2122]/g, '\uFFFD')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9\uFFFD]+/g, ' ')
    .trim();
  if (!folded.includes('\uFFFD')) return folded;
  return folded
    .replace(/\uFFFD+/g, '\uFFFD')
    .split(' ')
    .map(guessWord)
    .join(' ');
}

/*
 * Quotes, as Python's csv module reads them: a quote opens a quoted cell only at the start of a cell (after blanks, a
 * leniency Python has not: `; "a;b"`), and inside a quoted cell a doubled quote is a quote and a lone one closes it.
 * Anywhere else (`ECRAN 24" SAMSUNG`, text after a closing quote) a quote is a plain character.
 */

/** A space or a tab: the blanks a quote opening a cell may come after. */
const isLead = (c: number) => c === 32 || c === 9;

/** Whether the quote at `at` opens a quoted cell: only blanks between the cell's start (after a delimiter) and it. */
export function opensCell(s: string, at: number, delimiter: number, from = 0): boolean {
  for (let k = at - 1; k >= from; k--) {
    const c = s.charCodeAt(k);
    if (c === delimiter) return true;
    if (!isLead(c)) return false;
  }
  return true;
}

/**
 * Whether a quoted cell is still open at the end of the line `s` (its record goes on over the next line), reading it
 * from the start of a record, or from inside a quoted cell when `inQuotes` (a line that continues a record).
 */
export function endsInQuotes(s: string, delimiter: string, inQuotes = false): boolean {
  const d = delimiter.charCodeAt(0);
  let quoted = inQuotes;
  let at = s.indexOf('"');
  while (at >= 0) {
    if (quoted) {
      if (s.charCodeAt(at + 1) === 34) at++;
      else {
        quoted = false;
        // the rest of the cell is plain text: the next quote counts only in a later cell
        at = s.indexOf(delimiter, at + 1);
        if (at < 0) return false;
      }
    } else if (opensCell(s, at, d)) quoted = true;
    at = s.indexOf('"', at + 1);
  }
  return quoted;
}

/**
 * Splits CSV text into records (quotes as above, doubled quotes, quoted line breaks), with each record's 1-based line.
 */
export function csvRecords(text: string, delimiter: string): Array<{ cells: string[]; line: number; raw: string }> {
  const out: Array<{ cells: string[]; line: number; raw: string }> = [];
  const lines = text.split(/\r\n|\n|\r/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i];
    const startLine = i + 1;
    if (line.trim() === '') continue;
    if (!line.includes('"')) {
      out.push({ cells: line.split(delimiter), line: startLine, raw: line });
      continue;
    }
    // quoted fields may span lines: join until the quoted cell closes
    let open = endsInQuotes(line, delimiter);
    while (open && i + 1 < lines.length) {
      const next = lines[++i];
      open = endsInQuotes(next, delimiter, true);
      line += `\n${next}`;
    }
    out.push({ cells: quotedCells(line, delimiter), line: startLine, raw: line });
  }
  return out;
}

/** The cells of a record with quotes (as above): quoted cells, doubled quotes, line breaks inside quotes. */
export function quotedCells(line: string, delimiter: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  /** Only blanks so far in the cell: a quote there opens it. */
  let lead = true;
  for (let k = 0; k < line.length; k++) {
    const c = line[k];
    if (quoted) {
      if (c === '"') {
        if (line[k + 1] === '"') {
          cell += '"';
          k++;
        } else quoted = false;
      } else cell += c;
    } else if (c === delimiter) {
      cells.push(cell);
      cell = '';
      lead = true;
    } else if (c === '"' && lead) {
      quoted = true;
      lead = false;
    } else {
      cell += c;
      if (c !== ' ' && c !== '\t') lead = false;
    }
  }
  cells.push(cell);
  return cells;
}

/** Dates already read, per date order: an export has a few distinct days and many rows each. */
const knownDates = {
  dayFirst: new BoundedMap<string, string>(10_000),
  monthFirst: new BoundedMap<string, string>(10_000),
};

export function csvDate(raw: string, format: CsvMapping['dateFormat'], line: number): string {
  const known = format === 'MM/DD/YYYY' ? knownDates.monthFirst : knownDates.dayFirst;
  let iso = known.get(raw);
  if (iso === undefined) {
    iso = readCsvDate(raw, format, line);
    known.set(raw, iso);
  }
  return iso;
}

function readCsvDate(raw: string, format: CsvMapping['dateFormat'], line: number): string {
  const s = raw.trim();
  let m: RegExpExecArray | null;
  if (format === 'MM/DD/YYYY' && (m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})/.exec(s))) {
    return dateOrThrow(`${m[3]}-${m[1].padStart(2, '0')}-${m[2].padStart(2, '0')}`, raw, { line });
  }
  if ((m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s))) return dateOrThrow(`${m[1]}-${m[2]}-${m[3]}`, raw, { line });
  if ((m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?!\d)/.exec(s))) {
    const year = m[3].length === 2 ? (Number(m[3]) >= 70 ? `19${m[3]}` : `20${m[3]}`) : m[3];
    return dateOrThrow(`${year}-${m[2].padStart(2, '0')}-${m[1].padStart(2, '0')}`, raw, { line });
  }
  throw new StatementParseError('invalid_date', `not a date: "${s.slice(0, 30)}"`, { line });
}

const PLAIN_AMOUNT = /^-?\d+(?:[.,]\d{1,2})?$/;

export function csvAmount(raw: string, decimal: ',' | '.' | undefined, line: number): number | undefined {
  if (PLAIN_AMOUNT.test(raw)) return amountOrThrow(raw, { line }, { decimal });
  let s = raw.replace(/[€$£]|EUR|USD|GBP|CHF/gi, '').trim();
  if (s === '') return undefined;
  let negative = false;
  if (/^\(.*\)$/.test(s)) {
    negative = true;
    s = s.slice(1, -1);
  }
  const cents = amountOrThrow(s, { line }, { decimal });
  return negative ? -cents : cents;
}

export const SUMMARY_ROW = /\b(solde|soldes|total|totaux|balance|sous total|report)\b/;

/** Debit or credit from a direction cell: D/C, DR/CR, DBIT/CRDT, Débit/Crédit, +/-; undefined when blank. */
export function directionOf(raw: string, line: number): 'debit' | 'credit' | undefined {
  const v = normalizeHeader(raw);
  if (v === '' && raw.trim() === '') return undefined;
  if (/^(d|dr|db|dbit|debit|debet|sortie|s)$/.test(v) || raw.trim() === '-') return 'debit';
  if (/^(c|cr|crdt|credit|entree|e)$/.test(v) || raw.trim() === '+') return 'credit';
  throw new StatementParseError('invalid_amount', `neither a debit nor a credit: "${raw.slice(0, 20)}"`, { line });
}

/**
 * What a date cell says of the date order: 1 when its first number is above 12 (day first), 2 when its second is
 * (month first), 3 for both, 0 for neither or no date.
 */
export function dateOrderEvidence(cell: string): number {
  const m = /^\s*(\d{1,2})[/.-](\d{1,2})[/.-]\d{2,4}/.exec(cell);
  if (!m) return 0;
  return (Number(m[1]) > 12 ? 1 : 0) | (Number(m[2]) > 12 ? 2 : 0);
}
