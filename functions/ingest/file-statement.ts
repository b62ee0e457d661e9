import { deleteUnreadRejection, putStatement, type StatementRecord } from '../adapters/db/statements';
import { copyStatementObject, deleteStatementFile, putJson } from '../adapters/statement-files';
import { reportKeyOf, type StatementFolder, storedStatementKey } from '../core/ingest/files';
import type { StatementProblem } from '../core/ingest/read';
import type { IngestSummary } from '../core/ingest/summary';
import { deliverIngestAlert, rejectionAlert, summaryAlert } from './alerts';
import type { IngestNotifier, RejectionReport } from './notifier';

/** One statement file on its way out of the inbox: copied server-side to its content key (the version read: ETag). */
export interface InboxFile {
  bucket: string;
  key: string;
  etag: string;
  fileName: string;
  /** The record as claimed (status `processing`), or as it will be stored for a file refused unread. */
  record: StatementRecord;
  /**
   * The same file's earlier refusal unread (over the size limit then, under `etag-…`), which this run's record
   * replaces: its copy and report leave rejected/ and its record goes, so the file has one record and one place.
   */
  supersedes?: StatementRecord;
}

/**
 * Every step is idempotent and ordered so that a crash anywhere is repaired by the redelivery of the message:
 * 1. the report (a rerun writes it again), 2. the file's copy under its content key (never overwritten), and the
 * copy of an earlier rejection of the same file removed (and the record of a refusal unread it supersedes), 3. the
 * statement record with its final status and the pending
 * finance alert, in one write,
 * 4. the inbox file deleted (a redelivery now finds it gone, and sends what is pending),
 * 5. the alert sent, then cleared. Until 3 the record is `processing` and the redelivery runs the ingest again (it
 * stores nothing twice); after 3 it finds the statement done and only completes steps 4 and 5.
 */
async function fileAway(
  file: InboxFile,
  folder: StatementFolder,
  report: unknown,
  final: StatementRecord,
  replaced: string[] = [],
) {
  const storedKey = storedStatementKey(folder, file.record.checksum, file.fileName);
  const reportKey = reportKeyOf(folder, storedKey);
  await putJson(file.bucket, reportKey, report);
  await copyStatementObject(file.bucket, file.key, storedKey, file.etag);
  const old = file.supersedes;
  const gone = [...replaced, ...(old ? [old.storedKey, old.reportKey] : [])].filter((k): k is string => !!k);
  for (const key of gone) if (key !== storedKey && key !== reportKey) await deleteStatementFile(file.bucket, key);
  if (old && old.checksum !== file.record.checksum) await deleteUnreadRejection(old.checksum);
  const record: StatementRecord = { ...final, storedKey, reportKey };
  await putStatement(record);
  await deleteStatementFile(file.bucket, file.key);
  return record;
}

export async function fileRejected(
  file: InboxFile,
  problem: StatementProblem,
  notify: IngestNotifier,
): Promise<RejectionReport> {
  const storedKey = storedStatementKey('rejected', file.record.checksum, file.fileName);
  const report: RejectionReport = {
    fileName: file.fileName,
    sourceKey: file.key,
    rejectedKey: storedKey,
    checksum: file.record.checksum,
    error: problem,
  };
  const record = await fileAway(file, 'rejected', report, {
    ...file.record,
    status: 'rejected',
    error: problem,
    pendingAlert: rejectionAlert(report, file.record.receivedAt),
  });
  await deliverIngestAlert(record, notify);
  return report;
}

/**
 * Files a processed statement. When it had been rejected before (re-processed after a fix), its copy and report
 * leave rejected/: a statement lies in exactly one of processed/ and rejected/ (the versioned bucket keeps the
 * earlier objects as non-current versions, ten years).
 */
export async function fileProcessed(
  file: InboxFile,
  summary: IngestSummary,
  figures: Partial<StatementRecord>,
  previous: StatementRecord | undefined,
  notify: IngestNotifier,
): Promise<void> {
  const final: StatementRecord = {
    ...file.record,
    ...figures,
    status: 'processed',
    counts: summary.counts,
    anomalies: summary.anomalies.length,
    pendingAlert: summaryAlert(summary, file.record.receivedAt),
  };
  // Re-processed after a rejection: the rejected record names its copy; a run that took over a re-processing that
  // died half-way only sees that run's claim, so the copy this file would have been rejected under goes too.
  const rejectedKey = storedStatementKey('rejected', file.record.checksum, file.fileName);
  const replaced = previous
    ? [
        ...(previous.status === 'rejected' ? [previous.storedKey, previous.reportKey] : []),
        ...(previous.status === 'processing' ? [rejectedKey, reportKeyOf('rejected', rejectedKey)] : []),
      ].filter((k): k is string => !!k)
    : [];
  const record = await fileAway(file, 'processed', summary, final, replaced);
  await deliverIngestAlert(record, notify);
}

/**
 * The same bytes again, already processed (another name, or a redelivery after the run finished): nothing is stored
 * twice; the file is kept beside the first copy under its own name, leaves the inbox, and any alert still pending goes.
 */
export async function fileDuplicate(
  file: InboxFile,
  current: StatementRecord | undefined,
  notify: IngestNotifier,
): Promise<string> {
  const storedKey = storedStatementKey('processed', file.record.checksum, file.fileName);
  await copyStatementObject(file.bucket, file.key, storedKey, file.etag);
  await deleteStatementFile(file.bucket, file.key);
  if (current) await deliverIngestAlert(current, notify);
  return storedKey;
}
