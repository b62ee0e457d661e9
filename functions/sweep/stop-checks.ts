import { wallClock } from '../adapters/clock';
import { getInvoice } from '../adapters/db/invoices';
import { clearStopCheck, listStopChecks, type StopCheck } from '../adapters/db/stop-checks';
import { currentDunning } from '../adapters/db/workflow-markers';
import type { Logger } from '../adapters/logger';
import { mapLimited } from '../core/concurrency';
import { isOwed } from '../core/model';
import { stopDunningOfPaid } from '../use-cases/dunning/notice-claims';

/** A stop check younger than this may belong to a request still running (the API answers within a minute). */
export const STOP_CHECK_GRACE_MS = 15 * 60_000;

/**
 * The stop checks finance's matches left (adapters/db/stop-checks.ts): a request that failed after lettering and was
 * not sent again. The invoice paid (no longer owed) and its workflow still running: stopped, as the request would have;
 * owed (the match never landed, or was undone): its dunning goes on. Either way the check goes. Returns the invoices
 * whose workflow it stopped, and the checks it could not settle (the next sweep tries again).
 */
export async function settleStopChecks(
  concurrency: number,
  log: Logger,
): Promise<{ stopped: string[]; failures: { invoiceId: string; error: string }[] }> {
  const before = wallClock().now().getTime() - STOP_CHECK_GRACE_MS;
  const due = (await listStopChecks()).filter((c) => Date.parse(c.at) <= before);
  const stopped: string[] = [];
  const failures: { invoiceId: string; error: string }[] = [];
  await mapLimited(due, concurrency, async (check: StopCheck) => {
    try {
      const invoice = await getInvoice(check.invoiceId);
      if (invoice && !isOwed(invoice) && (await currentDunning(check.invoiceId))?.running) {
        // finance hears what a formal notice also claimed, as when the request had stopped it
        await stopDunningOfPaid({ invoices: [invoice], paidInvoiceIds: [invoice.invoiceId] }, 'paid', log);
        stopped.push(check.invoiceId);
        log.warn('workflow of a paid invoice stopped by the sweep (its match request failed after lettering)', check);
      }
      await clearStopCheck(check);
    } catch (err) {
      log.error('stop check not settled (the next sweep retries)', { ...check, error: err });
      failures.push({ invoiceId: check.invoiceId, error: `stop: ${(err as Error).name}: ${(err as Error).message}` });
    }
  });
  return { stopped, failures };
}
