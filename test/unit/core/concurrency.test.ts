import { describe, expect, it } from 'vitest';
import { mapLimited } from '../../../functions/core/concurrency';

const tick = () => new Promise((r) => setImmediate(r));

describe('mapLimited', () => {
  it('keeps the order of the items, with at most `width` calls in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const out = await mapLimited([5, 1, 4, 2, 3, 0, 6], 3, async (n) => {
      most = Math.max(most, ++inFlight);
      for (let k = 0; k < n; k++) await tick(); // finish out of order
      inFlight--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30, 0, 60]);
    expect(most).toBe(3);
  });

  it('starts nothing after a call failed: the calls in flight finish, the run rejects', async () => {
    const started: number[] = [];
    const run = mapLimited([0, 1, 2, 3, 4, 5, 6, 7], 2, async (n) => {
      started.push(n);
      await tick();
      if (n === 1) throw new Error('throttled');
      await tick();
      return n;
    });
    await expect(run).rejects.toThrow('throttled');
    for (let k = 0; k < 10; k++) await tick();
    expect(started).toEqual([0, 1]);
  });

  it('runs one at a time when asked for none, and gives nothing for no item', async () => {
    expect(await mapLimited([1, 2], 0, async (n) => n + 1)).toEqual([2, 3]);
    expect(await mapLimited([], 4, async (n: number) => n)).toEqual([]);
  });
});
