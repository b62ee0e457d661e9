import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isBusinessDay,
  localDate,
  localParts,
  nextSendWindow,
  SendWindow,
  sendWindowAt,
  sendWindowOnOrAfter,
} from '../../../functions/core/calendar';

const paris = { time: '08:30', timeZone: 'Europe/Paris' };

describe('send window instant of a local date (Intl, no tz library)', () => {
  it('08:30 in Paris is 07:30Z in winter and 06:30Z in summer', () => {
    expect(sendWindowAt('2026-01-15', paris)).toBe('2026-01-15T07:30:00.000Z');
    expect(sendWindowAt('2026-07-15', paris)).toBe('2026-07-15T06:30:00.000Z');
  });

  it('follows the spring change on the last Sunday of March (29 March 2026)', () => {
    expect(sendWindowAt('2026-03-28', paris)).toBe('2026-03-28T07:30:00.000Z'); // Saturday, still CET
    expect(sendWindowAt('2026-03-29', paris)).toBe('2026-03-29T06:30:00.000Z'); // clocks jumped at 02:00
    expect(sendWindowAt('2026-03-30', paris)).toBe('2026-03-30T06:30:00.000Z');
  });

  it('follows the autumn change on the last Sunday of October (25 October 2026)', () => {
    expect(sendWindowAt('2026-10-23', paris)).toBe('2026-10-23T06:30:00.000Z'); // Friday, CEST
    expect(sendWindowAt('2026-10-25', paris)).toBe('2026-10-25T07:30:00.000Z');
    expect(sendWindowAt('2026-10-26', paris)).toBe('2026-10-26T07:30:00.000Z');
  });

  it('maps a wall time inside the spring gap one hour later (02:30 does not exist on 29 March 2026 in Paris)', () => {
    expect(sendWindowAt('2026-03-29', { time: '02:30', timeZone: 'Europe/Paris' })).toBe('2026-03-29T01:30:00.000Z');
  });

  it('works for other zones: 09:00 New York is 13:00Z in summer time, 14:00Z in winter', () => {
    expect(sendWindowAt('2026-10-30', { time: '09:00', timeZone: 'America/New_York' })).toBe(
      '2026-10-30T13:00:00.000Z',
    );
    expect(sendWindowAt('2026-11-02', { time: '09:00', timeZone: 'America/New_York' })).toBe(
      '2026-11-02T14:00:00.000Z',
    );
  });

  it('rejects a window with an unknown zone or a malformed time', () => {
    expect(SendWindow.safeParse({ time: '08:30', timeZone: 'Europe/Pariss' }).success).toBe(false);
    expect(SendWindow.safeParse({ time: '8:30', timeZone: 'Europe/Paris' }).success).toBe(false);
    expect(SendWindow.safeParse(paris).success).toBe(true);
  });
});

describe('next send window', () => {
  it('after Thursday 30 April 2026 window is Monday 4 May (1 May and the weekend skipped)', () => {
    expect(nextSendWindow(new Date('2026-04-30T10:00:00Z'), paris)).toBe('2026-05-04T06:30:00.000Z');
  });

  it('is today when the window is still ahead, and the very instant when exactly on it', () => {
    expect(nextSendWindow(new Date('2026-11-23T05:00:00Z'), paris)).toBe('2026-11-23T07:30:00.000Z');
    expect(nextSendWindow(new Date('2026-11-23T07:30:00.000Z'), paris)).toBe('2026-11-23T07:30:00.000Z');
    expect(nextSendWindow(new Date('2026-11-23T07:30:00.001Z'), paris)).toBe('2026-11-24T07:30:00.000Z');
  });

  it('uses the local date: 23:30Z on Sunday is already Monday 00:30 in Paris', () => {
    expect(nextSendWindow(new Date('2026-11-22T23:30:00Z'), paris)).toBe('2026-11-23T07:30:00.000Z');
  });

  it('crosses the DST weekends at the right UTC hour', () => {
    expect(nextSendWindow(new Date('2026-03-27T12:00:00Z'), paris)).toBe('2026-03-30T06:30:00.000Z');
    expect(nextSendWindow(new Date('2026-10-23T12:00:00Z'), paris)).toBe('2026-10-26T07:30:00.000Z');
  });

  it('skips Christmas and the weekend after it', () => {
    expect(nextSendWindow(new Date('2026-12-24T09:00:00Z'), paris)).toBe('2026-12-28T07:30:00.000Z');
  });

  it('in Alsace-Moselle skips Good Friday and 26 December, which open a window elsewhere', () => {
    // Thursday 25 March 2027 after its window: Good Friday, the weekend and Easter Monday closed -> Tuesday 30 March
    const afterThursday = new Date('2027-03-25T09:00:00Z');
    expect(nextSendWindow(afterThursday, paris, 'alsace-moselle')).toBe('2027-03-30T06:30:00.000Z');
    expect(nextSendWindow(afterThursday, paris, 'metropole')).toBe('2027-03-26T07:30:00.000Z');
    // Wednesday 24 December 2025: Christmas, then Friday 26 December -> Monday 29 December
    const christmasEve = new Date('2025-12-24T09:00:00Z');
    expect(nextSendWindow(christmasEve, paris, 'alsace-moselle')).toBe('2025-12-29T07:30:00.000Z');
    expect(nextSendWindow(christmasEve, paris)).toBe('2025-12-26T07:30:00.000Z');
    expect(sendWindowOnOrAfter('2025-12-26', paris, 'alsace-moselle')).toBe('2025-12-29T07:30:00.000Z');
    expect(sendWindowOnOrAfter('2025-12-26', paris)).toBe('2025-12-26T07:30:00.000Z');
  });

  it('is always >= notBefore, at 08:30 local, on a business day', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.parse('2025-01-01'), max: Date.parse('2028-12-31') }), (t) => {
        const at = nextSendWindow(new Date(t), paris);
        const ms = Date.parse(at);
        expect(ms).toBeGreaterThanOrEqual(t);
        expect(ms - t).toBeLessThan(6 * 86_400_000);
        const p = localParts(ms, 'Europe/Paris');
        expect([p.hour, p.minute]).toEqual([8, 30]);
        expect(isBusinessDay(localDate(ms, 'Europe/Paris'))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
