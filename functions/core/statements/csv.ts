import { z } from 'zod';
import { BankAccount, type Statement, type StatementEntry } from '../model/statement';
import { accountKey, completeAccount, isValidIban, normalizeIban } from './accounts';
import { checkBalances } from './balance';
import { StatementParseError } from './errors';
import { amountOrThrow, collapse, dateOrThrow } from './text';

const Column = z.union([z.string().min(1), z.number().int().nonnegative()]);

/** Explicit description of a CSV export the auto-detection does not read. Columns by header text or 0-based index. */
export const CsvMapping = z.object({
  delimiter: z.enum([';', ',', '\t', '|']).optional(),
  decimalSeparator: z.enum([',', '.']).optional(),
  /** 0-based index (among non-empty lines) of the header line; -1 when there is none (columns are then indexes). */
  headerRow: z.number().int().min(-1).optional(),
  dateFormat: z.enum(['DD/MM/YYYY', 'DD/MM/YY', 'YYYY-MM-DD', 'MM/DD/YYYY']).optional(),
  currency: z.string().length(3).optional(),
  account: BankAccount.optional(),
  columns: z
    .object({
      bookingDate: Column,
      valueDate: Column.optional(),
      label: z.union([Column, z.array(Column)]).optional(),
      amount: Column.optional(),
      /** A column saying whether the amount is a debit or a credit (D/C, Sens: Débit/Crédit, DBIT/CRDT, +/-). */
      direction: Column.optional(),
      debit: Column.optional(),
      credit: Column.optional(),
      balance: Column.optional(),
      counterpartyName: Column.optional(),
      counterpartyIban: Column.optional(),
      bankReference: Column.optional(),
      endToEndId: Column.optional(),
      structured: Column.optional(),
      remittance: z.union([Column, z.array(Column)]).optional(),
      account: Column.optional(),
      currency: Column.optional(),
    })
    .refine(
      (c) => c.amount !== undefined || c.debit !== undefined || c.credit !== undefined,
      'an amount column, or debit/credit columns',
    ),
});
export type CsvMapping = z.infer<typeof CsvMapping>;

type Role = keyof CsvMapping['columns'];
type Roles = Partial<Record<Role, number[]>>;

/** Header text -> role, first rule that matches wins. Headers are compared without accents, case or punctuation. */
const RULES: Array<[Role, RegExp]> = [
  ['valueDate', /^(date ?(de )?val(eur)?\b|value ?date|valeur|dateval)/],
  ['bookingDate', /^(date|booking date|jour|dt operation)/],
  ['endToEndId', /(bout en bout|end to end|endtoend|e2e)/],
  [
    'direction',
    /^(d ?c|c ?d|dr ?cr|cr ?dr|sens|signe|sign|debit ?credit|credit ?debit|debit or credit|credit or debit|type d ?c)$/,
  ],
  ['structured', /(reference structuree|ref structuree|structured reference|creditor reference)/],
  [
    'counterpartyIban',
    /^(iban|compte) (du )?(tiers|contrepartie|beneficiaire|emetteur|donneur|counterparty)|^counterparty (iban|account)/,
  ],
  ['account', /^(compte|numero de compte|n de compte|no de compte|account|account ?num(ber)?|iban|rib)$/],
  [
    'bankReference',
    new RegExp(
      '^(reference|ref|reference banque|reference bancaire|reference operation|numero d operation|n operation' +
        '|fitid|transaction id)$',
    ),
  ],
  [
    'counterpartyName',
    /^(tiers|beneficiaire|emetteur|contrepartie|donneur d ordre|nom du tiers|nom|counterparty|payee|payer)/,
  ],
  [
    'remittance',
    new RegExp(
      '^(detail|details|informations? complementaires?|libelle complementaire|complement|motif|communication' +
        '|commentaire|memo|remittance|reference client)',
    ),
  ],
  ['label', /^(libelle|label|description|intitule|nature|operation|wording|text)/],
  ['debit', /^(debit|montant debit|sortie|depense)/],
  ['credit', /^(credit|montant credit|entree|recette)/],
  ['amount', /^(montant|amount|somme|valeur|mouvement)/],
  ['balance', /^(solde|balance|account ?balance)/],
  ['currency', /^(devise|currency|monnaie)$/],
];

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

