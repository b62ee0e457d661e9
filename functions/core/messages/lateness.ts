import type { Lateness, LateReason } from '../dunning/timing';
import { formatDate, type Language, parisDayAndTime } from './format';

/**
 * A send that went out after its planned window, in words for the history (the agency case file): when it was planned,
 * when it went, how late, and why as far as the system knows (« retard non expliqué » otherwise). Times are Paris
 * time, said so.
 */
export function latenessInWords(detail: Record<string, unknown>, language: Language): string | undefined {
  const late = detail.late as Partial<Lateness> | undefined;
  const plannedAt = typeof detail.plannedAt === 'string' ? Date.parse(detail.plannedAt) : Number.NaN;
  if (!late || typeof late.minutes !== 'number' || Number.isNaN(plannedAt)) return undefined;
  const fr = language === 'fr';
  const planned = when(plannedAt, language);
  const sent = when(plannedAt + late.minutes * 60_000, language);
  const reasons = (late.reasons ?? ['unexplained']).map((r) => reasonInWords(r, late, language));
  return fr
    ? `envoi en retard : prévu le ${planned}, fait le ${sent} (heure de Paris), ${duration(late.minutes, 'fr')} ` +
        `après l’heure prévue ; ${reasons.join(' ; ')}`
    : `sent late: planned for ${planned}, sent on ${sent} (Paris time), ${duration(late.minutes, 'en')} after the ` +
        `planned time; ${reasons.join('; ')}`;
}

/**
 * A step planned again at another time, in words: when it was planned before, when now, and why when known ("après une
 * pause des relances", "le message de son créneau étant déjà parti").
 */
export function movedInWords(detail: Record<string, unknown>, language: Language): string | undefined {
  const before = typeof detail.previousAt === 'string' ? Date.parse(detail.previousAt) : Number.NaN;
  const after = typeof detail.at === 'string' ? Date.parse(detail.at) : Number.NaN;
  if (Number.isNaN(before) || Number.isNaN(after)) return undefined;
  const fr = language === 'fr';
  const why =
    detail.movedBecause === 'paused'
      ? fr
        ? ', après une pause des relances'
        : ', after reminders were paused'
      : detail.movedBecause === 'rescheduled'
        ? fr
          ? ', le message de son créneau étant déjà parti'
          : ', its window’s message having already gone out'
        : '';
  return fr
    ? `replanifiée : prévue le ${when(before, 'fr')}, désormais le ${when(after, 'fr')} (heure de Paris)${why}`
    : `planned again: planned for ${when(before, 'en')}, now ${when(after, 'en')} (Paris time)${why}`;
}

function reasonInWords(reason: LateReason, late: Partial<Lateness>, language: Language): string {
  const fr = language === 'fr';
  switch (reason) {
    case 'step_ran_late': {
      const ran = late.stepRanAt ? Date.parse(late.stepRanAt) : Number.NaN;
      if (Number.isNaN(ran)) return fr ? 'l’étape a été traitée après son créneau' : 'the step ran after its window';
      return fr ? `l’étape n’a été traitée que le ${when(ran, 'fr')}` : `the step only ran on ${when(ran, 'en')}`;
    }
    case 'send_retried': {
      const refused = Math.max(1, (late.attempts ?? 2) - 1);
      const firstFr = refused > 1 ? `les ${refused} premières tentatives` : 'la première tentative';
      return fr
        ? `le service d’envoi a refusé ${firstFr} (limite d’envoi ou erreur), l’envoi a été retenté`
        : `the e-mail service refused ${refused > 1 ? `the first ${refused} attempts` : 'the first attempt'} ` +
            `(sending limit or error), the send was tried again`;
    }
    default:
      return fr ? 'retard non expliqué' : 'delay not explained';
  }
}

/** "03/12/2026 à 08:30" / "3 Dec 2026 at 08:30", Paris time. */
function when(instant: number, language: Language): string {
  const { day, time } = parisDayAndTime(instant);
  return `${formatDate(day, language)} ${language === 'fr' ? 'à' : 'at'} ${time}`;
}

/** "1 j 11 h 49 min" / "1 d 11 h 49 min". */
function duration(minutes: number, language: Language): string {
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  return [d ? `${d} ${language === 'fr' ? 'j' : 'd'}` : '', h ? `${h} h` : '', m || (!d && !h) ? `${m} min` : '']
    .filter(Boolean)
    .join(' ');
}
