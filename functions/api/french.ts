import { importReasonRules } from '../core/imports/reasons';
import { invoiceStatusName } from '../core/messages/format';
import { type Rule, rewrite } from '../core/messages/rules';
import { formatMoney } from '../core/money';

/**
 * The API's English wordings in French: a field's message in a 400 (`fieldRules`), and the detail of every other
 * problem (`detailRules`: a refusal in the current state, something not found, a conflict, a body refused). The API
 * words its problems in English and rewrites them for a reader who asks for French (`language.ts`); the test
 * `problem-language.test.ts` reads every wording from the sources and fails when no rule knows one.
 */

const bookAccountFr: Record<string, string> = {
  bank: 'un compte de banque',
  customer: 'un compte client',
  'bank-fee': 'un compte de frais bancaires',
  'bad-debt': 'un compte de pertes sur créances irrécouvrables',
  'customer-credit': 'un compte de clients créditeurs',
};

/** The project's own validation wordings (`${…}` parts as groups), in French. */
export const fieldRules: Rule[] = [
  [/^leading or trailing spaces are not allowed$/, () => 'pas d’espace au début ni à la fin'],
  [
    /^control characters \(CR, LF, tab\.\.\.\) are not allowed$/,
    () => 'pas de caractère de contrôle (retour à la ligne, tabulation…)',
  ],
  [
    /^a bidirectional control character \((\S+), character (\S+)\) is not allowed$/,
    (...g) => `caractère d’inversion du sens d’écriture ${g[0]} refusé (caractère n° ${g[1]})`,
  ],
  [
    /^a control character \((\S+), character (\S+)\) is not allowed$/,
    (...g) => `caractère de contrôle ${g[0]} refusé (caractère n° ${g[1]})`,
  ],
  [/^invisible or unassigned characters are not allowed$/, () => 'pas de caractère invisible ou non attribué'],
  [/^only the ordinary space is allowed$/, () => 'seul l’espace ordinaire est accepté'],
  [
    /^more than 100,000,000,000\.00: not a realistic amount$/,
    () => 'plus de 100 milliards d’euros : montant irréaliste',
  ],
  [
    /^not an IANA time zone(?: name| this runtime knows)?(?: \(like (.*)\))?$/,
    (...g) => `fuseau horaire IANA inconnu${g[0] ? ` (exemple : ${g[0]})` : ''}`,
  ],
  [/^a month YYYY-MM$/, () => 'mois attendu au format AAAA-MM'],
  [/^expected HH:MM$/, () => 'heure attendue au format HH:MM'],
  [/^expected a half-year like (.*)$/, (...g) => `semestre attendu, comme ${g[0]}`],
  [/^stepId: letters, digits, (.*)$/, (...g) => `stepId : lettres, chiffres, ${g[0]}`],
  [/^a link id has 8 to 64 letters, digits, _ or -$/, () => 'identifiant de lien de 8 à 64 lettres, chiffres, _ ou -'],
  [/^expected a date YYYY-MM-DD$/, () => 'date attendue au format AAAA-MM-JJ'],
  [/^not a calendar date$/, () => 'cette date n’existe pas'],
  [/^expected an ISO UTC timestamp$/, () => 'horodatage ISO en UTC attendu'],
  [
    /^a journal code of 1 to 8 capitals or digits, e\.g\. (.*)$/,
    (...g) => `code journal de 1 à 8 majuscules ou chiffres, par exemple ${g[0]}`,
  ],
  [
    /^a ([\w-]+) account of class (\d+), e\.g\. (.*)$/,
    (...g) => `${bookAccountFr[g[0]] ?? 'un compte'} de classe ${g[1]}, par exemple ${g[2]}`,
  ],
  [/^expected the statement checksum$/, () => 'empreinte du relevé attendue'],
  [/^not a valid IBAN$/, () => 'IBAN invalide'],
  [
    /^expected a key under (.+?)(?: ending in (\S+))?$/,
    (...g) => `clé attendue sous ${g[0].replace(' or ', ' ou ')}${g[1] ? `, terminée par ${g[1]}` : ''}`,
  ],
  [/^a file name without a folder$/, () => 'nom de fichier sans dossier'],
  [/^at most (\S+) bytes$/, (...g) => `au plus ${g[0]} octets`],
  [/^at most (\S+) invoices in one match$/, (...g) => `au plus ${g[0]} factures par lettrage`],
  [/^before (\w+)$/, (...g) => `antérieure à ${g[0]}`],
  [
    /^before today \((\S+)\): only today's balance can be drawn$/,
    (...g) => `antérieure à aujourd’hui (${g[0]}) : seule la balance du jour peut être établie`,
  ],
  [
    /^unknown customer \(create it first, or give (\w+)\)$/,
    (...g) => `client inconnu (créez-le d’abord, ou indiquez ${g[0]})`,
  ],
  [/^in the past$/, () => 'date passée'],
  [/^more than (\S+) days away$/, (...g) => `à plus de ${g[0]} jours`],
  [
    /^invoice (.*) is already at (\S+): list it once, with the total amount$/,
    (...g) => `la facture ${g[0]} figure déjà en ${g[1]} : indiquez-la une seule fois, avec le montant total`,
  ],
  [/^(.*) is listed twice$/, (...g) => `${g[0]} figure deux fois`],
  [/^required$/, () => 'obligatoire'],
  [/^expected an ETag like (.*)$/, (...g) => `ETag attendu, comme ${g[0]}`],
  [/^invalid pagination cursor$/, () => 'curseur de pagination invalide'],
  [/^duplicate stepId (.*)$/, (...g) => `stepId ${g[0]} en double`],
  [/^steps must be ordered by (\w+)$/, (...g) => `les étapes doivent être rangées par ${g[0]} croissant`],
  [/^level (\S+) does not fit channel (\S+)$/, (...g) => `le niveau ${g[0]} ne convient pas au canal ${g[1]}`],
];

