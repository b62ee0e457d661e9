import { autoMatchRate, count } from '../adapters/metrics';
import { s3ObjectBatch } from '../runtime';
import { type IngestOutcome, ingestStatementFile } from './ingest-file';
import { financeNotifier } from './notify';

const notify = financeNotifier();

/**
 * S3 (inbox/) -> SQS -> here. Each statement file is read, stored once and reconciled; a message whose file could not
 * be handled (an AWS fault, not a bad file: bad files are rejected and reported) is returned as a batch item failure,
 * so SQS retries it and, after the last attempt, parks it in the dead-letter queue. The SQS message id is the
 * statement's correlation id, passed to every workflow its reconciliation starts, stops or resumes.
 */
export const handler = s3ObjectBatch(
  {
    name: 'ingest',
    settings: [
      'TABLE_NAME',
      'STATE_MACHINE_ARN',
      'SENDER_EMAIL',
      'FINANCE_EMAILS',
      'STATEMENT_MAX_BYTES',
      'STATEMENT_MAX_ENTRIES',
    ],
    prefix: 'inbox/',
    failure: 'statement could not be ingested; SQS will retry',
  },
  async (file, log) => countIngest(await ingestStatementFile(file.bucket, file.key, notify, log)),
);

/**
 * The business metrics of one statement file: ingested or rejected, its transactions by outcome, and its auto-match
 * rate (only when it held transactions to match: a file of fees and transfers out says nothing about the matcher).
 */
export function countIngest(result: IngestOutcome): IngestOutcome {
  if (result.outcome === 'rejected') count('StatementsRejected');
  if (result.outcome !== 'processed') return result;
  const { counts, autoMatchRate: rate } = result.summary;
  count('StatementsIngested');
  count('TransactionsMatched', counts.matched);
  count('TransactionsSuggested', counts.suggested);
  count('TransactionsUnmatched', counts.unmatched);
  count('TransactionsIgnored', counts.ignored);
  if (counts.matched + counts.suggested + counts.unmatched > 0) autoMatchRate(rate * 100);
  return result;
}
