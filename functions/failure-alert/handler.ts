import { z } from 'zod';
import { requireSettings } from '../adapters/config';
import { markDunningEnded } from '../adapters/workflows';
import { alertFinance } from '../dunning-shared/alerts';
import { recordEvent } from '../dunning-shared/history';
import { lambda, now } from '../dunning-shared/runtime';

requireSettings(['TABLE_NAME', 'SENDER_EMAIL', 'FINANCE_EMAILS']);

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

function invoiceIdOf(input: string | null | undefined): string | undefined {
  try {
    const parsed = JSON.parse(input ?? '');
    return typeof parsed?.invoiceId === 'string' ? parsed.invoiceId : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A dunning workflow failed or timed out: finance gets an e-mail naming the invoice, the error and what to do, and the
 * invoice's history records it.
 */
export const handler = lambda('failure-alert', StatusChange, async (event, log) => {
  const d = event.detail;
  if (d.status !== 'FAILED' && d.status !== 'TIMED_OUT') return { alerted: false };
  const invoiceId = invoiceIdOf(d.input);
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
  const { messageId } = await alertFinance({
    kind: 'workflow_failed',
    title:
      `${invoiceId ?? d.name ?? d.executionArn}: ` +
      `${d.status === 'TIMED_OUT' ? 'délai dépassé' : 'échec'}${d.error ? ` (${d.error})` : ''}`,
    occurredAt,
    details: [
      { label: 'invoice', value: invoiceId ?? 'unknown' },
      { label: 'status', value: d.status },
      { label: 'error', value: d.error ?? '-' },
      { label: 'execution', value: d.executionArn },
    ],
    items: cause ? [cause] : undefined,
    action:
      'Vérifier la facture. Le balayage quotidien relancera sa relance (nouvelle génération) ; pour la relancer ' +
      'tout de suite : POST /invoices/{id}/restart-dunning.',
  });
  return { alerted: true, messageId };
});
