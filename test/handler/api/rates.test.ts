import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { setClock } from '../../../functions/adapters/clock';
import { fixedClock } from '../../../functions/core/dates';
import { apiEnv, makeCaller, problemType } from './support';

apiEnv();
const ddb = mockClient(DynamoDBDocumentClient);
const api = await import('../../../functions/api/handler');
const call = makeCaller(api.handler as never, () => api.openApiDocument() as never);

const KEY = { pk: 'RATES', sk: 'OVERRIDE' };
/** What finance added for the second half of 2026 (figures of the test, not checked ones). */
const h2 = {
  ecbMro: [{ from: '2026-06-10', rateBp: 200 }],
  ecbMroKnownThrough: '2026-07-01',
  legalRate: [{ half: '2026-H2', otherCasesBp: 250, privateCreditorBp: 650 }],
  source: 'BCE communiqué du 5 juin 2026 ; arrêté du 20 juin 2026',
};
const stored = (version: number) => ({
  ...KEY,
  type: 'rates',
  ...h2,
  version,
  updatedAt: '2026-06-21T08:00:00.000Z',
  updatedBy: 'user:finance',
});

beforeEach(() => {
  ddb.reset();
  setClock(fixedClock('2026-09-15T09:00:00.000Z'));
});

describe('GET /rates: the late-payment rates finance maintains', () => {
  it('before any addition: the shipped table, no ETag, and the half-year of today missing both figures', async () => {
    ddb.on(GetCommand, { Key: KEY }).resolves({});
    const res = await call('GET', '/rates');
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBeUndefined();
    expect(res.json.override).toBeUndefined();
    expect(res.json.table.legalRate.map((r: { half: string }) => r.half)).toContain('2026-H1');
    expect(res.json.missing).toEqual([{ half: '2026-H2', ecbMro: true, legalRate: true }]);
  });

  it(
    'with finance’s additions: the merged table, the additions with their version as ETag, nothing ' + 'missing',
    async () => {
      ddb.on(GetCommand, { Key: KEY }).resolves({ Item: stored(3) });
      const res = await call('GET', '/rates');
      expect(res.headers.etag).toBe('"v3"');
      expect(res.json.override).toMatchObject({ version: 3, source: h2.source, updatedBy: 'user:finance' });
      expect(res.json.table.ecbMro.at(-1)).toEqual({ from: '2026-06-10', rateBp: 200 });
      expect(res.json.table.ecbMroKnownThrough).toBe('2026-07-01');
      expect(res.json.missing).toEqual([]);
    },
  );

  it('is for the finance role only', async () => {
    expect((await call('GET', '/rates', { as: 'readonly' })).status).toBe(403);
    expect((await call('PUT', '/rates', { as: 'readonly', body: h2 })).status).toBe(403);
  });
});

