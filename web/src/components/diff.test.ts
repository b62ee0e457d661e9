import { describe, expect, it } from 'vitest';
import { changesOnly, lineDiff } from './diff';

describe('the diff shown before a policy is saved', () => {
  it('marks removed and added lines and keeps the rest', () => {
    expect(lineDiff('a\nb\nc', 'a\nB\nc')).toEqual([
      { op: ' ', text: 'a' },
      { op: '-', text: 'b' },
      { op: '+', text: 'B' },
      { op: ' ', text: 'c' },
    ]);
  });

  it('shows only the changes with two lines of context, the rest elided', () => {
    const before = Array.from({ length: 20 }, (_, i) => `l${i}`).join('\n');
    const after = before.replace('l10', 'L10');
    const shown = changesOnly(lineDiff(before, after));
    expect(shown[0]).toBe('…');
    expect(shown.filter((d) => d !== '…').map((d) => `${d.op}${d.text}`)).toEqual([
      ' l8',
      ' l9',
      '-l10',
      '+L10',
      ' l11',
      ' l12',
    ]);
  });
});
