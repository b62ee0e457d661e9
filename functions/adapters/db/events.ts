import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { dynamo } from '../aws-clients';
import { stripKeys } from './items';
import { keys } from './keys';
import { queryAll, sequence, tableName } from './table';

/**
 * The invoice's history: every action on an invoice (import, allocation, reminder sent, pause, bounce, formal notice,
 * handoff, write-off...) is an append-only event. It is the evidence if the case goes to court.
 */
export const InvoiceEvent = z.object({
  invoiceId: z.string(),
  at: z.string(),
  kind: z.string(),
  /** Who or what acted: 'system:ingest', 'system:dunning', 'user:<id>'. */
  actor: z.string(),
  detail: z.record(z.string(), z.unknown()).default({}),
});
export type InvoiceEvent = z.infer<typeof InvoiceEvent>;

/** The Put item of an event, to be written alone or inside a transaction with the change it records. */
export function invoiceEventPut(event: InvoiceEvent) {
  return {
    Put: {
      TableName: tableName(),
      Item: {
        ...keys.invoiceEvent(event.invoiceId, event.at, sequence()),
        ...(isFinanceWriteOff(event) ? keys.writeOffByDate(event.at, event.invoiceId) : {}),
        type: 'event',
        ...event,
      },
    },
  };
}

/**
 * A write-off finance recorded (bank fees written off with a receipt carry their transaction and are booked with it).
 */
export function isFinanceWriteOff(event: InvoiceEvent): boolean {
  return event.kind === 'write_off' && event.detail.transactionId === undefined;
}

/** Finance's write-offs recorded between two dates (inclusive), all invoices, full or partial. */
export async function listWriteOffEvents(from: string, to: string): Promise<InvoiceEvent[]> {
  const items = await queryAll({
    IndexName: 'gsi2',
    KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk BETWEEN :from AND :to',
    ExpressionAttributeValues: { ':pk': 'WRITEOFFS', ':from': from, ':to': `${to}\uffff` },
  });
  return items.map((item) => InvoiceEvent.parse(stripKeys(item)));
}

export async function listInvoiceEvents(invoiceId: string): Promise<InvoiceEvent[]> {
  const items = await queryAll({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :ev)',
    ExpressionAttributeValues: { ':pk': `INVOICE#${invoiceId}`, ':ev': 'EVENT#' },
  });
  return items.map((item) => InvoiceEvent.parse(stripKeys(item)));
}

/** Appends one event to an invoice's history on its own (no state change goes with it). */
export async function appendInvoiceEvent(event: InvoiceEvent): Promise<void> {
  await dynamo().send(new PutCommand(invoiceEventPut(event).Put));
}
