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
  /**
   * The amount of each invoice the bookings credit: a customer line is lettered only when the lines this export books
   * settle its invoice in full (see `letterSettled`). An invoice not listed is not lettered.
   */
  invoiceAmounts?: ReadonlyMap<string, number>;
}

type Draft = Omit<ExportEntry, 'num'>;

/**
 * Lettering ("EcritureLet"/"DateLet") says that an invoice's lines balance: in an export that cannot change what an
 * earlier month froze, a customer line is lettered only when the customer lines this export books for its invoice add
 * up to the invoice's amount (paid, or paid and written off, within the month); they are all lettered with the
 * invoice id, on the date of the last of them. A partial payment, or the rest of an invoice paid in part in an
 * earlier month, stays unlettered: the accountant letters it with the invoice's other lines.
 */
function letterSettled(drafts: Draft[], amounts: ReadonlyMap<string, number>): Draft[] {
  const credited = new Map<string, { cents: number; on: string }>();
  for (const d of drafts) {
    if (d.action !== 'book') continue;
    for (const l of d.booking.lines) {
      if (l.role !== 'customer' || l.invoiceId === undefined) continue;
      const sum = credited.get(l.invoiceId) ?? { cents: 0, on: d.date };
      credited.set(l.invoiceId, {
        cents: sum.cents + l.creditCents - l.debitCents,
        // biome-ignore lint/complexity/useMathMinMax: ISO date strings, which Math.max cannot compare
        on: d.date > sum.on ? d.date : sum.on,
      });
    }
  }
  const settledOn = (invoiceId: string) => {
    const sum = credited.get(invoiceId);
    return sum && sum.cents === amounts.get(invoiceId) ? sum.on : undefined;
  };
  return drafts.map((d) => {
    if (d.action !== 'book') return d;
    const lines = d.booking.lines.map((l) => {
      const { letteredOn: _, ...unlettered } = l;
      const on = l.role === 'customer' && l.invoiceId !== undefined ? settledOn(l.invoiceId) : undefined;
      return on ? { ...unlettered, letteredOn: on } : unlettered;
    });
    return { ...d, booking: { ...d.booking, lines } };
  });
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
 * reversed and booked again. Entries are numbered in date order. Customer lines are lettered when the export settles
 * their invoice (`letterSettled`).
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
  const drafts: Draft[] = [];
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
  const lettered = letterSettled(drafts, input.invoiceAmounts ?? new Map());
  lettered.sort(
    (a, b) =>
      a.date.localeCompare(b.date) ||
      (a.action === b.action ? 0 : a.action === 'reverse' ? -1 : 1) ||
      a.booking.sourceId.localeCompare(b.booking.sourceId),
  );
  const prefix = `${input.journalCode}${input.period.replace('-', '')}-`;
  const entries = lettered.map((d, i) => ({ num: `${prefix}${String(i + 1).padStart(5, '0')}`, ...d }));
  return {
    period: input.period,
    status: isClosedPeriod(input.period, input.today) ? 'closed' : 'provisional',
    entries,
  };
}
