import { formatCents } from '../money';
import type { DayFingerprint } from '../statements/ids';
import type { Anomaly } from './summary';

/** An earlier file's view of the same booking day (see DayFingerprint), with the file it came from. */
export interface EarlierDay {
  entries: number;
  totalCents: number;
  statementChecksum: string;
}

/**
 * Transaction ids assume a file holds whole booking days (core/statements/ids.ts). This checks it against what earlier
 * files held for the same day:
 * - a different count or total: one of the files was cut inside the day (or the bank rewrote the day). Movements of
 *   that day are still stored at most once by id, but two identical movements on either side of the cut may have been
 *   taken for one: finance checks the day against the bank.
 * - the same count and total, yet some of this file's movements were new: the same movements were described
 *   differently (another export format, labels rewritten), so they may now be stored twice.
 * A retry of the same file (same checksum) is never an anomaly.
 */
export function dayAnomaly(
  day: DayFingerprint,
  earlier: EarlierDay | undefined,
  checksum: string,
  newEntries: number,
): Anomaly | undefined {
  if (!earlier || earlier.statementChecksum === checksum) return undefined;
  const figures = {
    entries: day.entries,
    totalCents: day.totalCents,
    earlierEntries: earlier.entries,
    earlierTotalCents: earlier.totalCents,
    newEntries,
  };
  const base = { kind: 'day_inconsistent' as const, account: day.account, date: day.bookingDate, figures };
  if (earlier.entries !== day.entries || earlier.totalCents !== day.totalCents) {
    return {
      ...base,
      reason:
        `this file holds ${day.entries} movement(s) totalling ${formatCents(day.totalCents)} on this day, an ` +
        `earlier file ${earlier.entries} totalling ${formatCents(earlier.totalCents)}: ` +
        'one of them was cut inside the day; identical movements of that day may have been taken for one, check the ' +
        'day against the bank',
    };
  }
  if (newEntries > 0) {
    return {
      ...base,
      reason:
        `an earlier file held this whole day (${day.entries} movement(s), ${formatCents(day.totalCents)}) yet ` +
        `${newEntries} movement(s) of this file were new: the same movements described differently may be stored twice`,
    };
  }
  return undefined;
}
