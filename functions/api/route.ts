import { z } from 'zod';
import { InvalidCursorError } from '../adapters/db/table';
import { type Principal, requireFinance } from './auth';
import { etagOf, fieldErrors, HttpProblem, type HttpResponse, parseIfMatch, validationProblem } from './http';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type Access = 'public' | 'read' | 'finance';

/** JSON bodies are small; imports carry a file. API Gateway's own limit is 10 MB, Lambda's 6 MB. */
export const JSON_BODY_LIMIT = 256 * 1024;
export const IMPORT_BODY_LIMIT = 1024 * 1024;

export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  /** application/json unless said. */
  contentType?: string;
  /** Extra representations of the same status (e.g. text/csv). */
  alternatives?: { contentType: string; description: string }[];
  /** Other JSON media types of the same status, with their schema. */
  extraContent?: Record<string, z.ZodType>;
  etag?: boolean;
}

export interface RequestContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  headers: Record<string, string>;
  principal: Principal;
  /** The version named by If-Match, when sent. */
  ifMatch?: number;
  path: string;
}

export interface Reply {
  status: number;
  body?: unknown;
  /** Set to send a text body as is (CSV). */
  text?: string;
  contentType?: string;
  /** Adds an ETag header for a versioned resource. */
  version?: number;
  headers?: Record<string, string>;
}

type Shape = z.ZodObject<z.ZodRawShape>;

export interface RouteSpec<P extends Shape, Q extends Shape, B extends z.ZodType> {
  method: Method;
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  access: Access;
  params?: P;
  query?: Q;
  /** JSON body schema, or a text body (import files) with its accepted content types. */
  body?: B;
  textBody?: { contentTypes: string[]; description: string };
  maxBodyBytes?: number;
  /**
   * If-Match on a versioned resource. `required` for a change that replaces what the client read (PUT, PATCH): without
   * the header a client would overwrite a change it never saw, so the request is refused with 428. `optional` for a
   * command the server applies to the current version under its own conditional write (dispute, pause, write-off...):
   * If-Match, when sent, only adds "and nobody changed it since I read it".
   */
  ifMatch?: 'required' | 'optional';
  responses: Record<number, ResponseSpec>;
  handle: (req: RequestContext<z.infer<P>, z.infer<Q>, z.infer<B>>) => Promise<Reply>;
}

export interface Route extends RouteSpec<Shape, Shape, z.ZodType> {}

export function route<
  // biome-ignore lint/complexity/noBannedTypes: `{}` is zod's empty shape (no params)
  P extends Shape = z.ZodObject<{}>,
  // biome-ignore lint/complexity/noBannedTypes: `{}` is zod's empty shape (no query)
  Q extends Shape = z.ZodObject<{}>,
  B extends z.ZodType = z.ZodUndefined,
>(spec: RouteSpec<P, Q, B>): Route {
  return spec as unknown as Route;
}

/** What the router hands a route: the event already authenticated and decoded. */
export interface IncomingRequest {
  path: string;
  pathParameters: Record<string, string | undefined>;
  queryStringParameters: Record<string, string | undefined>;
  headers: Record<string, string>;
  rawBody?: string;
  principal?: Principal;
}

