import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { apiEnv } from './support';

apiEnv();
const api = await import('../../../functions/api/handler');
type Op = {
  operationId: string;
  parameters?: { name: string; in: string; required: boolean }[];
  responses: Record<string, { content?: Record<string, { schema: object }> }>;
  security: unknown[];
  requestBody?: unknown;
};
const doc = api.openApiDocument() as {
  openapi: string;
  paths: Record<string, Record<string, Op>>;
  components: { schemas: Record<string, object> };
};

describe('OpenAPI contract', () => {
  it('is an OpenAPI 3.1 document', () => {
    expect(doc.openapi).toBe('3.1.0');
  });

  it('has every route of the router, and nothing the router does not serve', () => {
    const routes = api.apiRoutes.map((r) => `${r.method} ${r.path}`).sort();
    const documented = Object.entries(doc.paths)
      .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`))
      .sort();
    expect(documented).toEqual(routes);
    expect(new Set(api.apiRoutes.map((r) => r.operationId)).size).toBe(api.apiRoutes.length);
  });

  it('declares every path parameter, a success response with a schema, and auth on every route but health', () => {
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const declared = (op.parameters ?? [])
          .filter((p) => p.in === 'path')
          .map((p) => p.name)
          .sort();
        const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
        expect(declared, `${method} ${path} path parameters`).toEqual(inPath);
        const ok = Object.entries(op.responses).filter(([s]) => s.startsWith('2'));
        expect(ok.length, `${method} ${path} has a 2xx`).toBeGreaterThan(0);
        expect(
          ok.every(([, r]) => r.content !== undefined),
          `${method} ${path} 2xx has content`,
        ).toBe(true);
        expect(op.security.length === 0, `${method} ${path} security`).toBe(path === '/health');
        if (path !== '/health')
          expect(Object.keys(op.responses), `${method} ${path} documents 401/403/400`).toEqual(
            expect.arrayContaining(['400', '401', '403']),
          );
        if (['post', 'put', 'patch'].includes(method) && op.requestBody)
          expect(Object.keys(op.responses)).toContain('413');
      }
    }
  });

  it('has JSON schemas that compile (draft 2020-12) for every request and response', () => {
    const ajv = addFormats(new Ajv2020({ strict: false }));
    ajv.addSchema({ $id: 'doc', components: doc.components } as object);
    let count = 0;
    for (const ops of Object.values(doc.paths)) {
      for (const op of Object.values(ops)) {
        for (const r of Object.values(op.responses)) {
          for (const media of Object.values(r.content ?? {})) {
            const schema = JSON.parse(JSON.stringify(media.schema).replaceAll('"#/components/', '"doc#/components/'));
            expect(() => ajv.compile(schema)).not.toThrow();
            count++;
          }
        }
      }
    }
    expect(count).toBeGreaterThan(100);
  });
});
