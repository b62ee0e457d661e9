/**
 * Labelled corpus for the reconciliation engine: realistic French customers (names with legal forms, IBANs with valid
 * check digits), open invoices in three numbering schemes, and a bank statement whose every entry carries its ground
 * truth (which invoices it pays, or that it pays none). Deterministic for a seed.
 */

import { addDays } from '../../functions/core/dates';
import { structuredReference } from '../../functions/core/messages/format';
import type { Statement, StatementEntry } from '../../functions/core/model/statement';
import { formatCents } from '../../functions/core/money';

/** Factoring companies that pay invoices they bought (the debtor is the customer, the payer is the factor). */
const FACTORS = [
  'BNP PARIBAS FACTOR',
  'EUROFACTOR',
  'GE FACTOFRANCE',
  'NATIXIS FACTOR',
  'CGA FACTORING',
  'SOCIETE GENERALE FACTORING',
];

export type Category =
  | 'clean-ref'
  | 'reformatted-ref'
  | 'typo-ref'
  | 'no-ref'
  | 'multi-invoice'
  | 'partial'
  | 'bank-fees'
  | 'overpayment'
  | 'ambiguous'
  | 'non-customer'
  | 'other-customer-ref'
  | 'debit'
  | 'returned'
  | 'third-party'
  | 'new-account'
  | 'other-citation'
  | 'more-than-cited'
  | 'grouped-no-ref'
  | 'qr-code';

export interface Truth {
  index: number;
  category: Category;
  /** The allocations a careful accountant would make; empty when the entry pays no invoice. */
  allocations: { invoiceId: string; amountCents: number }[];
  /** For a returned payment: the entry index of the payment it undoes. */
  reverses?: number;
  variant?: string;
}

export interface CorpusCustomer {
  customerId: string;
  name: string;
  /** The IBAN finance knows (may be empty). */
  knownIban: string;
  /** The IBAN the customer really pays from. */
  payingIban: string;
}

export interface CorpusInvoice {
  invoiceId: string;
  customerId: string;
  amountCents: number;
  openCents: number;
  currency: string;
  issueDate: string;
  dueDate: string;
}

export interface Corpus {
  customers: CorpusCustomer[];
  invoices: CorpusInvoice[];
  statement: Statement;
  truth: Truth[];
  ownIban: string;
}

export interface CorpusOptions {
  seed?: number;
  customers?: number;
  invoices?: number;
  /** Number of statement entries (credits, debits and returns). */
  entries?: number;
  startDate?: string;
}

// ---------------------------------------------------------------- random

export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
    chance: (p: number) => next() < p,
  };
}
type Rng = ReturnType<typeof rng>;

// ---------------------------------------------------------------- names and IBANs

const ACTIVITIES = [
  'Boulangerie',
  'Garage',
  'Transports',
  'Menuiserie',
  'Cabinet',
  'Pharmacie',
  'Hôtel',
  'Restaurant',
  'Plomberie',
  'Électricité',
  'Imprimerie',
  'Atelier',
  "Bureau d'études",
  'Agence',
  'Clinique vétérinaire',
  'Librairie',
  'Fromagerie',
  'Maçonnerie',
  'Charpente',
  'Couverture',
  'Paysages',
  'Informatique',
  'Conseil',
  'Distribution',
  'Bâtiment',
  'Nettoyage',
  'Sécurité',
  'Logistique',
  'Traiteur',
  'Optique',
  'Serrurerie',
  'Carrelage',
  'Peinture',
  'Chauffage',
  'Froid industriel',
];
const FAMILY = [
  'Dupont',
  'Martin',
  'Bernard',
  'Lefèvre',
  'Moreau',
  'Laurent',
  'Garnier',
  'Rousseau',
  'Fontaine',
  'Chevalier',
  'Mercier',
  'Blanc',
  'Guérin',
  'Boyer',
  'Faure',
  'André',
  'Lemaire',
  'Girard',
  'Bonnet',
  'Dumont',
  'Lambert',
  'Fournier',
  'Roux',
  'Vincent',
  'Morel',
  'Henry',
  'Gauthier',
  'Perrin',
  'Robin',
  'Clément',
  'Masson',
  'Marchand',
  'Duval',
  'Denis',
  'Lemoine',
  'Renaud',
  'Picard',
  'Roche',
  'Barbier',
  'Arnaud',
  'Colin',
  'Brun',
  'Giraud',
  'Joly',
  'Gaillard',
  'Lucas',
  'Brunet',
  'Rey',
  'Caron',
  'Meunier',
  'Besnard',
  'Hamon',
  'Le Goff',
  'Kerjean',
  "D'Almeida",
  'Nguyen',
  'Benali',
  'Da Silva',
  'Schmitt',
  'Muller',
  'Weber',
  'Leclerc',
  'Perrot',
  'Tessier',
  'Royer',
  'Hubert',
  'Carpentier',
  'Bailly',
  'Collet',
  'Aubert',
];
const SUFFIXES = [
  '',
  '',
  '',
  'et Fils',
  '& Associés',
  'Frères',
  'du Centre',
  'de Provence',
  'Normandie',
  'Bretagne',
  'Atlantique',
  'Alpes',
  'Services',
  'Industrie',
  'Rhône',
  'Île-de-France',
  'Sud-Ouest',
  'Loire',
];
const LEGAL = ['SARL', 'SAS', 'SA', 'EURL', 'SASU', 'SNC', 'SCI', 'SELARL'];
const INVENTED = [
  'Altéa',
  'Novexa',
  'Brivio',
  'Klervia',
  'Solvane',
  'Ormeau',
  'Vertiga',
  'Lumios',
  'Arcadis',
  'Tessane',
  'Quartz',
  'Hélios',
  'Mistral',
  'Orion',
  'Azura',
  'Calypso',
  'Cobalt',
  'Domino',
  'Epsilon',
  'Galéo',
];
const CITIES = [
  'Lyon',
  'Nantes',
  'Lille',
  'Rennes',
  'Tours',
  'Dijon',
  'Brest',
  'Metz',
  'Caen',
  'Nice',
  'Pau',
  'Annecy',
  'Reims',
  'Angers',
  'Toulon',
  'Nîmes',
  'Limoges',
  'Amiens',
  'Poitiers',
  'Perpignan',
  'Besançon',
  'Orléans',
  'Rouen',
  'Grenoble',
];

