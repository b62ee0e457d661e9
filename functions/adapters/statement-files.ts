import { DeleteObjectCommand, GetObjectCommand, NoSuchKey, PutObjectCommand } from '@aws-sdk/client-s3';
import { s3 } from './aws-clients';

/**
 * The statements bucket: files arrive under inbox/, and leave for processed/ (with their ingest summary) or
 * rejected/ (with a JSON error report). A file is never deleted before its copy exists.
 */

/** S3 event keys are URL-encoded ('my+statement.csv' for 'my statement.csv'): decoded here, and only here. */
export function decodeS3Key(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}

/** The file's bytes, or undefined when it is no longer there (moved by an earlier delivery of the same event). */
export async function readStatementFile(bucket: string, key: string): Promise<Uint8Array | undefined> {
  try {
    const res = await s3().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return await res.Body!.transformToByteArray();
  } catch (err) {
    if (err instanceof NoSuchKey || (err as { name?: string }).name === 'NoSuchKey') return undefined;
    throw err;
  }
}

/**
 * Moves inbox/<name> to <folder>/<name>; returns the new key. The bytes already read are written again rather than
 * copied server-side: CopySource encoding differs between S3 and s3rver for keys with spaces or '+', and a statement
 * is small enough for the handler's memory anyway.
 */
export async function moveStatementFile(bucket: string, key: string, folder: 'processed' | 'rejected', bytes: Uint8Array): Promise<string> {
  const target = `${folder}/${key.replace(/^inbox\//, '')}`;
  await s3().send(new PutObjectCommand({ Bucket: bucket, Key: target, Body: bytes }));
  await s3().send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  return target;
}

export async function putJson(bucket: string, key: string, value: unknown): Promise<void> {
  await s3().send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: JSON.stringify(value, null, 2), ContentType: 'application/json' }));
}

/** Puts a fixed file back into the inbox so it is ingested again (re-processing a rejected statement). */
export async function requeueStatementFile(bucket: string, storedKey: string): Promise<string> {
  const target = `inbox/${storedKey.replace(/^(rejected|processed)\//, '')}`;
  const bytes = await readStatementFile(bucket, storedKey);
  if (!bytes) throw new Error(`stored statement ${storedKey} is missing`);
  await s3().send(new PutObjectCommand({ Bucket: bucket, Key: target, Body: bytes }));
  return target;
}
