import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  NoSuchKey,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { s3 } from './aws-clients';

/**
 * The statements bucket: files arrive under inbox/, and leave for processed/<sha256>/<name> (with their ingest summary)
 * or rejected/<sha256>/<name> (with a JSON error report). A stored statement is never overwritten (conditional put)
 * and a file is never deleted from the inbox before its copy exists.
 */

/** S3 event keys are URL-encoded ('my+statement.csv' for 'my statement.csv'): decoded here, and only here. */
export function decodeS3Key(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}

const isLocal = () => !!process.env.LOCAL_S3_ENDPOINT;

function isMissing(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return (
    err instanceof NoSuchKey || e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404
  );
}

/** Size and ETag of an object without reading it, or undefined when it is not there. */
export async function statementObjectInfo(
  bucket: string,
  key: string,
): Promise<{ sizeBytes: number; etag: string } | undefined> {
  try {
    const res = await s3().send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return { sizeBytes: res.ContentLength ?? 0, etag: (res.ETag ?? '').replace(/"/g, '') };
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
}

/** The file's bytes, or undefined when it is no longer there (moved by an earlier delivery of the same event). */
export async function readStatementFile(bucket: string, key: string): Promise<Uint8Array | undefined> {
  try {
    const res = await s3().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return await res.Body!.transformToByteArray();
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
}

/**
 * The file's bytes as S3 sends them (a stream: never the whole file at once), or undefined when it is no longer there.
 * With the ETag seen before, a file replaced in the meantime fails the read (412) instead of being read for the other.
 */
export async function openStatementFile(
  bucket: string,
  key: string,
  etag?: string,
): Promise<AsyncIterable<Uint8Array> | undefined> {
  try {
    const ifMatch = etag && !isLocal() ? { IfMatch: `"${etag}"` } : {};
    const res = await s3().send(new GetObjectCommand({ Bucket: bucket, Key: key, ...ifMatch }));
    return res.Body as unknown as AsyncIterable<Uint8Array>;
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
}

/** A conditional write that found its key taken: S3 answers 412 (or 409 when two such writes race). */
function isTaken(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return (
    e.name === 'PreconditionFailed' ||
    e.name === 'ConditionalRequestConflict' ||
    e.$metadata?.httpStatusCode === 412 ||
    e.$metadata?.httpStatusCode === 409
  );
}

/**
 * Writes a statement's bytes under a content key unless something is there already (the key holds the checksum, so
 * what is there is the same file). S3 honours If-None-Match on PutObject; s3rver ignores it, so against the local
 * stack the key is checked first (a HEAD; racy, but the local stack runs one ingest at a time).
 */
export async function storeStatementFile(bucket: string, key: string, bytes: Uint8Array): Promise<'stored' | 'exists'> {
  if (isLocal() && (await statementObjectInfo(bucket, key))) return 'exists';
  try {
    await s3().send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, IfNoneMatch: '*' }));
    return 'stored';
  } catch (err) {
    if (isTaken(err)) return 'exists';
    throw err;
  }
}

/**
 * Server-side copy (the inbox file to its content key, or a file put back in the inbox) unless the target exists (same
 * local caveat as above); with the ETag of the file as read, only that version is copied. CopySource is
 * URL-encoded per path segment for S3; s3rver decodes it with decodeURI, which leaves '%2B' and the like as they are,
 * so the local stack gets encodeURI's form.
 */
export async function copyStatementObject(
  bucket: string,
  from: string,
  to: string,
  etag?: string,
): Promise<'stored' | 'exists'> {
  if (isLocal() && (await statementObjectInfo(bucket, to))) return 'exists';
  const encoded = isLocal() ? encodeURI(from) : from.split('/').map(encodeURIComponent).join('/');
  const ifMatch = etag && !isLocal() ? { CopySourceIfMatch: `"${etag}"` } : {};
  try {
    await s3().send(
      new CopyObjectCommand({
        Bucket: bucket,
        Key: to,
        CopySource: `${bucket}/${encoded}`,
        IfNoneMatch: '*',
        ...ifMatch,
      }),
    );
    return 'stored';
  } catch (err) {
    // 412 is also the answer to a source replaced since it was read: only a target that is there means 'exists'
    if (isTaken(err) && (!etag || (await statementObjectInfo(bucket, to)))) return 'exists';
    throw err;
  }
}

export async function deleteStatementFile(bucket: string, key: string): Promise<void> {
  await s3().send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
}

/** Writes a report (summary, rejection): a later run may write a newer one; the bucket keeps earlier versions. */
export async function putJson(bucket: string, key: string, value: unknown): Promise<void> {
  await s3().send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: JSON.stringify(value, null, 2),
      ContentType: 'application/json',
    }),
  );
}

/**
 * A presigned POST (a browser form) that drops one file of 1 to `maxBytes` bytes at `key` in the statements bucket,
 * valid `expiresSeconds`.
 */
export async function statementUploadForm(
  bucket: string,
  key: string,
  maxBytes: number,
  expiresSeconds: number,
): Promise<{ url: string; fields: Record<string, string> }> {
  const form = await createPresignedPost(s3(), {
    Bucket: bucket,
    Key: key,
    Conditions: [['content-length-range', 1, maxBytes]],
    Expires: expiresSeconds,
  });
  return { url: form.url, fields: form.fields };
}
