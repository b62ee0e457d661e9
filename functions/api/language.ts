import { AsyncLocalStorage } from 'node:async_hooks';
import { z } from 'zod';

/**
 * The language of a request's validation messages. The problem's title follows Accept-Language (`problemTypes`); so
 * do the messages of a 400: zod's own ("Too small: expected number to be >=0") through its French locale, for every
 * parse made while the request runs, and the project's own wordings (`.refine(…, 'not a valid IBAN')`, which zod keeps
 * as written) through the rules below. The finance console sends `Accept-Language: fr`: a person who typed a wrong
 * e-mail address in a contact, or a negative delay in a policy, reads why in French.
 */
export type Language = 'fr' | 'en';

const requestLanguage = new AsyncLocalStorage<Language>();
const frenchZod = z.locales.fr().localeError;
// Outside a request (every other function of the process, a request in English): zod's own English.
z.config({ customError: (issue) => (requestLanguage.getStore() === 'fr' ? frenchZod(issue) : undefined) });

/** Runs a request's work with zod's messages in its language. */
export function inRequestLanguage<T>(language: Language, work: () => T): T {
  return requestLanguage.run(language, work);
}

const bookAccountFr: Record<string, string> = {
  bank: 'un compte de banque',
  customer: 'un compte client',
  'bank-fee': 'un compte de frais bancaires',
  'bad-debt': 'un compte de pertes sur créances irrécouvrables',
  'customer-credit': 'un compte de clients créditeurs',
};

/** The project's own validation wordings (`${…}` parts as groups), in French. */
const RULES: [RegExp, (g: string[]) => string][] = [
  [/^leading or trailing spaces are not allowed$/, () => 'pas d’espace au début ni à la fin'],
  [
    /^control characters \(CR, LF, tab\.\.\.\) are not allowed$/,
    () => 'pas de caractère de contrôle (retour à la ligne, tabulation…)',
  ],
  [/^invisible or unassigned characters are not allowed$/, () => 'pas de caractère invisible ou non attribué'],
  [/^only the ordinary space is allowed$/, () => 'seul l’espace ordinaire est accepté'],
  [
    /^more than 100,000,000,000\.00: not a realistic amount$/,
    () => 'plus de 100 milliards d’euros : montant irréaliste',
  ],
  [
    /^not an IANA time zone(?: name| this runtime knows)?(?: \(like (.*)\))?$/,
    (g) => `fuseau horaire IANA inconnu${g[1] ? ` (exemple : ${g[1]})` : ''}`,
  ],
  [/^a month YYYY-MM$/, () => 'mois attendu au format AAAA-MM'],
  [/^expected HH:MM$/, () => 'heure attendue au format HH:MM'],
  [/^expected a half-year like (.*)$/, (g) => `semestre attendu, comme ${g[1]}`],
  [/^stepId: letters, digits, (.*)$/, (g) => `stepId : lettres, chiffres, ${g[1]}`],
  [/^a link id has 8 to 64 letters, digits, _ or -$/, () => 'identifiant de lien de 8 à 64 lettres, chiffres, _ ou -'],
  [/^expected a date YYYY-MM-DD$/, () => 'date attendue au format AAAA-MM-JJ'],
  [/^not a calendar date$/, () => 'cette date n’existe pas'],
  [/^expected an ISO UTC timestamp$/, () => 'horodatage ISO en UTC attendu'],
  [
    /^a journal code of 1 to 8 capitals or digits, e\.g\. (.*)$/,
    (g) => `code journal de 1 à 8 majuscules ou chiffres, par exemple ${g[1]}`,
  ],
  [
    /^a ([\w-]+) account of class (\d+), e\.g\. (.*)$/,
    (g) => `${bookAccountFr[g[1]] ?? 'un compte'} de classe ${g[2]}, par exemple ${g[3]}`,
  ],
  [/^expected the statement checksum$/, () => 'empreinte du relevé attendue'],
  [/^not a valid IBAN$/, () => 'IBAN invalide'],
  [
    /^expected a key under (.+?)(?: ending in (\S+))?$/,
    (g) => `clé attendue sous ${g[1].replace(' or ', ' ou ')}${g[2] ? `, terminée par ${g[2]}` : ''}`,
  ],
  [/^a file name without a folder$/, () => 'nom de fichier sans dossier'],
  [/^at most (\S+) bytes$/, (g) => `au plus ${g[1]} octets`],
  [/^before (\w+)$/, (g) => `antérieure à ${g[1]}`],
  [
    /^unknown customer \(create it first, or give (\w+)\)$/,
    (g) => `client inconnu (créez-le d’abord, ou indiquez ${g[1]})`,
  ],
  [/^in the past$/, () => 'date passée'],
  [/^more than (\S+) days away$/, (g) => `à plus de ${g[1]} jours`],
  [
    /^invoice (.*) is already at (\S+): list it once, with the total amount$/,
    (g) => `la facture ${g[1]} figure déjà en ${g[2]} : indiquez-la une seule fois, avec le montant total`,
  ],
  [/^(.*) is listed twice$/, (g) => `${g[1]} figure deux fois`],
  [/^required$/, () => 'obligatoire'],
  [/^expected an ETag like (.*)$/, (g) => `ETag attendu, comme ${g[1]}`],
  [/^invalid pagination cursor$/, () => 'curseur de pagination invalide'],
  [/^duplicate stepId (.*)$/, (g) => `stepId ${g[1]} en double`],
  [/^steps must be ordered by (\w+)$/, (g) => `les étapes doivent être rangées par ${g[1]} croissant`],
  [/^level (\S+) does not fit channel (\S+)$/, (g) => `le niveau ${g[1]} ne convient pas au canal ${g[2]}`],
];

/** Whether one of the rules words `message` in French (the test checks every wording of the API's sources). */
export function knowsFieldMessage(message: string): boolean {
  return RULES.some(([re]) => re.test(message));
}

/** A field's message in the reader's language; zod's own are already in it, and one no rule knows is kept as is. */
export function fieldMessageIn(language: Language, message: string): string {
  if (language === 'en') return message;
  for (const [re, fr] of RULES) {
    const g = re.exec(message);
    if (g) return fr(g);
  }
  return message;
}

const whereFr = { path: 'chemin', query: 'paramètre', header: 'en-tête' } as const;

/** How a 400's detail names a field: `query limit: …`, `email: …` for the body; in French, `paramètre limit : …`. */
export function fieldLine(
  language: Language,
  e: { in: 'path' | 'query' | 'header' | 'body'; field: string; message: string },
): string {
  if (language === 'en') return `${e.in === 'body' ? '' : `${e.in} `}${e.field}: ${e.message}`;
  return `${e.in === 'body' ? '' : `${whereFr[e.in]} `}${e.field} : ${e.message}`;
}
