import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { readEnv } from './config';

/**
 * The keys that sign and check customer links (functions/core/payments/customer-link.ts). In AWS: one Secrets Manager
 * secret (CUSTOMER_LINK_SECRET_ARN) holding JSON {"current": "...", "previous": "..."}; links are signed with
 * `current` and checked with both, so a rotation (previous := current, current := new) breaks no link in flight.
 * The value is cached for five minutes per container, so a rotation reaches every function within that time.
 * Locally (LOCAL_*_ENDPOINT set, no secret): CUSTOMER_LINK_KEYS (comma-separated) or a fixed demo key, never in AWS.
 */
export const linkSettings = {
  CUSTOMER_LINK_SECRET_ARN: z.string().min(1).optional(),
  CUSTOMER_LINK_KEYS: z.string().min(32).optional(),
  /** Base URL of the customer page (the HTTP API's endpoint); links are <base>/c/<token>. */
  CUSTOMER_PAGE_URL: z.string().url().optional(),
  /** How long a link in a message stays valid. */
  CUSTOMER_LINK_DAYS: z.coerce.number().int().min(1).max(365).default(60),
};

export const LOCAL_DEMO_LINK_KEY = 'encaisse-local-demo-link-key-not-a-secret-0001';

const SecretValue = z.object({ current: z.string().min(32), previous: z.string().min(32).optional() });
const CACHE_MS = 5 * 60 * 1000;
let cached: { keys: string[]; at: number } | undefined;
let client: SecretsManagerClient | undefined;

function isLocal(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.LOCAL_DYNAMODB_ENDPOINT || env.LOCAL_SES_ENDPOINT);
}

/** Checks the link settings at cold start, naming each bad one (a deployed function must have the secret). */
export function requireLinkSettings(env: NodeJS.ProcessEnv = process.env): z.infer<z.ZodObject<typeof linkSettings>> {
  const s = readEnv(linkSettings, env);
  if (!s.CUSTOMER_LINK_SECRET_ARN && !s.CUSTOMER_LINK_KEYS && !isLocal(env)) {
    readEnv({ CUSTOMER_LINK_SECRET_ARN: z.string().min(1) }, env);
  }
  return s;
}

/** The signing key first, then the previous one. */
export async function linkKeys(env: NodeJS.ProcessEnv = process.env, nowMs = Date.now()): Promise<string[]> {
  if (cached && nowMs - cached.at < CACHE_MS) return cached.keys;
  const s = readEnv(linkSettings, env);
  let keys: string[];
  if (s.CUSTOMER_LINK_SECRET_ARN) {
    client ??= new SecretsManagerClient({});
    const res = await client.send(new GetSecretValueCommand({ SecretId: s.CUSTOMER_LINK_SECRET_ARN }));
    const value = SecretValue.parse(JSON.parse(res.SecretString ?? '{}'));
    keys = [value.current, ...(value.previous ? [value.previous] : [])];
  } else if (s.CUSTOMER_LINK_KEYS) {
    keys = s.CUSTOMER_LINK_KEYS.split(',')
      .map((k) => k.trim())
      .filter(Boolean);
  } else if (isLocal(env)) {
    keys = [LOCAL_DEMO_LINK_KEY];
  } else {
    throw new Error('customer links: no CUSTOMER_LINK_SECRET_ARN');
  }
  cached = { keys, at: nowMs };
  return keys;
}

/** For tests and the local runner. */
export function resetLinkKeys(): void {
  cached = undefined;
  client = undefined;
}
