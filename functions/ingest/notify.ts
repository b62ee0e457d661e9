import { clock } from '../adapters/clock';
import { emailList, readEnv } from '../adapters/config';
import type { StatementRecord } from '../adapters/db/statements';
import { sendEmail } from '../adapters/mailer';
import type { Anomaly, IngestSummary } from '../core/ingest/summary';
import { renderFinanceAlert } from '../core/messages';
import type { IngestNotifier, RejectionReport } from './notifier';

function anomalyLine(a: Anomaly): string {
  switch (a.kind) {
    case 'unknown_credit':
      return `crédit inconnu / unknown credit ${a.date} ${a.amount} — ${a.label}`;
    case 'returned_payment':
      return (
        `impayé / returned payment ${a.date} ${a.amount} — ` +
        `${a.label}${a.reopened.length ? ` (réouvert / reopened: ${a.reopened.join(', ')})` : ''}${returnedUnlinked(a)}`
      );
    case 'to_review':
      return `à vérifier / to review ${a.date} ${a.amount} — ${a.label} (${a.suggestions} suggestion(s))`;
    case 'allocation_refused':
      return `lettrage refusé / allocation refused ${a.transactionId}: ${a.reason}`;
    case 'identity_conflict':
      return (
        `opération déjà connue, différente / stored transaction differs ${a.transactionId} ${a.date} ` +
        `${a.amount} (enregistrée / stored: ${a.stored})`
      );
    case 'day_inconsistent':
      return `journée incohérente / inconsistent day ${a.date} (${a.account}): ${a.reason}`;
  }
}

/** A return whose payment the matcher could not identify: nothing was reopened, finance chooses. */
function returnedUnlinked(a: Extract<Anomaly, { kind: 'returned_payment' }>): string {
  if (!a.candidates) return '';
  if (a.candidates.length === 0)
    return " — paiement d'origine non identifié, rien de réouvert / original payment not identified, nothing reopened";
  return (
    ` — paiement d'origine non identifié, rien de réouvert, à choisir parmi / original payment not identified, ` +
    `nothing reopened, one of: ${a.candidates.join(' | ')}`
  );
}

/** Finance hears of every statement: a rejection at once, a processed file with its counts and what needs a person. */
export function financeNotifier(): IngestNotifier {
  const to = () => readEnv({ FINANCE_EMAILS: emailList }).FINANCE_EMAILS;
  return {
    async statementRejected(report: RejectionReport) {
      const message = renderFinanceAlert({
        kind: 'statement_rejected',
        title: report.fileName,
        occurredAt: clock().now().toISOString(),
        details: [
          { label: 'Motif / reason', value: `${report.error.code}: ${report.error.message}` },
          ...(report.error.line !== undefined ? [{ label: 'Ligne / line', value: report.error.line }] : []),
          ...(report.error.element ? [{ label: 'Élément / element', value: report.error.element }] : []),
          { label: 'Fichier conservé / file kept at', value: report.rejectedKey },
        ],
        action:
          'Corriger le fichier puis le retraiter (POST /statements/{checksum}/reprocess) / fix the file, then ' +
          're-process it.',
      });
      await sendEmail({ to: to(), ...message, tags: { kind: 'statement_rejected' } });
    },
    async statementStuck(record: StatementRecord) {
      const message = renderFinanceAlert({
        kind: 'anomaly',
        title: `${record.sourceKey}: relevé non traité / statement not ingested`,
        occurredAt: clock().now().toISOString(),
        details: [
          { label: 'Reçu le / received at', value: record.receivedAt },
          { label: 'Empreinte / checksum', value: record.checksum },
        ],
        action:
          'Le relevé est resté en cours après toutes les tentatives (file d’attente en échec) : relancer le message ' +
          'de la DLQ ingest, ou redéposer le fichier / the statement stayed processing after every retry: redrive ' +
          'the ingest dead-letter queue or drop the file again.',
      });
      await sendEmail({ to: to(), ...message, tags: { kind: 'statement_stuck' } });
    },
    async statementProcessed(summary: IngestSummary & { omittedAnomalies?: number }) {
      const c = summary.counts;
      const message = renderFinanceAlert({
        kind: summary.anomalies.length ? 'anomaly' : 'statement_processed',
        title:
          `${summary.fileName}: ${c.matched} lettré(s) / matched, ${c.suggested} à vérifier / to review, ` +
          `${c.unmatched} inconnu(s) / unknown`,
        occurredAt: clock().now().toISOString(),
        details: [
          { label: 'Format', value: summary.format },
          { label: 'Période / period', value: `${summary.period.from ?? '?'} → ${summary.period.to ?? '?'}` },
          { label: 'Écritures / entries', value: c.entries },
          { label: 'Nouvelles / new', value: c.newTransactions },
          { label: 'Déjà connues / already stored', value: c.duplicates },
          { label: 'Lettrage automatique / auto-match rate', value: `${Math.round(summary.autoMatchRate * 100)} %` },
        ],
        items: [
          ...summary.anomalies.map(anomalyLine),
          ...(summary.omittedAnomalies
            ? [`… ${summary.omittedAnomalies} de plus / more: GET /transactions?status=suggested`]
            : []),
        ],
        action: summary.anomalies.length
          ? 'Traiter la file de revue (GET /transactions?status=suggested) / work through the review queue.'
          : undefined,
      });
      await sendEmail({ to: to(), ...message, tags: { kind: 'statement_processed' } });
    },
  };
}
