import { type Clock, systemClock } from '../core/dates';

/**
 * The process-wide clock the handlers read time from. In AWS it is the system clock; the local stack swaps in a
 * compressed clock (a day of policy time in about a second) and tests a fixed one.
 */
let current: Clock = systemClock;

export function clock(): Clock {
  return current;
}

export function setClock(next: Clock): void {
  current = next;
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
