import type { Lang } from './i18n';

/**
 * The matcher's reasons (English sentences built in functions/core/matching) in the reader's language. The matcher
 * composes them from templates ("amount: {0} equals what is owed", "rejected: {reason}"); each rule below reads one
 * template back and rewrites it, translating the nested reason when a template carries one. English is the matcher's
 * own wording. A reason no rule knows is returned as is and marked `known: false`.
 * `reasons.test.ts` collects every template from the matcher's source and fails when one has no rule.
 */
export type Translated = { text: string; known: boolean };
type Fr = (g: string[], sub: (s: string) => string) => string;

/** An amount as the API writes it ("1234.50") in French ("1 234,50 €"); anything else as is. */
export const amountFr = (s: string): string =>
  /^-?\d+\.\d{2}$/.test(s)
    ? new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' }).format(Number(s))
    : s;

/** What a credit looks like when it is no customer receipt (classify.ts). */
const nonCustomer: Record<string, string> = {
  'tax refund': 'un remboursement d’impôt',
  'public body or grant': 'un organisme public ou une subvention',
  'bank interest': 'des intérêts bancaires',
  insurance: 'une assurance',
  'own-account transfer': 'un virement entre nos comptes',
  'card or supplier credit': 'une remise carte ou un avoir fournisseur',
};
/** Words the matcher uses alone, or as the detail of a payer-name match. */
const words: Record<string, string> = {
  'same name': 'même nom',
  'same name, words reordered': 'même nom, mots dans un autre ordre',
  'similar name': 'nom proche',
  'payer name truncated': 'nom du payeur tronqué',
  'same words, another legal form': 'mêmes mots, autre forme juridique',
  'same payer account': 'même compte payeur',
  'same payer name': 'même nom de payeur',
  'unknown customer': 'client inconnu',
  'zero amount': 'montant nul',
  'debit: not a customer receipt': 'débit : pas un encaissement client',
  'credit from one of our own accounts: internal transfer': 'crédit venant d’un de nos comptes : virement interne',
  'no invoice reference and no known customer': 'aucune référence de facture et aucun client connu',
  'no open invoice fits this payment': 'aucune facture ouverte ne correspond à ce paiement',
  'ambiguous: several open invoices fit equally well': 'ambigu : plusieurs factures ouvertes conviennent aussi bien',
  'not certain enough to apply automatically': 'pas assez sûr pour être lettré automatiquement',
  'returned payment (impayé / rejet): what it paid must be reopened and finance alerted':
    'paiement retourné (impayé / rejet) : ce qu’il avait réglé doit être rouvert et la finance prévenue',
  'original payment not lettered: nothing reopened, and it must not be lettered':
    'paiement d’origine non lettré : rien n’est rouvert, et il ne doit pas être lettré',
  'original payment not found: look it up by amount and payer':
    'paiement d’origine introuvable : le rechercher par montant et payeur',
  'the rest equals other open invoices of the customer': 'le reste égale d’autres factures ouvertes du client',
  'the text names other open invoices of the customer, which this leaves unpaid':
    'le libellé cite d’autres factures ouvertes du client, que ce lettrage laisse impayées',
  'the rest is not named and the payer looks like another customer':
    'le reste n’est pas cité et le payeur ressemble à un autre client',
  'another invoice is named in the text': 'une autre facture est citée dans le libellé',
  'the text names an invoice of another customer': 'le libellé cite une facture d’un autre client',
  'the text names an invoice already settled': 'le libellé cite une facture déjà réglée',
  'the text names an invoice of the customer already settled': 'le libellé cite une facture du client déjà réglée',
  'an invoice named exactly fits': 'une facture citée exactement convient',
  'the text names more invoices, which the amount pays together':
    'le libellé cite d’autres factures, que le montant règle ensemble',
  'amount: equals some of them exactly': 'montant : égal exactement à certaines d’entre elles',
  'date: paid on the due date': 'date : payé le jour de l’échéance',
  'the RF creditor reference fails its check digits': 'la référence créancier RF a une clé de contrôle fausse',
  'the RF creditor reference of the text fails its check digits':
    'la référence créancier RF du libellé a une clé de contrôle fausse',
  'an RF creditor reference with an amount that differs': 'une référence créancier RF, mais un montant différent',
};
/** A customer's name as the matcher prints it, perhaps "ALIAS (known alias of Name)". */
const nameFr = (s: string): string => {
  const alias = /^(.*) \(known alias of (.*)\)$/.exec(s);
  return alias ? `${alias[1]} (alias connu de ${alias[2]})` : (words[s] ?? s);
};

