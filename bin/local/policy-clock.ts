/**
 * The local stack's compressed policy clock ("policy time"): `factor` policy seconds pass per real second.
 *
 * At 86 400 (a policy day per real second) every real millisecond a handler spends working is 86 policy seconds: a
 * grouped reminder that took 1.5 s to compose and send on a loaded machine went out 36 policy hours after its
 * window (planned 03/12 07:30, sent 04/12 19:19), and the call task it carried was dated on a holiday. With
 * `holdWhileWorking`, policy time stands still while any handler runs (hold() ... release()), as it would on AWS where
 * a Lambda's seconds are seconds: what a step sends is sent in the window it was planned for.
 * freeze() stops policy time for good (the demo's story is over).
 */
export interface PolicyClock {
  now(): Date;
  /** The real delay until policy instant `at`, if nothing holds the clock meanwhile. */
  toRealDelayMs(at: Date): number;
  /** Stops policy time until the returned release is called (nested holds: until the last release). */
  hold(): () => void;
  /** Stops policy time for good. */
  freeze(): void;
  readonly frozen: boolean;
}

export function policyClock(start: Date, factor: number, realNow: () => number = Date.now): PolicyClock {
  let base = start.getTime();
  let realBase = realNow();
  let holds = 0;
  let frozen = false;
  const now = () => new Date(holds > 0 || frozen ? base : base + (realNow() - realBase) * factor);
  const settle = () => {
    base = now().getTime();
    realBase = realNow();
  };
  return {
    now,
    toRealDelayMs: (at: Date) => Math.max(0, (at.getTime() - now().getTime()) / factor),
    hold() {
      if (holds === 0) settle();
      holds++;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        holds--;
        if (holds === 0) realBase = realNow();
      };
    },
    freeze() {
      settle();
      frozen = true;
    },
    get frozen() {
      return frozen;
    },
  };
}
