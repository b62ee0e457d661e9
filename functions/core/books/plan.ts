import { bookingIdentity } from './bookings';
import type { Booking, ExportEntry, Period, PeriodExport } from './model';
import { isClosedPeriod, periodEnd, periodStart } from './periods';

/** Periods are exported in order: once a month is frozen, an earlier month not exported yet cannot be made up. */
export class ExportOrderError extends Error {
  constructor(
    readonly period: Period,
    readonly laterPeriod: Period,
  ) {
    super(
      `${period} cannot be exported: ${laterPeriod} was exported already (its entries carry what was not exported ` +
        `before it)`,
    );
    this.name = 'ExportOrderError';
  }
}

export interface PlanInput {
  period: Period;
  today: string;
  /** Prefix of the entry numbers (the journal code). */
  journalCode: string;
  /**
   * Every booking standing now (lettered receipts, write-offs) dated from the first exported month to the end of this
   * one.
   */
  current: Booking[];
  /** The frozen exports of earlier months, as they were written. */
  previous: PeriodExport[];
}

/** What every earlier export put in the books, source by source: its last booking, or nothing once reversed. */
function exportedState(previous: PeriodExport[]): Map<string, Booking | undefined> {
  const state = new Map<string, Booking | undefined>();
  for (const p of [...previous].sort((a, b) => a.period.localeCompare(b.period))) {
    for (const e of p.entries) state.set(e.booking.sourceId, e.action === 'book' ? e.booking : undefined);
  }
  return state;
}

/**
 * The export of a month, deterministic in its inputs. It books what stands now and was never exported (dated in the
 * month, or on its first day when it belongs to an earlier month that was already frozen: a payment lettered late).
 * What an earlier export booked and no longer stands (an allocation undone, a payment returned) is reversed by a new
 * entry in this month, never changed in place; what stands differently (undone, then lettered again otherwise) is
 * reversed and booked again. Entries are numbered in date order.
 */
export function planPeriodExport(input: PlanInput): PeriodExport {
  const later = input.previous.find((p) => p.period >= input.period);
  if (later) throw new ExportOrderError(input.period, later.period);
  const first = input.previous.map((p) => p.period).sort()[0] ?? input.period;
  const from = periodStart(first);
  const start = periodStart(input.period);
  const end = periodEnd(input.period);
  const state = exportedState(input.previous);
  const standing = input.current.filter((b) => b.date >= from && b.date <= end);
  const standingIds = new Set(standing.map((b) => b.sourceId));
  const drafts: Omit<ExportEntry, 'num'>[] = [];
  for (const b of standing) {
    const exported = state.get(b.sourceId);
    if (exported && bookingIdentity(exported) === bookingIdentity(b)) continue;
    if (exported) drafts.push({ date: start, action: 'reverse', booking: exported });
    // biome-ignore lint/complexity/useMathMinMax: ISO date strings, which Math.max cannot compare
    drafts.push({ date: b.date < start ? start : b.date, action: 'book', booking: b });
  }
  for (const [sourceId, exported] of state) {
    if (exported && !standingIds.has(sourceId)) drafts.push({ date: start, action: 'reverse', booking: exported });
  }
  drafts.sort(
    (a, b) =>
      a.date.localeCompare(b.date) ||
      (a.action === b.action ? 0 : a.action === 'reverse' ? -1 : 1) ||
      a.booking.sourceId.localeCompare(b.booking.sourceId),
  );
  const prefix = `${input.journalCode}${input.period.replace('-', '')}-`;
  const entries = drafts.map((d, i) => ({ num: `${prefix}${String(i + 1).padStart(5, '0')}`, ...d }));
  return {
    period: input.period,
    status: isClosedPeriod(input.period, input.today) ? 'closed' : 'provisional',
    entries,
  };
}
