import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FirstSeen, stringHash } from '../../../functions/core/string-table';

describe('the first line of each invoice id', () => {
  it('is the one kept, however many ids and repeats, as a Map keeping the first would say', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 6 }), { maxLength: 3000 }), (ids) => {
        const table = new FirstSeen();
        const map = new Map<string, number>();
        ids.forEach((id, line) => {
          expect(table.firstOrAdd(id, line)).toBe(map.get(id));
          if (!map.has(id)) map.set(id, line);
        });
      }),
      { numRuns: 60 },
    );
  });

  it('is found again past ids that fall on the same place in the table, before and after the table grows', () => {
    const table = new FirstSeen();
    const ids = Array.from({ length: 5000 }, (_, k) => `F${k}`);
    const place = (id: string) => stringHash(id) & 1023; // the table's first size
    expect(new Set(ids.map(place)).size).toBeLessThan(ids.length);
    ids.forEach((id, line) => {
      expect(table.firstOrAdd(id, line)).toBeUndefined();
    });
    ids.forEach((id, line) => {
      expect(table.firstOrAdd(id, -1)).toBe(line);
    });
  });

  it('tells apart two ids of the same hash by their text', () => {
    const seen = new Map<number, string>();
    let pair: [string, string] | undefined;
    for (let k = 0; !pair; k++) {
      const id = `FA-${k}`;
      const other = seen.get(stringHash(id));
      if (other) pair = [other, id];
      seen.set(stringHash(id), id);
    }
    const table = new FirstSeen();
    expect(table.firstOrAdd(pair[0], 1)).toBeUndefined();
    expect(table.firstOrAdd(pair[1], 2)).toBeUndefined();
    expect(table.firstOrAdd(pair[1], 3)).toBe(2);
  });
});
