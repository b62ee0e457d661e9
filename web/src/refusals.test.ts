import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiError } from './api/client';
import { lang } from './i18n';
import { knowsRefusal, translateRefusal } from './refusals';

const root = join(__dirname, '..', '..', 'functions');
/** The files that word a 409 state-conflict, and how each words it. */
const SOURCES: [string, RegExp][] = [
  ['adapters/db/allocations.ts', /new AllocationRefusedError\(\s*[\w.]+,\s*(['`])([\s\S]*?)\1\s*,?\s*\)/g],
  ['adapters/db/statements.ts', /refused: (['`])([\s\S]*?)\1/g],
  ...readdirSync(join(root, 'api', 'routes')).map(
    (f) => [`api/routes/${f}`, /stateConflict\(\s*(['`])([\s\S]*?)\1,?\s*\)/g] as [string, RegExp],
  ),
];

/** Every refusal worded in those files, each `${…}` read as `X`. */
function refusals(): string[] {
  const out = new Set<string>();
  for (const [file, re] of SOURCES)
    for (const m of readFileSync(join(root, file), 'utf8').matchAll(re))
      out.add(m[2].replace(/\$\{(?:[^{}]|\{[^}]*\})*\}/g, 'X'));
  out.delete('unknown statement'); // a 404, not a refusal
  return [...out].sort();
}

describe('why the API refused an action, in French', () => {
  const templates = refusals();

  it('finds the refusals in the source', () => {
    expect(templates.length).toBeGreaterThanOrEqual(18);
    expect(templates).toContain('a debit pays no invoice');
    expect(templates).toContain('invoice X is X: cannot X');
  });

  it.each(templates)('has a French wording for “%s”', (template) => {
    expect(knowsRefusal(template)).toBe(true);
    const fr = translateRefusal(template, 'fr');
    expect(fr).not.toBe(template);
    expect(fr.match(/\b(the|of|and|is|not|invoice|asked|open|credit|statement|cannot)\b/g) ?? []).toEqual([]);
  });

  it('writes amounts in French, and leaves English as the API wrote it', () => {
    expect(translateRefusal('invoice F-2026-0012 has only 120.00 open, 1500.00 asked', 'fr')).toBe(
      'la facture F-2026-0012 ne doit plus que 120,00\u00a0€, 1\u202f500,00\u00a0€ demandés',
    );
    expect(translateRefusal('invoice F-2026-0012 is written_off', 'fr')).toBe(
      'la facture F-2026-0012 est passée en perte',
    );
    expect(translateRefusal('amountCents 50000 exceeds the open amount 12050 (refunds are out of scope)', 'fr')).toBe(
      '500,00\u00a0€ dépassent le reste dû de 120,50\u00a0€ (les remboursements ne sont pas gérés)',
    );
    expect(translateRefusal('invoice F-2026-0012 is paid: cannot pause', 'fr')).toBe(
      'la facture F-2026-0012 est payée : impossible de suspendre les relances',
    );
    expect(translateRefusal('a debit pays no invoice', 'en')).toBe('a debit pays no invoice');
  });

  it('is what the console says when the API refuses a match', () => {
    const refused = new ApiError(409, {
      type: 'urn:encaisse:problem:state-conflict',
      title: 'Conflict',
      detail: 'returned by the bank (impayé / rejet): it pays nothing (if it was not returned, reject it first)',
    });
    lang.value = 'fr';
    expect(refused.explain()).toBe(
      'Impossible dans l’état actuel : paiement rendu par la banque (impayé / rejet) : il ne règle rien (s’il n’a ' +
        'pas été rendu, rejetez-le d’abord)',
    );
    lang.value = 'en';
    expect(refused.explain()).toBe(
      'Not possible in the current state: returned by the bank (impayé / rejet): it pays nothing (if it was not ' +
        'returned, reject it first)',
    );
    lang.value = 'fr';
  });
});
