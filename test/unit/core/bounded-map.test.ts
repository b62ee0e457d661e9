import { describe, expect, it } from 'vitest';
import { BoundedMap } from '../../../functions/core/bounded-map';

describe('a bounded memo', () => {
  it('never holds more than its bound: when full, it starts again empty with the new value', () => {
    const memo = new BoundedMap<string, number>(3);
    for (const [k, v] of [
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ] as const)
      memo.set(k, v);
    expect(memo.size).toBe(3);
    memo.set('d', 4);
    expect([...memo]).toEqual([['d', 4]]);
  });
});
