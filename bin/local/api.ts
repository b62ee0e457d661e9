import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { HandlerRegistry } from './handlers';
import { listen } from './ports';

const textTypes = /^(text\/|application\/(json|xml|x-www-form-urlencoded|problem\+json|.*\+json|.*\+xml)|$)/i;

/** An API Gateway HTTP API (payload format 2.0) event for one request. */
export function httpApiEvent(opts: {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  sourceIp: string;
  port: number;
  claims?: Record<string, string>;
}) {
  const u = new URL(opts.url, `http://127.0.0.1:${opts.port}`);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.headers)) {
    if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  }
  const query: Record<string, string> = {};
  for (const [k, v] of u.searchParams) query[k] = k in query ? `${query[k]},${v}` : v;
  const cookies = headers.cookie ? headers.cookie.split(';').map((c) => c.trim()) : undefined;
  delete headers.cookie;
  const contentType = headers['content-type'] ?? '';
  const isText = textTypes.test(contentType.split(';')[0].trim());
  const now = new Date();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: u.pathname,
    rawQueryString: u.search.slice(1),
    cookies,
    headers,
    queryStringParameters: Object.keys(query).length ? query : undefined,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: opts.claims ? { jwt: { claims: opts.claims, scopes: null } } : undefined,
      domainName: `127.0.0.1:${opts.port}`,
      domainPrefix: '127',
      http: {
        method: opts.method,
        path: u.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: opts.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body: opts.body.length ? (isText ? opts.body.toString('utf8') : opts.body.toString('base64')) : undefined,
    isBase64Encoded: opts.body.length > 0 && !isText,
  };
}

interface ApiResult {
  statusCode?: number;
  headers?: Record<string, string | number | boolean>;
  multiValueHeaders?: Record<string, string[]>;
  cookies?: string[];
  body?: string;
  isBase64Encoded?: boolean;
}

/**
 * The local admin API: each request becomes an HTTP API v2 event for the `api` handler. In AWS the JWT authorizer
 * rejects a request without a valid token before the Lambda; locally (AUTH_MODE=token) the handler itself checks the
 * bearer token (LOCAL_API_TOKEN, LOCAL_API_READONLY_TOKEN), so every request is passed on with its Authorization
 * header.
 * A request bearing LOCAL_API_TOKEN also carries requestContext.authorizer.jwt.claims of a local finance user.
 */
export async function startApi(opts: {
  port: number;
  handlers: HandlerRegistry;
  token: string;
  log: (line: string) => void;
}) {
  const claims = {
    sub: 'local-user',
    email: 'finance@example.fr',
    'cognito:username': 'local',
    'cognito:groups': 'finance',
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const send = (status: number, headers: Record<string, string | string[]>, body: Buffer | string) => {
        res.writeHead(status, headers);
        res.end(body);
      };
      const path = (req.url ?? '/').split('?')[0];
      const authorized = String(req.headers.authorization ?? '') === `Bearer ${opts.token}`;
      const event = httpApiEvent({
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks),
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        port: opts.port,
        claims: authorized ? claims : undefined,
      });
      try {
        // As in AWS: the customer page's /c/ routes reach their own function (lib/customer-page), the rest the admin
        // API.
        const target = path.startsWith('/c/') ? 'customer-page' : 'api';
        const out = (await opts.handlers.invoke(target, event)) as ApiResult | string | undefined;
        // Payload 2.0: a result without statusCode is a 200 JSON body.
        const result: ApiResult =
          out && typeof out === 'object' && 'statusCode' in out
            ? out
            : {
                statusCode: 200,
                headers: { 'content-type': 'application/json' },
                body: typeof out === 'string' ? out : JSON.stringify(out ?? null),
              };
        const headers: Record<string, string | string[]> = {};
        for (const [k, v] of Object.entries(result.headers ?? {})) headers[k.toLowerCase()] = String(v);
        for (const [k, v] of Object.entries(result.multiValueHeaders ?? {})) headers[k.toLowerCase()] = v.map(String);
        if (result.cookies?.length) headers['set-cookie'] = result.cookies;
        const body =
          result.body === undefined ? '' : result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body;
        send(result.statusCode ?? 200, headers, body);
      } catch (err) {
        const e = err as Error;
        opts.log(`api: ${req.method} ${path} threw ${e.name}: ${e.message}`);
        send(500, { 'content-type': 'application/json' }, JSON.stringify({ message: 'Internal Server Error' }));
      }
    });
  });
  await listen(server, 'admin API (local API Gateway)', opts.port);
  return {
    url: `http://127.0.0.1:${opts.port}`,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
