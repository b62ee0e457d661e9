import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { notFound, versionConflict } from '../../../functions/api/http';
import { detailIn, fieldMessageIn, knowsDetail, knowsFieldMessage } from '../../../functions/api/language';
import { apiEnv, makeCaller, problemType } from './support';

apiEnv();
const db = mockClient(DynamoDBDocumentClient);
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

const placeholder = (template: string) => template.replace(/\$\{(?:[^{}]|\{[^}]*\})*\}/g, 'X');

/** Every wording in those files, each `${…}` read as `X`. */
function wordings(): string[] {
  const out = new Set<string>();
  for (const file of SOURCES) {
    const text = readFileSync(file, 'utf8');
    for (const re of WORDINGS) for (const m of text.matchAll(re)) out.add(placeholder(m[2]));
  }
  return [...out].sort();
}

/** Where the details of the other problems are worded: the API, and what it passes on as a detail. */
const DETAIL_SOURCES = [
  ...walk(join(functions, 'api')),
  ...['adapters/db/allocations.ts', 'adapters/db/statements.ts', 'core/books/plan.ts'].map((f) => join(functions, f)),
  ...['fec.ts', 'invoice-csv.ts'].map((f) => join(functions, 'core', 'imports', f)),
];
/** A string, or strings joined by `+` across lines. */
const LITERALS = String.raw`((?:\s*(['\x60])(?:(?!\2)[^\\]|\\.)*\2\s*\+?)+)`;
/** How a detail is worded there; a 404's or a version conflict's is built from what it is about. */
const DETAILS: [RegExp, (said: string) => string][] = [
  // (a 400's detail for a French reader is made of its fields' messages, above)
  [new RegExp(String.raw`new HttpProblem\(\s*'(?!validation')[\w-]+',` + LITERALS, 'g'), (d) => d],
  [new RegExp(String.raw`\b(?:stateConflict|unauthorized)\(` + LITERALS, 'g'), (d) => d],
  [new RegExp(String.raw`new AllocationRefusedError\(\s*[\w.]+,` + LITERALS, 'g'), (d) => d],
  [new RegExp(String.raw`\b(?:refused|fatal):` + LITERALS, 'g'), (d) => d],
  [new RegExp(String.raw`\bfatal =` + LITERALS, 'g'), (d) => d],
  [new RegExp(String.raw`ExportOrderError[\s\S]*?super\(` + LITERALS, 'g'), (d) => d],
  [new RegExp(String.raw`\bnotFound\(` + LITERALS, 'g'), (what) => notFound(what).detail],
  [new RegExp(String.raw`\bversionConflict\(` + LITERALS, 'g'), (what) => versionConflict(what).detail],
];

/** Every detail worded in those files, each `${…}` read as `X`. */
function details(): string[] {
  const out = new Set<string>();
  for (const file of DETAIL_SOURCES) {
    const text = readFileSync(file, 'utf8');
    for (const [re, detail] of DETAILS)
      for (const m of text.matchAll(re)) {
        const said = [...m[1].matchAll(/(['`])((?:(?!\1)[^\\]|\\.)*)\1/g)].map((s) => s[2]).join('');
        out.add(detail(placeholder(said)));
      }
  }
  out.delete('unknown statement'); // the statements route answers it as a 404 ("statement X does not exist")
  out.add(notFound('policy X version X').detail); // worded with a condition the scan cannot read
  return [...out].sort();
}

/** English words a French detail should not keep (an identifier such as `If-Match` or `PUT` may stay). */
const ENGLISH = new RegExp(
  String.raw`\b(the|of|and|is|not|are|expected|allowed|invalid|must|than|away|twice|invoice|asked|open|cannot|exist|` +
    String.raw`send|your)\b`,
  'g',
);

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
    expect(fr.match(ENGLISH) ?? []).toEqual([]);
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

  it('tells a French reader which hidden character a note holds, and where', async () => {
    const res = await call('POST', '/invoices/F-1/dispute', {
      body: { note: 'facture \u202e5102 contestée' },
      headers: french,
    });
    expect(res.status).toBe(400);
    expect(res.json.detail).toBe('note : caractère d’inversion du sens d’écriture U+202E refusé (caractère n° 9)');
  });

  it('leaves English to a reader who did not ask for French, whatever the requests before', async () => {
    await call('GET', '/invoices', { query: { limit: '0' }, headers: french });
    const res = await call('POST', '/invoices/F-1/promise', { body: { until: '2026-02-30', note: 5 } });
    expect(res.json.title).toBe('The request is invalid');
    expect(res.json.detail).toBe('until: not a calendar date; note: Invalid input: expected string, received number');
  });
});

describe('why the API refused anything else, in the reader’s language', () => {
  const templates = details();

  it('finds the details in the source', () => {
    expect(templates.length).toBeGreaterThanOrEqual(50);
    expect(templates).toContain('a debit pays no invoice');
    expect(templates).toContain('invoice X is X: cannot X');
    expect(templates).toContain('invoice X does not exist');
    expect(templates).toContain('this action needs the finance role; your role is read-only');
  });

  it.each(templates)('has a French wording for “%s”', (template) => {
    expect(knowsDetail(template)).toBe(true);
    const fr = detailIn('fr', template);
    expect(fr).not.toBe(template);
    expect(fr.match(ENGLISH) ?? []).toEqual([]);
  });

  it('writes amounts and statuses in French, and leaves English as the API wrote it', () => {
    expect(detailIn('fr', 'invoice F-2026-0012 has only 120.00 open, 1500.00 asked')).toBe(
      'la facture F-2026-0012 ne doit plus que 120,00\u00a0€, 1\u202f500,00\u00a0€ demandés',
    );
    expect(detailIn('fr', 'invoice F-2026-0012 is written_off')).toBe('la facture F-2026-0012 est passée en perte');
    expect(detailIn('fr', 'amountCents 50000 exceeds the open amount 12050 (refunds are out of scope)')).toBe(
      '500,00\u00a0€ dépassent le reste dû de 120,50\u00a0€ (les remboursements ne sont pas gérés)',
    );
    expect(detailIn('fr', 'invoice F-2026-0012 is paid: cannot pause')).toBe(
      'la facture F-2026-0012 est payée : impossible de suspendre les relances',
    );
    expect(detailIn('fr', 'policy P-STD version 3 does not exist')).toBe(
      'la version 3 de la politique de relance P-STD n’existe pas',
    );
    expect(detailIn('en', 'a debit pays no invoice')).toBe('a debit pays no invoice');
  });

  it('answers a French reader in French when the thing asked for does not exist', async () => {
    db.onAnyCommand().resolves({ Items: [] });
    const res = await call('GET', '/invoices/F-404', { headers: french });
    expect(res.status).toBe(404);
    expect(res.json.title).toBe('Introuvable');
    expect(res.json.detail).toBe('la facture F-404 n’existe pas');
    const en = await call('GET', '/invoices/F-404');
    expect(en.json.detail).toBe('invoice F-404 does not exist');
  });
});
