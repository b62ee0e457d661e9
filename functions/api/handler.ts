import type middy from '@middy/core';
import httpRouterHandler from '@middy/http-router';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { z } from 'zod';
import { clock } from '../adapters/clock';
import { InvalidCursorError } from '../adapters/db/table';
import { createLogger } from '../adapters/logger';
import { count } from '../adapters/metrics';
import { runtime } from '../runtime';
import { authenticate, type Principal } from './auth';
import { HttpProblem, type HttpResponse, languageOf, lowerHeaders, problemResponse } from './http';
import { inRequestLanguage } from './language';
import { buildOpenApi } from './openapi';
import { type IncomingRequest, type Route, route, runRoute } from './route';
import { aliasRoutes } from './routes/aliases';
import { consoleRoutes } from './routes/console';
import { customerLinkRoutes } from './routes/customer-links';
import { customerRoutes } from './routes/customers';
import { exportRoutes } from './routes/exports';
import { importRoutes } from './routes/imports';
import { invoiceRoutes } from './routes/invoices';
import { policyRoutes } from './routes/policies';
import { rateRoutes } from './routes/rates';
import { reportRoutes } from './routes/reports';
import { statementRoutes } from './routes/statements';
import { transactionRoutes } from './routes/transactions';
import { common } from './schemas';

/**
 * The admin API: one Lambda behind the HTTP API, a middy router, zod on every input, problem+json on every error.
 * Request flow: decode the event (headers, body, language) -> authenticate (all routes but GET /health) -> route ->
 * validate path, query, body (400 naming the field) -> role check -> the route -> JSON (or CSV) with an ETag on
 * versioned resources.
 */
const log = createLogger('api');

const Health = z.object({ status: z.literal('ok'), time: z.string() });
const healthRoute = route({
  method: 'GET',
  path: '/health',
  operationId: 'health',
  tag: 'Meta',
  access: 'public',
  summary: 'Liveness (no authentication)',
  responses: { 200: { description: 'Alive', schema: Health } },
  handle: async () => ({ status: 200, body: { status: 'ok', time: clock().now().toISOString() } }),
});

let openApiCache: Record<string, unknown> | undefined;
const openApiRoute = route({
  method: 'GET',
  path: '/openapi.json',
  operationId: 'openapi',
  tag: 'Meta',
  access: 'read',
  summary: 'This document (OpenAPI 3.1), generated from the validation schemas',
  responses: { 200: { description: 'OpenAPI 3.1 document', schema: z.record(z.string(), z.unknown()) }, ...common() },
  handle: async () => ({ status: 200, body: (openApiCache ??= buildOpenApi(apiRoutes)) }),
});

/** Every route of the API, in the order the router tries them (static paths win over parameters anyway). */
export const apiRoutes: Route[] = [
  healthRoute,
  openApiRoute,
  ...importRoutes,
  ...invoiceRoutes,
  ...customerRoutes,
  ...customerLinkRoutes,
  ...aliasRoutes,
  ...transactionRoutes,
  ...statementRoutes,
  ...policyRoutes,
  ...rateRoutes,
  ...reportRoutes,
  ...exportRoutes,
  ...consoleRoutes,
];

export function openApiDocument(): Record<string, unknown> {
  return (openApiCache ??= buildOpenApi(apiRoutes));
}

type ApiEvent = APIGatewayProxyEventV2 & {
  requestContext: APIGatewayProxyEventV2['requestContext'] & {
    authorizer?: { jwt?: { claims?: Record<string, unknown> } };
  };
};
type Prepared = ApiEvent & {
  encaisse?: {
    principal?: Principal;
    headers: Record<string, string>;
    body?: string;
    language: 'fr' | 'en';
    route?: string;
  };
};

/** A caller's own correlation id (x-correlation-id), kept when it is a plain token; otherwise the API request id. */
const CORRELATION_ID = /^[A-Za-z0-9_.:=-]{1,128}$/;
export function correlationIdOf(event: ApiEvent): string | undefined {
  const header = lowerHeaders(event.headers)['x-correlation-id'];
  return header && CORRELATION_ID.test(header) ? header : event.requestContext?.requestId;
}

function decodeBody(event: ApiEvent): string | undefined {
  if (event.body === undefined || event.body === null) return undefined;
  if (!event.isBase64Encoded) return event.body;
  const bytes = Buffer.from(event.body, 'base64');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return bytes.toString('latin1'); // FEC files from older packages are ISO-8859-15
  }
}

const publicPaths = new Set(['GET /health', 'GET /health/']);

const prepare: middy.MiddlewareObj<Prepared, HttpResponse> = {
  before: (request) => {
    const event = request.event;
    const headers = lowerHeaders(event.headers);
    const language = languageOf(headers);
    event.encaisse = { headers, language, body: decodeBody(event) };
    const key = `${event.requestContext?.http?.method} ${event.requestContext?.http?.path}`;
    if (!publicPaths.has(key)) event.encaisse.principal = authenticate(event, headers);
  },
};

