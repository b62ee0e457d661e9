import { requireSettings } from '../adapters/config';
import middy from '@middy/core';
import type { SQSBatchResponse } from 'aws-lambda';
import { z } from 'zod';
import { createLogger } from '../adapters/logger';
import { decodeS3Key } from '../adapters/statement-files';
import { inboxNotifier } from './notify';
import { invoiceInboxPrefixes } from './prefixes';
import { processInvoiceFile } from './process-file';

requireSettings(['TABLE_NAME', 'SENDER_EMAIL', 'FINANCE_EMAILS']);

const log = createLogger('invoice-inbox');
const notify = inboxNotifier();

const SqsEvent = z.object({ Records: z.array(z.object({ messageId: z.string(), body: z.string() })) });
const S3Notification = z.object({
  Records: z.array(z.object({ eventName: z.string(), s3: z.object({ bucket: z.object({ name: z.string() }), object: z.object({ key: z.string() }) }) })).default([]),
});

/** The invoice files an SQS message announces: objects created under invoices/inbox/, keys decoded (S3 URL-encodes them). */
export function invoiceObjectsOf(body: string): { bucket: string; key: string }[] {
  const json: unknown = JSON.parse(body);
  if ((json as { Event?: string })?.Event === 's3:TestEvent') return [];
  return S3Notification.parse(json)
    .Records.filter((r) => r.eventName.startsWith('ObjectCreated'))
    .map((r) => ({ bucket: r.s3.bucket.name, key: decodeS3Key(r.s3.object.key) }))
    .filter((o) => o.key.startsWith(invoiceInboxPrefixes.inbox) && !o.key.endsWith('/'));
}

/**
 * S3 (invoices/inbox/) -> SQS -> here. Each e-invoice file becomes the customer's open invoice, or is rejected with its
 * reason and finance is told. An AWS fault (not a bad file) returns the message as a batch item failure: SQS retries it,
 * then parks it in the dead-letter queue.
 */
export const handler = middy(async (event: unknown): Promise<SQSBatchResponse> => {
  const { Records } = SqsEvent.parse(event);
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of Records) {
    try {
      for (const file of invoiceObjectsOf(record.body)) await processInvoiceFile(file.bucket, file.key, notify, log);
    } catch (error) {
      log.error('invoice file could not be handled; SQS will retry', { messageId: record.messageId, error });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
});
