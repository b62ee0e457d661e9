import type { ConsoleConfig } from './config';

export type Role = 'finance' | 'readonly';
export interface Session {
  token: string;
  role: Role;
  who: string;
  signOut(): void;
}

const TOKEN_KEY = 'encaisse.session';
const VERIFIER_KEY = 'encaisse.pkce';

function base64url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** PKCE (RFC 7636): a random verifier and its S256 challenge. */
export async function pkcePair(): Promise<{ verifier: string; challenge: string }> {
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  return { verifier, challenge: await challengeOf(verifier) };
}

export async function challengeOf(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

/** The claims of a JWT, unverified: the API verifies the token; the console only reads the groups to hide buttons. */
export function claimsOf(jwt: string): Record<string, unknown> {
  const part = jwt.split('.')[1] ?? '';
  const bytes = Uint8Array.from(atob(part.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
}

export function roleOf(groups: unknown): Role {
  const list = Array.isArray(groups) ? groups.map(String) : [];
  return list.includes('finance') ? 'finance' : 'readonly';
}

/**
 * Local: signed in at once with the finance token, or the read-only one when the URL says ?as=readonly (kept for
 * the tab). AWS: authorization code with PKCE against Cognito managed login; tokens kept in sessionStorage only.
 */
export async function signIn(config: ConsoleConfig): Promise<Session | undefined> {
  const url = new URL(location.href);
  if (config.auth.mode === 'token') {
    const asked = url.searchParams.get('as');
    if (asked === 'readonly' || asked === 'finance') sessionStorage.setItem('encaisse.as', asked);
    const role: Role = sessionStorage.getItem('encaisse.as') === 'readonly' ? 'readonly' : 'finance';
    return {
      token: config.auth.tokens[role],
      role,
      who: role === 'finance' ? 'local finance' : 'local read-only',
      signOut: () => sessionStorage.clear(),
    };
  }
  const auth = config.auth;
  const signOut = () => {
    sessionStorage.removeItem(TOKEN_KEY);
    location.assign(
      `https://${auth.domain}/logout?client_id=${encodeURIComponent(auth.clientId)}&logout_uri=` +
        `${encodeURIComponent(auth.redirectUri)}`,
    );
  };
  const code = url.searchParams.get('code');
  if (code) {
    const verifier = sessionStorage.getItem(VERIFIER_KEY) ?? '';
    const res = await fetch(`https://${auth.domain}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: auth.clientId,
        code,
        redirect_uri: auth.redirectUri,
        code_verifier: verifier,
      }),
    });
    if (!res.ok) throw new Error(`sign-in failed: HTTP ${res.status}`);
    const tokens = (await res.json()) as { id_token: string; access_token: string; expires_in: number };
    sessionStorage.setItem(TOKEN_KEY, JSON.stringify({ ...tokens, expiresAt: Date.now() + tokens.expires_in * 1000 }));
    sessionStorage.removeItem(VERIFIER_KEY);
    history.replaceState(null, '', sessionStorage.getItem('encaisse.returnTo') ?? '/');
  }
  const stored = JSON.parse(sessionStorage.getItem(TOKEN_KEY) ?? 'null') as {
    id_token: string;
    access_token: string;
    expiresAt: number;
  } | null;
  if (stored && stored.expiresAt > Date.now() + 30_000) {
    const claims = claimsOf(stored.id_token);
    return {
      token: stored.access_token,
      role: roleOf(claims['cognito:groups']),
      who: String(claims.email ?? claims['cognito:username'] ?? ''),
      signOut,
    };
  }
  const { verifier, challenge } = await pkcePair();
  sessionStorage.setItem(VERIFIER_KEY, verifier);
  sessionStorage.setItem('encaisse.returnTo', location.pathname + location.search);
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: auth.clientId,
    redirect_uri: auth.redirectUri,
    scope: auth.scopes.join(' '),
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  location.assign(`https://${auth.domain}/oauth2/authorize?${params}`);
  return undefined;
}
