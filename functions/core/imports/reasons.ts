import { invoiceStatusName } from '../messages/format';
import { type Rule, rewrite } from '../messages/rules';

/**
 * The import refusals in French. Parsers and the plan word their reasons in English (field first, as the API's 400s
 * do); this turns each of those fixed formats into French for the per-row report ("rapport d'import").
 */
export const importReasonRules: Rule[] = [
  [/^(\w+): empty$/, (f) => `${f} : vide`],
  [/^(\w+): longer than (\d+) characters$/, (f, n) => `${f} : plus de ${n} caractères`],
  [/^amount: not an amount \("(.*)"\)$/s, (v) => `amount : montant illisible (« ${v} »)`],
  [/^amount: more than 100,000,000,000.00$/, () => 'amount : plus de 100 000 000 000,00 (montant irréaliste)'],
  [
    /^(\w+(?: or \w+)?): control characters \(CR, LF, tab...\) are not allowed$/,
    (f) => `${f} : caractères de contrôle interdits (retour à la ligne, tabulation…)`,
  ],
  [
    /^(\w+(?: or \w+)?): invisible or unassigned characters are not allowed$/,
    (f) => `${f} : caractères invisibles interdits`,
  ],
  [/^(\w+(?: or \w+)?): only the ordinary space is allowed$/, (f) => `${f} : seule l’espace ordinaire est permise`],
  [
    /^(\w+(?: or \w+)?): leading or trailing spaces are not allowed$/,
    (f) => `${f} : espaces interdites en début et en fin`,
  ],
  [
    /^amount: must be positive .*$/,
    () => 'amount : le montant doit être positif (un avoir s’enregistre sur la facture qu’il annule)',
  ],
  [/^currency: not an ISO 4217 code \("(.*)"\)$/s, (v) => `currency : pas un code ISO 4217 (« ${v} »)`],
  [/^(\w+): not a date YYYY-MM-DD \("(.*)"\)$/s, (f, v) => `${f} : pas une date AAAA-MM-JJ (« ${v} »)`],
  [/^due_date: before issue_date$/, () => 'due_date : antérieure à issue_date'],
  [/^customer_iban: not a valid IBAN$/, () => 'customer_iban : IBAN invalide'],
  [
    /^invoice_id: duplicate of line (\d+) with different values$/,
    (n) => `invoice_id : déjà présente ligne ${n} avec d’autres valeurs`,
  ],
  [/^PieceRef: empty \(and no EcritureNum\)$/, () => 'PieceRef : vide (et pas d’EcritureNum)'],
  [/^PieceRef or CompAuxNum: longer than 64 characters$/, () => 'PieceRef ou CompAuxNum : plus de 64 caractères'],
  [
    /^line (\d+): PieceDate\/EcritureDate not a date AAAAMMJJ$/,
    (n) => `ligne ${n} : PieceDate/EcritureDate n’est pas une date AAAAMMJJ`,
  ],
  [/^line (\d+): Idevise not an ISO 4217 code$/, (n) => `ligne ${n} : Idevise n’est pas un code ISO 4217`],
  [
    /^line (\d+): Debit\/Credit\/Montantdevise not an amount \("(.*)"\)$/s,
    (n, v) => `ligne ${n} : Debit/Credit/Montantdevise illisible (« ${v} »)`,
  ],
  [/^customer_iban: already the IBAN of customer (.*)$/s, (c) => `customer_iban : déjà l’IBAN du client ${c}`],
  [
    /^customer (.*): no e-mail contact, its reminders will be call tasks$/s,
    (c) => `client ${c} : aucun contact e-mail, ses relances seront des appels à passer`,
  ],
  [/^balanced piece: .*$/, () => 'pièce soldée : rien à encaisser (non lettrée, mais débit égal au crédit)'],
  [/^net credit balance: .*$/, () => 'solde créditeur : règlement non lettré ou avoir, pas une créance'],
  [
    /^customer_id: invoice already recorded for customer (.*)$/s,
    (c) => `customer_id : facture déjà enregistrée pour le client ${c}`,
  ],
  [/^currency: invoice already recorded in (\w+)$/, (c) => `currency : facture déjà enregistrée en ${c}`],
  [
    /^invoice is (.+): an import does not change it$/,
    (s) => `facture ${invoiceStatusName(s, 'fr')} : un import ne la modifie pas`,
  ],
  [
    /^amount: (\d+) cents is not above what was already collected \((\d+) cents\)$/,
    (a, b) => `amount : ${a} centimes ne dépasse pas ce qui est déjà encaissé (${b} centimes)`,
  ],
  [
    /^changed by someone else during the import: import again$/,
    () => 'modifiée par ailleurs pendant l’import : relancez l’import',
  ],
  // a file that cannot be read at all
  [/^empty file: expected a header line$/, () => 'fichier vide : une ligne d’en-tête est attendue'],
  [
    /^empty file: expected the FEC header line \(JournalCode\.\.\.Idevise\)$/,
    () => 'fichier vide : la ligne d’en-tête du FEC est attendue (JournalCode…Idevise)',
  ],
  [
    /^missing column\(s\): (.+) \(expected header (.+)\)$/,
    (columns, header) => `colonne(s) manquante(s) : ${columns} (en-tête attendu : ${header})`,
  ],
  [
    /^not a FEC: missing column\(s\) (.+) \(tab- or pipe-separated, 18 columns JournalCode\.\.Idevise\)$/,
    (columns) =>
      `pas un FEC : colonne(s) manquante(s) ${columns} (séparateur tabulation ou barre verticale, 18 colonnes ` +
      'JournalCode…Idevise)',
  ],
];

/** The French wording of an import refusal (several FEC line problems are joined with '; '). */
export function reasonInFrench(reason: string): string {
  return reason
    .split('; ')
    .map((part) => rewrite(importReasonRules, part) ?? part)
    .join(' ; ');
}
