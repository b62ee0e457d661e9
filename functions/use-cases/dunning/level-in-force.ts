import { customerInvoices } from '../../adapters/db/api-reads';
import { listInvoiceEvents } from '../../adapters/db/events';
import { getInvoice } from '../../adapters/db/invoices';
import { localDate } from '../../core/calendar/time-zone';
import { mapLimited } from '../../core/concurrency';
import { announcedAt, type InForceInvoice, inForceAbove, levelStillInForce } from '../../core/dunning/in-force';
import type { DunningLevel } from '../../core/dunning/policy';
import type { Customer, Invoice } from '../../core/model';

/**
 * The customer's other invoices whose announced level stays in force above a message's level (the rule is in
 * core/dunning/in-force.ts), with the day each level was announced. The customer's invoices come from the by-customer
 * index, then those that may count are read again consistently (a level raised a moment ago by another message
 * counts).
 */
export async function levelsInForceAbove(
  customer: Pick<Customer, 'customerId' | 'timeZone'>,
  message: { invoiceIds: string[]; level: DunningLevel },
): Promise<InForceInvoice[]> {
  const listed = await customerInvoices(customer.customerId);
  const candidates = listed.filter((i) => !message.invoiceIds.includes(i.invoiceId) && i.openCents > 0);
  if (candidates.length === 0) return [];
  const current = (await mapLimited(candidates, 8, (i) => getInvoice(i.invoiceId))).filter(
    (i): i is Invoice => i !== undefined && levelStillInForce(i),
  );
  const above = inForceAbove(current, message);
  return Promise.all(
    above.map(async (i) => {
      const at = announcedAt(await listInvoiceEvents(i.invoiceId), i.level);
      return at ? { ...i, since: localDate(new Date(at), customer.timeZone || 'Europe/Paris') } : i;
    }),
  );
}
