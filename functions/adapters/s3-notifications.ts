import { z } from 'zod';
import { decodeS3Key } from './statement-files';

/** An S3 ObjectCreated notification as S3 puts it on the SQS queue (keys URL-encoded). */
const S3Notification = z.object({
  Records: z
    .array(
      z.object({
        eventName: z.string(),
        s3: z.object({
          bucket: z.object({ name: z.string() }),
          object: z.object({ key: z.string(), size: z.number().optional() }),
        }),
      }),
    )
    .default([]),
});
/** The test message S3 sends once when the notification is configured. */
const S3TestEvent = z.object({ Event: z.literal('s3:TestEvent') });

export const SqsEvent = z.object({
  Records: z.array(z.object({ messageId: z.string(), body: z.string() })),
});
export type SqsEvent = z.infer<typeof SqsEvent>;

export interface CreatedObject {
  bucket: string;
  key: string;
}

/** The files an SQS message announces: objects created under `prefix` (folders left out), keys decoded. */
export function createdObjectsOf(body: string, prefix: string): CreatedObject[] {
  const json: unknown = JSON.parse(body);
  if (S3TestEvent.safeParse(json).success) return [];
  return S3Notification.parse(json)
    .Records.filter((r) => r.eventName.startsWith('ObjectCreated'))
    .map((r) => ({ bucket: r.s3.bucket.name, key: decodeS3Key(r.s3.object.key) }))
    .filter((o) => o.key.startsWith(prefix) && !o.key.endsWith('/'));
}
