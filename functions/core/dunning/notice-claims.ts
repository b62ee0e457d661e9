import { z } from 'zod';
import { IsoDate } from '../dates';
import type { LatePenalties } from './penalties';

/**
 * What a formal notice claimed on top of an invoice's principal, as its letter printed it on the notice's date: the
 * late-payment interest (L441-10 penalties, or a consumer's legal interest already accrued) and the fixed recovery
 * indemnity. Recorded with the notice's send record; read back when the principal gets paid, so that finance hears
 * of what the letter also claimed and nobody paid (the notice's payment code pays the principal only).
 */
export const NoticeClaims = z.object({
  /** The notice's date (the letter's "as of"). */
  on: IsoDate,
  /** The letter's reference, as printed. */
  reference: z.string().min(1),
  currency: z.string().length(3),
  /** The principal the notice claimed (the invoice's open amount on its date). */
  principalCents: z.number().int().nonnegative(),
  interestCents: z.number().int().nonnegative(),
  indemnityCents: z.number().int().nonnegative(),
});
export type NoticeClaims = z.infer<typeof NoticeClaims>;

/** The claims of a notice from the penalties its letter printed. */
export function noticeClaimsOf(input: {
  on: IsoDate;
  reference: string;
  currency: string;
  principalCents: number;
  penalties: Pick<LatePenalties, 'interestCents' | 'indemnityCents'>;
}): NoticeClaims {
  return NoticeClaims.parse({
    on: input.on,
    reference: input.reference,
    currency: input.currency,
    principalCents: input.principalCents,
    interestCents: input.penalties.interestCents,
    indemnityCents: input.penalties.indemnityCents,
  });
}

/**
 * The notice claimed something beyond the principal. A policy that waives both the interest and the indemnity, or a
 * consumer's notice (its legal interest runs from the notice on: nothing accrued on its date), claims nothing more.
 */
export function claimsBeyondPrincipal(claims: Pick<NoticeClaims, 'interestCents' | 'indemnityCents'>): boolean {
  return claims.interestCents + claims.indemnityCents > 0;
}

/**
 * The notice in force among an invoice's notices: the latest (a later notice restates, at its own date, what the
 * earlier one claimed). Ties keep the first listed.
 */
export function latestNotice<T extends { claims: Pick<NoticeClaims, 'on'> }>(notices: T[]): T | undefined {
  return notices.reduce<T | undefined>(
    (latest, n) => (!latest || n.claims.on > latest.claims.on ? n : latest),
    undefined,
  );
}
