import type { StatementRecord } from '../adapters/db/statements';
import type { StatementProblem } from '../core/ingest/read';
import type { IngestSummary } from '../core/ingest/summary';

/** What finance hears about an ingest run. */
export interface IngestNotifier {
  statementRejected(report: RejectionReport): Promise<void>;
  statementProcessed(summary: IngestSummary & { omittedAnomalies?: number }): Promise<void>;
  /** A statement left `processing` after every retry (reported by the daily sweep). */
  statementStuck(record: StatementRecord): Promise<void>;
}

export interface RejectionReport {
  fileName: string;
  sourceKey: string;
  rejectedKey: string;
  checksum: string;
  error: StatementProblem;
}
