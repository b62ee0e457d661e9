import { clock } from '../adapters/clock';
import { emailList, readEnv } from '../adapters/config';
import type { StatementRecord } from '../adapters/db/statements';
import { sendEmail } from '../adapters/mailer';
import type { IngestSummary } from '../core/ingest/summary';
import {
  renderFinanceAlert,
  statementProcessedAlert,
  statementRejectedAlert,
  statementStuckAlert,
} from '../core/messages';
import type { IngestNotifier, RejectionReport } from './notifier';

/** Finance hears of every statement: a rejection at once, a processed file with its counts and what needs a person. */
export function financeNotifier(): IngestNotifier {
  const to = () => readEnv({ FINANCE_EMAILS: emailList }).FINANCE_EMAILS;
  const at = () => clock().now().toISOString();
  return {
    async statementRejected(report: RejectionReport) {
      const message = renderFinanceAlert(statementRejectedAlert({ ...report, at: at() }));
      await sendEmail({ to: to(), ...message, tags: { kind: 'statement_rejected' } });
    },
    async statementStuck(record: StatementRecord) {
      const message = renderFinanceAlert(statementStuckAlert({ ...record, at: at() }));
      await sendEmail({ to: to(), ...message, tags: { kind: 'statement_stuck' } });
    },
    async statementProcessed(summary: IngestSummary & { omittedAnomalies?: number }) {
      const message = renderFinanceAlert(statementProcessedAlert({ summary, at: at() }));
      await sendEmail({ to: to(), ...message, tags: { kind: 'statement_processed' } });
    },
  };
}