const awsThrottling = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'Throttling',
  'ServiceUnavailable',
  'InternalServerError',
  'TransactionConflictException',
  'TransactionInProgressException',
]);

export function toProblem(err: unknown): HttpProblem {
  if (err instanceof HttpProblem) return err;
  if (err instanceof InvalidCursorError)
    return new HttpProblem('validation', 'cursor: invalid pagination cursor', {
      errors: [{ in: 'query', field: 'cursor', message: 'invalid pagination cursor' }],
    });
  const e = err as {
    name?: string;
    statusCode?: number;
    cause?: { package?: string; data?: { method?: string; path?: string } };
    CancellationReasons?: { Code?: string }[];
  };
  if (e?.cause?.package === '@middy/http-router' && e.statusCode === 404) {
    return new HttpProblem(
      'route-not-found',
      `no route ${e.cause.data?.method} ${e.cause.data?.path}; see GET /openapi.json`,
    );
  }
  if (e?.name === 'TransactionCanceledException') {
    const codes = (e.CancellationReasons ?? []).map((r) => r?.Code);
    if (codes.includes('ConditionalCheckFailed'))
      return new HttpProblem('version-conflict', 'changed by someone else meanwhile: read it again and retry');
    if (codes.some((c) => c === 'ThrottlingError' || c === 'TransactionConflict'))
      return new HttpProblem(
        'service-unavailable',
        'the database is busy: retry in a moment',
        {},
        { 'retry-after': '1' },
      );
  }
  // A forged cursor that decodes to a key DynamoDB refuses is the client's input, not a server failure.
  if (e?.name === 'ValidationException' && /start(ing)? ?key/i.test((err as Error).message ?? '')) {
    return new HttpProblem('validation', 'cursor: invalid pagination cursor', {
      errors: [{ in: 'query', field: 'cursor', message: 'invalid pagination cursor' }],
    });
  }
  if (e?.name && awsThrottling.has(e.name))
    return new HttpProblem(
      'service-unavailable',
      'a backing service is busy: retry in a moment',
      {},
      { 'retry-after': '1' },
    );
  return new HttpProblem('internal', 'unexpected error; it was logged');
}

const problems: middy.MiddlewareObj<Prepared, HttpResponse> = {
  onError: (request) => {
    const problem = toProblem(request.error);
    const event = request.event;
    if (problem.type === 'internal' || problem.type === 'service-unavailable') {
      const { method, path } = event.requestContext?.http ?? {};
      log.error('request failed', { method, path, error: request.error, requestId: request.context?.awsRequestId });
    }
    const language = event.encaisse?.language ?? languageOf(lowerHeaders(event.headers));
    request.response = problemResponse(problem, language, event.requestContext?.http?.path);
    // Server-side failures only (5xx): a client's mistake (4xx) is no operator's alarm.
    if (request.response.statusCode >= 500) count('ApiErrors', 1, { route: event.encaisse?.route ?? 'unrouted' });
  },
};

function routeHandler(r: Route) {
  return async (event: Prepared): Promise<HttpResponse> => {
    const prepared = event.encaisse ?? { headers: lowerHeaders(event.headers), language: 'en' as const };
    prepared.route = `${r.method} ${r.path}`;
    event.encaisse = prepared;
    const incoming: IncomingRequest = {
      path: event.requestContext.http.path,
      pathParameters: event.pathParameters ?? {},
      queryStringParameters: event.queryStringParameters ?? {},
      headers: prepared.headers,
      rawBody: prepared.body,
      principal: prepared.principal,
    };
    return inRequestLanguage(prepared.language, () => runRoute(r, incoming));
  };
}

const router = httpRouterHandler<APIGatewayProxyEventV2, HttpResponse>(
  apiRoutes.map((r) => ({ method: r.method, path: r.path, handler: routeHandler(r) as never })),
);

/** The router on top of the runtime; the correlation id (x-correlation-id or the request id) is sent back. */
const sendCorrelationId = (request: middy.Request<Prepared, HttpResponse>) => {
  const id = correlationIdOf(request.event);
  if (request.response && id) request.response.headers = { ...request.response.headers, 'x-correlation-id': id };
};
const echoCorrelation: middy.MiddlewareObj<Prepared, HttpResponse> = {
  after: sendCorrelationId,
  onError: sendCorrelationId,
};

export const handler = runtime<Prepared, HttpResponse>({
  name: 'api',
  settings: [
    'TABLE_NAME',
    'STATEMENTS_BUCKET',
    'DOCUMENTS_BUCKET',
    'STATE_MACHINE_ARN',
    'BOOKS_ACCOUNTS',
    'SENDER_EMAIL',
    'FINANCE_EMAILS',
  ],
  correlationId: correlationIdOf,
})
  .use(echoCorrelation)
  .use(prepare)
  .use(problems)
  .handler(router as never);
