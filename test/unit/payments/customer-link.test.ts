import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  type CustomerLinkClaims,
  formTokenFor,
  isValidFormToken,
  LINK_REFUSED,
  signCustomerLink,
  verifyCustomerLink,
} from '../../../functions/core/payments/customer-link';

const KEY = 'k'.repeat(32);
const OTHER_KEY = 'q'.repeat(32);
const NOW = new Date('2026-12-06T09:00:00.000Z');
const claims: CustomerLinkClaims = {
  customerId: 'CUST-42',
  linkId: 'lnk_0001abcd',
  expiresAt: '2027-01-05T09:00:00.000Z',
};
const options = { keys: [KEY], now: NOW, revokedLinkIds: [] as string[] };

function flipBit(s: string, at: number, bit: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const i = alphabet.indexOf(s[at]);
  return i < 0 ? s : s.slice(0, at) + alphabet[i ^ (1 << bit)] + s.slice(at + 1);
}

describe("the customer's personal link", () => {
  it('opens for its customer until it expires', () => {
    const token = signCustomerLink(claims, KEY);
    expect(verifyCustomerLink(token, options)).toEqual({ ok: true, claims });
    expect(verifyCustomerLink(token, { ...options, now: new Date('2027-01-05T08:59:59.999Z') }).ok).toBe(true);
  });

  it('is refused from the second it expires', () => {
    const token = signCustomerLink(claims, KEY);
    expect(verifyCustomerLink(token, { ...options, now: new Date('2027-01-05T09:00:00.000Z') })).toBe(LINK_REFUSED);
  });

  it('is refused with any one bit flipped anywhere in it', () => {
    const token = signCustomerLink(claims, KEY);
    let tried = 0;
    for (let at = 0; at < token.length; at++) {
      for (let bit = 0; bit < 6; bit++) {
        const forged = flipBit(token, at, bit);
        if (forged === token) continue;
        tried++;
        expect(verifyCustomerLink(forged, options), `${at}:${bit}`).toBe(LINK_REFUSED);
      }
    }
    expect(tried).toBe((token.length - 1) * 6);
  });

  it('is refused when signed with another key, and accepted with an older key kept during a rotation', () => {
    const token = signCustomerLink(claims, OTHER_KEY);
    expect(verifyCustomerLink(token, options)).toBe(LINK_REFUSED);
    expect(verifyCustomerLink(token, { ...options, keys: [KEY, OTHER_KEY] }).ok).toBe(true);
  });

  it('is refused once finance revokes it, while the same customer’s other links still open', () => {
    const token = signCustomerLink(claims, KEY);
    const newer = signCustomerLink({ ...claims, linkId: 'lnk_0002abcd' }, KEY);
    const revokedLinkIds = new Set(['lnk_0001abcd']);
    expect(verifyCustomerLink(token, { ...options, revokedLinkIds })).toBe(LINK_REFUSED);
    expect(verifyCustomerLink(newer, { ...options, revokedLinkIds }).ok).toBe(true);
  });

  it("does not open another customer's page, even re-signed claims pasted onto a valid signature", () => {
    const mine = signCustomerLink(claims, KEY);
    const theirs = signCustomerLink({ ...claims, customerId: 'CUST-43' }, KEY);
    expect(verifyCustomerLink(theirs, { ...options, customerId: 'CUST-42' })).toBe(LINK_REFUSED);
    const spliced = `${theirs.split('.')[0]}.${mine.split('.')[1]}`;
    expect(verifyCustomerLink(spliced, options)).toBe(LINK_REFUSED);
    const edited =
      Buffer.from(JSON.stringify({ ...claims, customerId: 'CUST-43' })).toString('base64url') +
      '.' +
      mine.split('.')[1];
    expect(verifyCustomerLink(edited, options)).toBe(LINK_REFUSED);
  });

  it('gives the very same answer for malformed, unknown, forged, expired and revoked tokens', () => {
    const token = signCustomerLink(claims, KEY);
    const answers = [
      verifyCustomerLink(undefined, options),
      verifyCustomerLink('', options),
      verifyCustomerLink('not-a-token', options),
      verifyCustomerLink('a'.repeat(10_000), options),
      verifyCustomerLink(`${token}.`, options),
      verifyCustomerLink(signCustomerLink(claims, OTHER_KEY), options),
      verifyCustomerLink(token, { ...options, now: new Date('2030-01-01T00:00:00.000Z') }),
      verifyCustomerLink(token, { ...options, revokedLinkIds: ['lnk_0001abcd'] }),
      verifyCustomerLink(token, { ...options, customerId: 'CUST-43' }),
    ];
    for (const a of answers) expect(a).toBe(LINK_REFUSED);
    expect(JSON.stringify(LINK_REFUSED)).toBe('{"ok":false}');
    expect(Object.isFrozen(LINK_REFUSED)).toBe(true);
  });

  it('refuses a well-signed token whose claims are not well formed', () => {
    // signed with the right key but carrying an extra field: only strict claims are honoured
    const body = Buffer.from(JSON.stringify({ ...claims, admin: true })).toString('base64url');
    const sig = createHmac('sha256', KEY).update('encaisse.customer-link.v1.').update(body).digest('base64url');
    expect(verifyCustomerLink(`${body}.${sig}`, options)).toBe(LINK_REFUSED);
  });

  it('refuses to sign or verify with a key shorter than 32 bytes', () => {
    expect(() => signCustomerLink(claims, 'short')).toThrow(/32 bytes/);
    expect(() => verifyCustomerLink(signCustomerLink(claims, KEY), { ...options, keys: ['short'] })).toThrow(
      /32 bytes/,
    );
  });

  it("accepts a form only with its link's anti-forgery value", () => {
    const value = formTokenFor('lnk_0001abcd', KEY);
    expect(isValidFormToken(value, 'lnk_0001abcd', [KEY])).toBe(true);
    expect(isValidFormToken(value, 'lnk_0002abcd', [KEY])).toBe(false);
    expect(isValidFormToken(value, 'lnk_0001abcd', [OTHER_KEY])).toBe(false);
    expect(isValidFormToken(flipBit(value, 42, 0), 'lnk_0001abcd', [KEY])).toBe(false);
    expect(isValidFormToken(undefined, 'lnk_0001abcd', [KEY])).toBe(false);
  });
});
