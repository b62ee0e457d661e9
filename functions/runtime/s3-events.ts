import { z } from 'zod';
import { decodeS3Key } from '../adapters/statement-files';

/**
 * The shapes of an SQS event and of the S3 notification in a record's body, after Powertools' parser schemas
 * (SqsRecordSchema, S3Schema), with only the fields encaisse reads required.
 */
export const SqsRecord = z.object({
  messageId: z.string().min(1),
  body: z.string(),
  receiptHandle: z.string().optional(),
  attributes: z.object({ ApproximateReceiveCount: z.string().optional() }).passthrough().optional(),
  eventSource: z.literal('aws:sqs').optional(),
  eventSourceARN: z.string().optional(),
});
export type SqsRecord = z.infer<typeof SqsRecord>;

export const SqsEvent = z.object({ Records: z.array(SqsRecord) });
export type SqsEvent = z.infer<typeof SqsEvent>;

export const S3EventRecord = z.object({
  eventName: z.string(),
  eventTime: z.string().optional(),
  responseElements: z.object({ 'x-amz-request-id': z.string().optional() }).passthrough().optional(),
  s3: z.object({
    bucket: z.object({ name: z.string().min(1) }),
    object: z.object({
      key: z.string().min(1),
      size: z.number().optional(),
      eTag: z.string().optional(),
      sequencer: z.string().optional(),
    }),
  }),
});
export const S3Event = z.object({ Records: z.array(S3EventRecord).default([]) });
/** The test message S3 sends once when the notification is configured. */
const S3TestEvent = z.object({ Event: z.literal('s3:TestEvent') });

/** JSON text parsed, or a zod issue (a body that is not JSON fails the record like a body of the wrong shape). */
const Json = z.string().transform((text, ctx) => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    ctx.addIssue({ code: 'custom', message: 'body is not JSON' });
    return z.NEVER;
  }
});

export interface CreatedObject {
  bucket: string;
  key: string;
}

/** The files an SQS message announces: objects created under `prefix` (folders left out), keys decoded. */
export function createdObjectsOf(body: string, prefix: string): CreatedObject[] {
  const json = Json.parse(body);
  if (S3TestEvent.safeParse(json).success) return [];
  return S3Event.parse(json)
    .Records.filter((r) => r.eventName.startsWith('ObjectCreated'))
    .map((r) => ({ bucket: r.s3.bucket.name, key: decodeS3Key(r.s3.object.key) }))
    .filter((o) => o.key.startsWith(prefix) && !o.key.endsWith('/'));
}
