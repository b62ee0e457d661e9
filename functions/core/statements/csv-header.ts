import { csvRecords, normalizeHeader, type Role, type Roles } from './csv-fields';
import type { CsvMapping } from './csv-mapping';
import { StatementParseError } from './errors';

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

export function resolveMapping(mapping: CsvMapping, header: string[] | undefined): Roles {
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
