import { z } from 'zod';

/** An ISO calendar date, YYYY-MM-DD. */
export const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD')
  .refine(isValidIsoDate, 'not a calendar date');
export type IsoDate = z.infer<typeof IsoDate>;

/** An ISO UTC timestamp, 2026-11-23T08:30:00.000Z. */
export const IsoTimestamp = z.string().datetime({ offset: false, message: 'expected an ISO UTC timestamp' });
export type IsoTimestamp = z.infer<typeof IsoTimestamp>;

/** Time only ever comes through a clock, so tests and the local stack can bend it. */
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };
export function fixedClock(iso: string): Clock {
  const t = new Date(iso);
  return { now: () => new Date(t) };
}

export function isValidIsoDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

export function toIsoDate(d: Date): IsoDate {
  return d.toISOString().slice(0, 10);
}

/** "2024-01-13" -> "20240113": the basic ISO 8601 form (AAAAMMJJ) of FEC and OFX files. */
export function compactDate(date: IsoDate): string {
  return date.replaceAll('-', '');
}

/** Adds calendar days to an ISO date. */
export function addDays(date: IsoDate, days: number): IsoDate {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return toIsoDate(d);
}

/** Whole days from a to b (b - a). */
export function daysBetween(a: IsoDate, b: IsoDate): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}
