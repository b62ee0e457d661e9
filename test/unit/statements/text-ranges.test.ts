import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collapse, collapseRange, isBlank, trimmedRange } from '../../../functions/core/statements/text';

/** What collapse means: trimmed, every run of white space (as /\s/ and String.prototype.trim see it) one space. */
const reference = (s: string) => s.trim().replace(/\s+/g, ' ');

const text = fc.string({
  unit: fc.constantFrom(
    ...'ab1 -\t\n\r\u000b\u000c\u00a0\u1680\u2000\u200a\u200b\u2028\u2029\u202f\u205f\u3000\ufeff\u0085'.split(''),
  ),
  maxLength: 40,
});

describe('texts trimmed and collapsed by char codes', () => {
  it('a blank is exactly what /\\s/ matches, for every UTF-16 code unit', () => {
    for (let c = 0; c <= 0xffff; c++) expect(isBlank(c)).toBe(/\s/.test(String.fromCharCode(c)));
  });

  it('collapse, collapseRange and trimmedRange read a text as trim and /\\s+/ do', () => {
    fc.assert(
      fc.property(text, fc.nat(), fc.nat(), (s, x, y) => {
        const [from, to] = [x % (s.length + 1), y % (s.length + 1)].sort((a, b) => a - b);
        expect(collapse(s)).toBe(reference(s));
        expect(collapseRange(s, from, to)).toBe(reference(s.slice(from, to)));
        expect(trimmedRange(s, from, to)).toBe(s.slice(from, to).trim());
      }),
      { numRuns: 2000 },
    );
  });
});
