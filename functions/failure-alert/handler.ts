import { z } from 'zod';
import { now } from '../adapters/clock';
import { recordEventOnce } from '../adapters/db/history';
import { financeAlertEmail } from '../adapters/finance-alerts';
import { count } from '../adapters/metrics';
import { markDunningEnded } from '../adapters/workflows';
import { workflowFailedAlert } from '../core/messages';
import { lambda } from '../runtime';
import { alertFinanceOnce, intentIdOf } from '../use-cases/dunning/send-once';

/** A short stable key of an execution (its ARN hashed), for the one history line of its failure. */
const executionKey = (executionArn: string) => intentIdOf(executionArn).slice(0, 16);

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
    settings: ['TABLE_NAME', 'STATE_MACHINE_ARN', 'SENDER_EMAIL', 'FINANCE_EMAILS'],
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
      // The alert matters more than the history line: a history write failure must not stop the e-mail. Written once
      // per execution, so the retry below adds no second line.
      const detail = { status: d.status, error: d.error, cause, executionArn: d.executionArn };
      await recordEventOnce(
        invoiceId,
        occurredAt,
        'dunning_failed',
        detail,
        `failed-${executionKey(d.executionArn)}`,
      ).catch((err: unknown) =>
        log.warn('could not record the failure in the invoice history', { invoiceId, error: err }),
      );
    }
    // Once per execution through a send intent: a retry of this invocation settles it, never sends it twice.
    const alert = financeAlertEmail(
      workflowFailedAlert({
        invoiceId,
        executionArn: d.executionArn,
        timedOut: d.status === 'TIMED_OUT',
        error: d.error ?? undefined,
        at: occurredAt,
      }),
    );
    const sent = await alertFinanceOnce(intentIdOf('workflow-failed', d.executionArn), alert, log);
    // The marker says the generation ended: the next sweep brings the dunning back (a new generation). Not swallowed:
    // a marker left 'running' would keep the sweep from ever restarting it, so the invocation fails and is retried.
    if (invoiceId) await markDunningEnded(invoiceId, d.executionArn, d.status, occurredAt, d.error ?? undefined);
    const messageId = sent.outcome === 'sent' ? sent.intent.messageId : '';
    return { alerted: true, messageId };
  },
);
