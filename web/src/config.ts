/**
 * Where the console finds its API and how it signs in, read at start from /config.json (written by the CDK
 * deployment, or served by the local stack). Local: a bearer token per role. AWS: Cognito managed login.
 */
export type ConsoleConfig =
  | { apiBase: string; auth: { mode: 'token'; tokens: { finance: string; readonly: string } } }
  | {
      apiBase: string;
      auth: { mode: 'cognito'; domain: string; clientId: string; redirectUri: string; scopes: string[] };
    };

export async function loadConfig(): Promise<ConsoleConfig> {
  const res = await fetch('/config.json', { cache: 'no-store' });
  if (!res.ok) throw new Error(`config.json: HTTP ${res.status}`);
  return (await res.json()) as ConsoleConfig;
}