function countQuotes(s: string): number {
  let n = 0;
  for (let at = s.indexOf('"'); at >= 0; at = s.indexOf('"', at + 1)) n++;
  return n;
}

/**
 * Splits CSV text into records (RFC 4180 quotes, doubled quotes, quoted line breaks), with each record's 1-based line.
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
    // quoted fields may span lines: join until the quotes balance
    let quotes = countQuotes(line);
    while (quotes % 2 === 1 && i + 1 < lines.length) {
      const next = lines[++i];
      quotes += countQuotes(next);
      line += `\n${next}`;
    }
    const cells: string[] = [];
    let cell = '';
    let quoted = false;
    for (let k = 0; k < line.length; k++) {
      const c = line[k];
      if (quoted) {
        if (c === '"') {
          if (line[k + 1] === '"') {
            cell += '"';
            k++;
          } else quoted = false;
        } else cell += c;
      } else if (c === '"') quoted = true;
      else if (c === delimiter) {
        cells.push(cell);
        cell = '';
      } else cell += c;
    }
    cells.push(cell);
    out.push({ cells, line: startLine, raw: line });
  }
  return out;
}

/** The delimiter that splits the first lines into the same number (>= 3) of fields most often. */
export function detectDelimiter(text: string): ';' | ',' | '\t' | '|' | undefined {
  // the first lines only: splitting a whole 10 MB export to look at 30 lines cost a few percent of the parse
  const lines = text
    .slice(0, 64 * 1024)
    .split(/\r\n|\n|\r/)
    .filter((l) => l.trim() !== '')
    .slice(0, 30);
  let best: { d: ';' | ',' | '\t' | '|'; score: number } | undefined;
  for (const d of [';', '\t', ',', '|'] as const) {
    const counts = lines.map((l) => l.replace(/"[^"]*"/g, '""').split(d).length);
    const freq = new Map<number, number>();
    for (const c of counts) if (c >= 3) freq.set(c, (freq.get(c) ?? 0) + 1);
    let score = 0;
    for (const [, f] of freq) score = Math.max(score, f);
    if (score >= 1 && (!best || score > best.score)) best = { d, score };
  }
  return best?.d;
}

function rolesOf(header: string[]): Roles {
  const roles: Roles = {};
  header.forEach((h, i) => {
    const n = normalizeHeader(h);
    if (!n) return;
    for (const [role, re] of RULES) {
      if (!re.test(n)) continue;
      if (role === 'label' && roles.label) (roles.remittance ??= []).push(i);
      else if (!roles[role] || role === 'remittance') (roles[role] ??= []).push(i);
      break;
    }
  });
  return roles;
}

function usable(roles: Roles): boolean {
  return !!roles.bookingDate && !!(roles.amount || roles.debit || roles.credit);
}

/** Finds a header line (a date column and an amount or debit/credit columns) among the first records. */
export function findCsvHeader(
  text: string,
): { delimiter: ';' | ',' | '\t' | '|'; headerIndex: number; roles: Roles } | undefined {
  const delimiter = detectDelimiter(text);
  if (!delimiter) return undefined;
  const head = text.slice(0, 64 * 1024);
  const records = csvRecords(head, delimiter).slice(0, 30);
  for (let i = 0; i < records.length; i++) {
    const roles = rolesOf(records[i].cells);
    if (usable(roles)) return { delimiter, headerIndex: i, roles };
  }
  return undefined;
}

function resolveMapping(mapping: CsvMapping, header: string[] | undefined): Roles {
  const roles: Roles = {};
  const idx = (c: string | number, role: string): number => {
    if (typeof c === 'number') return c;
    const i = header ? header.findIndex((h) => normalizeHeader(h) === normalizeHeader(c)) : -1;
    if (i < 0)
      throw new StatementParseError('missing_field', `CSV mapping: no column "${c}" for ${role} in the header`);
    return i;
  };
  for (const [role, c] of Object.entries(mapping.columns) as Array<
    [Role, string | number | Array<string | number> | undefined]
  >) {
    if (c === undefined) continue;
    roles[role] = (Array.isArray(c) ? c : [c]).map((x) => idx(x, role));
  }
  return roles;
}

/** Dates already read, per date order: an export has a few distinct days and many rows each. */
const knownDates = { dayFirst: new Map<string, string>(), monthFirst: new Map<string, string>() };

function csvDate(raw: string, format: CsvMapping['dateFormat'], line: number): string {
  const known = format === 'MM/DD/YYYY' ? knownDates.monthFirst : knownDates.dayFirst;
  let iso = known.get(raw);
  if (iso === undefined) {
    iso = readCsvDate(raw, format, line);
    if (known.size > 10_000) known.clear();
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

function csvAmount(raw: string, decimal: ',' | '.' | undefined, line: number): number | undefined {
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

const SUMMARY_ROW = /\b(solde|soldes|total|totaux|balance|sous total|report)\b/;

/**
 * Day-first unless the dates say otherwise: month-first (US exports) when some date has a second number above 12 and
 * none a first number above 12.
 */
function dateOrder(rows: Array<{ cells: string[] }>, column: number | undefined): CsvMapping['dateFormat'] {
  if (column === undefined) return undefined;
  let dayFirst = false;
  let monthFirst = false;
  const seen = new Set<string>();
  for (const { cells } of rows) {
    const cell = cells[column] ?? '';
    if (seen.has(cell)) continue; // each distinct date once
    seen.add(cell);
    const m = /^\s*(\d{1,2})[/.-](\d{1,2})[/.-]\d{2,4}/.exec(cell);
    if (!m) continue;
    if (Number(m[1]) > 12) dayFirst = true;
    if (Number(m[2]) > 12) monthFirst = true;
  }
  return monthFirst && !dayFirst ? 'MM/DD/YYYY' : undefined;
}

/** Debit or credit from a direction cell: D/C, DR/CR, DBIT/CRDT, Débit/Crédit, +/-; undefined when blank. */
function directionOf(raw: string, line: number): 'debit' | 'credit' | undefined {
  const v = normalizeHeader(raw);
  if (v === '' && raw.trim() === '') return undefined;
  if (/^(d|dr|db|dbit|debit|debet|sortie|s)$/.test(v) || raw.trim() === '-') return 'debit';
  if (/^(c|cr|crdt|credit|entree|e)$/.test(v) || raw.trim() === '+') return 'credit';
  throw new StatementParseError('invalid_amount', `neither a debit nor a credit: "${raw.slice(0, 20)}"`, { line });
}

/** The signed amount of a row: a Montant (signed, or signed by a direction column), or Débit/Crédit columns. */
function rowAmount(cell: (role: Role) => string, roles: Roles, decimal: ',' | '.' | undefined, line: number): number {
  let amount: number | undefined;
  if (roles.amount) amount = csvAmount(cell('amount'), decimal, line);
  if (amount !== undefined && roles.direction) {
    const direction = directionOf(cell('direction'), line);
    if (direction) amount = direction === 'debit' ? 0 - Math.abs(amount) : Math.abs(amount);
  }
  if (amount === undefined && (roles.debit || roles.credit)) {
    const debit = roles.debit ? csvAmount(cell('debit'), decimal, line) : undefined;
    const credit = roles.credit ? csvAmount(cell('credit'), decimal, line) : undefined;
    if (debit !== undefined || credit !== undefined) amount = Math.abs(credit ?? 0) - Math.abs(debit ?? 0);
  }
  if (amount === undefined) throw new StatementParseError('invalid_amount', 'row without an amount', { line });
  return amount;
}

/**
 * French bank portal CSV exports: delimiter (; , tab |) and header line found automatically (a date column and either a
 * signed Montant or Débit/Crédit columns), decimal comma or point, DD/MM/YYYY dates. A Solde column (balance after each
 * row, oldest or newest first) gives opening and closing balances and a real balance check. A Compte column splits the
 * rows into one statement per account. Or an explicit `mapping` for any other layout.
 */
export function parseCsv(text: string, mapping?: CsvMapping, firstIndex = 0): Statement[] {
  let delimiter: string;
  let headerIndex: number;
  let roles: Roles;
  let records: Array<{ cells: string[]; line: number; raw: string }>;
  if (mapping) {
    const m = CsvMapping.safeParse(mapping);
    if (!m.success)
      throw new StatementParseError(
        'missing_field',
        `invalid CSV mapping: ${m.error.issues.map((i) => i.message).join('; ')}`,
      );
    mapping = m.data;
    delimiter = mapping.delimiter ?? detectDelimiter(text) ?? ';';
    records = csvRecords(text, delimiter);
    headerIndex = mapping.headerRow ?? 0;
    roles = resolveMapping(mapping, headerIndex >= 0 ? records[headerIndex]?.cells : undefined);
  } else {
    const found = findCsvHeader(text);
    if (!found) {
      throw new StatementParseError(
        'unknown_format',
        'CSV without a recognizable header (a date column and Montant or Débit/Crédit columns): give a column mapping',
      );
    }
    delimiter = found.delimiter;
    records = csvRecords(text, delimiter);
    headerIndex = found.headerIndex;
    roles = found.roles;
  }
  const preamble = records
    .slice(0, Math.max(0, headerIndex))
    .flatMap((r) => r.cells)
    .join(' ');
  const preambleIban = /\b([A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?)\b/.exec(preamble)?.[1];
  const defaultAccount: BankAccount =
    mapping?.account ?? (preambleIban && isValidIban(preambleIban) ? { iban: normalizeIban(preambleIban) } : {});
  const headerText = headerIndex >= 0 ? (records[headerIndex]?.cells ?? []).join(' ') : '';
  const defaultCurrency =
    mapping?.currency ?? (/\bUSD\b|\$/.test(headerText) ? 'USD' : /\bGBP\b|£/.test(headerText) ? 'GBP' : 'EUR');
  const decimal = mapping?.decimalSeparator;
  const dateFormat = mapping?.dateFormat ?? dateOrder(records.slice(headerIndex + 1), roles.bookingDate?.[0]);

  const cell = (cells: string[], role: Role): string => {
    const cols = roles[role];
    if (!cols) return '';
    if (cols.length === 1) return collapse(cells[cols[0]] ?? '');
    return collapse(
      cols
        .map((c) => cells[c] ?? '')
        .filter((v) => v.trim() !== '')
        .join(' '),
    );
  };
  // one account per distinct cell (IBAN checks are not free, and an export names few accounts)
  const accounts = new Map<string, BankAccount>();
  const accountOf = (raw: string): BankAccount => {
    let account = accounts.get(raw);
    if (!account) {
      account = raw
        ? completeAccount(isValidIban(raw) ? { iban: raw } : { accountNumber: raw })
        : completeAccount(defaultAccount);
      accounts.set(raw, account);
    }
    return account;
  };

  interface Group {
    account: BankAccount;
    currency: string;
    rows: Array<{ entry: StatementEntry; balance?: number }>;
  }
  const groups = new Map<string, Group>();
  let index = firstIndex;
  for (const rec of records.slice(headerIndex + 1)) {
    const { cells, line, raw } = rec;
    const dateRaw = cell(cells, 'bookingDate');
    if (!/^\d/.test(dateRaw)) {
      // balance and total lines (before or after the movements) carry no date, or words in the date column
      const all = normalizeHeader(cells.join(' '));
      if (all === '' || SUMMARY_ROW.test(all)) continue;
      if (!dateRaw) throw new StatementParseError('invalid_date', 'row without a date', { line });
    }
    const bookingDate = csvDate(dateRaw, dateFormat, line);
    const valueRaw = cell(cells, 'valueDate');
    const valueDate = valueRaw ? csvDate(valueRaw, dateFormat, line) : undefined;
    const amount = rowAmount((role) => cell(cells, role), roles, decimal, line);
    const balanceRaw = cell(cells, 'balance');
    const balance = balanceRaw ? csvAmount(balanceRaw, decimal, line) : undefined;
    const accountRaw = cell(cells, 'account').replace(/\s+/g, '');
    const account = accountOf(accountRaw);
    const currencyRaw = cell(cells, 'currency').toUpperCase();
    const currency = /^[A-Z]{3}$/.test(currencyRaw) ? currencyRaw : defaultCurrency;
    const iban = cell(cells, 'counterpartyIban').replace(/\s+/g, '');
    const label = cell(cells, 'label');
    const remittance = cell(cells, 'remittance');
    const structured = cell(cells, 'structured');
    const entry: StatementEntry = {
      index: index++,
      bookingDate,
      valueDate,
      amountCents: amount,
      currency,
      bankCodes: [],
      bankReference: cell(cells, 'bankReference') || undefined,
      endToEndId: cell(cells, 'endToEndId') || undefined,
      label: label || remittance,
      counterpartyName: cell(cells, 'counterpartyName') || undefined,
      counterpartyIban: iban && isValidIban(iban) ? normalizeIban(iban) : undefined,
      remittance: {
        unstructured: remittance ? [remittance] : [],
        structured: structured ? structured.split(/\s+/) : [],
      },
      reversal: false,
      raw: [raw],
    };
    const key = `${accountKey(account)}|${currency}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { account, currency, rows: [] }));
    g.rows.push({ entry, balance });
  }
  if (groups.size === 0) throw new StatementParseError('empty', 'CSV without any transaction row');
  return [...groups.values()].map((g) => statementOf(g.account, g.currency, g.rows));
}

function statementOf(
  account: BankAccount,
  currency: string,
  rows: Array<{ entry: StatementEntry; balance?: number }>,
): Statement {
  const entries = rows.map((r) => r.entry);
  const dates = entries.map((e) => e.bookingDate).sort();
  const st: Statement = {
    format: 'csv',
    account,
    currency,
    periodStart: dates[0],
    periodEnd: dates[dates.length - 1],
    entries,
    balanceCheck: { status: 'not-applicable', reason: 'no Solde (balance) column' },
  };
  const first = rows[0];
  const last = rows[rows.length - 1];
  // some portals repeat the account's current balance on every row: that is not a running balance. A running balance
  // stays the same only across rows that move nothing, so the figure is a repeat when a later row moves money.
  const repeated =
    rows.length > 1 &&
    rows.every((r) => r.balance === first.balance) &&
    rows.slice(1).some((r) => r.entry.amountCents !== 0);
  if (repeated)
    st.balanceCheck = {
      status: 'not-applicable',
      reason: 'the balance column repeats one figure: not a running balance',
    };
  else if (first.balance !== undefined && last.balance !== undefined) {
    // oldest or newest first: the order in which the running balance adds up wins, the dates settle a tie
    const ascendingFit = consistency(rows);
    const descendingFit = consistency(rows.slice().reverse());
    const descending =
      descendingFit > ascendingFit ||
      (descendingFit === ascendingFit && first.entry.bookingDate > last.entry.bookingDate);
    const [oldest, newest] = descending ? [last, first] : [first, last];
    st.openingBalanceCents = oldest.balance! - oldest.entry.amountCents;
    st.closingBalanceCents = newest.balance!;
    st.balanceCheck = checkBalances(st.openingBalanceCents, st.closingBalanceCents, entries);
  }
  return st;
}

/** How many consecutive rows agree with "balance = previous balance + amount" in this order. */
function consistency(rows: Array<{ entry: StatementEntry; balance?: number }>): number {
  let n = 0;
  for (let i = 1; i < rows.length; i++) {
    const prev = rows[i - 1].balance;
    const cur = rows[i].balance;
    if (prev !== undefined && cur !== undefined && prev + rows[i].entry.amountCents === cur) n++;
  }
  return n;
}
