import { type Lang, messages } from './i18n';
import { amountFr } from './reasons';

/**
 * Why the API refused an action in the current state (409 state-conflict: a match refused, AllocationRefusedError in
 * functions/adapters/db/allocations.ts; an invoice action or a statement re-run, functions/api/routes and
 * functions/adapters/db/statements.ts; English), in the reader's language. `refusals.test.ts` reads every reason from
 * those files and fails when one has no rule here.
 */
const invoiceStatusFr = messages.fr.status;
const statementStatusFr = messages.fr.statements.statusNames;

/** Cents as the API states them in a body field's terms (amountCents), in euros. */
const centsFr = (s: string): string => (/^\d+$/.test(s) ? amountFr((Number(s) / 100).toFixed(2)) : s);

/** The invoice actions the API names in "cannot …". */
const actionFr: Record<string, string> = {
  'open a dispute': 'ouvrir une contestation',
  pause: 'suspendre les relances',
  'record a payment promise': 'enregistrer une promesse de paiement',
  'restart its reminders': 'reprendre ses relances',
};

const RULES: [RegExp, (g: string[]) => string][] = [
  [/^unknown transaction$/, () => 'opération inconnue'],
  [/^already matched: undo the match first$/, () => 'opération déjà lettrée : annulez d’abord le lettrage'],
  [/^matched: undo the match instead$/, () => 'opération lettrée : annulez plutôt le lettrage'],
  [
    /^returned by the bank \(impayé \/ rejet\): it pays nothing \(if it was not returned, reject it first\)$/,
    () =>
      'paiement rendu par la banque (impayé / rejet) : il ne règle rien (s’il n’a pas été rendu, rejetez-le d’abord)',
  ],
  [/^a debit pays no invoice$/, () => 'un débit ne règle aucune facture'],
  [
    /^allocations \((.*)\) exceed the credit \((.*)\)$/,
    (g) => `les montants lettrés (${amountFr(g[1])}) dépassent le crédit (${amountFr(g[2])})`,
  ],
  [/^unknown invoice (.*)$/, (g) => `facture ${g[1]} inconnue`],
  [/^invoice (\S+) is (\w+)$/, (g) => `la facture ${g[1]} est ${invoiceStatusFr[g[2]] ?? g[2]}`],
  [
    /^invoice (.*) has only (.*) open, (.*) asked$/,
    (g) => `la facture ${g[1]} ne doit plus que ${amountFr(g[2])}, ${amountFr(g[3])} demandés`,
  ],
  [/^nothing is allocated from this transaction$/, () => 'rien n’est lettré sur cette opération'],
  [
    /^invoice (.*) has (.*) open: a write-off of (.*) would not settle it$/,
    (g) => `la facture ${g[1]} doit encore ${amountFr(g[2])} : une perte de ${amountFr(g[3])} ne la solderait pas`,
  ],
  [
    /^invoice (.*) would still owe (.*): the overpayment \((.*)\) pays it before any credit$/,
    (g) =>
      `la facture ${g[1]} devrait encore ${amountFr(g[2])} : le trop-perçu (${amountFr(g[3])}) la règle avant ` +
      'tout avoir client',
  ],
  [/^no suggestion #(.*)$/, (g) => `pas de proposition n° ${g[1]}`],
  [
    /^invoice (.*) is (\w+): cannot (.*)$/,
    (g) => `la facture ${g[1]} est ${invoiceStatusFr[g[2]] ?? g[2]} : impossible de ${actionFr[g[3]] ?? g[3]}`,
  ],
  [/^invoice (.*) is not paused$/, (g) => `les relances de la facture ${g[1]} ne sont pas suspendues`],
  [
    /^invoice (.*) is (\w+): nothing to write off$/,
    (g) => `la facture ${g[1]} est ${invoiceStatusFr[g[2]] ?? g[2]} : rien à passer en perte`,
  ],
  [
    /^invoice (.*) is (\w+): nothing to credit$/,
    (g) => `la facture ${g[1]} est ${invoiceStatusFr[g[2]] ?? g[2]} : aucun avoir possible`,
  ],
  [
    /^amountCents (\S+) exceeds the open amount (\S+?)( \(refunds are out of scope\))?$/,
    (g) =>
      `${centsFr(g[1])} dépassent le reste dû de ${centsFr(g[2])}` +
      (g[3] ? ' (les remboursements ne sont pas gérés)' : ''),
  ],
  [
    /^statement is (\w+), only a rejected one can be re-processed$/,
    (g) => `ce relevé est ${statementStatusFr[g[1]] ?? g[1]} : seul un relevé rejeté peut être retraité`,
  ],
  [
    /^the statement is already back in the inbox, waiting to be ingested$/,
    () => 'le relevé est déjà de retour dans la boîte de dépôt, en attente de traitement',
  ],
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