function companyName(r: Rng): string {
  const legal = r.pick(LEGAL);
  const shape = r.int(0, 4);
  let core: string;
  if (shape === 0) core = `${r.pick(ACTIVITIES)} ${r.pick(FAMILY)}`;
  else if (shape === 1) core = `${r.pick(FAMILY)} ${r.pick(SUFFIXES)}`.trim();
  else if (shape === 2) core = `${r.pick(ACTIVITIES)} ${r.pick(FAMILY)} ${r.pick(SUFFIXES)}`.trim();
  else if (shape === 3) core = `${r.pick(INVENTED)} ${r.pick(ACTIVITIES)} ${r.pick(CITIES)}`;
  else core = `${r.pick(FAMILY)} ${r.pick(FAMILY)} ${r.pick(CITIES)}`;
  return r.chance(0.6) ? `${core} ${legal}` : `${legal} ${core}`;
}

function mod97(digits: string): number {
  let m = 0;
  for (let i = 0; i < digits.length; i++) m = (m * 10 + (digits.charCodeAt(i) - 48)) % 97;
  return m;
}

/** A French IBAN with a valid RIB key and valid ISO 13616 check digits. */
export function frenchIban(r: Rng): string {
  const digits = (n: number) => Array.from({ length: n }, () => r.int(0, 9)).join('');
  const bank = digits(5);
  const branch = digits(5);
  const account = digits(11);
  const ribKey = String(97 - mod97(`${bank}${branch}${account}00`)).padStart(2, '0');
  const bban = `${bank}${branch}${account}${ribKey}`;
  const check = String(98 - mod97(`${bban}152700`)).padStart(2, '0');
  return `FR${check}${bban}`;
}

// ---------------------------------------------------------------- how payers write things

const upperFold = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase();

