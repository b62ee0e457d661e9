import createClient, { type Middleware } from 'openapi-fetch';
import { lang, t } from '../i18n';
import type { components, paths } from './schema';

/** The admin API's typed client: paths, parameters and bodies come from the generated schema, nothing by hand. */
export type Api = ReturnType<typeof createClient<paths>>;
export type Problem = components['schemas']['Problem'];

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Partial<Problem>,
  ) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
  }
  get kind(): string {
    return (this.problem.type ?? '').replace('urn:encaisse:problem:', '');
  }
  /** What the person should read: a conflict in plain words, the API's detail (in their language) otherwise. */
  explain(): string {
    const m = t().problems;
    if (this.kind === 'version-conflict' || this.status === 428) return m.conflict;
    if (this.kind === 'state-conflict') return m.state(this.problem.detail ?? '');
    if (this.status === 403) return m.forbidden;
    return m.generic(this.problem.title ?? `HTTP ${this.status}`, this.problem.detail ?? '');
  }
}

export function makeApi(baseUrl: string, token: string, fetchImpl?: typeof fetch): Api {
  const api = createClient<paths>({ baseUrl, ...(fetchImpl ? { fetch: fetchImpl } : {}) });
  const auth: Middleware = {
    onRequest({ request }) {
      request.headers.set('authorization', `Bearer ${token}`);
      request.headers.set('accept-language', lang.value);
      return request;
    },
  };
  api.use(auth);
  return api;
}

/** The data of an openapi-fetch result, or an ApiError carrying the problem document. */
export function ok<T>(res: { data?: T; error?: unknown; response: Response }): T {
  if (res.response.ok && res.data !== undefined) return res.data;
  if (res.response.ok) return undefined as T;
  throw new ApiError(res.response.status, (res.error ?? {}) as Partial<Problem>);
}

/** If-Match value of a version read from the API. */
export const etag = (version: number) => `"v${version}"`;

export function messageOf(err: unknown): string {
  if (err instanceof ApiError) return err.explain();
  return t().problems.network;
}
