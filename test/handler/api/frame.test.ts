import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { apiEnv, awsError, makeCaller, problemType } from './support';

apiEnv();
const ddb = mockClient(DynamoDBDocumentClient);
const api = await import('../../../functions/api/handler');
const call = makeCaller(api.handler as never, () => api.openApiDocument() as never);

beforeEach(() => {
  ddb.reset();
  process.env.AUTH_MODE = 'token';
});

describe('admin API frame: authentication and roles', () => {
  it('answers GET /health without credentials', async () => {
    const res = await call('GET', '/health', { as: null });
    expect(res.status).toBe(200);
    expect(res.json.status).toBe('ok');
  });

  it('refuses a request without a token with 401 and a Bearer challenge', async () => {
    const res = await call('GET', '/invoices', { as: null });
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.headers['www-authenticate']).toContain('Bearer');
    expect(problemType(res)).toBe('unauthorized');
  });

  it('refuses an unknown token', async () => {
    const res = await call('GET', '/invoices', { as: null, headers: { authorization: 'Bearer not-the-token' } });
    expect(res.status).toBe(401);
  });

  it('lets the read-only role read but not change anything (403)', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    expect((await call('GET', '/invoices', { as: 'readonly' })).status).toBe(200);
    const res = await call('POST', '/invoices/F1/pause', { as: 'readonly', body: {} });
    expect(res.status).toBe(403);
    expect(problemType(res)).toBe('forbidden');
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
  });

  it('reads the role from the cognito:groups claim the JWT authorizer verified', async () => {
    process.env.AUTH_MODE = 'jwt';
    ddb.on(QueryCommand).resolves({ Items: [] });
    expect(
      (
        await call('GET', '/invoices', {
          as: null,
          claims: { sub: 'u1', email: 'anne@pme.fr', 'cognito:groups': '[read-only]' },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await call('POST', '/invoices/F1/pause', {
          as: null,
          body: {},
          claims: { sub: 'u1', 'cognito:groups': '[read-only]' },
        })
      ).status,
    ).toBe(403);
    expect(
      (await call('GET', '/invoices', { as: null, claims: { sub: 'u2', 'cognito:groups': '[sales]' } })).status,
    ).toBe(403);
    expect((await call('GET', '/invoices', { as: null })).status).toBe(401);
  });
});

describe('admin API frame: errors as problem+json', () => {
  it('names every invalid field with where it was (path, query, body)', async () => {
    const res = await call('GET', '/invoices', { query: { status: 'open,lost', limit: '0', dueFrom: '2026-02-30' } });
    expect(res.status).toBe(400);
    expect(problemType(res)).toBe('validation');
    expect(res.json.errors.map((e: { in: string; field: string }) => `${e.in}:${e.field}`).sort()).toEqual([
      'query:dueFrom',
      'query:limit',
      'query:status.1',
    ]);
  });

  it('says a body that is not JSON is malformed, not a server error', async () => {
    const res = await call('POST', '/invoices', {
      rawBody: '{"invoiceId":',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(problemType(res)).toBe('malformed-body');
  });

  it('refuses an oversized body with 413 and says the limit', async () => {
    const res = await call('POST', '/invoices', {
      rawBody: JSON.stringify({ note: 'x'.repeat(300_000) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(413);
    expect(res.json.limitBytes).toBe(262144);
    expect(res.json.detail).toContain('256 KiB');
  });

  it('refuses a content type the route does not read (415)', async () => {
    const res = await call('POST', '/invoices', {
      rawBody: 'a=b',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(415);
  });

  it('answers an unknown route with 404 route-not-found', async () => {
    const res = await call('GET', '/nowhere', { contract: false });
    expect(res.status).toBe(404);
    expect(problemType(res)).toBe('route-not-found');
  });

  it('refuses a forged cursor with 400 naming the cursor', async () => {
    const res = await call('GET', '/invoices', { query: { cursor: 'bm90LWpzb24' } });
    expect(res.status).toBe(400);
    expect(res.json.errors[0]).toMatchObject({ in: 'query', field: 'cursor' });
  });

  it('refuses a cursor naming another partition or a forged key before asking DynamoDB', async () => {
    const forged = (k: unknown) => Buffer.from(JSON.stringify({ p: 0, k })).toString('base64url');
    for (const k of [
      { pk: 'x', sk: 'y', gsi2pk: 'INVSTATUS#paid', gsi2sk: 'z' },
      { foo: 1 },
      { pk: 'x', sk: 'y', gsi2pk: 'INVSTATUS#open', gsi2sk: 7 },
    ]) {
      const res = await call('GET', '/invoices', { query: { status: 'open', cursor: forged(k) } });
      expect(res.status).toBe(400);
    }
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it('answers 400, not 500, when DynamoDB refuses the start key of a cursor', async () => {
    ddb
      .on(QueryCommand)
      .rejects(
        Object.assign(
          new Error('The provided starting key is invalid: The provided key element does not match the schema'),
          { name: 'ValidationException' },
        ),
      );
    const res = await call('GET', '/customers', { query: { cursor: Buffer.from('{"a":"b"}').toString('base64url') } });
    expect(res.status).toBe(400);
    expect(res.json.errors[0]).toMatchObject({ field: 'cursor' });
  });

  it('turns DynamoDB throttling into 503 with Retry-After, not 500', async () => {
    ddb.on(QueryCommand).rejects(awsError('ProvisionedThroughputExceededException'));
    const res = await call('GET', '/invoices');
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(problemType(res)).toBe('service-unavailable');
  });

  it('hides the cause of an unexpected failure behind a 500 problem', async () => {
    ddb.on(QueryCommand).rejects(new Error('socket hang up at 10.0.0.12'));
    const res = await call('GET', '/invoices');
    expect(res.status).toBe(500);
    expect(res.text).not.toContain('10.0.0.12');
  });

  it('titles problems in French for a French reader', async () => {
    const res = await call('GET', '/invoices', { as: null, headers: { 'accept-language': 'fr-FR,fr;q=0.9' } });
    expect(res.json.title).toBe('Authentification requise');
    expect(res.headers['content-language']).toBe('fr');
  });
});
