import { describe, expect, it } from 'vitest';
import { sendTiming } from '../../../functions/core/dunning/timing';
import { describeEvent } from '../../../functions/core/messages';

describe('the timing of a send against its planned window', () => {
  const plannedAt = '2026-12-03T07:30:00.000Z';

  it('is on time up to four hours after the planned opening (the gather wait and retries fit in)', () => {
    expect(sendTiming({ plannedAt, sentAt: '2026-12-03T11:30:00.000Z', attempts: 3 })).toEqual({ plannedAt });
  });

  it('names every known reason of a late send, and only says "unexplained" when none is known', () => {
    expect(
      sendTiming({ plannedAt, sentAt: '2026-12-03T12:00:00.000Z', stepRanAt: '2026-12-03T11:20:00.000Z', attempts: 1 }),
    ).toEqual({ plannedAt, late: { minutes: 270, reasons: ['unexplained'] } });
    expect(
      sendTiming({ plannedAt, sentAt: '2026-12-03T12:00:00.000Z', stepRanAt: '2026-12-03T11:59:00.000Z', attempts: 4 }),
    ).toEqual({
      plannedAt,
      late: {
        minutes: 270,
        reasons: ['step_ran_late', 'send_retried'],
        stepRanAt: '2026-12-03T11:59:00.000Z',
        attempts: 4,
      },
    });
  });
});

describe('a late or moved step in words', () => {
  it('says in English how late a send went and why', () => {
    const text = describeEvent(
      {
        kind: 'formal_notice_sent',
        detail: {
          plannedAt: '2026-07-01T06:30:00.000Z',
          late: { minutes: 300, reasons: ['send_retried'], attempts: 3 },
        },
      },
      'en',
    );
    expect(text).toBe(
      'Formal notice sent – sent late: planned for 1 Jul 2026 at 08:30, sent on 1 Jul 2026 at 13:30 (Paris time), ' +
        '5 h after the planned time; the e-mail service refused the first 2 attempts (sending limit or error), the ' +
        'send was tried again',
    );
  });

  it('says a step moved because its window’s message had already gone out', () => {
    const detail = {
      level: 'reminder_2',
      at: '2026-12-04T07:30:00.000Z',
      previousAt: '2026-12-03T07:30:00.000Z',
      movedBecause: 'rescheduled',
    };
    expect(describeEvent({ kind: 'dunning_step_planned', detail }, 'fr')).toBe(
      'Étape de relance planifiée – 2e relance – replanifiée : prévue le 03/12/2026 à 08:30, désormais le 04/12/2026 ' +
        'à 08:30 (heure de Paris), le message de son créneau étant déjà parti',
    );
    expect(describeEvent({ kind: 'dunning_step_planned', detail }, 'en')).toBe(
      'Dunning step planned – 2nd reminder – planned again: planned for 3 Dec 2026 at 08:30, now 4 Dec 2026 at 08:30 ' +
        '(Paris time), its window’s message having already gone out',
    );
  });
});