/** The payer name as the bank prints it: upper case, legal form moved or dropped, words swapped, cut. */
function payerName(r: Rng, name: string): { text: string; variant: string } {
  const words = upperFold(name)
    .replace(/[&']/g, (c) => (c === '&' ? '&' : ' '))
    .split(/\s+/);
  const legalAt = words.findIndex((w) => LEGAL.includes(w));
  let ws = [...words];
  let variant = 'as-is';
  const roll = r.next();
  if (roll < 0.25 && legalAt >= 0) {
    const [legal] = ws.splice(legalAt, 1);
    ws = legalAt === 0 ? [...ws, legal] : [legal, ...ws];
    variant = 'legal-form-moved';
  } else if (roll < 0.45 && legalAt >= 0) {
    ws.splice(legalAt, 1);
    variant = 'legal-form-dropped';
  } else if (roll < 0.55) {
    const core = ws.filter((w) => !LEGAL.includes(w));
    if (core.length >= 2) {
      ws = [core[1], core[0], ...core.slice(2)];
      variant = 'words-swapped';
    }
  }
  let text = ws.join(' ');
  if (r.chance(0.35) && text.length > 20) {
    text = text.slice(0, r.int(18, Math.min(35, text.length - 1))).trimEnd();
    variant += '+truncated';
  }
  return { text, variant };
}

/** An invoice number reformatted the way payers retype it. */
function reformat(r: Rng, id: string): { text: string; variant: string } {
  const m = /^([A-Z]*)[-]?(\d{4})[-/]?(\d+)$/.exec(id);
  const prefix = m?.[1] ?? '';
  const year = m?.[2] ?? '';
  const seq = m?.[3] ?? id;
  const options: { text: string; variant: string }[] = [
    { text: id.toLowerCase(), variant: 'lower-case' },
    { text: `${prefix} ${year} ${seq}`.trim(), variant: 'spaces' },
    { text: `${prefix}${year}${seq}`, variant: 'no-separators' },
    { text: `${prefix}${prefix ? '/' : ''}${year}/${seq}`, variant: 'slashes' },
    { text: `FACT N° ${id}`, variant: 'fact-no' },
    { text: `FACTURE N°${id.replace(/[-/]/g, ' ')}`, variant: 'facture-no-spaced' },
    { text: `FACT.${id.replace(/[-/]/g, '')}`, variant: 'fact-glued' },
  ];
  if (prefix)
    options.push(
      { text: `${year}-${seq}`, variant: 'prefix-dropped' },
      { text: `FACTURE ${year}${seq}`, variant: 'prefix-dropped' },
    );
  return r.pick(options);
}

/** One character wrong: substituted, dropped, doubled or two swapped. */
function typo(r: Rng, id: string): string {
  const positions = [...id].map((c, i) => (/\d/.test(c) ? i : -1)).filter((i) => i >= 0);
  const p = r.pick(positions.slice(1));
  const kind = r.int(0, 3);
  if (kind === 0) {
    let d = String(r.int(0, 9));
    while (d === id[p]) d = String(r.int(0, 9));
    return id.slice(0, p) + d + id.slice(p + 1);
  }
  if (kind === 1) return id.slice(0, p) + id.slice(p + 1);
  if (kind === 2) return id.slice(0, p) + id[p] + id.slice(p);
  const q = p + 1 < id.length && /\d/.test(id[p + 1]) && id[p + 1] !== id[p] ? p : p - 1;
  return id.slice(0, q) + id[q + 1] + id[q] + id.slice(q + 2);
}

const GENERIC_REMITTANCE = [
  'REGLEMENT',
  'PAIEMENT',
  'VIREMENT',
  'REGLEMENT FOURNISSEUR',
  'PAIEMENT FACTURE',
  'ACOMPTE',
  'VIR',
  'SOLDE COMPTE',
  '',
];

// ---------------------------------------------------------------- the corpus

export function generateCorpus(options: CorpusOptions = {}): Corpus {
  const r = rng(options.seed ?? 42);
  const customerCount = options.customers ?? 500;
  const invoiceCount = options.invoices ?? customerCount * 6;
  const entryCount = options.entries ?? 2500;
  const start = options.startDate ?? '2024-03-01';
  const ownIban = frenchIban(r);

  const names = new Set<string>();
  const customers: CorpusCustomer[] = [];
  for (let i = 0; i < customerCount; i++) {
    let name = companyName(r);
    for (let k = 0; names.has(upperFold(name)) && k < 20; k++) name = companyName(r);
    if (names.has(upperFold(name))) name = `${name} ${i}`;
    names.add(upperFold(name));
    const payingIban = frenchIban(r);
    const knownIban = r.chance(0.7) ? payingIban : '';
    customers.push({ customerId: `C${String(i + 1).padStart(6, '0')}`, name, knownIban, payingIban });
  }

  // groups: a parent company (itself a customer) that pays for two subsidiaries; factors with their own accounts
  const groups: { parent: number; subs: [number, number] }[] = [];
  for (let g = 0; g < Math.max(2, Math.round(customerCount * 0.03)); g++) {
    const parent = r.int(0, customerCount - 1);
    const a = r.int(0, customerCount - 1);
    const b = r.int(0, customerCount - 1);
    if (new Set([parent, a, b]).size === 3) groups.push({ parent, subs: [a, b] });
  }
  const factorIbans = FACTORS.map(() => frenchIban(r));

  // invoices: three numbering schemes, amounts log-uniform 50 to 20,000 euros, some round
  const invoices: CorpusInvoice[] = [];
  const seqWidth = Math.max(5, String(invoiceCount).length);
  const scheme = (n: number) => {
    const s = n % 20;
    if (s < 12) return `F2024-${String(n).padStart(seqWidth, '0')}`;
    if (s < 17) return `FA-2024/${n}`;
    return `${2024}${String(n).padStart(seqWidth, '0')}`;
  };
  const byCustomer: number[][] = customers.map(() => []);
  const amount = () => {
    const euros = Math.exp(Math.log(50) + r.next() * (Math.log(20_000) - Math.log(50)));
    if (r.chance(0.25)) return Math.max(1, Math.round(euros / 10)) * 1000;
    return Math.round(euros * 100);
  };
  for (let n = 1; n <= invoiceCount; n++) {
    const c = Math.floor(r.next() ** 1.6 * customerCount); // a few customers have many invoices
    const issue = addDays(start, -r.int(5, 120));
    const cents = amount();
    const alreadyPaid = r.chance(0.08) ? Math.round(cents * r.pick([0.3, 0.5])) : 0;
    invoices.push({
      invoiceId: scheme(n),
      customerId: customers[c].customerId,
      amountCents: cents,
      openCents: cents - alreadyPaid,
      currency: 'EUR',
      issueDate: issue,
      dueDate: addDays(issue, r.pick([30, 30, 45, 60])),
    });
    byCustomer[c].push(invoices.length - 1);
  }
  const byDue = (a: number, b: number) =>
    invoices[a].dueDate < invoices[b].dueDate
      ? -1
      : invoices[a].dueDate > invoices[b].dueDate
        ? 1
        : invoices[a].invoiceId < invoices[b].invoiceId
          ? -1
          : 1;
  for (const list of byCustomer) list.sort(byDue);

  // ambiguity needs pairs: some customers get a second invoice of an amount they already owe
  const pairs: number[] = [];
  const pairCount = Math.max(2, Math.round(entryCount * 0.03));
  for (let k = 0; k < pairCount * 2 && pairs.length < pairCount; k++) {
    const c = r.int(0, customerCount - 1);
    const list = byCustomer[c];
    if (list.length === 0) continue;
    const first = list[0];
    const n = invoices.length + 1;
    const issue = addDays(invoices[first].issueDate, r.int(1, 20));
    invoices.push({
      invoiceId: scheme(invoiceCount + n),
      customerId: customers[c].customerId,
      amountCents: invoices[first].openCents,
      openCents: invoices[first].openCents,
      currency: 'EUR',
      issueDate: issue,
      dueDate: addDays(issue, 30),
    });
    list.push(invoices.length - 1);
    pairs.push(c);
  }
  for (const list of byCustomer) list.sort(byDue);

  const open = invoices.map((i) => i.openCents);
  const positionOf = new Map(invoices.map((x, i) => [x.invoiceId, i]));
  const entries: StatementEntry[] = [];
  const truth: Truth[] = [];
  const paidBy: { entry: number; customer: number }[] = [];
  const consumedBy = new Map<number, [number, number][]>();
  const usedPair = new Set<number>();

  const owedOf = (c: number) => byCustomer[c].filter((i) => open[i] > 0);
  const custIndex = new Map(customers.map((c, i) => [c.customerId, i]));
  const pickCustomerWithDebt = (min = 1): number => {
    for (let k = 0; k < 200; k++) {
      const c = r.int(0, customerCount - 1);
      if (owedOf(c).length >= min) return c;
    }
    const c = byCustomer.findIndex((l) => l.filter((i) => open[i] > 0).length >= min);
    return c;
  };
  let day = 0;

  /**
   * Paid from the EPC QR code of a reminder or of the payment page (issue 15): the banking app fills in the RF creditor
   * reference, without spaces, and the exact amount; banks pass it on as the structured reference, in the text or as
   * the
   * end-to-end id. Drawn after the month's other entries, so that those stay as they were.
   */
  const paidFromQrCode = (count: number) => {
    for (let k = 0; k < count; k++) {
      const c = pickCustomerWithDebt(1);
      if (c < 0) return;
      // not a customer of the month's deliberately ambiguous payments, nor one of two invoices of the same amount
      if (usedPair.has(c)) continue;
      const owed = owedOf(c).filter(
        (i) => !byCustomer[c].some((j) => j !== i && invoices[j].amountCents === invoices[i].amountCents),
      );
      if (owed.length === 0) continue;
      const inv = r.pick(owed);
      const id = invoices[inv].invoiceId;
      const rf = structuredReference(id)!;
      day += 30 / entryCount;
      const { e } = receipt(c, open[inv], '');
      const where = r.int(0, 2);
      if (where === 0) e.remittance.structured = [rf];
      else if (where === 1) e.remittance.unstructured = [rf];
      else e.endToEndId = rf;
      const allocations = [{ invoiceId: id, amountCents: open[inv] }];
      pay([inv], [open[inv]]);
      push(e, { category: 'qr-code', allocations, variant: ['structured', 'text', 'end-to-end'][where] });
      paidBy.push({ entry: e.index, customer: c });
    }
  };
  const dateNow = () => addDays(start, Math.floor(day));

  const entryBase = (amountCents: number): StatementEntry => ({
    index: entries.length,
    bookingDate: dateNow(),
    valueDate: dateNow(),
    amountCents,
    currency: 'EUR',
    bankCodes: [],
    bankReference: `B${String(entries.length + 1).padStart(9, '0')}`,
    label: '',
    remittance: { unstructured: [], structured: [] },
    reversal: false,
    raw: [],
  });

  const receipt = (
    c: number,
    amountCents: number,
    remittance: string,
    opts: { nameInRemittance?: boolean } = {},
  ): { e: StatementEntry; variant: string } => {
    const cust = customers[c];
    const payer = payerName(r, cust.name);
    const e = entryBase(amountCents);
    e.label = `VIR SEPA RECU /DE ${payer.text}`;
    e.counterpartyName = payer.text;
    const ibanRoll = r.next();
    if (ibanRoll < 0.85) e.counterpartyIban = cust.payingIban;
    else if (ibanRoll < 0.93) e.counterpartyIban = frenchIban(r);
    if (remittance) e.remittance.unstructured.push(remittance);
    if (opts.nameInRemittance) e.counterpartyName = `${payer.text} ${remittance}`.slice(0, 70);
    e.endToEndId = r.chance(0.5) ? `E2E${r.int(100000, 999999)}` : 'NOTPROVIDED';
    return { e, variant: payer.variant };
  };

  const push = (e: StatementEntry, t: Omit<Truth, 'index'>) => {
    e.index = entries.length;
    entries.push(e);
    truth.push({ index: e.index, ...t });
  };
  const pay = (invs: number[], amounts: number[]) => {
    for (const [k, i] of invs.entries()) open[i] -= amounts[k];
  };

  const weights: [Category, number][] = [
    ['clean-ref', 35],
    ['reformatted-ref', 20],
    ['typo-ref', 5],
    ['no-ref', 15],
    ['multi-invoice', 8],
    ['partial', 2.5],
    ['bank-fees', 2.5],
    ['overpayment', 2],
    ['ambiguous', 3],
    ['non-customer', 6],
    ['other-customer-ref', 1],
    ['third-party', 4],
    ['new-account', 2],
    ['other-citation', 3],
    ['more-than-cited', 2],
    ['grouped-no-ref', 2],
  ];
  const totalWeight = weights.reduce((s, [, w]) => s + w, 0);
  const drawCategory = (): Category => {
    let x = r.next() * totalWeight;
    for (const [c, w] of weights) if ((x -= w) < 0) return c;
    return 'clean-ref';
  };

  while (entries.length < entryCount) {
    day += 30 / entryCount;
    const roll = r.next();
    if (roll < 0.24) {
      // debits: suppliers, card, fees, taxes
      const e = entryBase(-amount());
      const kind = r.int(0, 4);
      e.label = [
        'PRLV SEPA EDF COLLECTIVITES',
        'VIR SEPA EMIS /A FOURNISSEUR METALIS',
        'CB LEROY MERLIN 12/03',
        'FRAIS TENUE DE COMPTE',
        'PRLV SEPA DGFIP TVA',
      ][kind];
      if (kind === 3) e.amountCents = -r.int(500, 5000);
      push(e, { category: 'debit', allocations: [] });
      continue;
    }
    if (roll < 0.25 && paidBy.length > 0) {
      // a returned payment: the bank takes back a credit seen earlier
      const k = r.int(0, paidBy.length - 1);
      const { entry, customer } = paidBy.splice(k, 1)[0];
      const orig = entries[entry];
      const e = entryBase(-orig.amountCents);
      e.label = r.pick(['IMPAYE VIR SEPA', 'REJET VIR SEPA', 'RETOUR VIREMENT']);
      e.counterpartyName = orig.counterpartyName;
      e.counterpartyIban = orig.counterpartyIban;
      e.remittance.unstructured.push(`MOTIF AC04 COMPTE CLOTURE ${orig.remittance.unstructured[0] ?? ''}`.trim());
      e.reversal = r.chance(0.7);
      for (const [i, cents] of consumedBy.get(entry) ?? []) open[i] += cents;
      void customer;
      push(e, { category: 'returned', allocations: [], reverses: entry });
      continue;
    }
    const cat = drawCategory();
    if (cat === 'non-customer') {
      const e = entryBase(r.int(2000, 900000));
      const kind = r.int(0, 4);
      if (kind === 0) {
        e.label = 'VIR SEPA RECU /DE DGFIP';
        e.counterpartyName = 'DRFIP ILE DE FRANCE';
        e.remittance.unstructured.push('REMBOURSEMENT CREDIT TVA 2023');
      } else if (kind === 1) {
        e.label = 'INTERETS CREDITEURS';
        e.amountCents = r.int(100, 20000);
      } else if (kind === 2) {
        e.label = 'VIR SEPA RECU /DE AXA FRANCE IARD';
        e.counterpartyName = 'AXA FRANCE IARD';
        e.remittance.unstructured.push(`INDEMNISATION SINISTRE ${r.int(100000, 999999)}`);
      } else if (kind === 3) {
        e.label = 'VIREMENT INTERNE';
        e.counterpartyIban = ownIban;
        e.remittance.unstructured.push('VIR DE COMPTE A COMPTE');
      } else {
        e.label = 'VIR SEPA RECU /DE URSSAF';
        e.counterpartyName = 'URSSAF RHONE ALPES';
        e.remittance.unstructured.push('REMBOURSEMENT TROP PERCU');
      }
      push(e, {
        category: 'non-customer',
        allocations: [],
        variant: ['tax-refund', 'interest', 'insurance', 'own-account', 'public-body'][kind],
      });
      continue;
    }
    if (cat === 'ambiguous') {
      const c = pairs.find(
        (p) => !usedPair.has(p) && owedOf(p).some((i, _k, l) => l.filter((j) => open[j] === open[i]).length >= 2),
      );
      if (c === undefined) continue;
      usedPair.add(c);
      const owed = owedOf(c);
      const target = owed.find((i) => owed.filter((j) => open[j] === open[i]).length >= 2)!;
      const { e, variant } = receipt(c, open[target], r.pick(GENERIC_REMITTANCE));
      consumedBy.set(entries.length, [[target, open[target]]]);
      pay([target], [open[target]]);
      push(e, {
        category: 'ambiguous',
        allocations: [{ invoiceId: invoices[target].invoiceId, amountCents: e.amountCents }],
        variant,
      });
      paidBy.push({ entry: e.index, customer: c });
      continue;
    }
    const c = pickCustomerWithDebt(cat === 'multi-invoice' ? 2 : 1);
    if (c < 0) break;
    const owed = owedOf(c);
    const oldest = owed[0];
    const inv = r.chance(0.7) ? oldest : r.pick(owed);
    const id = invoices[inv].invoiceId;
    let built: { e: StatementEntry; variant: string };
    let allocations: Truth['allocations'];
    let variant = '';
    switch (cat) {
      case 'clean-ref': {
        const text = r.pick([id, `FACTURE ${id}`, `REGLEMENT ${id}`, `${id} ${r.pick(['MERCI', 'SOLDE', ''])}`.trim()]);
        built = receipt(c, open[inv], text);
        if (r.chance(0.1)) built.e.remittance = { unstructured: [], structured: [id] };
        allocations = [{ invoiceId: id, amountCents: open[inv] }];
        break;
      }
      case 'reformatted-ref': {
        const f = reformat(r, id);
        const inName = r.chance(0.12);
        built = receipt(c, open[inv], inName ? f.text : `${r.pick(['', 'REGLT ', 'PAIEMENT '])}${f.text}`, {
          nameInRemittance: inName,
        });
        if (inName) built.e.remittance.unstructured = [];
        variant = inName ? `${f.variant}+in-payer-name` : f.variant;
        allocations = [{ invoiceId: id, amountCents: open[inv] }];
        break;
      }
      case 'typo-ref': {
        built = receipt(c, open[inv], r.pick(['', 'FACTURE ']) + typo(r, id));
        allocations = [{ invoiceId: id, amountCents: open[inv] }];
        break;
      }
      case 'no-ref': {
        // the amount must not be shared with another open invoice of the customer (that is the ambiguous case)
        if (owed.filter((j) => open[j] === open[inv]).length > 1) continue;
        built = receipt(c, open[inv], r.pick(GENERIC_REMITTANCE));
        allocations = [{ invoiceId: id, amountCents: open[inv] }];
        break;
      }
      case 'multi-invoice': {
        const k = Math.min(owed.length, r.int(2, 4));
        const chosen = owed.slice(0, k);
        const total = chosen.reduce((s, i) => s + open[i], 0);
        const withRefs = r.chance(0.55);
        const text = withRefs
          ? `${r.pick(['FACTURES ', 'FACT ', ''])}` +
            `${chosen.map((i) => invoices[i].invoiceId).join(r.pick([' ', ', ', ' + ', '/']))}`
          : r.pick(GENERIC_REMITTANCE);
        built = receipt(c, total, text.slice(0, 140));
        allocations = chosen.map((i) => ({ invoiceId: invoices[i].invoiceId, amountCents: open[i] }));
        variant = withRefs ? `${k}-with-refs` : `${k}-no-ref`;
        break;
      }
      case 'partial': {
        if (open[inv] < 20000) continue;
        const part = Math.round(open[inv] * r.pick([0.3, 0.4, 0.5])) - r.int(0, 99);
        built = receipt(c, part, `${r.pick(['ACOMPTE ', 'ECHEANCE 1/3 ', 'PAIEMENT PARTIEL '])}${id}`);
        allocations = [{ invoiceId: id, amountCents: part }];
        break;
      }
      case 'bank-fees': {
        const fee = r.int(100, 1500);
        if (open[inv] <= fee * 3) continue;
        const withRef = r.chance(0.8);
        built = receipt(c, open[inv] - fee, withRef ? id : r.pick(GENERIC_REMITTANCE));
        allocations = [{ invoiceId: id, amountCents: open[inv] - fee }];
        variant = withRef ? 'with-ref' : 'no-ref';
        break;
      }
      case 'overpayment': {
        const extra = r.int(1, 5000);
        built = receipt(c, open[inv] + extra, `FACTURE ${id}`);
        allocations = [{ invoiceId: id, amountCents: open[inv] }];
        break;
      }
      case 'other-customer-ref': {
        // pays with the number of an invoice of someone else, for an amount that is not that invoice's
        const other = invoices.findIndex((x, j) => open[j] > 0 && custIndex.get(x.customerId) !== c && r.chance(0.01));
        if (other < 0) continue;
        const amt = Math.max(1000, open[other] + r.pick([-1, 1]) * r.int(5000, 50000));
        if (owed.some((j) => Math.abs(open[j] - amt) <= 1500)) continue;
        built = receipt(c, amt, `FACTURE ${invoices[other].invoiceId}`);
        built.e.counterpartyIban = customers[c].payingIban;
        allocations = [];
        break;
      }
      case 'third-party': {
        const kind = r.pick(['factor', 'factor', 'parent', 'parent', 'group-two-subsidiaries'] as const);
        if (kind === 'factor') {
          const f = r.int(0, FACTORS.length - 1);
          const e = entryBase(open[inv]);
          e.label = `VIR SEPA RECU /DE ${FACTORS[f]}`;
          e.counterpartyName = FACTORS[f];
          e.counterpartyIban = factorIbans[f];
          e.remittance.unstructured.push(
            `${r.pick(['FACT ', 'FACTURE ', 'REF ', ''])}${id}` +
              `${r.chance(0.5) ? ` DEBITEUR ${upperFold(customers[c].name).slice(0, 24)}` : ''}`,
          );
          built = { e, variant: '' };
          allocations = [{ invoiceId: id, amountCents: open[inv] }];
        } else {
          const g =
            groups.find((x) => x.subs.every((sub) => owedOf(sub).length > 0) && r.chance(0.3)) ??
            groups.find((x) => x.subs.every((sub) => owedOf(sub).length > 0));
          if (!g) continue;
          const paid = kind === 'parent' ? [owedOf(g.subs[0])[0]] : g.subs.map((sub) => owedOf(sub)[0]);
          const total = paid.reduce((sum, i) => sum + open[i], 0);
          const parent = customers[g.parent];
          const payer = payerName(r, parent.name);
          const e = entryBase(total);
          e.label = `VIR SEPA RECU /DE ${payer.text}`;
          e.counterpartyName = payer.text;
          e.counterpartyIban = parent.payingIban;
          e.remittance.unstructured.push(
            `${r.pick(['FACTURES ', 'FACT ', 'REGLEMENT '])}` +
              `${paid.map((i) => invoices[i].invoiceId).join(r.pick([' ', ', ', ' + ']))}`,
          );
          built = { e, variant: payer.variant };
          allocations = paid.map((i) => ({ invoiceId: invoices[i].invoiceId, amountCents: open[i] }));
        }
        variant = kind;
        break;
      }
      case 'new-account': {
        // a new bank account, unknown to finance, under a variant of the name (a trade or short name), no reference
        if (owed.filter((j) => open[j] === open[inv]).length > 1) continue;
        const core = upperFold(customers[c].name)
          .split(/\s+/)
          .filter((w) => !LEGAL.includes(w) && w.length > 1);
        const v = r.int(0, 2);
        const name =
          v === 0
            ? `ETS ${core.join(' ')}`
            : v === 1 && core.length >= 3
              ? core.slice(0, 2).join(' ')
              : `${core.join(' ')} ${r.pick(LEGAL)}`;
        const e = entryBase(open[inv]);
        e.label = `VIR SEPA RECU /DE ${name}`;
        e.counterpartyName = name;
        e.counterpartyIban = frenchIban(r);
        const text = r.pick(GENERIC_REMITTANCE);
        if (text) e.remittance.unstructured.push(text);
        built = { e, variant: ['ets-prefix', 'short-name', 'other-legal-form'][v === 1 && core.length < 3 ? 2 : v] };
        allocations = [{ invoiceId: id, amountCents: open[inv] }];
        break;
      }
      case 'other-citation': {
        // the number without its zero padding, or as an ISO 11649 creditor reference (RF), printed or spaced by four
        const m = /^([A-Z]*)-?(\d{4})([-/]?)0+(\d+)$/.exec(id);
        const rf = structuredReference(id)!;
        const forms = [
          ...(m
            ? [
                { text: `${m[1]}${m[1] ? ' ' : ''}${m[2]} ${m[4]}`, variant: 'unpadded-spaced' },
                { text: `${m[1]}${m[1] ? '-' : ''}${m[2]}-${m[4]}`, variant: 'unpadded' },
              ]
            : []),
          { text: rf, variant: 'rf' },
          { text: rf.replace(/(.{4})(?=.)/g, '$1 '), variant: 'rf-by-four' },
        ];
        const f = r.pick(forms);
        built = receipt(c, open[inv], `${r.pick(['', 'REF ', 'FACTURE '])}${f.text}`);
        if (f.variant === 'rf' && r.chance(0.5)) built.e.remittance = { unstructured: [], structured: [rf] };
        variant = f.variant;
        allocations = [{ invoiceId: id, amountCents: open[inv] }];
        break;
      }
      case 'more-than-cited': {
        // pays the cited invoice and another one of the same customer, citing only the first
        if (owed.length < 2) continue;
        const other = r.pick(owed.filter((j) => j !== inv));
        built = receipt(c, open[inv] + open[other], `${r.pick(['FACTURE ', 'FACT ', 'REGLEMENT '])}${id}`);
        allocations = [inv, other].map((i) => ({ invoiceId: invoices[i].invoiceId, amountCents: open[i] }));
        break;
      }
      case 'grouped-no-ref': {
        // a few open invoices, not the oldest ones in a row, paid together without a reference
        if (owed.length < 4) continue;
        const pool = owed.slice(0, 10);
        const k = r.int(2, 3);
        const picks = new Set<number>();
        while (picks.size < k) picks.add(r.int(0, pool.length - 1));
        const chosen = [...picks].sort((a, b) => a - b).map((j) => pool[j]);
        if (chosen.every((i, j) => i === pool[j])) continue; // that would be the oldest ones: multi-invoice
        built = receipt(
          c,
          chosen.reduce((sum, i) => sum + open[i], 0),
          r.pick(GENERIC_REMITTANCE),
        );
        allocations = chosen.map((i) => ({ invoiceId: invoices[i].invoiceId, amountCents: open[i] }));
        variant = `${k}-invoices`;
        break;
      }
      default:
        continue;
    }
    const { e } = built;
    const consumed: [number, number][] = allocations.map((a) => [positionOf.get(a.invoiceId)!, a.amountCents]);
    if (cat === 'bank-fees') consumed[0][1] = open[consumed[0][0]]; // the fee is written off: the invoice is settled
    consumedBy.set(entries.length, consumed);
    pay(
      consumed.map((x) => x[0]),
      consumed.map((x) => x[1]),
    );
    push(e, { category: cat, allocations, variant: [variant, built.variant].filter(Boolean).join(' ') });
    if (allocations.length > 0) paidBy.push({ entry: e.index, customer: c });
  }
  paidFromQrCode(Math.round(entryCount * 0.03));

  const statement: Statement = {
    format: 'camt053',
    account: { iban: ownIban, bic: 'BNPAFRPPXXX' },
    currency: 'EUR',
    statementId: `STMT-${start}`,
    periodStart: start,
    periodEnd: entries.length ? entries[entries.length - 1].bookingDate : start,
    openingBalanceCents: 1_000_000,
    closingBalanceCents: 1_000_000 + entries.reduce((s, e) => s + e.amountCents, 0),
    entries,
    balanceCheck: { status: 'ok' },
  };
  return { customers, invoices, statement, truth, ownIban };
}

/** The invoices file of `recon match`. */
export function invoicesCsv(corpus: Pick<Corpus, 'customers' | 'invoices'>): string {
  const byId = new Map(corpus.customers.map((c) => [c.customerId, c]));
  const lines = ['invoice_id,customer_id,customer_name,customer_iban,amount,currency,issue_date,due_date'];
  for (const inv of corpus.invoices) {
    const c = byId.get(inv.customerId)!;
    const name = /[",]/.test(c.name) ? `"${c.name.replace(/"/g, '""')}"` : c.name;
    lines.push(
      [
        inv.invoiceId,
        inv.customerId,
        name,
        c.knownIban,
        formatCents(inv.openCents),
        inv.currency,
        inv.issueDate,
        inv.dueDate,
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}
