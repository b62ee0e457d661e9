import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { fieldMessageIn, knowsFieldMessage } from '../../../functions/api/language';
import { apiEnv, makeCaller, problemType } from './support';

apiEnv();
mockClient(DynamoDBDocumentClient);
const api = await import('../../../functions/api/handler');
const call = makeCaller(api.handler as never, () => api.openApiDocument() as never);
const french = { 'accept-language': 'fr-FR,fr;q=0.9' };

const functions = join(__dirname, '..', '..', '..', 'functions');
/** Where the API's bodies, queries and paths are checked: its routes and the core schemas they are built from. */
const SOURCES = [
  ...walk(join(functions, 'api')),
  ...walk(join(functions, 'core', 'model')),
  ...['dates.ts', 'calendar/time-zone.ts', 'dunning/policy.ts', 'dunning/rates.ts', 'payments/customer-link.ts'].map(
    (f) => join(functions, 'core', f),
  ),
  join(functions, 'core', 'books', 'model.ts'),
];
/** How a message is worded there: a schema's own (`.refine(…, 'msg')`), an issue or a field error, idProblem's. */
const WORDINGS = [
  /\.(?:refine|regex|max|min)\((?:[^()]|\([^()]*\))*?,\s*(['`])((?:(?!\1)[^\\]|\\.)+)\1\s*\)/g,
  /\bmessage:\s*(['`])((?:(?!\1)[^\\]|\\.)+)\1/g,
  /\breturn\s+(['`])((?:(?!\1)[^\\]|\\.)+ (?:allowed|not allowed))\1/g,
  /\?\s*(['`])((?:(?!\1)[^\\]|\\.)+ (?:allowed|not allowed))\1/g,
];

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Every wording in those files, each `${…}` read as `X`. */
function wordings(): string[] {
  const out = new Set<string>();
  for (const file of SOURCES) {
    const text = readFileSync(file, 'utf8');
    for (const re of WORDINGS)
      for (const m of text.matchAll(re)) out.add(m[2].replace(/\$\{(?:[^{}]|\{[^}]*\})*\}/g, 'X'));
  }
  return [...out].sort();
}

describe('why the API refused a request (400), in the reader’s language', () => {
  const templates = wordings();

  it('finds the wordings in the source', () => {
    expect(templates.length).toBeGreaterThanOrEqual(30);
    expect(templates).toContain('not a valid IBAN');
    expect(templates).toContain('leading or trailing spaces are not allowed');
    expect(templates).toContain('level X does not fit channel X');
  });

  it.each(templates)('has a French wording for “%s”', (template) => {
    expect(knowsFieldMessage(template)).toBe(true);
    const fr = fieldMessageIn('fr', template);
    expect(fr).not.toBe(template);
    expect(fr.match(/\b(the|of|and|is|not|are|expected|allowed|invalid|must|than|away|twice)\b/g) ?? []).toEqual([]);
  });

  it('words zod’s own messages in French for a French reader, and names the field', async () => {
    const res = await call('GET', '/invoices', { query: { limit: '0' }, headers: french });
    expect(res.status).toBe(400);
    expect(problemType(res)).toBe('validation');
    expect(res.json.title).toBe('La requête est invalide');
    expect(res.json.errors).toEqual([{ in: 'query', field: 'limit', message: 'Trop petit : nombre doit être >=1' }]);
    expect(res.json.detail).toBe('paramètre limit : Trop petit : nombre doit être >=1');
  });

  it('words the project’s own messages in French too', async () => {
    const res = await call('POST', '/invoices/F-1/promise', {
      body: { until: '2026-02-30', note: 5 },
      headers: french,
    });
    expect(res.status).toBe(400);
    expect(res.json.errors.map((e: { message: string }) => e.message)).toEqual([
      'cette date n’existe pas',
      'Entrée invalide : chaîne de caractères attendu, nombre reçu',
    ]);
    expect(res.json.detail).toBe(
      'until : cette date n’existe pas ; note : Entrée invalide : chaîne de caractères attendu, nombre reçu',
    );
  });

  it('leaves English to a reader who did not ask for French, whatever the requests before', async () => {
    await call('GET', '/invoices', { query: { limit: '0' }, headers: french });
    const res = await call('POST', '/invoices/F-1/promise', { body: { until: '2026-02-30', note: 5 } });
    expect(res.json.title).toBe('The request is invalid');
    expect(res.json.detail).toBe('until: not a calendar date; note: Invalid input: expected string, received number');
  });
});
