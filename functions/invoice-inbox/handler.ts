import middy from '@middy/core';
import type { SQSBatchResponse } from 'aws-lambda';
import { requireSettings } from '../adapters/config';
import { createLogger } from '../adapters/logger';
import { createdObjectsOf, SqsEvent } from '../adapters/s3-notifications';
import { inboxNotifier } from './notify';
import { invoiceInboxPrefixes } from './prefixes';
import { processInvoiceFile } from './process-file';

requireSettings(['TABLE_NAME', 'SENDER_EMAIL', 'FINANCE_EMAILS']);

const log = createLogger('invoice-inbox');
const notify = inboxNotifier();

/**
 * The invoice files an SQS message announces: objects created under invoices/inbox/, keys decoded (S3 URL-encodes
 * them).
 */
export const invoiceObjectsOf = (body: string) => createdObjectsOf(body, invoiceInboxPrefixes.inbox);

/**
 * S3 (invoices/inbox/) -> SQS -> here. Each e-invoice file becomes the customer's open invoice, or is rejected with its
 * reason and finance is told. An AWS fault (not a bad file) returns the message as a batch item failure: SQS retries
 * it,
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
