/// <reference types="node" />
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { knowsReason, translateReason } from './reasons';

const MATCHING = fileURLToPath(new URL('../../functions/core/matching', import.meta.url));
/** Literal pieces of a template that are not reasons on their own: translated inside the reason that holds them. */
const FRAGMENTS = new Set([' (this run)', 'X of X']);

/** The text of a string or template literal, or of literals joined with `+`; `X` for each interpolation. */
function literalText(n: ts.Node): string | undefined {
  if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) return n.text;
  if (ts.isTemplateExpression(n)) return n.head.text + n.templateSpans.map((s) => `X${s.literal.text}`).join('');
  if (ts.isParenthesizedExpression(n)) return literalText(n.expression);
  if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const left = literalText(n.left);
    const right = literalText(n.right);
    return left !== undefined && right !== undefined ? left + right : undefined;
  }
  return undefined;
}

/**
 * Every sentence the matcher can write, read from its source: each string or template literal made of words (codes
 * such as 'exact' or 'iban' have none), with `X` for each interpolation; messages of thrown errors are left out.
 */
function matcherTemplates(): string[] {
  const out = new Set<string>();
  for (const file of readdirSync(MATCHING).filter((f) => f.endsWith('.ts'))) {
    const src = ts.createSourceFile(file, readFileSync(join(MATCHING, file), 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (n: ts.Node): void => {
      const thrown = ts.isNewExpression(n) && n.expression.getText() === 'Error';
      if (thrown) return;
      const text = literalText(n);
      if (text !== undefined && /[a-z]{2,} [a-zX]/.test(text) && !FRAGMENTS.has(text)) out.add(text);
      // A sentence split over lines ('…' + '…') is one template: its pieces are not templates of their own.
      if (text !== undefined && ts.isBinaryExpression(n)) return;
      ts.forEachChild(n, visit);
    };
    visit(src);
  }
  return [...out].sort();
}

describe('the matcher’s reasons in French', () => {
  const templates = matcherTemplates();

  it('finds the matcher’s templates in its source', () => {
    expect(templates.length).toBeGreaterThan(50);
    expect(templates).toContain('ambiguous: several open invoices fit equally well');
    expect(templates).toContain('amount: X equals what is owed');
  });

  it.each(templates)('has a French wording for “%s”', (template) => {
    expect(knowsReason(template)).toBe(true);
    const { text } = translateReason(template, 'fr');
    expect(text).not.toBe(template);
    expect(
      text.match(/\b(the|of|and|is|with|not|paid|amount|owed|invoices?|customer|payer|name|text|rest|equals)\b/g) ?? [],
    ).toEqual([]);
  });

  it('writes amounts in French and translates the reason nested in a prefix', () => {
    expect(translateReason('rejected: amount: partial payment, 1234.50 still owed', 'fr')).toEqual({
      text: 'écartée : montant : paiement partiel, 1\u202f234,50\u00a0€ encore dus',
      known: true,
    });
    expect(translateReason('customer: payer name "ROUSSO" ~ ROUSSEAU SA (similar name)', 'fr').text).toBe(
      'client : nom du payeur « ROUSSO » ≈ ROUSSEAU SA (nom proche)',
    );
    expect(translateReason('capped: looks like a tax refund', 'fr').text).toBe(
      'confiance plafonnée : ressemble à un remboursement d’impôt',
    );
    // the customer's name first, then the amount: each read as what it is
    expect(translateReason('amount: the only open invoice of Garage Moreau SARL of 1520.00', 'fr').text).toBe(
      'montant : la seule facture ouverte de 1\u202f520,00\u00a0€ de Garage Moreau SARL',
    );
    expect(
      translateReason('capped: the rest, 5940.21, is more than the invoices named, and the customer owes others', 'fr')
        .text,
    ).toBe(
      'confiance plafonnée : le reste, 5\u202f940,21\u00a0€, dépasse les factures citées, et le client en doit ' +
        'd’autres',
    );
  });

  it('says in French which payment a return gives back, and why', () => {
    expect(
      translateReason(
        'reverses transaction T2 of 2026-11-20 (this run): same payer account; quotes its text "ACOMPTE"',
        'fr',
      ).text,
    ).toBe(
      'annule la transaction T2 du 2026-11-20 (même traitement) : même compte payeur ; reprend son libellé « ACOMPTE »',
    );
  });

  it('names in French a payment a return may give back that was not lettered', () => {
    expect(translateReason('candidate: transaction T1 of 2026-11-19, 1500.00, not lettered', 'fr').text).toBe(
      'candidat : transaction T1 du 2026-11-19, 1\u202f500,00\u00a0€, non lettrée',
    );
  });

  it('shows an unknown reason as the matcher wrote it, marked as not translated', () => {
    expect(translateReason('a brand new reason', 'fr')).toEqual({ text: 'a brand new reason', known: false });
    expect(translateReason('rejected: a brand new reason', 'fr')).toEqual({
      text: 'écartée : a brand new reason',
      known: false,
    });
  });

  it('keeps the matcher’s own wording in English', () => {
    expect(translateReason('ambiguous: several open invoices fit equally well', 'en')).toEqual({
      text: 'ambiguous: several open invoices fit equally well',
      known: true,
    });
    expect(translateReason('a brand new reason', 'en').known).toBe(false);
  });
});
