import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws-clients';
import { appendInvoiceEvent, invoiceEventPut } from './events';
import { keys } from './keys';
import { isConditionFailure } from './table';

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

/**
 * recordEvent written at most once for one fact: its key is `at` and `once` (not a random sequence), put only if
 * absent, so a retry, or another invocation reporting the same fact, adds nothing.
 */
export async function recordEventOnce(
  invoiceId: string,
  at: string,
  kind: string,
  detail: Record<string, unknown>,
  once: string,
  actor = 'system:dunning',
): Promise<void> {
  const { Put } = invoiceEventPut({ invoiceId, at, kind, actor, detail });
  try {
    await dynamo().send(
      new PutCommand({
        ...Put,
        Item: { ...Put.Item, ...keys.invoiceEvent(invoiceId, at, once) },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
  }
}
