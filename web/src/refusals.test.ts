import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiError } from './api/client';
import { lang } from './i18n';
import { knowsRefusal, translateRefusal } from './refusals';

const SOURCE = join(__dirname, '..', '..', 'functions', 'adapters', 'db', 'allocations.ts');

/** Every reason an AllocationRefusedError is given in the source, each `${…}` read as `X`. */
function refusals(): string[] {
  const src = readFileSync(SOURCE, 'utf8');
  const out = new Set<string>();
  for (const m of src.matchAll(/new AllocationRefusedError\(\s*[\w.]+,\s*(['`])([\s\S]*?)\1\s*,?\s*\)/g))
    out.add(m[2].replace(/\$\{(?:[^{}]|\{[^}]*\})*\}/g, 'X'));
  return [...out].sort();
}

describe('why a match was refused, in French', () => {
  const templates = refusals();

  it('finds the refusals in the source', () => {
    expect(templates.length).toBeGreaterThanOrEqual(10);
    expect(templates).toContain('a debit pays no invoice');
  });

  it.each(templates)('has a French wording for “%s”', (template) => {
    expect(knowsRefusal(template)).toBe(true);
    const fr = translateRefusal(template, 'fr');
    expect(fr).not.toBe(template);
    expect(fr.match(/\b(the|of|and|is|not|invoice|asked|open|credit)\b/g) ?? []).toEqual([]);
  });

  it('writes amounts in French, and leaves English as the API wrote it', () => {
    expect(translateRefusal('invoice F-2026-0012 has only 120.00 open, 1500.00 asked', 'fr')).toBe(
      'la facture F-2026-0012 ne doit plus que 120,00\u00a0€, 1\u202f500,00\u00a0€ demandés',
    );
    expect(translateRefusal('invoice F-2026-0012 is written_off', 'fr')).toBe(
      'la facture F-2026-0012 est passée en perte',
    );
    expect(translateRefusal('a debit pays no invoice', 'en')).toBe('a debit pays no invoice');
  });

  it('is what the console says when the API refuses a match', () => {
    const refused = new ApiError(409, {
      type: 'urn:encaisse:problem:state-conflict',
      title: 'Conflict',
      detail: 'returned by the bank (impayé / rejet): it pays nothing',
    });
    lang.value = 'fr';
    expect(refused.explain()).toBe(
      'Impossible dans l’état actuel : paiement rejeté par la banque (impayé / rejet) : il ne règle rien',
    );
    lang.value = 'en';
    expect(refused.explain()).toBe(
      'Not possible in the current state: returned by the bank (impayé / rejet): it pays nothing',
    );
    lang.value = 'fr';
  });
});
