import { randomBytes } from 'node:crypto';
import { readEnv } from '../adapters/config';
import { recordLink, recordShortLink } from '../adapters/db/links';
import { linkKeys, linkSettings } from '../adapters/link-keys';
import { signCustomerLink } from '../core/payments/customer-link';

export interface IssuedLink {
  url: string;
  /** <CUSTOMER_PAGE_URL>/c/s/<code>: what a letter prints (and its QR code carries). */
  shortUrl: string;
  linkId: string;
  validUntil: string;
}

/**
 * A new personal link for a customer (one per message that carries one): recorded in the link store, so finance can
 * revoke it, and signed with the current key. The URL is <CUSTOMER_PAGE_URL>/c/<token>; the short URL
 * <CUSTOMER_PAGE_URL>/c/s/<code> (22 characters of 128 random bits) opens the same link, for print.
 */
export async function issueCustomerLink(
  customerId: string,
  purpose: string,
  now: Date,
  env: NodeJS.ProcessEnv = process.env,
): Promise<IssuedLink> {
  const s = readEnv(linkSettings, env);
  if (!s.CUSTOMER_PAGE_URL) throw new Error('customer links: CUSTOMER_PAGE_URL is not set');
  const linkId = randomBytes(12).toString('base64url');
  const validUntil = new Date(now.getTime() + s.CUSTOMER_LINK_DAYS * 86_400_000).toISOString();
  const [key] = await linkKeys(env);
  const token = signCustomerLink({ customerId, linkId, expiresAt: validUntil }, key);
  const code = randomBytes(16).toString('base64url');
  await recordLink({ customerId, linkId, issuedAt: now.toISOString(), validUntil, purpose });
  await recordShortLink({ code, customerId, linkId, validUntil });
  const base = s.CUSTOMER_PAGE_URL.replace(/\/+$/, '');
  return { url: `${base}/c/${token}`, shortUrl: `${base}/c/s/${code}`, linkId, validUntil };
}