/** "1234.50", an amount as a refusal states it, in French ("1 234,50 €"); anything else as is. */
const amountFr = (s: string): string => {
  const m = /^(-?)(\d+)\.(\d{2})$/.exec(s);
  return m ? formatMoney((m[1] ? -1 : 1) * (Number(m[2]) * 100 + Number(m[3])), 'EUR', 'fr') : s;
};
/** Cents as a body field states them (amountCents), in euros. */
const centsFr = (s: string): string => (/^\d+$/.test(s) ? formatMoney(Number(s), 'EUR', 'fr') : s);
const statusFr = (s: string): string => invoiceStatusName(s, 'fr');
/** A count as French writes it: 22 000 (narrow no-break space). */
const count = (s: string): string => (/^\d+$/.test(s) ? Number(s).toLocaleString('fr-FR') : s);
const statementStatusFr: Record<string, string> = { processing: 'en cours', processed: 'traité', rejected: 'rejeté' };

/** The invoice actions the API names in "cannot …". */
const actionFr: Record<string, string> = {
  'open a dispute': 'ouvrir une contestation',
  pause: 'suspendre les relances',
  'record a payment promise': 'enregistrer une promesse de paiement',
  'restart its reminders': 'reprendre ses relances',
};

/** What a 404 or a version conflict is about: "invoice F-1" is "la facture F-1". */
const thingRules: Rule[] = [
  [/^transaction (.+)$/, (id) => `l’opération ${id}`],
  [/^statement (.+)$/, (checksum) => `le relevé ${checksum}`],
  [/^alias (.+) of customer (.+)$/, (alias, customer) => `l’alias ${alias} du client ${customer}`],
  [/^customer (.+)$/, (id) => `le client ${id}`],
  [/^invoice (.+)$/, (id) => `la facture ${id}`],
  [/^policy (.+) version (\d+)$/, (id, v) => `la version ${v} de la politique de relance ${id}`],
  [/^policy (.+)$/, (id) => `la politique de relance ${id}`],
  [/^the rate table$/, () => 'la table des taux'],
];
const thingFr = (what: string): string => rewrite(thingRules, what) ?? what;

