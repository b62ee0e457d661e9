import { describe, expect, it } from 'vitest';
import { compactDate } from '../../../functions/core/dates';

describe('dates as FEC and OFX files write them', () => {
  it('an ISO date in the basic form AAAAMMJJ', () => {
    expect(compactDate('2024-01-13')).toBe('20240113');
    expect(compactDate('1999-12-31')).toBe('19991231');
  });
});
