import './env';
import { afterEach, describe, expect, it } from 'vitest';
import { resetClients } from '../../../functions/adapters/aws-clients';
import { presignedLink } from '../../../functions/adapters/documents';

afterEach(() => {
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.LOCAL_S3_ENDPOINT;
  resetClients();
});

const at = new Date('2026-03-02T06:00:00.000Z');

describe('time-limited links to letters and case files (S3 request presigner)', () => {
  it('a GET link on the documents bucket, dated when signed, valid for the time asked', async () => {
    const url = new URL(await presignedLink('case-files/F-1/2026-03-02/case-file.pdf', 3600, at));
    expect(url.origin).toBe('https://encaisse-documents-test.s3.eu-west-3.amazonaws.com');
    expect(url.pathname).toBe('/case-files/F-1/2026-03-02/case-file.pdf');
    expect(url.searchParams.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
    expect(url.searchParams.get('X-Amz-Date')).toBe('20260302T060000Z');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('3600');
    expect(url.searchParams.get('X-Amz-Credential')).toBe('test/20260302/eu-west-3/s3/aws4_request');
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('never asks S3 for more than its 7-day maximum', async () => {
    const url = new URL(await presignedLink('letters/F-1/n.pdf', 30 * 86_400, at));
    expect(url.searchParams.get('X-Amz-Expires')).toBe('604800');
  });

  it('carries the session token of temporary (Lambda role) credentials: the link dies with that session', async () => {
    process.env.AWS_SESSION_TOKEN = 'session-token-of-the-role';
    resetClients();
    const url = new URL(await presignedLink('letters/F-1/n.pdf', 3600, at));
    expect(url.searchParams.get('X-Amz-Security-Token')).toBe('session-token-of-the-role');
  });

  it('encodes keys and uses path-style URLs on the local S3', async () => {
    process.env.LOCAL_S3_ENDPOINT = 'http://127.0.0.1:4569';
    resetClients();
    const url = await presignedLink('invoices/F 1+2.pdf', 60, at);
    expect(url.startsWith('http://127.0.0.1:4569/encaisse-documents-test/invoices/F%201%2B2.pdf?')).toBe(true);
  });
});
