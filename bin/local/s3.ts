import { createHash, randomUUID } from 'node:crypto';
import http from 'node:http';
import S3rver from 's3rver';
import { listen } from './ports';

/**
 * S3 as real S3 writes keys in event notifications: URL-encoded like a form (space -> '+', '+' -> '%2B'),
 * '/' kept. s3rver hands keys un-encoded; the ingest handler decodes (decodeURIComponent(key.replace(/\+/g, ' '))).
 */
export function encodeS3EventKey(key: string): string {
  return encodeURIComponent(key)
    .replace(/%2F/gi, '/')
    .replace(/%20/g, '+')
    .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** What s3rver emits: one S3 event notification (un-encoded key, s3rver's fake region). */
export interface S3rverEvent {
  Records: {
    eventName: string;
    eventTime: string;
    awsRegion: string;
    s3: {
      bucket: { name: string; arn?: string };
      object: { key: string; size?: number; eTag?: string; sequencer?: string };
    };
    [k: string]: unknown;
  }[];
}

/** The SQS event an ingest Lambda receives when S3 -> SQS -> Lambda delivers one object-created notification. */
export function sqsEventOfS3Record(
  record: S3rverEvent['Records'][number],
  opts: { region: string; queueName: string },
) {
  const s3Record = {
    ...record,
    awsRegion: opts.region,
    s3: {
      ...record.s3,
      bucket: { ...record.s3.bucket, arn: `arn:aws:s3:::${record.s3.bucket.name}` },
      object: { ...record.s3.object, key: encodeS3EventKey(record.s3.object.key) },
    },
  };
  const body = JSON.stringify({ Records: [s3Record] });
  const now = Date.now();
  return {
    Records: [
      {
        messageId: randomUUID(),
        receiptHandle: randomUUID(),
        body,
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: String(now),
          SenderId: 'AIDAS3LOCAL',
          ApproximateFirstReceiveTimestamp: String(now),
        },
        messageAttributes: {},
        md5OfBody: createHash('md5').update(body).digest('hex'),
        eventSource: 'aws:sqs',
        eventSourceARN: `arn:aws:sqs:${opts.region}:000000000000:${opts.queueName}`,
        awsRegion: opts.region,
      },
    ],
  };
}

const localCors =
  `<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>POST</AllowedMethod>` +
  `<AllowedMethod>GET</AllowedMethod><AllowedHeader>*</AllowedHeader></CORSRule></CORSConfiguration>`;

export interface LocalS3 {
  url: string;
  stop(): Promise<void>;
}

/** s3rver on `port` (silent, files under `directory`), with `buckets` created; `onEvent` gets each notification. */
export async function startS3(opts: {
  port: number;
  directory: string;
  buckets: string[];
  onEvent: (event: S3rverEvent) => void;
}): Promise<LocalS3> {
  const s3rver = new S3rver({
    silent: true,
    directory: opts.directory,
    allowMismatchedSignatures: true,
    vhostBuckets: false,
    // The console posts statement files to the inbox from the browser (presigned POST): CORS as the bucket has in AWS.
    configureBuckets: opts.buckets.map((name) => ({ name, configs: [localCors] })),
  });
  s3rver.on('event', opts.onEvent);
  await s3rver.configureBuckets();
  const server = http.createServer(s3rver.callback());
  await listen(server, 'S3 (s3rver)', opts.port);
  return {
    url: `http://127.0.0.1:${opts.port}`,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      s3rver.logger.exceptions.unhandle();
      s3rver.logger.close();
    },
  };
}
