/**
 * The customer's personal link: a signed, expiring, revocable token scoped to one customer.
 *
 * Token = base64url(JSON {customerId, linkId, expiresAt}) "." base64url(HMAC-SHA256(key, domain + first part)).
 * The key is passed in (a secret of at least 32 bytes, read by the adapters); verification accepts several keys so
 * the key can be rotated (sign with the first, verify with any). Pure: node:crypto's HMAC, no I/O, time passed in.
 *
 * `verifyCustomerLink` answers the same frozen `LINK_REFUSED` for a malformed, forged, wrongly keyed, expired, revoked
 * or foreign token: the caller cannot tell them apart, so neither can the person holding the link. The signature is
 * compared in constant time before anything in the token is read.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { IsoTimestamp } from '../dates';

export const CustomerLinkClaims = z.strictObject({
  customerId: z.string().min(1).max(128),
  linkId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'a link id has 8 to 64 letters, digits, _ or -'),
  expiresAt: IsoTimestamp,
});
export type CustomerLinkClaims = z.infer<typeof CustomerLinkClaims>;

export type LinkKey = string | Uint8Array;

export type LinkCheck = { readonly ok: true; readonly claims: CustomerLinkClaims } | { readonly ok: false };

/** The one answer for every refused token. */
export const LINK_REFUSED: LinkCheck = Object.freeze({ ok: false });

const TOKEN_DOMAIN = 'encaisse.customer-link.v1.';
const CSRF_DOMAIN = 'encaisse.customer-form.v1.';
const MAX_TOKEN_LENGTH = 512;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{1,460}\.[A-Za-z0-9_-]{43}$/;

function keyBytes(key: LinkKey): Buffer {
  const bytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : Buffer.from(key);
  if (bytes.length < 32) throw new Error('customer link key: at least 32 bytes of secret are required');
  return bytes;
}

function mac(key: LinkKey, domain: string, data: string): Buffer {
  return createHmac('sha256', keyBytes(key)).update(domain).update(data).digest();
}

/** The token of a link; throws if the claims are not well formed (a programming error, not a customer's). */
export function signCustomerLink(claims: CustomerLinkClaims, key: LinkKey): string {
  const body = Buffer.from(JSON.stringify(CustomerLinkClaims.parse(claims)), 'utf8').toString('base64url');
  return `${body}.${mac(key, TOKEN_DOMAIN, body).toString('base64url')}`;
}

export interface VerifyOptions {
  /** The current key first, then older ones still honoured during a rotation. */
  keys: readonly LinkKey[];
  now: Date;
  /** Link ids revoked by finance (or superseded): data, read by the caller. */
  revokedLinkIds: ReadonlySet<string> | readonly string[];
  /** When the request is about a known customer (a form post), the token must be that customer's. */
  customerId?: string;
}

export function verifyCustomerLink(token: unknown, options: VerifyOptions): LinkCheck {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH || !TOKEN_SHAPE.test(token)) return LINK_REFUSED;
  const [body, signature] = token.split('.');
  const given = Buffer.from(signature, 'base64url');
  // 43 characters carry 258 bits: only the canonical spelling is accepted, so no two tokens share a signature
  if (given.length !== 32 || given.toString('base64url') !== signature) return LINK_REFUSED;
  let signed = false;
  for (const key of options.keys) signed = timingSafeEqual(given, mac(key, TOKEN_DOMAIN, body)) || signed;
  if (!signed) return LINK_REFUSED;
  const claims = readClaims(body);
  if (!claims) return LINK_REFUSED;
  if (!(Date.parse(claims.expiresAt) > options.now.getTime())) return LINK_REFUSED;
  const revoked = options.revokedLinkIds instanceof Set ? options.revokedLinkIds : new Set(options.revokedLinkIds);
  if (revoked.has(claims.linkId)) return LINK_REFUSED;
  if (options.customerId !== undefined && options.customerId !== claims.customerId) return LINK_REFUSED;
  return { ok: true, claims };
}

function readClaims(body: string): CustomerLinkClaims | undefined {
  try {
    const parsed = CustomerLinkClaims.safeParse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The anti-forgery value the page's forms carry, bound to the link id: a form posted from another site cannot know
 * it. The handler should also refuse cross-site posts by their Origin / Sec-Fetch-Site headers.
 */
export function formTokenFor(linkId: string, key: LinkKey): string {
  return mac(key, CSRF_DOMAIN, linkId).toString('base64url');
}

export function isValidFormToken(candidate: unknown, linkId: string, keys: readonly LinkKey[]): boolean {
  if (typeof candidate !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(candidate)) return false;
  const given = Buffer.from(candidate, 'base64url');
  if (given.length !== 32 || given.toString('base64url') !== candidate) return false;
  let ok = false;
  for (const key of keys) ok = timingSafeEqual(given, mac(key, CSRF_DOMAIN, linkId)) || ok;
  return ok;
}
