import type { IsoDate } from '../dates';
import { type DunningLevel, levelRank } from '../model/dunning-level';
import type { Invoice } from '../model/invoice';

/**
 * The level a customer was told an invoice reached stays in force while that invoice is still owed: a later message to
 * the same customer never reads as a step down ("Relance" after "Dernière relance avant mise en demeure"). The rule:
 * - the levels that count are those written to the customer: a reminder proper (1st, 2nd, final), a formal notice, the
 *   handoff to the collection agency (a courtesy reminder is the lowest anyway; a call is not a written announcement);
 * - an invoice keeps its level in force while it is still owed: open, partly paid or with the agency, with an amount
 *   left, and its dunning not suspended (a dispute, a payment promise or finance's pause: nothing presses on it);
 * - once every invoice at a level is paid (or credited, written off) or suspended, that level is no longer in force and
 *   a later message may start lower again.
 * The level of each invoice is the one its sends raised (`dunningLevel`, never lowered, raised in the same conditional
 * transaction as the send record: a retried send raises nothing twice).
 */
export const announcedLevels: readonly DunningLevel[] = [
  'reminder_1',
  'reminder_2',
  'final_reminder',
  'formal_notice',
  'agency_handoff',
];

const owedStatuses: readonly Invoice['status'][] = ['open', 'partially_paid', 'in_collection'];

/** An invoice whose announced level stays in force, as a later message reminds it. */
export interface InForceInvoice {
  invoiceId: string;
  level: DunningLevel;
  openCents: number;
  currency: string;
  dueDate: IsoDate;
  /** The day the level was announced (the customer's local date), when the history has it. */
  since?: IsoDate;
}

/** Whether an invoice's announced level is still in force (see the rule above). */
export function levelStillInForce(invoice: Pick<Invoice, 'status' | 'openCents' | 'pause' | 'dunningLevel'>): boolean {
  return (
    invoice.dunningLevel !== undefined &&
    announcedLevels.includes(invoice.dunningLevel) &&
    owedStatuses.includes(invoice.status) &&
    invoice.openCents > 0 &&
    !invoice.pause
  );
}

/**
 * The customer's other invoices (not in the message) whose level in force is above the message's level: those the
 * message must remind, highest level first, then by due date. Empty when the message announces the highest level.
 */
export function inForceAbove(
  invoices: readonly Invoice[],
  message: { invoiceIds: readonly string[]; level: DunningLevel },
): InForceInvoice[] {
  return invoices
    .filter(
      (i) =>
        !message.invoiceIds.includes(i.invoiceId) &&
        levelStillInForce(i) &&
        levelRank(i.dunningLevel!) > levelRank(message.level),
    )
    .map((i) => ({
      invoiceId: i.invoiceId,
      level: i.dunningLevel!,
      openCents: i.openCents,
      currency: i.currency,
      dueDate: i.dueDate,
    }))
    .sort(
      (a, b) =>
        levelRank(b.level) - levelRank(a.level) ||
        a.dueDate.localeCompare(b.dueDate) ||
        a.invoiceId.localeCompare(b.invoiceId),
    );
}

/**
 * The time the invoice's level was announced, from its history: the latest send event at that level (a reminder's
 * `detail.level`, a formal notice, the agency notice).
 */
export function announcedAt(
  events: readonly { kind: string; at: string; detail?: Record<string, unknown> }[],
  level: DunningLevel,
): string | undefined {
  const matches = (e: { kind: string; detail?: Record<string, unknown> }) =>
    (['reminder_sent', 'formal_notice_sent', 'agency_notice_sent', 'send_confirmed'].includes(e.kind) &&
      e.detail?.level === level) ||
    (e.kind === 'formal_notice_sent' && level === 'formal_notice') ||
    (e.kind === 'agency_notice_sent' && level === 'agency_handoff');
  return events
    .filter(matches)
    .map((e) => e.at)
    .sort()
    .at(-1);
}
