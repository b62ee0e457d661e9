import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { readEnv } from '../adapters/config';
import { type Role, roleGroups, roleOfGroups } from '../core/roles';
import { HttpProblem } from './http';

export type { Role };
export interface Principal {
  role: Role;
  /** For history events: 'user:<email or sub>'. */
  actor: string;
}

const authEnv = {
  AUTH_MODE: z.enum(['jwt', 'token']),
  LOCAL_API_TOKEN: z.string().min(1).optional(),
  LOCAL_API_READONLY_TOKEN: z.string().min(1).optional(),
};

interface AuthEvent {
  headers?: Record<string, string | undefined>;
  requestContext?: { authorizer?: { jwt?: { claims?: Record<string, unknown> } } };
}

/**
 * Who is calling. In AWS (AUTH_MODE=jwt) the HTTP API JWT authorizer (Cognito user pool) has already verified the
 * token:
 * the handler reads its claims and the role from `cognito:groups`. Locally (AUTH_MODE=token) a configured bearer token
 * stands in: LOCAL_API_TOKEN is finance, LOCAL_API_READONLY_TOKEN read-only.
 */
export function authenticate(event: AuthEvent, headers: Record<string, string>): Principal {
  const env = readEnv(authEnv);
  if (env.AUTH_MODE === 'jwt') {
    const claims = event.requestContext?.authorizer?.jwt?.claims;
    if (!claims) throw unauthorized('no verified token');
    const groups = parseGroups(claims['cognito:groups']);
    const who = String(claims.email ?? claims['cognito:username'] ?? claims.username ?? claims.sub ?? 'unknown');
    const role = roleOfGroups(groups);
    if (role) return { role, actor: `user:${who}` };
    throw new HttpProblem(
      'forbidden',
      `your account is in neither the ${roleGroups.finance} nor the ${roleGroups.readonly} group`,
    );
  }
  const auth = headers.authorization;
  if (!auth) throw unauthorized('send Authorization: Bearer <token>');
  const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
  if (!m) throw unauthorized('expected Authorization: Bearer <token>');
  if (env.LOCAL_API_TOKEN && same(m[1], env.LOCAL_API_TOKEN)) return { role: 'finance', actor: 'user:local-finance' };
  if (env.LOCAL_API_READONLY_TOKEN && same(m[1], env.LOCAL_API_READONLY_TOKEN))
    return { role: 'readonly', actor: 'user:local-readonly' };
  throw unauthorized('unknown token');
}

export function requireFinance(principal: Principal): void {
  if (principal.role !== 'finance')
    throw new HttpProblem('forbidden', 'this action needs the finance role; your role is read-only');
}

function unauthorized(detail: string): HttpProblem {
  return new HttpProblem('unauthorized', detail, {}, { 'www-authenticate': 'Bearer realm="encaisse"' });
}

/** HTTP API passes list claims as "[finance read-only]" (or a JSON array, or a comma list, depending on the issuer). */
export function parseGroups(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== 'string') return [];
  const s = value.trim();
  if (s.startsWith('[') && s.includes('"')) {
    try {
      const parsed = JSON.parse(s);
      if (Array.isArray(parsed)) return parsed.map(String);
    } catch {
      /* fall through */
    }
  }
  return s
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .filter(Boolean);
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
