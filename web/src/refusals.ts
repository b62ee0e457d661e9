import type { Lang } from './i18n';

/**
 * Why the API refused to letter or unletter a bank transaction (AllocationRefusedError in
 * functions/adapters/db/allocations.ts, English), in the reader's language. `refusals.test.ts` reads every reason from
 * that file and fails when one has no rule here.
 */
const amountFr = (s: string): string =>
  /^-?\d+\.\d{2}$/.test(s)
    ? new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' }).format(Number(s))
    : s;

const invoiceStatusFr: Record<string, string> = {
  open: 'ouverte',
  partially_paid: 'payée en partie',
  paid: 'payée',
  in_collection: 'au recouvrement',
  written_off: 'passée en perte',
  credited: 'soldée par un avoir',
};

const RULES: [RegExp, (g: string[]) => string][] = [
  [/^unknown transaction$/, () => 'opération inconnue'],
  [/^already matched: undo the match first$/, () => 'opération déjà lettrée : annulez d’abord le lettrage'],
  [/^matched: undo the match instead$/, () => 'opération lettrée : annulez plutôt le lettrage'],
  [
    /^returned by the bank \(impayé \/ rejet\): it pays nothing$/,
    () => 'paiement rejeté par la banque (impayé / rejet) : il ne règle rien',
  ],
  [/^a debit pays no invoice$/, () => 'un débit ne règle aucune facture'],
  [
    /^allocations \((.*)\) exceed the credit \((.*)\)$/,
    (g) => `les montants lettrés (${amountFr(g[1])}) dépassent le crédit (${amountFr(g[2])})`,
  ],
  [/^unknown invoice (.*)$/, (g) => `facture ${g[1]} inconnue`],
  [/^invoice (.*) is (\w+)$/, (g) => `la facture ${g[1]} est ${invoiceStatusFr[g[2]] ?? g[2]}`],
  [
    /^invoice (.*) has only (.*) open, (.*) asked$/,
    (g) => `la facture ${g[1]} ne doit plus que ${amountFr(g[2])}, ${amountFr(g[3])} demandés`,
  ],
  [/^nothing is allocated from this transaction$/, () => 'rien n’est lettré sur cette opération'],
  [/^no suggestion #(.*)$/, (g) => `pas de proposition n° ${g[1]}`],
];

/** A refusal in the reader's language; English is the API's own wording, and a reason no rule knows is kept as is. */
export function translateRefusal(reason: string, lang: Lang): string {
  if (lang === 'en') return reason;
  for (const [re, fr] of RULES) {
    const g = re.exec(reason);
    if (g) return fr(g);
  }
  return reason;
}

/** Whether a rule knows this refusal. */
export function knowsRefusal(reason: string): boolean {
  return RULES.some(([re]) => re.test(reason));
}
