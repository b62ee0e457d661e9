import { describe, expect, it } from 'vitest';
import { policyClock } from '../../../bin/local/policy-clock';

const day = 86_400_000;
function fakeReal() {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}
const start = new Date('2026-03-02T06:00:00.000Z');

describe('the local policy clock', () => {
  it('runs a policy day per real second at factor 86 400', () => {
    const real = fakeReal();
    const clock = policyClock(start, 86_400, real.now);
    real.advance(1000);
    expect(clock.now().getTime() - start.getTime()).toBe(day);
    expect(clock.toRealDelayMs(new Date(start.getTime() + 3 * day))).toBe(2000);
  });

  it(
    'stands still while a handler works, so 1.5 s of work does not push a send 36 policy hours past its ' + 'window',
    () => {
      const real = fakeReal();
      const clock = policyClock(start, 86_400, real.now);
      const release = clock.hold();
      const nested = clock.hold();
      real.advance(1500);
      nested();
      expect(clock.now()).toEqual(start);
      release();
      release(); // a second call of the same release is harmless
      real.advance(500);
      expect(clock.now().getTime() - start.getTime()).toBe(day / 2);
    },
  );

  it('stops for good once frozen', () => {
    const real = fakeReal();
    const clock = policyClock(start, 86_400, real.now);
    real.advance(2000);
    clock.freeze();
    real.advance(60_000);
    expect(clock.now().getTime() - start.getTime()).toBe(2 * day);
    expect(clock.frozen).toBe(true);
  });
});
