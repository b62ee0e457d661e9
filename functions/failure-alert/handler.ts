import { z } from 'zod';
import { now } from '../adapters/clock';
import { recordEvent } from '../adapters/db/history';
import { alertFinance } from '../adapters/finance-alerts';
import { count } from '../adapters/metrics';
import { markDunningEnded } from '../adapters/workflows';
import { workflowFailedAlert } from '../core/messages';
import { lambda } from '../runtime';

/** EventBridge "Step Functions Execution Status Change" (FAILED / TIMED_OUT) of a dunning execution. */
const StatusChange = z.object({
  'detail-type': z.literal('Step Functions Execution Status Change'),
  time: z.string().optional(),
  detail: z
    .object({
      executionArn: z.string(),
      stateMachineArn: z.string().optional(),
      name: z.string().optional(),
      status: z.string(),
      input: z.string().nullish(),
      error: z.string().nullish(),
      cause: z.string().nullish(),
      stopDate: z.number().nullish(),
    })
    .passthrough(),
});

/** The invoice and correlation id of the failed execution's input (a dunning state), when readable. */
function inputOf(input: string | null | undefined): { invoiceId?: string; correlationId?: string } {
  try {
    const parsed = JSON.parse(input ?? '');
    const text = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
    return { invoiceId: text(parsed?.invoiceId), correlationId: text(parsed?.correlationId) };
  } catch {
    return {};
  }
}

/**
 * A dunning workflow failed or timed out: finance gets an e-mail naming the invoice, the error and what to do, and the
 * invoice's history records it.
 */
export const handler = lambda(
  {
    name: 'failure-alert',
    settings: ['TABLE_NAME', 'SENDER_EMAIL', 'FINANCE_EMAILS'],
    event: StatusChange,
    correlationId: (e) => inputOf(e.detail.input).correlationId,
  },
  async (event, log) => {
    const d = event.detail;
    if (d.status !== 'FAILED' && d.status !== 'TIMED_OUT') return { alerted: false };
    count('WorkflowFailures');
    const invoiceId = inputOf(d.input).invoiceId;
    const occurredAt = d.stopDate
      ? new Date(d.stopDate).toISOString()
      : event.time
        ? new Date(event.time).toISOString()
        : now().toISOString();
    const cause = (d.cause ?? '').slice(0, 1000);
    if (invoiceId) {
      // The alert matters more than the history line: a history write failure must not stop the e-mail.
      await recordEvent(invoiceId, occurredAt, 'dunning_failed', {
        status: d.status,
        error: d.error,
        cause,
        executionArn: d.executionArn,
      }).catch((err: unknown) =>
        log.warn('could not record the failure in the invoice history', { invoiceId, error: err }),
      );
      // The marker says the generation ended: the next sweep brings the dunning back (a new generation).
      await markDunningEnded(invoiceId, d.executionArn, d.status, occurredAt, d.error ?? undefined).catch(
        (err: unknown) => log.warn('could not mark the workflow ended', { invoiceId, error: err }),
      );
    }
    const { messageId } = await alertFinance(
      workflowFailedAlert({
        invoiceId,
        executionArn: d.executionArn,
        timedOut: d.status === 'TIMED_OUT',
        error: d.error ?? undefined,
        at: occurredAt,
      }),
    );
    return { alerted: true, messageId };
  },
);
