import { z } from 'zod';
import { clock } from '../adapters/clock';
import { readEnv } from '../adapters/config';
import {
  clearPendingAlert,
  listStatementsNeedingAttention,
  type PendingAlert,
  type StatementRecord,
} from '../adapters/db/statements';
import type { Logger } from '../adapters/logger';
import type { IngestSummary } from '../core/ingest/summary';
import type { IngestNotifier, RejectionReport } from './notifier';
import { financeNotifier } from './notify';

/**
 * Finance alerts of the ingest are kept on the statement record (`pendingAlert`) in the same write that gives the
 * statement its final status, and forgotten only once SES accepted them. A throttled send is retried by the next
 * delivery of the message (which finds the file gone and sends what is pending), by any later ingest, and by the daily
 * sweep, until it goes out: at least once, never lost.
 */

/** An alert carries at most this many anomaly lines: the record must stay far below DynamoDB's 400 KB item size. */
const MAX_ALERT_ANOMALIES = 200;

export function rejectionAlert(report: RejectionReport, receivedAt: string): PendingAlert {
  return { id: receivedAt, kind: 'statement_rejected', payload: { ...report } };
}

export function summaryAlert(summary: IngestSummary, receivedAt: string): PendingAlert {
  const omitted = Math.max(0, summary.anomalies.length - MAX_ALERT_ANOMALIES);
  const payload: IngestSummary & { omittedAnomalies?: number } = {
    ...summary,
    anomalies: summary.anomalies.slice(0, MAX_ALERT_ANOMALIES),
    ...(omitted ? { omittedAnomalies: omitted } : {}),
  };
  return { id: receivedAt, kind: 'statement_processed', payload: { ...payload } };
}

/** Sends the record's pending alert, then forgets it. An SES failure propagates: the alert stays pending. */
export async function deliverIngestAlert(record: StatementRecord, notify: IngestNotifier): Promise<void> {
  const alert = record.pendingAlert;
  if (!alert) return;
  if (alert.kind === 'statement_rejected') await notify.statementRejected(alert.payload as unknown as RejectionReport);
  else await notify.statementProcessed(alert.payload as unknown as IngestSummary & { omittedAnomalies?: number });
  await clearPendingAlert(record.checksum, alert.id);
}

/**
 * A statement record is its own delivery's business for a grace period of the clock (`INGEST_GRACE_MINUTES`, default
 * 180: SQS's three receives 30 minutes apart, then the dead-letter queue). Past it, a pending alert is sent by whoever
 * looks (a later ingest, the daily sweep), and a statement still `processing` is reported by the sweep every day.
 * Before it, only the delivery itself sends its alert: another sender could race it and send the alert twice. The
 * local stack, whose clock runs a policy day per second, stretches it to ten real minutes.
 */
const graceMs = () =>
  readEnv({ INGEST_GRACE_MINUTES: z.coerce.number().positive().default(180) }).INGEST_GRACE_MINUTES * 60_000;

/**
 * Sends every pending ingest alert; with `reportStuck` (the daily sweep) also tells finance of each statement left
 * `processing` past its retries. Never throws: returns what it did; a failing alert does not stop the others (it
 * stays pending and counts as failed).
 */
export async function sendPendingIngestAlerts(
  options: {
    notify?: IngestNotifier;
    log?: Logger;
    reportStuck?: boolean /** the inbox key of the delivery calling: its own alert goes at once */;
    ownKey?: string;
  } = {},
): Promise<{ sent: number; stuck: number; failed: number }> {
  const notify = options.notify ?? financeNotifier();
  const done = { sent: 0, stuck: 0, failed: 0 };
  const now = clock().now().getTime();
  let records: StatementRecord[];
  try {
    records = await listStatementsNeedingAttention();
  } catch (error) {
    options.log?.warn('pending ingest alerts could not be listed', { error });
    return { ...done, failed: 1 };
  }
  for (const record of records) {
    try {
      const own = options.ownKey !== undefined && record.sourceKey === options.ownKey;
      if (!own && now - Date.parse(record.receivedAt) <= graceMs()) continue; // still its own delivery's to finish
      if (record.pendingAlert) {
        await deliverIngestAlert(record, notify);
        done.sent++;
      } else if (options.reportStuck && record.status === 'processing') {
        await notify.statementStuck(record);
        done.stuck++;
      }
    } catch (error) {
      done.failed++;
      options.log?.warn('ingest alert still pending', { checksum: record.checksum, error });
    }
  }
  return done;
}
