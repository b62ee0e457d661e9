/**
 * Text normalization for matching: bank texts are upper case, accent-free, truncated and reformatted at will,
 * so everything is compared in one folded form (A-Z, 0-9, single spaces).
 */

const NON_ALNUM = /[^A-Z0-9]+/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range, NUL included, on purpose
const HAS_NON_ASCII = /[^\x00-\x7f]/;
const COMBINING = /[\u0300-\u036f]/g;

/** Upper case, accents removed, anything not a letter or digit turned into one space, trimmed. */
export function foldText(s: string): string {
  let u = s.toUpperCase();
  if (HAS_NON_ASCII.test(u)) u = u.normalize('NFD').replace(COMBINING, '').replace(/Œ/g, 'OE').replace(/Æ/g, 'AE');
  return u.replace(NON_ALNUM, ' ').trim();
}

export function tokens(s: string): string[] {
  const f = foldText(s);
  return f === '' ? [] : f.split(' ');
}

/** The comparison key of an invoice number: letters and digits only, upper case ("FA-2024/123" -> "FA2024123"). */
export function referenceKey(invoiceId: string): string {
  // ASCII (nearly every invoice number): the same key without folding accents, splitting and joining
  if (!HAS_NON_ASCII.test(invoiceId)) return invoiceId.replace(ASCII_NON_ALNUM, '').toUpperCase();
  return foldText(invoiceId).replace(/ /g, '');
}
const ASCII_NON_ALNUM = /[^A-Za-z0-9]+/g;

/**
 * The same key with its leading letters dropped ("F202400123" -> "202400123"), or undefined when nothing sensible is
 * left.
 */
export function referenceKeyWithoutPrefix(key: string): string | undefined {
  const m = /^[A-Z]+(?=\d)/.exec(key);
  if (!m) return undefined;
  const rest = key.slice(m[0].length);
  return rest.length >= 5 ? rest : undefined;
}

/** Words that introduce a reference and may be glued to it in bank texts ("FACTF2024-001", "RF18..."). */
const GLUED_PREFIX = /^(?:FACTURES?|FACT|FACTNO|FCT|FAC|INVOICE|INV|REF|REFERENCE|NO|NUM|RF\d\d)(?=[A-Z]*\d)/;
export function stripGluedPrefix(s: string): string | undefined {
  const m = GLUED_PREFIX.exec(s);
  return m && s.length - m[0].length >= 4 ? s.slice(m[0].length) : undefined;
}

/** IBAN comparison form: letters and digits, upper case. */
export function ibanKey(iban: string): string {
  return iban.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/** "FR76 …1234": enough to recognise an account in a reason without printing it whole. */
export function maskIban(iban: string): string {
  const k = ibanKey(iban);
  return k.length > 8 ? `${k.slice(0, 4)}…${k.slice(-4)}` : k;
}

/** The legal forms proper, each as one word ("STE", "ETS" or "CIE" say nothing of the form). */
const LEGAL_FORM_WORDS = [
  'SARL',
  'SAS',
  'SA',
  'SASU',
  'EURL',
  'SCI',
  'SNC',
  'SCA',
  'SCS',
  'SCOP',
  'SELARL',
  'SELAS',
  'SELAFA',
  'SELURL',
  'GIE',
  'EI',
  'EIRL',
  'SCM',
  'SCP',
  'SEM',
  'SPL',
  'GMBH',
  'BV',
  'NV',
  'SPA',
  'SRL',
  'SL',
  'INC',
  'LLC',
  'AG',
  'PLC',
];
/** The legal forms, with the spellings of one form made one ("LIMITED" is "LTD"). */
const LEGAL_FORM_CODES = new Map<string, string>([
  ...LEGAL_FORM_WORDS.map((f): [string, string] => [f, f]),
  ['LTD', 'LTD'],
  ['LIMITED', 'LTD'],
]);
/** French (and a few foreign) legal forms and business words that say nothing about who the company is. */
export const LEGAL_FORMS = new Set([
  ...LEGAL_FORM_CODES.keys(),
  'ETS',
  'ETABLISSEMENTS',
  'ETABLISSEMENT',
  'STE',
  'SOCIETE',
  'CIE',
  'ASSOCIATION',
  'ASSO',
]);
export const NAME_STOPWORDS = new Set([
  'ET',
  'DE',
  'DU',
  'DES',
  'LA',
  'LE',
  'LES',
  'L',
  'D',
  'AND',
  'THE',
  'OF',
  'AU',
  'AUX',
  'EN',
  'A',
]);

/** The legal forms a name states ("SASU Benali Alpes" -> ["SASU"]), from its folded words. */
export function legalFormsOf(words: readonly string[]): string[] {
  const out: string[] = [];
  for (const w of words) {
    const form = LEGAL_FORM_CODES.get(w);
    if (form && !out.includes(form)) out.push(form);
  }
  return out;
}

/** A legal form that may be the start of a longer one, cut by the bank ("SA" of "SAS", "SAS" of "SASU"). */
export function isCutLegalForm(word: string | undefined): boolean {
  if (word === undefined || !LEGAL_FORM_CODES.has(word)) return false;
  for (const f of LEGAL_FORM_CODES.keys()) if (f !== word && f.startsWith(word)) return true;
  return false;
}

/** The words of a company name that identify it: folded, without legal forms and stop words. */
export function nameCoreTokens(name: string): string[] {
  return tokens(name).filter((t) => !LEGAL_FORMS.has(t) && !NAME_STOPWORDS.has(t));
}
