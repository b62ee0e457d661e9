/**
 * The HTTP side of the customer page: what a request asks (page or action, token, fields, file) read from an HTTP
 * API v2 event, the cross-site check, a bounded multipart/form-data reader, and the responses with their headers.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { MAX_DISPUTE_FILE_BYTES } from '../core/customer-page';

export type PageAction = 'paid' | 'dispute' | 'promise';

export interface UploadedFile {
  fileName: string;
  contentType: string;
  bytes: Buffer;
}

export interface PageRequest {
  method: string;
  token: string;
  /** GET /c/s/{code}: a short link (printed on letters), answered by a redirect to its page. */
  shortCode?: string;
  /** undefined: the page itself */
  action?: PageAction;
  /** ?done=<action> after a successful post (Post/Redirect/Get) */
  done?: PageAction;
  /** ?pay=<invoice number>: the page with that invoice's own payment code (ignored unless the invoice is owed) */
  pay?: string;
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * The whole body, form and file, a post may carry (the file's own limit, 4 Mo, is checked by the zod schema): room
 * for the file, a reason of 2 000 characters and the multipart framing.
 */
export const MAX_BODY_BYTES = MAX_DISPUTE_FILE_BYTES + 64 * 1024;

const ROUTE = /^\/c\/([A-Za-z0-9_.-]{1,600})(?:\/(paid|dispute|promise))?\/?$/;
const SHORT_ROUTE = /^\/c\/s\/([A-Za-z0-9_-]{22})\/?$/;

/** undefined when the path is not one of the page's routes. */
export function readRequest(event: APIGatewayProxyEventV2): PageRequest | undefined {
  const short = SHORT_ROUTE.exec(event.rawPath ?? '');
  const match = short ? undefined : ROUTE.exec(event.rawPath ?? '');
  if (!short && !match) return undefined;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(event.headers ?? {})) if (v !== undefined) headers[k.toLowerCase()] = v;
  const body = event.body ? Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8') : Buffer.alloc(0);
  const done = event.queryStringParameters?.done;
  const pay = event.queryStringParameters?.pay;
  return {
    method: event.requestContext.http.method.toUpperCase(),
    token: match?.[1] ?? '',
    shortCode: short?.[1],
    action: match?.[2] as PageAction | undefined,
    done: done === 'paid' || done === 'dispute' || done === 'promise' ? done : undefined,
    pay: pay && pay.length <= 100 ? pay : undefined,
    headers,
    body,
  };
}

/**
 * A post from another site is refused: the browser says where it comes from (Sec-Fetch-Site, sent by every current
 * browser; else Origin). A request with neither (an old browser, a script) must still carry the form token.
 */
export function isCrossSite(headers: Record<string, string>): boolean {
  const site = headers['sec-fetch-site'];
  if (site !== undefined) return site !== 'same-origin' && site !== 'none';
  const origin = headers.origin;
  if (origin === undefined) return false;
  if (origin === 'null') return true;
  const host = headers['x-forwarded-host'] ?? headers.host;
  try {
    return new URL(origin).host !== host;
  } catch {
    return true;
  }
}

export interface ParsedForm {
  fields: Record<string, string>;
  file?: UploadedFile;
}

export class BodyTooLargeError extends Error {
  constructor() {
    super('request body too large');
    this.name = 'BodyTooLargeError';
  }
}

/** urlencoded or multipart/form-data; undefined when the body is neither, or malformed. */
export function parseForm(contentType: string | undefined, body: Buffer): ParsedForm | undefined {
  if (body.length > MAX_BODY_BYTES) throw new BodyTooLargeError();
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') {
    return { fields: Object.fromEntries(new URLSearchParams(body.toString('utf8'))) };
  }
  if (type === 'multipart/form-data') {
    const boundary = /boundary=(?:"([^"]{1,70})"|([^;\s]{1,70}))/i.exec(contentType ?? '');
    return boundary ? parseMultipart(body, boundary[1] ?? boundary[2]) : undefined;
  }
  return undefined;
}

/** RFC 7578 over a body held in memory: text parts become fields, the first part with a filename the file. */
export function parseMultipart(body: Buffer, boundary: string): ParsedForm | undefined {
  const delimiter = Buffer.from(`--${boundary}`);
  const fields: Record<string, string> = {};
  let file: UploadedFile | undefined;
  let at = body.indexOf(delimiter);
  if (at < 0) return undefined;
  for (;;) {
    at += delimiter.length;
    if (body.subarray(at, at + 2).toString() === '--') return { fields, file };
    const headerEnd = body.indexOf('\r\n\r\n', at);
    if (headerEnd < 0) return undefined;
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headerEnd + 4);
    if (next < 0) return undefined;
    const head = body.subarray(at, headerEnd).toString('utf8');
    const content = body.subarray(headerEnd + 4, next);
    const disposition = /content-disposition:\s*form-data;([^\r\n]*)/i.exec(head)?.[1] ?? '';
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
    const fileName = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
    if (name !== undefined && fileName !== undefined) {
      if (!file && fileName !== '' && content.length > 0) {
        const contentType =
          /content-type:\s*([^\r\n;]+)/i.exec(head)?.[1]?.trim().toLowerCase() ?? 'application/octet-stream';
        file = { fileName: fileName.replace(/^.*[\\/]/, ''), contentType, bytes: Buffer.from(content) };
      }
    } else if (name !== undefined && !(name in fields)) {
      fields[name] = content.toString('utf8');
    }
    at = next + 2;
  }
}

const SECURITY_HEADERS = {
  // The token is in the path: no page of ours may hand it to another site through the Referer.
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors " +
    "'none'; base-uri 'none'",
  'x-robots-tag': 'noindex',
};

export function htmlResponse(status: number, html: string): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: status,
    headers: { 'content-type': 'text/html; charset=utf-8', ...SECURITY_HEADERS },
    body: html,
  };
}

export function redirect(location: string): APIGatewayProxyStructuredResultV2 {
  return { statusCode: 303, headers: { location, ...SECURITY_HEADERS }, body: '' };
}
