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
