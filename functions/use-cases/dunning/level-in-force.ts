import { customerInvoices } from '../../adapters/db/api-reads';
import { listInvoiceEvents } from '../../adapters/db/events';
import { getInvoice } from '../../adapters/db/invoices';
import { localDate } from '../../core/calendar/time-zone';
import { mapLimited } from '../../core/concurrency';
import {
  announcedAt,
  announcedLevels,
  type InForceInvoice,
  inForceAbove,
  levelStillInForce,
} from '../../core/dunning/in-force';
import type { DunningLevel } from '../../core/dunning/policy';
import type { Customer, Invoice } from '../../core/model';
import { levelRank } from '../../core/model/dunning-level';

/**
 * The customer's other invoices whose announced level stays in force above a message's level (the rule is in
 * core/dunning/in-force.ts), with the day each level was announced. The customer's invoices come from the by-customer
 * index, then those that may count are read again consistently (a level raised a moment ago by another message
 * counts).
 */
export async function levelsInForceAbove(
  customer: Pick<Customer, 'customerId' | 'timeZone'>,
  message: { invoiceIds: string[]; level: DunningLevel },
  sameWindow?: SameWindowAnnouncements,
): Promise<InForceInvoice[]> {
  const listed = await customerInvoices(customer.customerId);
  const candidates = listed.filter((i) => !message.invoiceIds.includes(i.invoiceId) && i.openCents > 0);
  if (candidates.length === 0) return [];
  const timeZone = customer.timeZone || 'Europe/Paris';
  const alongside = new Map((sameWindow?.members ?? []).map((m) => [m.invoiceId, m.level]));
  const current = (await mapLimited(candidates, 8, (i) => getInvoice(i.invoiceId)))
    .filter((i): i is Invoice => i !== undefined)
    .map((i) => withLevel(i, alongside.get(i.invoiceId)))
    .filter(levelStillInForce);
  const above = inForceAbove(current, message);
  return Promise.all(
    above.map(async (i) => {
      if (alongside.get(i.invoiceId) === i.level && sameWindow)
        return { ...i, since: localDate(new Date(sameWindow.windowAt), timeZone) };
      const at = announcedAt(await listInvoiceEvents(i.invoiceId), i.level);
      return at ? { ...i, since: localDate(new Date(at), timeZone) } : i;
    }),
  );
}

/**
 * The customer's invoices announced at a higher level in the same send window by another message (a formal notice
 * batch beside a reminder batch): the two go out at the same time, so the reminder recalls them at the level they are
 * being given, not at the one they had before.
 */
export interface SameWindowAnnouncements {
  windowAt: string;
  members: { invoiceId: string; level: DunningLevel }[];
}

function withLevel(invoice: Invoice, level: DunningLevel | undefined): Invoice {
  if (!level || !announcedLevels.includes(level)) return invoice;
  const stored = invoice.dunningLevel;
  return stored && levelRank(stored) >= levelRank(level) ? invoice : { ...invoice, dunningLevel: level };
}
