/**
 * The finance console locally: web/dist served as CloudFront serves it in AWS (same security headers, SPA fallback to
 * index.html), /api/* forwarded to the local admin API (CloudFront's second origin in AWS), and /config.json signing
 * the browser in with the local tokens (finance by default, read-only with ?as=readonly).
 *
 *   const console = await startConsole({ port: 0, apiUrl: stack.urls.api, s3Url: stack.urls.s3, tokens });
 *   console.url  // http://127.0.0.1:<port>/
 */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { projectRoot } from './handlers';
import { listen } from './ports';

export const consoleDist = path.join(projectRoot, 'web', 'dist');

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** The response headers CloudFront adds in AWS (lib/console/console.ts), with the local S3 as the upload target. */
export function securityHeaders(connectSrc: string[]): Record<string, string> {
  return {
    'content-security-policy': [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data:",
      `connect-src 'self' ${connectSrc.join(' ')}`.trim(),
      "frame-ancestors 'none'",
      "base-uri 'self'",
      "form-action 'self'",
      "object-src 'none'",
    ].join('; '),
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'strict-origin-when-cross-origin',
  };
}

/** Builds web/ into web/dist with Vite (about a second once warm). */
export async function buildConsole(): Promise<void> {
  const { build } = await import('vite');
  await build({ configFile: path.join(projectRoot, 'web', 'vite.config.ts'), logLevel: 'warn' });
}

export interface LocalConsole {
  url: string;
  stop(): Promise<void>;
}

export async function startConsole(opts: {
  port: number;
  apiUrl: string;
  s3Url: string;
  tokens: { finance: string; readonly: string };
  dist?: string;
}): Promise<LocalConsole> {
  const dist = opts.dist ?? consoleDist;
  if (!existsSync(path.join(dist, 'index.html')))
    throw new Error(`${dist}/index.html is missing: run npm run web:build`);
  const headers = securityHeaders([opts.s3Url]);
  const config = JSON.stringify({ apiBase: '/api', auth: { mode: 'token', tokens: opts.tokens } });
  const api = new URL(opts.apiUrl);

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://console');
    if (url.pathname.startsWith('/api/')) return forward(req, res, api, url.pathname.slice(4) + url.search);
    if (url.pathname === '/config.json') {
      res.writeHead(200, { ...headers, 'content-type': 'application/json', 'cache-control': 'no-store' });
      return res.end(config);
    }
    const file = path.join(dist, path.normalize(url.pathname).replace(/^(\.\.[/\\])+/, ''));
    const inside = file.startsWith(dist + path.sep);
    const found = inside && (await stat(file).catch(() => undefined))?.isFile();
    // SPA fallback: any other path is a page of the app.
    const target = found ? file : path.join(dist, 'index.html');
    const body = await readFile(target);
    const immutable = target.includes(`${path.sep}assets${path.sep}`);
    res.writeHead(200, {
      ...headers,
      'content-type': types[path.extname(target)] ?? 'application/octet-stream',
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    res.end(body);
  });
  await listen(server, 'finance console', opts.port);
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function forward(req: http.IncomingMessage, res: http.ServerResponse, api: URL, pathAndQuery: string): void {
  const upstream = http.request(
    {
      host: api.hostname,
      port: api.port,
      method: req.method,
      path: pathAndQuery,
      headers: { ...req.headers, host: api.host },
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', () => {
    res.writeHead(502, { 'content-type': 'application/problem+json' });
    res.end(
      JSON.stringify({ type: 'urn:encaisse:problem:service-unavailable', title: 'admin API unreachable', status: 502 }),
    );
  });
  req.pipe(upstream);
}