export async function runRoute(r: Route, req: IncomingRequest): Promise<HttpResponse> {
  if (r.access === 'finance') requireFinance(req.principal as Principal);
  const errors = [];
  const params = (r.params ?? z.object({})).safeParse(decodeAll(req.pathParameters));
  if (!params.success) errors.push(...fieldErrors('path', params.error));
  const query = (r.query ?? z.object({})).safeParse(req.queryStringParameters);
  if (!query.success) errors.push(...fieldErrors('query', query.error));
  const limit = r.maxBodyBytes ?? (r.textBody ? IMPORT_BODY_LIMIT : JSON_BODY_LIMIT);
  const size = req.rawBody ? Buffer.byteLength(req.rawBody, 'utf8') : 0;
  if (size > limit) {
    throw new HttpProblem(
      'payload-too-large',
      `the body is ${size} bytes; the limit of ${r.method} ${r.path} is ${limit} bytes (${formatBytes(limit)})`,
      { limitBytes: limit },
    );
  }
  let body: unknown;
  if (r.textBody) {
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type && !r.textBody.contentTypes.includes(type)) {
      throw new HttpProblem(
        'unsupported-media-type',
        `content-type ${type} is not accepted here; send ${r.textBody.contentTypes.join(' or ')}`,
      );
    }
    body = req.rawBody ?? '';
  } else if (r.body) {
    let json: unknown;
    const type = (req.headers['content-type'] ?? 'application/json').split(';')[0].trim().toLowerCase();
    if (req.rawBody && type !== 'application/json' && !type.endsWith('+json')) {
      throw new HttpProblem(
        'unsupported-media-type',
        `content-type ${type} is not accepted here; send application/json`,
      );
    }
    try {
      json = req.rawBody ? JSON.parse(req.rawBody) : {};
    } catch (err) {
      throw new HttpProblem('malformed-body', `the body is not JSON: ${(err as Error).message}`);
    }
    const parsed = r.body.safeParse(json);
    if (!parsed.success) errors.push(...fieldErrors('body', parsed.error));
    else body = parsed.data;
  }
  if (errors.length > 0) throw validationProblem(errors);
  if (r.ifMatch === 'required' && req.headers['if-match'] === undefined) {
    throw new HttpProblem(
      'precondition-required',
      `${r.method} ${r.path} needs If-Match: send the ETag of your last read (like "v3"), or * to overwrite ` +
        `whatever is there`,
      {
        errors: [{ in: 'header', field: 'if-match', message: 'required' }],
      },
    );
  }
  const ifMatch = r.ifMatch ? parseIfMatch(req.headers['if-match']) : undefined;
  const reply = await r.handle({
    params: params.data as never,
    query: query.data as never,
    body,
    headers: req.headers,
    principal: req.principal as Principal,
    ifMatch,
    path: req.path,
  });
  return toResponse(reply);
}

function toResponse(reply: Reply): HttpResponse {
  const headers: Record<string, string> = { ...(reply.headers ?? {}) };
  if (reply.version !== undefined) headers.etag = etagOf(reply.version);
  if (reply.text !== undefined) {
    headers['content-type'] = reply.contentType ?? 'text/plain; charset=utf-8';
    return { statusCode: reply.status, headers, body: reply.text };
  }
  if (reply.body === undefined) return { statusCode: reply.status, headers, body: '' };
  headers['content-type'] = reply.contentType ?? 'application/json';
  return { statusCode: reply.status, headers, body: JSON.stringify(reply.body) };
}

function decodeAll(params: Record<string, string | undefined>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(params)) {
    try {
      out[k] = v === undefined ? v : decodeURIComponent(v);
    } catch {
      out[k] = v;
    }
  }
  return out;
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${n / (1024 * 1024)} MiB` : `${n / 1024} KiB`;
}

/**
 * One page of a list read whole (the policies, the aged balance's customers): the items from the cursor's offset, and
 * the cursor of the next page when there is one. A cursor that is not one of these is an InvalidCursorError (400).
 */
export function offsetPage<T>(
  all: readonly T[],
  cursor: string | undefined,
  limit: number,
): { items: T[]; nextCursor?: string } {
  let from = 0;
  if (cursor) {
    const m = /^o:(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!m) throw new InvalidCursorError();
    from = Number(m[1]);
  }
  const to = from + limit;
  return {
    items: all.slice(from, to),
    ...(to < all.length ? { nextCursor: Buffer.from(`o:${to}`).toString('base64url') } : {}),
  };
}

/** Standard list query: cursor and limit. */
export const pageQuery = {
  cursor: z.string().max(2048).optional().describe('Opaque cursor from the previous page (nextCursor)'),
  limit: z.coerce.number().int().min(1).max(200).default(50).describe('Page size, 1 to 200'),
};

/** "open,partially_paid" -> ['open','partially_paid'], each checked against the enum. */
export function csvEnum<T extends [string, ...string[]]>(values: T) {
  return z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(values)).min(1));
}
