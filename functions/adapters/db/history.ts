import { appendInvoiceEvent } from './events';

/** Appends one event to an invoice's history (actor 'system:dunning'). */
export async function recordEvent(
  invoiceId: string,
  at: Date | string,
  kind: string,
  detail: Record<string, unknown> = {},
): Promise<void> {
  await appendInvoiceEvent({
    invoiceId,
    at: typeof at === 'string' ? at : at.toISOString(),
    kind,
    actor: 'system:dunning',
    detail,
  });
}
