import { s3ObjectBatch } from '../runtime';
import { ingestStatementFile } from './ingest-file';
import { financeNotifier } from './notify';

const notify = financeNotifier();

/**
 * S3 (inbox/) -> SQS -> here. Each statement file is read, stored once and reconciled; a message whose file could not
 * be handled (an AWS fault, not a bad file: bad files are rejected and reported) is returned as a batch item failure,
 * so SQS retries it and, after the last attempt, parks it in the dead-letter queue. The SQS message id is the
 * statement's correlation id, passed to every workflow its reconciliation starts, stops or resumes.
 */
export const handler = s3ObjectBatch({
  name: 'ingest',
  settings: ['TABLE_NAME', 'STATE_MACHINE_ARN', 'SENDER_EMAIL', 'FINANCE_EMAILS', 'STATEMENT_MAX_BYTES', 'STATEMENT_MAX_ENTRIES'],
  prefix: 'inbox/',
  failure: 'statement could not be ingested; SQS will retry',
}, (file, log) => ingestStatementFile(file.bucket, file.key, notify, log));
