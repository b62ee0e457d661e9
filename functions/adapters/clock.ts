import { localDate } from '../core/calendar/time-zone';
import { type Clock, type IsoDate, systemClock } from '../core/dates';

/**
 * The process-wide clock the handlers read time from. In AWS it is the system clock; the local stack swaps in a
 * compressed clock (a day of policy time in about a second) and tests a fixed one.
 */
let current: Clock = systemClock;

export function clock(): Clock {
  return current;
}

/** Today as finance counts days (reports, rates, payer scores): the business clock's date in Paris, not in UTC. */
export function parisToday(): IsoDate {
  return localDate(clock().now(), 'Europe/Paris');
}

export function setClock(next: Clock): void {
  current = next;
}

/**
 * Real time, for what waits on another system (a send awaiting SES's own events, a claim awaiting its execution):
 * never compressed by the local stack, fixed by tests that need it.
 */
let wall: Clock = systemClock;

export function wallClock(): Clock {
  return wall;
}

export function setWallClock(next: Clock): void {
  wall = next;
}

/** Policy time runs `factor` times faster than real time from `start` (the local stack's compressed time). */
export function scaledClock(
  start: Date,
  factor: number,
  realNow: () => number = Date.now,
): Clock & { toRealDelayMs(at: Date): number } {
  const realStart = realNow();
  const now = () => new Date(start.getTime() + (realNow() - realStart) * factor);
  return {
    now,
    toRealDelayMs: (at: Date) => Math.max(0, (at.getTime() - now().getTime()) / factor),
  };
}

/** The current time of the process-wide clock. */
export function now(): Date {
  return current.now();
}