export const detailRules: Rule[] = [
  // a refusal in the current state (409): a match refused (functions/adapters/db/allocations.ts), an invoice action
  // (routes/invoice-actions.ts), a statement re-run (functions/adapters/db/statements.ts), a books export
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
    /^a match letters at most (\S+) invoices \((\S+) asked\)$/,
    (max, asked) => `un lettrage porte sur ${max} factures au plus (${asked} demandées)`,
  ],
  [
    new RegExp(
      '^the write-off spreads over too many invoices: (\\S+) records to write at once, at most (\\S+) ' +
        '\\(fewer invoices, or a write-off on fewer of them\\)$',
    ),
    (n, max) =>
      `la perte se répartit sur trop de factures : ${n} écritures à la fois, ${max} au plus (moins de factures, ` +
      'ou une perte sur moins d’entre elles)',
  ],
  [
    /^allocations \((.*)\) exceed the credit \((.*)\)$/,
    (lettered, credit) => `les montants lettrés (${amountFr(lettered)}) dépassent le crédit (${amountFr(credit)})`,
  ],
  [/^unknown invoice (.*)$/, (id) => `facture ${id} inconnue`],
  [
    /^invoice (.*) has only (.*) open, (.*) asked$/,
    (id, open, asked) => `la facture ${id} ne doit plus que ${amountFr(open)}, ${amountFr(asked)} demandés`,
  ],
  [/^nothing is allocated from this transaction$/, () => 'rien n’est lettré sur cette opération'],
  [
    /^invoice (.*) has (.*) open: a write-off of (.*) would not settle it$/,
    (id, open, loss) =>
      `la facture ${id} doit encore ${amountFr(open)} : une perte de ${amountFr(loss)} ne la solderait pas`,
  ],
  [
    /^invoice (.*) would still owe (.*): the overpayment \((.*)\) pays it before any credit$/,
    (id, owed, over) =>
      `la facture ${id} devrait encore ${amountFr(owed)} : le trop-perçu (${amountFr(over)}) la règle avant ` +
      'tout avoir client',
  ],
  [/^no suggestion #(.*)$/, (n) => `pas de proposition n° ${n}`],
  [
    /^invoice (.*) is (\w+): cannot (.*)$/,
    (id, status, action) => `la facture ${id} est ${statusFr(status)} : impossible de ${actionFr[action] ?? action}`,
  ],
  [/^invoice (.*) is not paused$/, (id) => `les relances de la facture ${id} ne sont pas suspendues`],
  [
    /^invoice (.*) is (\w+): nothing to write off$/,
    (id, status) => `la facture ${id} est ${statusFr(status)} : rien à passer en perte`,
  ],
  [
    /^invoice (.*) is (\w+): nothing to credit$/,
    (id, status) => `la facture ${id} est ${statusFr(status)} : aucun avoir possible`,
  ],
  [/^invoice (\S+) is (\w+)$/, (id, status) => `la facture ${id} est ${statusFr(status)}`],
  [
    /^amountCents (\S+) exceeds the open amount (\S+?)( \(refunds are out of scope\))?$/,
    (asked, open, refunds) =>
      `${centsFr(asked)} dépassent le reste dû de ${centsFr(open)}` +
      (refunds ? ' (les remboursements ne sont pas gérés)' : ''),
  ],
  [
    /^statement is (\w+), only a rejected one can be re-processed$/,
    (status) => `ce relevé est ${statementStatusFr[status] ?? status} : seul un relevé rejeté peut être retraité`,
  ],
  [
    /^the statement is already back in the inbox, waiting to be ingested$/,
    () => 'le relevé est déjà de retour dans la boîte de dépôt, en attente de traitement',
  ],
  [
    /^(\S+) cannot be exported: (\S+) was exported already \(its entries carry what was not exported before it\)$/,
    (period, later) =>
      `la période ${period} ne peut plus être exportée : ${later} l’a déjà été (ses écritures reprennent ce qui ` +
      'n’avait pas été exporté avant)',
  ],
  [
    /^its reminders are being started and do not run yet: try again in a minute$/,
    () => 'ses relances sont en train de démarrer : réessayez dans une minute',
  ],
  // not found, changed meanwhile, already there
  [/^(.+) does not exist$/, (what) => `${thingFr(what)} n’existe pas`],
  [
    /^(.+) changed since the version you read: read it again and retry$/,
    (what) => `${thingFr(what)} a changé depuis votre lecture : relisez puis réessayez`,
  ],
  [
    /^changed by someone else meanwhile: read it again and retry$/,
    () => 'modifié entre-temps par quelqu’un d’autre : relisez puis réessayez',
  ],
  [
    /^customer (.+) already exists: update it with PUT or PATCH$/,
    (id) => `le client ${id} existe déjà : modifiez-le avec PUT ou PATCH`,
  ],
  [
    /^policy (.+) exists: update it with PUT$/,
    (id) => `la politique de relance ${id} existe déjà : modifiez-la avec PUT`,
  ],
  [/^policy (.+) was created at the same moment$/, (id) => `la politique de relance ${id} a été créée au même moment`],
  [
    /^invoice (.+) was created at the same moment by another request$/,
    (id) => `la facture ${id} a été créée au même moment par une autre requête`,
  ],
  [
    /^invoice (.+) is already recorded with other values \(change it through an import or a credit note\)$/,
    (id) => `la facture ${id} est déjà enregistrée avec d’autres valeurs (modifiez-la par un import ou un avoir)`,
  ],
  [
    /^credit note (.+) was recorded with another amount$/,
    (id) => `l’avoir ${id} a été enregistré avec un autre montant`,
  ],
  // who may call
  [/^no verified token$/, () => 'aucun jeton vérifié'],
  [/^send Authorization: Bearer <token>$/, () => 'envoyez l’en-tête Authorization: Bearer <jeton>'],
  [/^expected Authorization: Bearer <token>$/, () => 'en-tête attendu : Authorization: Bearer <jeton>'],
  [/^unknown token$/, () => 'jeton inconnu'],
  [
    /^your account is in neither the (\S+) nor the (\S+) group$/,
    (a, b) => `votre compte n’est ni dans le groupe ${a} ni dans le groupe ${b}`,
  ],
  [
    /^this action needs the finance role; your role is read-only$/,
    () => 'cette action demande le rôle finance ; votre rôle est en lecture seule',
  ],
  // the request itself
  [
    /^no route (\S+) (\S+); see GET \/openapi\.json$/,
    (method, path) => `aucune route ${method} ${path} ; voir GET /openapi.json`,
  ],
  [
    /^the body is (\S+) bytes; the limit of (\S+) (\S+) is (\S+) bytes \((.+)\)$/,
    (size, method, path, limit, human) =>
      `le corps fait ${size} octets ; la limite de ${method} ${path} est de ${limit} octets ` +
      `(${human.replace('MiB', 'Mio').replace('KiB', 'Kio')})`,
  ],
  [
    /^the file holds (\S+) invoice rows; at most (\S+) a request: split it into files of (\S+) rows$/,
    (rows, most, split) =>
      `le fichier compte ${count(rows)} lignes de factures ; au plus ${count(most)} par requête : découpez-le en ` +
      `fichiers de ${count(split)} lignes`,
  ],
  [
    /^content-type (\S+) is not accepted here; send (.+)$/,
    (type, wanted) => `type de contenu ${type} refusé ici ; envoyez ${wanted.replace(/ or /g, ' ou ')}`,
  ],
  [/^the body is not JSON: .*$/s, () => 'le corps n’est pas du JSON valide'],
  [
    /^(\S+) (\S+) needs If-Match: send the ETag of your last read \(like "v3"\), or \* to overwrite whatever is there$/,
    (method, path) =>
      `${method} ${path} demande l’en-tête If-Match : envoyez l’ETag de votre dernière lecture (comme "v3"), ou * ` +
      'pour remplacer ce qui s’y trouve',
  ],
  [/^a backing service is busy: retry in a moment$/, () => 'un service est surchargé : réessayez dans un instant'],
  [/^the database is busy: retry in a moment$/, () => 'la base de données est surchargée : réessayez dans un instant'],
  [/^unexpected error; it was logged$/, () => 'erreur inattendue ; elle a été journalisée'],
  // a file that cannot be imported at all (its rows' reasons are worded by the import report)
  ...importReasonRules,
];
