import middy from '@middy/core';
import type { SQSBatchResponse } from 'aws-lambda';
import { requireSettings } from '../adapters/config';
import { createLogger } from '../adapters/logger';
import { createdObjectsOf, SqsEvent } from '../adapters/s3-notifications';
import { ingestStatementFile } from './ingest-file';
import { financeNotifier } from './notify';

requireSettings([
  'TABLE_NAME',
  'STATE_MACHINE_ARN',
  'SENDER_EMAIL',
  'FINANCE_EMAILS',
  'STATEMENT_MAX_BYTES',
  'STATEMENT_MAX_ENTRIES',
]);

const log = createLogger('ingest');
const notify = financeNotifier();

/**
 * S3 (inbox/) -> SQS -> here. Each statement file is read, stored once and reconciled; a message whose file could not
 * be handled (an AWS fault, not a bad file: bad files are rejected and reported) is returned as a batch item failure,
 * so SQS retries it and, after the last attempt, parks it in the dead-letter queue.
 */
export const handler = middy(async (event: unknown): Promise<SQSBatchResponse> => {
  const { Records } = SqsEvent.parse(event);
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of Records) {
    try {
      for (const file of createdObjectsOf(record.body, 'inbox/'))
        await ingestStatementFile(file.bucket, file.key, notify, log);
    } catch (error) {
      log.error('statement could not be ingested; SQS will retry', { messageId: record.messageId, error });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
});
