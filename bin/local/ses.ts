import type { Server } from 'node:http';
import { assertPortFree } from './ports';

/** An e-mail as aws-ses-v2-local stores it (GET /store). */
export interface Email {
  messageId: string;
  from: string;
  replyTo: string[];
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { html?: string; text?: string };
  attachments: { content: string; contentType: string; filename?: string; size: number }[];
  headers?: { name: string; value: string }[];
  at: number;
}

export interface LocalSes {
  url: string;
  sentEmails(): Promise<Email[]>;
  clear(): Promise<void>;
  stop(): Promise<void>;
}

/** aws-ses-v2-local (SES v1 + v2 API, web inbox at its root URL, GET /store) on `port`. */
export async function startSes(opts: { port: number }): Promise<LocalSes> {
  await assertPortFree('SES (aws-ses-v2-local)', opts.port);
  // CommonJS module with `exports.default`: the default import differs between Node ESM, tsx and vitest.
  const mod = (await import('aws-ses-v2-local')) as unknown as { default: unknown };
  const start = (
    typeof mod.default === 'function' ? mod.default : (mod.default as { default: unknown }).default
  ) as (c: { host: string; port: number }) => Promise<Server>;
  const server = await start({ host: '127.0.0.1', port: opts.port });
  const url = `http://127.0.0.1:${opts.port}`;
  const ses: LocalSes = {
    url,
    async sentEmails() {
      const res = await fetch(`${url}/store`);
      if (!res.ok) throw new Error(`SES store: HTTP ${res.status}`);
      const body = (await res.json()) as { emails: Email[] };
      return body.emails;
    },
    async clear() {
      await fetch(`${url}/clear-store`, { method: 'POST' });
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  await ses.clear();
  return ses;
}
