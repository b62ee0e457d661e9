import { AsyncLocalStorage } from 'node:async_hooks';
import { z } from 'zod';
import { rewrite } from '../core/messages/rules';
import { detailRules, fieldRules } from './french';

/**
 * The language of a request's problems. The title follows Accept-Language (`problemTypes`); so does the detail, and so
 * do the messages of a 400: zod's own ("Too small: expected number to be >=0") through its French locale, for every
 * parse made while the request runs, and the project's own wordings (`.refine(…, 'not a valid IBAN')`, which zod keeps
 * as written, a refusal, a 404) through the rules of `french.ts`. The finance console sends `Accept-Language: fr`: a
 * person who typed a wrong e-mail address in a contact, or asked to write off a paid invoice, reads why in French.
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

/** Whether a rule words this field message in French (the test checks every wording of the API's sources). */
export function knowsFieldMessage(message: string): boolean {
  return rewrite(fieldRules, message) !== undefined;
}

/** A field's message in the reader's language; zod's own are already in it, and one no rule knows is kept as is. */
export function fieldMessageIn(language: Language, message: string): string {
  return language === 'en' ? message : (rewrite(fieldRules, message) ?? message);
}

/** Whether a rule words this problem detail in French. */
export function knowsDetail(detail: string): boolean {
  return rewrite(detailRules, detail) !== undefined;
}

/** A problem's detail in the reader's language; one no rule knows is kept as the API wrote it. */
export function detailIn(language: Language, detail: string): string {
  return language === 'en' ? detail : (rewrite(detailRules, detail) ?? detail);
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
