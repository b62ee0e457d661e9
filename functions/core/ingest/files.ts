/**
 * Where statement files are kept in the statements bucket, by content: two different files dropped under the same
 * name never share a key, and a key is never written twice with different bytes.
 *
 *   inbox/<name> or inbox/<anything>/<name>   dropped, waiting for ingest (a re-processed file:
 *   inbox/<checksum>/<name>)
 *   processed/<checksum>/<name>               read and reconciled; beside it <name>.summary.json
 *   rejected/<checksum>/<name>                refused; beside it <name>.error.json
 *
 * <checksum> is the file's SHA-256 in hex; for a file refused unread (over the size limit) it is `etag-<S3 ETag>`.
 */

export type StatementFolder = 'processed' | 'rejected';

/** The name a file was dropped with: the last segment of its key. */
export function fileNameOf(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1);
}

export function storedStatementKey(folder: StatementFolder, checksum: string, fileName: string): string {
  return `${folder}/${checksum}/${fileName}`;
}

export function reportKeyOf(folder: StatementFolder, storedKey: string): string {
  return `${storedKey}${folder === 'processed' ? '.summary.json' : '.error.json'}`;
}

/** A stored file put back in the inbox, under its checksum so it cannot replace another file dropped with its name. */
export function requeueKey(checksum: string, fileName: string): string {
  return `inbox/${checksum}/${fileName}`;
}

/**
 * The id of the record a file refused unread was put back under by its re-processing (`inbox/etag-…/<name>`, see
 * requeueKey); undefined for any other inbox key.
 */
export function requeuedUnreadId(key: string): string | undefined {
  return /^inbox\/(etag-[A-Za-z0-9-]+)\/[^/]+$/.exec(key)?.[1];
}

/** The content id of a file refused without being read: S3's ETag (an MD5, with a part count for multipart uploads). */
export function unreadFileId(etag: string): string {
  return `etag-${etag.replace(/[^A-Za-z0-9-]/g, '')}`;
}
