import { createHash, type Hash } from 'node:crypto';
import { openStatementFile } from '../adapters/statement-files';
import { type IngestLimits, type ReadOutcome, readStatementStream } from '../core/ingest/read';

export interface InboxRead {
  /** sha256 of the bytes read, computed as they came. */
  checksum: string;
  sizeBytes: number;
  read: ReadOutcome;
}

/**
 * Reads a statement file of the inbox as S3 streams it: the bytes go through the checksum and the parser chunk by
 * chunk and are never held whole. Undefined when the file is no longer there. When the parser stops early (a NUL
 * byte), the rest is still read for the checksum; a file found not UTF-8 after all is read a second time (the
 * checksum is the second read's, of the same version: the ETag is checked on each read).
 */
export async function readInboxFile(
  bucket: string,
  key: string,
  etag: string,
  fileName: string,
  limits: IngestLimits,
): Promise<InboxRead | undefined> {
  let body = await openStatementFile(bucket, key, etag);
  if (!body) return undefined;
  let hash: Hash = createHash('sha256');
  let sizeBytes = 0;
  const take = (chunk: Uint8Array) => {
    hash.update(chunk);
    sizeBytes += chunk.byteLength;
    return chunk;
  };
  const open = async function* (): AsyncGenerator<Uint8Array> {
    const source = body ?? (await openStatementFile(bucket, key, etag));
    body = undefined;
    if (!source) throw new Error(`statement ${key} left the inbox while it was read`);
    hash = createHash('sha256');
    sizeBytes = 0;
    const chunks = source[Symbol.asyncIterator]();
    try {
      for (let r = await chunks.next(); !r.done; r = await chunks.next()) yield take(r.value);
    } finally {
      for (let r = await chunks.next(); !r.done; r = await chunks.next()) take(r.value);
    }
  };
  const read = await readStatementStream(open, fileName, limits);
  // a reader that gave up before opening the file: its bytes are still read for the checksum
  if (body) for await (const chunk of body) take(chunk);
  return { checksum: hash.digest('hex'), sizeBytes, read };
}
