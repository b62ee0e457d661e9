import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../adapters/aws-clients';
import { invoiceEventPut } from '../adapters/db/events';

/** Appends one event to an invoice's history (actor 'system:dunning'). */
export async function recordEvent(
  invoiceId: string,
  at: Date | string,
  kind: string,
  detail: Record<string, unknown> = {},
): Promise<void> {
  const { Put } = invoiceEventPut({
    invoiceId,
    at: typeof at === 'string' ? at : at.toISOString(),
    kind,
    actor: 'system:dunning',
    detail,
  });
  await dynamo().send(new PutCommand(Put));
}
