import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createLogger, type Logger } from '../adapters/logger';
import { noContext, type RuntimeOptions, runtime, setCorrelationId } from './context';
import { type CreatedObject, createdObjectsOf, SqsEvent, SqsRecord } from './s3-events';

export interface S3ObjectBatchOptions extends RuntimeOptions<SqsEvent> {
  /** The key prefix of the objects the function handles (others in the notification are left alone). */
  prefix: string;
  /** What the log says when a message fails (SQS retries it, then parks it in the dead-letter queue). */
  failure: string;
}

/**
 * S3 -> SQS -> a Lambda with ReportBatchItemFailures: the event and each record's S3 notification parsed by zod, the
 * records handled one after the other by Powertools' BatchProcessor, each failed message (an AWS fault: a bad file is
 * the body's to reject and report) returned as a batch item failure for SQS to retry.
 * Correlation id: the SQS message id, one per S3 event, kept across SQS retries and shown in the dead-letter queue.
 */
export function s3ObjectBatch(
  options: S3ObjectBatchOptions,
  body: (object: CreatedObject, log: Logger) => Promise<unknown>,
) {
  const log = createLogger(options.name);
  const processor = new BatchProcessor(EventType.SQS);
  const recordHandler = async (raw: unknown): Promise<void> => {
    const record = SqsRecord.parse(raw);
    setCorrelationId(record.messageId);
    try {
      for (const object of createdObjectsOf(record.body, options.prefix)) await body(object, log);
    } catch (error) {
      log.error(options.failure, { messageId: record.messageId, error });
      throw error;
    }
  };
  const wrapped = runtime<SqsEvent, SQSBatchResponse>({ ...options, event: SqsEvent }).handler(async (event, context) =>
    processPartialResponse(event as unknown as SQSEvent, recordHandler, processor, {
      context,
      processInParallel: false,
      throwOnFullBatchFailure: false,
    }),
  );
  return (event: unknown, context?: Context): Promise<SQSBatchResponse> =>
    wrapped(event as SqsEvent, context ?? noContext) as Promise<SQSBatchResponse>;
}
