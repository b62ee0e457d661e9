import { describe, expect, it } from 'vitest';
import { challengeOf, claimsOf, pkcePair, roleOf } from './auth';

describe('signing in with Cognito (authorization code + PKCE)', () => {
  it('derives the S256 challenge of RFC 7636’s example verifier', async () => {
    await expect(challengeOf('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).resolves.toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('makes a fresh 43-character verifier each time', async () => {
    const [a, b] = await Promise.all([pkcePair(), pkcePair()]);
    expect(a.verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.verifier).not.toBe(b.verifier);
    expect(a.challenge).toBe(await challengeOf(a.verifier));
  });

  it('reads the groups of an ID token, accents included, to show or hide actions', () => {
    const payload = btoa(
      String.fromCharCode(
        ...new TextEncoder().encode(JSON.stringify({ email: 'hélène@example.fr', 'cognito:groups': ['finance'] })),
      ),
    ).replace(/=+$/, '');
    const claims = claimsOf(`h.${payload}.s`);
    expect(claims.email).toBe('hélène@example.fr');
    expect(roleOf(claims['cognito:groups'])).toBe('finance');
    expect(roleOf(['read-only'])).toBe('readonly');
    expect(roleOf(undefined)).toBe('readonly');
  });
});
