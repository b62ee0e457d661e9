import { createdObjectsOf, s3ObjectBatch } from '../runtime';
import { inboxNotifier } from './notify';
import { invoiceInboxPrefixes } from './prefixes';
import { processInvoiceFile } from './process-file';

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
export const handler = s3ObjectBatch(
  {
    name: 'invoice-inbox',
    settings: ['TABLE_NAME', 'SENDER_EMAIL', 'FINANCE_EMAILS'],
    prefix: invoiceInboxPrefixes.inbox,
    failure: 'invoice file could not be handled; SQS will retry',
  },
  (file, log) => processInvoiceFile(file.bucket, file.key, notify, log),
);
