import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { expect } from 'vitest';
import type { Invoice } from '../../../functions/core/model';
import { withinGrants } from '../support/access';

/** Environment of the api Lambda in tests: local token auth, a table name, a state machine. */
export const FINANCE_TOKEN = 'test-finance-token';
export const READONLY_TOKEN = 'test-readonly-token';
export function apiEnv(): void {
  Object.assign(process.env, {
    TABLE_NAME: 'encaisse-test',
    AUTH_MODE: 'token',
    LOCAL_API_TOKEN: FINANCE_TOKEN,
    LOCAL_API_READONLY_TOKEN: READONLY_TOKEN,
    STATE_MACHINE_ARN: 'arn:aws:states:eu-west-3:123456789012:stateMachine:dunning',
    STATEMENTS_BUCKET: 'statements',
    // the letters, case files and dispute files the console links to (presigned)
    DOCUMENTS_BUCKET: 'documents',
    // A match that pays an invoice whose formal notice claimed penalties tells finance (use-cases/dunning).
    SENDER_EMAIL: 'relances@encaisse.example.fr',
    FINANCE_EMAILS: 'finance@encaisse.example.fr',
    AWS_REGION: 'eu-west-3',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    LOG_LEVEL: 'error',
  });
}

export interface CallOptions {
  body?: unknown;
  rawBody?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  /** 'finance' (default), 'readonly', or null for no Authorization header. */
  as?: 'finance' | 'readonly' | null;
  claims?: Record<string, unknown>;
  /** Skip the OpenAPI check (unknown routes). */
  contract?: boolean;
}

export interface CallResult {
  status: number;
  headers: Record<string, string>;
  text: string;
  json: any;
}

type Handler = (
  event: unknown,
  context: unknown,
) => Promise<{ statusCode: number; headers: Record<string, string>; body: string }>;
type Doc = {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>
  >;
  components: { schemas: Record<string, unknown> };
};

let ajv: Ajv2020 | undefined;
const compiled = new Map<string, ValidateFunction>();

/** The response conforms to the OpenAPI document: its status is documented for the route and the body validates. */
export function expectConforms(doc: Doc, method: string, routePath: string, res: CallResult): void {
  const op = doc.paths[routePath]?.[method.toLowerCase()];
  expect(op, `${method} ${routePath} is in the OpenAPI document`).toBeDefined();
  const spec = op.responses[String(res.status)];
  expect(spec, `${method} ${routePath} documents status ${res.status}`).toBeDefined();
  const type = (res.headers['content-type'] ?? '').split(';')[0];
  if (!spec.content || res.text === '') return;
  const media = spec.content[type];
  expect(media, `${method} ${routePath} ${res.status} documents ${type}`).toBeDefined();
  if (!type.includes('json')) return;
  const key = `${method} ${routePath} ${res.status} ${type}`;
  let validate = compiled.get(key);
  if (!validate) {
    ajv ??= addFormats(new Ajv2020({ strict: false, allErrors: true }));
    const schema = media.schema as { $ref?: string };
    const resolved = schema.$ref ? doc.components.schemas[schema.$ref.split('/').at(-1) as string] : schema;
    validate = ajv.compile(resolved as object);
    compiled.set(key, validate);
  }
  const ok = validate(res.json);
  expect(ok ? [] : validate.errors, `${key} body validates against the OpenAPI schema`).toEqual([]);
}

/** Finds the documented route of a concrete path ('/invoices/F1' -> '/invoices/{invoiceId}'). */
export function routeOf(doc: Doc, path: string): string {
  const bare = path.split('?')[0];
  for (const p of Object.keys(doc.paths)) {
    const re = new RegExp(`^${p.replace(/\{[^/]+\}/g, '[^/]+')}$`);
    if (re.test(bare)) return p;
  }
  return bare;
}

/**
 * Calls the api handler with an HTTP API v2 event, as API Gateway would, and checks every response against the
 * OpenAPI document the API serves (so every handler test is also a contract test).
 */
export function makeCaller(api: Handler, doc: () => Doc) {
  // The documents it links to (presigned URLs, which S3 honours only if the api may read them) checked against its role
  const handler = withinGrants('api', api);
  return async (method: string, path: string, opts: CallOptions = {}): Promise<CallResult> => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    const as = opts.as === undefined ? 'finance' : opts.as;
    if (as) headers.authorization = `Bearer ${as === 'finance' ? FINANCE_TOKEN : READONLY_TOKEN}`;
    let body = opts.rawBody;
    if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const event = {
      version: '2.0',
      routeKey: '$default',
      rawPath: path,
      rawQueryString: new URLSearchParams(opts.query ?? {}).toString(),
      headers,
      queryStringParameters: opts.query,
      requestContext: {
        http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
        requestId: 'req-1',
        stage: '$default',
        ...(opts.claims ? { authorizer: { jwt: { claims: opts.claims, scopes: null } } } : {}),
      },
      body,
      isBase64Encoded: false,
    };
    const out = await handler(event, { awsRequestId: 'req-1' });
    const text = out.body ?? '';
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    const res = { status: out.statusCode, headers: out.headers ?? {}, text, json };
    if (opts.contract !== false) expectConforms(doc(), method, routeOf(doc(), path), res);
    return res;
  };
}

/** The problem type URI of a response. */
export const problemType = (res: CallResult) => String(res.json?.type ?? '').replace('urn:encaisse:problem:', '');

/** A DynamoDB transaction cancellation as the SDK raises it. */
export function cancelled(code: string) {
  return new TransactionCanceledException({
    message: `Transaction cancelled [${code}]`,
    $metadata: {},
    CancellationReasons: [{ Code: code }, { Code: 'None' }],
  });
}
export function awsError(name: string) {
  return Object.assign(new Error(name), { name, $metadata: {} });
}

/** An open invoice of customer C001, at version 2, as the invoice routes' tests store it. */
export const invoice = (over: Partial<Invoice> = {}): Invoice => ({
  invoiceId: 'F-2026-001',
  customerId: 'C001',
  amountCents: 120000,
  openCents: 120000,
  currency: 'EUR',
  issueDate: '2026-10-01',
  dueDate: '2026-10-31',
  status: 'open',
  version: 2,
  ...over,
});
