import { createHash, createHmac } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { s3 } from './aws-clients';
import { readEnv, settings } from './config';

/**
 * Letters and case files in the documents bucket: formal-notice PDFs, agency case files (JSON + PDF), and
 * time-limited links to them (SigV4 query-string presigning, computed here with node:crypto).
 *
 * A presigned URL is only valid while the credentials that signed it are: signed with a Lambda role's session
 * credentials it dies with the session (hours), whatever `expiresInSeconds` says (max 7 days).
 */

function bucket(): string {
  return readEnv({ DOCUMENTS_BUCKET: settings.DOCUMENTS_BUCKET }).DOCUMENTS_BUCKET;
}

export async function putDocument(key: string, body: Uint8Array | string, contentType: string): Promise<{ bucket: string; key: string }> {
  const b = bucket();
  await s3().send(
    new PutObjectCommand({ Bucket: b, Key: key, Body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body, ContentType: contentType }),
  );
  return { bucket: b, key };
}

export async function getDocument(key: string): Promise<Uint8Array> {
  const res = await s3().send(new GetObjectCommand({ Bucket: bucket(), Key: key }));
  return res.Body ? await res.Body.transformToByteArray() : new Uint8Array();
}

/** Where the letters of an invoice live. */
export const documentKeys = {
  formalNotice: (invoiceId: string, date: string) => `letters/${safe(invoiceId)}/formal-notice-${date}.pdf`,
  caseFileJson: (invoiceId: string, date: string) => `case-files/${safe(invoiceId)}/${date}/case-file.json`,
  caseFilePdf: (invoiceId: string, date: string) => `case-files/${safe(invoiceId)}/${date}/case-file.pdf`,
};
function safe(id: string): string {
  return id.replace(/[^A-Za-z0-9_.-]/g, '_');
}

const rfc3986 = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const sha256Hex = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/**
 * A GET link to a document, valid `expiresInSeconds` (1 s .. 7 days) from `signedAt`. S3 checks expiry against
 * its own clock, so the signature date is the wall clock (default), never the local stack's compressed policy time.
 */
export async function presignedLink(key: string, expiresInSeconds: number, signedAt: Date = new Date()): Promise<string> {
  const now = signedAt;
  const expires = Math.max(1, Math.min(604_800, Math.floor(expiresInSeconds)));
  const client = s3();
  const region = await client.config.region();
  const creds = await client.config.credentials();
  const b = bucket();
  const endpoint = process.env.LOCAL_S3_ENDPOINT;
  const path = `/${key.split('/').map(rfc3986).join('/')}`;
  let origin: URL;
  let canonicalUri: string;
  if (endpoint) {
    origin = new URL(endpoint);
    canonicalUri = `/${rfc3986(b)}${path}`;
  } else {
    origin = new URL(`https://${b}.s3.${region}.amazonaws.com`);
    canonicalUri = path;
  }
  const amzDate = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const scope = `${day}/${region}/s3/aws4_request`;
  const query: Record<string, string> = {
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': `${creds.accessKeyId}/${scope}`,
    'X-Amz-Date': amzDate,
    'X-Amz-Expires': String(expires),
    'X-Amz-SignedHeaders': 'host',
    ...(creds.sessionToken ? { 'X-Amz-Security-Token': creds.sessionToken } : {}),
  };
  const canonicalQuery = Object.keys(query)
    .sort()
    .map((k) => `${rfc3986(k)}=${rfc3986(query[k])}`)
    .join('&');
  const canonicalRequest = ['GET', canonicalUri, canonicalQuery, `host:${origin.host}`, '', 'host', 'UNSIGNED-PAYLOAD'].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${creds.secretAccessKey}`, day), region), 's3'), 'aws4_request');
  const signature = createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');
  return `${origin.protocol}//${origin.host}${canonicalUri}?${canonicalQuery}&X-Amz-Signature=${signature}`;
}