const rules: [RegExp, Fr][] = [
  [/^rejected: (.*)$/s, (g, sub) => `écartée : ${sub(g[1])}`],
  [/^capped: (.*)$/s, (g, sub) => `confiance plafonnée : ${sub(g[1])}`],
  [/^customer: payer not recognised as (.*)$/s, (g) => `client : payeur non reconnu comme ${nameFr(g[1])}`],
  [/^customer: (.*)$/s, (g, sub) => `client : ${sub(g[1])}`],
  [/^candidate: (.*)$/s, (g, sub) => `candidat : ${sub(g[1])}`],
  [/^payer IBAN (.*) is known for (.*)$/s, (g) => `l’IBAN du payeur ${g[1]} est connu pour ${nameFr(g[2])}`],
  [
    /^payer name "(.*)" ~ (.*) \(([^()]*)\)$/s,
    (g) => `nom du payeur « ${g[1]} » ≈ ${nameFr(g[2])} (${words[g[3]] ?? g[3]})`,
  ],
  [
    /^part of customer name (.*) in the transaction text$/s,
    (g) => `une partie du nom du client ${nameFr(g[1])} figure dans le libellé`,
  ],
  [/^customer name (.*) in the transaction text$/s, (g) => `le nom du client ${nameFr(g[1])} figure dans le libellé`],
  [/^payer looks like (.*), not (.*)$/s, (g) => `le payeur ressemble à ${nameFr(g[1])}, pas à ${nameFr(g[2])}`],
  [
    /^not a customer receipt: looks like a (.*)$/s,
    (g) => `pas un encaissement client : ressemble à ${nonCustomer[g[1]] ?? g[1]}`,
  ],
  [/^looks like a (.*)$/s, (g) => `ressemble à ${nonCustomer[g[1]] ?? g[1]}`],
  [
    /^reference: (.*) invoices of (.*) customers named in the transaction text \(one payer for several companies\)$/s,
    (g) => `référence : ${g[1]} factures de ${g[2]} clients citées dans le libellé (un payeur pour plusieurs sociétés)`,
  ],
  [
    /^reference: (.*) invoices of (.*) named in the transaction text$/s,
    (g) => `référence : ${g[1]} factures de ${nameFr(g[2])} citées dans le libellé`,
  ],
  [/^reference: "(.*)" read as (.*)$/s, (g) => `référence : « ${g[1]} » lue comme ${g[2]}`],
  [
    /^reference: "(.*)" is one character away from (.*)$/s,
    (g) => `référence : « ${g[1]} » à un caractère près de ${g[2]}`,
  ],
  [/^reference: (.*) in the transaction text$/s, (g) => `référence : ${g[1]} dans le libellé`],
  [
    /^reference (.*) found but that invoice is already settled: possible duplicate payment$/s,
    (g) => `référence ${g[1]} trouvée mais cette facture est déjà réglée : paiement en double possible`,
  ],
  [
    /^amount: the rest, (.*), equals (.*) of the same customer, not named$/s,
    (g) => `montant : le reste, ${amountFr(g[1])}, égale ${g[2]} du même client, non citée(s)`,
  ],
  [
    /^the rest, (.*), is more than the invoices named, and the customer owes others$/s,
    (g) => `le reste, ${amountFr(g[1])}, dépasse les factures citées, et le client en doit d’autres`,
  ],
  [
    /^amount: (.*) open invoices of (.*) have this amount$/s,
    (g) => `montant : ${g[1]} factures ouvertes de ${nameFr(g[2])} ont ce montant`,
  ],
  [
    /^amount: the only open invoice of (.*) of (.*)$/s,
    (g) => `montant : la seule facture ouverte de ${amountFr(g[2])} de ${nameFr(g[1])}`,
  ],
  [
    /^amount: (.*) short of invoice (.*) \(bank fees\?\)$/s,
    (g) => `montant : ${amountFr(g[1])} de moins que la facture ${g[2]} (frais bancaires ?)`,
  ],
  [
    /^amount: equals the (.*) oldest open invoices of (.*)$/s,
    (g) => `montant : égal aux ${g[1]} plus anciennes factures ouvertes de ${nameFr(g[2])}`,
  ],
  [
    /^amount: equals the sum of (.*) open invoices of (.*)$/s,
    (g) => `montant : égal à la somme de ${g[1]} factures ouvertes de ${nameFr(g[2])}`,
  ],
  [
    /^amount: close to the sum of (.*) open invoices of (.*)$/s,
    (g) => `montant : proche de la somme de ${g[1]} factures ouvertes de ${nameFr(g[2])}`,
  ],
  [
    /^amount: less than the oldest open invoice of (.*) \(partial payment\?\)$/s,
    (g) => `montant : inférieur à la plus ancienne facture ouverte de ${nameFr(g[1])} (paiement partiel ?)`,
  ],
  [
    /^amount: an open invoice of (.*) has exactly this amount$/s,
    (g) => `montant : une facture ouverte de ${nameFr(g[1])} a exactement ce montant`,
  ],
  [/^amount: (.*) equals what is owed$/s, (g) => `montant : ${amountFr(g[1])}, égal au dû`],
  [
    /^amount: (.*) short of (.*) \(within the bank-fee tolerance\): write-off proposed$/s,
    (g) =>
      `montant : ${amountFr(g[1])} de moins que ${amountFr(g[2])} (dans la tolérance de frais bancaires) : passage ` +
      `en perte proposé`,
  ],
  [/^amount: partial payment, (.*) still owed$/s, (g) => `montant : paiement partiel, ${amountFr(g[1])} encore dus`],
  [
    /^amount: overpaid by (.*), kept as customer credit$/s,
    (g) => `montant : trop-perçu de ${amountFr(g[1])}, gardé en avoir client`,
  ],
  [
    /^date: paid (.*) days before invoice (.*) was issued$/s,
    (g) => `date : payé ${g[1]} jours avant l’émission de la facture ${g[2]}`,
  ],
  [/^date: paid (.*) days after the due date$/s, (g) => `date : payé ${g[1]} jours après l’échéance`],
  [/^date: paid (.*) days before the due date$/s, (g) => `date : payé ${g[1]} jours avant l’échéance`],
  [
    /^the text names (.*), which is not an open invoice, and the payer is not a known customer$/s,
    (g) => `le libellé cite ${g[1]}, qui n’est pas une facture ouverte, et le payeur n’est pas un client connu`,
  ],
  [
    /^the text names (.*), which is not an open invoice$/s,
    (g) => `le libellé cite ${g[1]}, qui n’est pas une facture ouverte`,
  ],
  [
    /^ambiguous: (.*) payments could be the one returned; nothing reopened, a person must choose$/s,
    (g) =>
      `ambigu : ${g[1]} paiements peuvent être celui qui est retourné ; rien n’est rouvert, une personne doit choisir`,
  ],
  [
    /^transaction (.*) of (.*), (.*) lettered to (.*) \((.*)\)$/s,
    (g, sub) => `transaction ${g[1]} du ${g[2]}, ${amountFr(g[3])} lettrée à ${g[4]} (${evidence(g[5], sub)})`,
  ],
  [
    /^reverses transaction (.*?) of (.*?)( \(this run\))?: (.*)$/s,
    (g, sub) => `annule la transaction ${g[1]} du ${g[2]}${g[3] ? ' (même traitement)' : ''} : ${evidence(g[4], sub)}`,
  ],
  [
    /^ambiguous: it names only its payer, who also paid (.*) \(not lettered\); nothing reopened/s,
    (g) =>
      `ambigu : il ne cite que son payeur, qui a aussi versé ${g[1].replace(/ of /g, ' du ')} (non lettrés) ; rien ` +
      `n’est rouvert, une personne doit choisir`,
  ],
  [/^quotes its text "(.*)"$/s, (g) => `reprend son libellé « ${g[1]} »`],
  [
    /^given back by transaction (.*) of (.*) \(impayé \/ rejet\): it pays nothing and must not be lettered$/s,
    (g) => `rendu par la transaction ${g[1]} du ${g[2]} (impayé / rejet) : il ne règle rien et ne doit pas être lettré`,
  ],
  [
    /^transaction (.*) of (.*), (.*), not lettered$/s,
    (g) => `transaction ${g[1]} du ${g[2]}, ${amountFr(g[3])}, non lettrée`,
  ],
  [/^names invoice (.*)$/s, (g) => `cite la facture ${g[1]}`],
  [/^end-to-end id (.*)$/s, (g) => `identifiant de bout en bout ${g[1]}`],
  [/^bank reference (.*)$/s, (g) => `référence bancaire ${g[1]}`],
  [/^mandate (.*)$/s, (g) => `mandat ${g[1]}`],
  [/^names (.*), which it paid$/s, (g) => `cite ${g[1]}, qu’elle réglait`],
  [/^(.*) \(known alias of (.*)\)$/s, (g) => nameFr(g[0])],
];
const evidence = (s: string, sub: (s: string) => string) => s.split('; ').map(sub).join(' ; ');

/** Whether a rule (or the word list) knows this reason; the nested parts may still be unknown. */
export function knowsReason(text: string): boolean {
  return text in words || text in nonCustomer || rules.some(([re]) => re.test(text));
}

export function translateReason(text: string, lang: Lang): Translated {
  let known = true;
  const sub = (s: string): string => {
    if (s in words) return words[s];
    if (s in nonCustomer) return nonCustomer[s];
    for (const [re, fr] of rules) {
      const g = re.exec(s);
      if (g) return fr([...g], sub);
    }
    known = false;
    return s;
  };
  const fr = sub(text);
  return { text: lang === 'fr' ? fr : text, known };
}