describe('PUT /rates: finance adds the figures of a new half-year', () => {
  it('the first save creates version 0, only if nobody created it meanwhile', async () => {
    ddb.on(GetCommand, { Key: KEY }).resolves({});
    ddb.on(PutCommand).resolves({});
    const res = await call('PUT', '/rates', { body: h2, headers: { 'if-match': '*' } });
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe('"v0"');
    expect(res.json.missing).toEqual([]);
    const put = ddb.commandCalls(PutCommand)[0].args[0].input;
    expect(put.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(put.Item).toMatchObject({
      ...KEY,
      version: 0,
      updatedBy: 'user:local-finance',
      updatedAt: '2026-09-15T09:00:00.000Z',
    });
  });

  it('a change based on the version read (If-Match) stores the next version, conditional on it', async () => {
    ddb.on(GetCommand, { Key: KEY }).resolves({ Item: stored(3) });
    ddb.on(PutCommand).resolves({});
    const res = await call('PUT', '/rates', {
      body: { ...h2, source: 'arrêté du 20 juin 2026 (JORF n°142)' },
      headers: { 'if-match': '"v3"' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe('"v4"');
    expect(ddb.commandCalls(PutCommand)[0].args[0].input).toMatchObject({
      ConditionExpression: '#v = :v',
      ExpressionAttributeValues: { ':v': 3 },
    });
  });

  it('a stale If-Match is refused with 409 and the current version, writing nothing', async () => {
    ddb.on(GetCommand, { Key: KEY }).resolves({ Item: stored(4) });
    const res = await call('PUT', '/rates', { body: h2, headers: { 'if-match': '"v3"' } });
    expect(res.status).toBe(409);
    expect(problemType(res)).toBe('version-conflict');
    expect(res.json.currentVersion).toBe(4);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('answers 409 when another finance user saved between the read and the write', async () => {
    ddb.on(GetCommand, { Key: KEY }).resolves({ Item: stored(3) });
    ddb
      .on(PutCommand)
      .rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));
    const res = await call('PUT', '/rates', { body: h2, headers: { 'if-match': '"v3"' } });
    expect(res.status).toBe(409);
    expect(problemType(res)).toBe('version-conflict');
  });

  it.each([
    [{ ...h2, legalRate: [{ half: '2026-S2', otherCasesBp: 250, privateCreditorBp: 650 }] }, 'legalRate.0.half'],
    [{ ...h2, ecbMro: [{ from: '10/06/2026', rateBp: 200 }] }, 'ecbMro.0.from'],
    [{ ...h2, ecbMro: [{ from: '2026-06-10', rateBp: 2.15 }] }, 'ecbMro.0.rateBp'],
    [{ ...h2, source: '' }, 'source'],
    [{ ...h2, legalRate: [h2.legalRate[0], h2.legalRate[0]] }, 'legalRate.1.half'],
  ])('refuses invalid figures naming the field (%#: %s)', async (body, field) => {
    ddb.on(GetCommand, { Key: KEY }).resolves({});
    const res = await call('PUT', '/rates', { body, headers: { 'if-match': '*' } });
    expect(res.status).toBe(400);
    expect(res.json.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });
});

describe('where each half-year’s figure comes from', () => {
  it(
    'an override saved with the former single assumption flag keeps meaning what it meant: each half-year it ' +
      'added is an assumption, the ECB rate and the legal rate alike',
    async () => {
      ddb.on(GetCommand, { Key: KEY }).resolves({ Item: { ...stored(3), assumption: true } });
      const res = await call('GET', '/rates');
      expect(res.status).toBe(200);
      expect(res.json.override.assumption).toBeUndefined();
      expect(res.json.override.provenance).toEqual([
        { half: '2026-H2', rate: 'ecb_mro', assumption: true },
        { half: '2026-H2', rate: 'legal_rate', assumption: true },
      ]);
    },
  );

  it('finance marks one half-year as an assumption and the next as published, and both are stored so', async () => {
    ddb.on(GetCommand, { Key: KEY }).resolves({});
    ddb.on(PutCommand).resolves({});
    const provenance = [
      { half: '2026-H2', rate: 'ecb_mro', assumption: true, source: 'taux du 1er semestre reconduit' },
      { half: '2027-H1', rate: 'ecb_mro', assumption: false, source: 'BCE communiqué du 10 décembre 2026' },
    ];
    const body = { ...h2, ecbMroKnownThrough: '2027-01-01', provenance };
    const res = await call('PUT', '/rates', { body, headers: { 'if-match': '*' } });
    expect(res.status).toBe(200);
    expect(ddb.commandCalls(PutCommand)[0].args[0].input.Item?.provenance).toEqual(provenance);
    expect(ddb.commandCalls(PutCommand)[0].args[0].input.Item?.assumption).toBeUndefined();
  });

  it('a client still sending the single flag has it stored per half-year it adds', async () => {
    ddb.on(GetCommand, { Key: KEY }).resolves({});
    ddb.on(PutCommand).resolves({});
    const res = await call('PUT', '/rates', { body: { ...h2, assumption: true }, headers: { 'if-match': '*' } });
    expect(res.status).toBe(200);
    expect(ddb.commandCalls(PutCommand)[0].args[0].input.Item?.provenance).toEqual([
      { half: '2026-H2', rate: 'ecb_mro', assumption: true },
      { half: '2026-H2', rate: 'legal_rate', assumption: true },
    ]);
  });

  it('refuses the same half-year and rate listed twice', async () => {
    ddb.on(GetCommand, { Key: KEY }).resolves({});
    const twice = { half: '2026-H2', rate: 'ecb_mro', assumption: true };
    const res = await call('PUT', '/rates', {
      body: { ...h2, provenance: [twice, { ...twice, assumption: false }] },
      headers: { 'if-match': '*' },
    });
    expect(res.status).toBe(400);
    expect(res.json.errors.map((e: { field: string }) => e.field)).toContain('provenance.1.half');
  });
});

describe('the rates in the OpenAPI document', () => {
  it('documents GET and PUT /rates with If-Match and 409', () => {
    const doc = api.openApiDocument() as {
      paths: Record<string, Record<string, { parameters?: { name: string }[]; responses: Record<string, unknown> }>>;
    };
    expect(Object.keys(doc.paths['/rates'])).toEqual(['get', 'put']);
    expect(doc.paths['/rates'].put.parameters?.map((p) => p.name)).toContain('If-Match');
    expect(Object.keys(doc.paths['/rates'].put.responses)).toEqual(expect.arrayContaining(['200', '400', '409']));
  });
});
