import type { Customer } from '../core/model';
import { type CustomerLinkClaims, verifyCustomerLink } from '../core/payments/customer-link';
import type { PageDeps } from './deps';

export type Access = { ok: true; claims: CustomerLinkClaims; customer: Customer; keys: string[] } | { ok: false };

const REFUSED: Access = Object.freeze({ ok: false });
/** A link id no token names (too short for the claims' schema), read when the signature fails. */
const NO_LINK = { customerId: '-', linkId: '-' };

/**
 * Who a token lets in. Every refusal (malformed, forged, wrongly keyed, expired, unknown, revoked, customer gone) is
 * the same value, and every path reads the link store once, so the answer's content and timing do not tell them apart.
 */
export async function openLink(
  token: string,
  deps: Pick<PageDeps, 'now' | 'linkKeys' | 'getLink' | 'getCustomer'>,
): Promise<Access> {
  const keys = await deps.linkKeys();
  const now = deps.now();
  const signed = verifyCustomerLink(token, { keys, now, revokedLinkIds: [] });
  const who = signed.ok ? signed.claims : NO_LINK;
  const link = await deps.getLink(who.customerId, who.linkId).catch(() => undefined);
  if (!signed.ok || !link || link.customerId !== signed.claims.customerId) return REFUSED;
  const check = verifyCustomerLink(token, {
    keys,
    now,
    revokedLinkIds: link.revokedAt ? [link.linkId] : [],
    customerId: link.customerId,
  });
  if (!check.ok) return REFUSED;
  const customer = await deps.getCustomer(check.claims.customerId);
  return customer ? { ok: true, claims: check.claims, customer, keys } : REFUSED;
}

/**
 * The link a short code opens, when that link is still valid (recorded, not revoked, not expired); undefined
 * otherwise. Every path reads the code and then one link, so an unknown code, a revoked link's and an expired one's
 * are answered alike (content and timing).
 */
export async function openShortLink(
  code: string,
  deps: Pick<PageDeps, 'now' | 'getLink' | 'getShortLink'>,
): Promise<{ customerId: string; linkId: string; expiresAt: string } | undefined> {
  const short = await deps.getShortLink(code).catch(() => undefined);
  const who = short ?? NO_LINK;
  const link = await deps.getLink(who.customerId, who.linkId).catch(() => undefined);
  if (!short || !link || link.customerId !== short.customerId || link.revokedAt) return undefined;
  const now = deps.now().getTime();
  if (!(Date.parse(short.validUntil) > now) || !(Date.parse(link.validUntil) > now)) return undefined;
  return { customerId: short.customerId, linkId: short.linkId, expiresAt: short.validUntil };
}
