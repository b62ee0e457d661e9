import { z } from 'zod';
import { detailIn, fieldLine, fieldMessageIn, type Language } from './language';

/**
 * Errors of the admin API as RFC 9457 problem details (application/problem+json). Each kind of error has a stable
 * `type` URI clients can branch on; `title` and `detail` (what to fix) are in French or English after Accept-Language.
 */
export const problemTypes = {
  validation: { status: 400, en: 'The request is invalid', fr: 'La requête est invalide' },
  'malformed-body': { status: 400, en: 'The body cannot be read', fr: 'Le corps de la requête est illisible' },
  'invalid-import': { status: 400, en: 'The file cannot be imported', fr: 'Le fichier ne peut pas être importé' },
  unauthorized: { status: 401, en: 'Authentication required', fr: 'Authentification requise' },
  forbidden: { status: 403, en: 'Not allowed for your role', fr: 'Action non autorisée pour votre rôle' },
  'not-found': { status: 404, en: 'Not found', fr: 'Introuvable' },
  'route-not-found': { status: 404, en: 'No such route', fr: 'Route inconnue' },
  'version-conflict': { status: 409, en: 'Changed by someone else', fr: 'Modifié entre-temps par quelqu’un d’autre' },
  'already-exists': { status: 409, en: 'Already exists with other values', fr: 'Existe déjà avec d’autres valeurs' },
  'state-conflict': { status: 409, en: 'Not possible in the current state', fr: 'Impossible dans l’état actuel' },
  'precondition-required': { status: 428, en: 'If-Match required', fr: 'En-tête If-Match requis' },
  'payload-too-large': { status: 413, en: 'The body is too large', fr: 'Le corps de la requête est trop volumineux' },
  'unsupported-media-type': { status: 415, en: 'Unsupported content type', fr: 'Type de contenu non pris en charge' },
  'service-unavailable': {
    status: 503,
    en: 'Temporarily unavailable, retry later',
    fr: 'Indisponible pour le moment, réessayez',
  },
  internal: { status: 500, en: 'Internal error', fr: 'Erreur interne' },
} as const;
export type ProblemType = keyof typeof problemTypes;

export const problemTypeUri = (type: ProblemType) => `urn:encaisse:problem:${type}`;

export const FieldError = z.object({
  in: z.enum(['path', 'query', 'header', 'body']),
  field: z.string(),
  message: z.string(),
});
export type FieldError = z.infer<typeof FieldError>;

export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  errors: z.array(FieldError).optional(),
  limitBytes: z.number().int().optional(),
  currentVersion: z.number().int().optional(),
});
export type Problem = z.infer<typeof Problem>;

/** Thrown anywhere in a route; the error middleware turns it into a problem response. */
export class HttpProblem extends Error {
  constructor(
    readonly type: ProblemType,
    readonly detail: string,
    readonly extra: Partial<Pick<Problem, 'errors' | 'limitBytes' | 'currentVersion'>> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'HttpProblem';
  }
  get status(): number {
    return problemTypes[this.type].status;
  }
}

export const notFound = (what: string) => new HttpProblem('not-found', `${what} does not exist`);
export const versionConflict = (what: string, currentVersion?: number) =>
  new HttpProblem(
    'version-conflict',
    `${what} changed since the version you read: read it again and retry`,
    currentVersion === undefined ? {} : { currentVersion },
  );

/** The item a change applies to: not-found when it does not exist, a version conflict when If-Match names another. */
export function toChange<T extends { version: number }>(what: string, item: T | undefined, ifMatch?: number): T {
  if (!item) throw notFound(what);
  if (ifMatch !== undefined && ifMatch !== item.version) throw versionConflict(what, item.version);
  return item;
}

export const stateConflict = (detail: string) => new HttpProblem('state-conflict', detail);

export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded?: boolean;
}

export function problemResponse(p: HttpProblem, language: Language, instance?: string): HttpResponse {
  const def = problemTypes[p.type];
  const errors = p.extra.errors?.map((e) => ({ ...e, message: fieldMessageIn(language, e.message) }));
  const body: Problem = {
    type: problemTypeUri(p.type),
    title: def[language],
    status: def.status,
    // a 400 for a French reader: its fields' messages (the English detail may say more, the value refused)
    detail:
      language === 'fr' && p.type === 'validation' && errors?.length
        ? errors.map((e) => fieldLine(language, e)).join(' ; ')
        : detailIn(language, p.detail),
    ...(instance ? { instance } : {}),
    ...p.extra,
    ...(errors ? { errors } : {}),
  };
  return {
    statusCode: def.status,
    headers: { 'content-type': 'application/problem+json', 'content-language': language, ...p.headers },
    body: JSON.stringify(body),
  };
}

export function languageOf(headers: Record<string, string | undefined> | undefined): Language {
  const accept = headers?.['accept-language'] ?? '';
  return /^\s*fr\b/i.test(accept) ? 'fr' : 'en';
}

/** Header names lower-cased (API Gateway v2 already does; the local server and tests may not). */
export function lowerHeaders(headers: Record<string, string | undefined> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) if (v !== undefined) out[k.toLowerCase()] = v;
  return out;
}

/** ETag of a versioned resource. */
export const etagOf = (version: number) => `"v${version}"`;

/**
 * The version an If-Match header names (`"v3"`, `W/"v3"`, or `*` = any); a malformed one is a 400 naming the header.
 */
export function parseIfMatch(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '*') return undefined;
  const m = /^\s*(?:W\/)?"v(\d+)"\s*$/.exec(value);
  if (!m) {
    throw new HttpProblem('validation', 'If-Match: expected an ETag returned by a read, like "v3"', {
      errors: [{ in: 'header', field: 'if-match', message: 'expected an ETag like "v3"' }],
    });
  }
  return Number(m[1]);
}

export function fieldErrors(where: FieldError['in'], error: z.ZodError): FieldError[] {
  return error.issues.map((i) => ({
    in: where,
    field: i.path.length ? i.path.map(String).join('.') : '(root)',
    message: i.message,
  }));
}

export function validationProblem(errors: FieldError[]): HttpProblem {
  return new HttpProblem('validation', errors.map((e) => fieldLine('en', e)).join('; '), { errors });
}
