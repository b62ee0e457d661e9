/**
 * What a customer's promise ("Je m'engage à payer le …") or reported payment ("J'ai payé") does to an invoice's
 * promise pause. Pure: the pause recorded and the date asked in, the pause to record out.
 *
 * - A promise pause finance set (its `/promise` route: a plan negotiated by phone, say) is never shortened by the
 *   customer: when it runs to the customer's date or later, it stays as it is, date, note and all. The customer's
 *   answer is still recorded in the invoice's history and told to finance.
 * - A customer's promise over one of their own is a renewal: the first one's `since` is kept, so a renewal is bounded
 *   from the first promise of the chain (`customerPromiseMaxDays`). Finance's promise pauses are no link of that
 *   chain: a customer's promise replacing an earlier one of finance's starts a chain of its own.
 */
import type { IsoDate, IsoTimestamp } from '../dates';
import type { InvoicePause } from '../model';

/** A promise pause the customer set from their page: a link of their promise chain. */
export const isCustomerPromise = (pause: InvoicePause | undefined): boolean =>
  pause?.reason === 'promise' && pause.by === 'customer';

/** A promise pause finance set (or one recorded before pauses said who set them), with its date. */
export function financePromiseUntil(pause: InvoicePause | undefined): IsoDate | undefined {
  return pause?.reason === 'promise' && pause.by !== 'customer' ? pause.until : undefined;
}

/**
 * The pause an invoice keeps after the customer asked for `asked.until`: finance's own promise when it runs as late
 * or later (`financeKeptUntil` says its date), else the customer's promise pause (a renewal keeps its chain's `since`).
 */
export function customerPromisePause(
  current: InvoicePause | undefined,
  asked: { until: IsoDate; at: IsoTimestamp; note: string },
): { pause: InvoicePause; financeKeptUntil?: IsoDate } {
  const finance = financePromiseUntil(current);
  if (current && finance !== undefined && finance >= asked.until) return { pause: current, financeKeptUntil: finance };
  const since = current && isCustomerPromise(current) ? current.since : asked.at;
  return { pause: { reason: 'promise', since, until: asked.until, note: asked.note, by: 'customer' } };
}
