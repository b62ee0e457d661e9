import { clock } from '../adapters/clock';
import { emailList, readEnv } from '../adapters/config';
import { sendEmail } from '../adapters/mailer';
import { renderFinanceAlert } from '../core/messages';
import type { InboxNotifier, InboxReport } from './process-file';

/** Finance hears of every e-invoice rejected, with the reason and where the file is kept. */
export function inboxNotifier(): InboxNotifier {
  return {
    async invoiceRejected(report: InboxReport) {
      const message = renderFinanceAlert({
        kind: 'anomaly',
        title: `Facture électronique rejetée / e-invoice rejected: ${report.fileName}`,
        occurredAt: clock().now().toISOString(),
        details: [
          { label: 'Motif / reason', value: `${report.code ? `${report.code}: ` : ''}${report.reason ?? ''}` },
          ...(report.invoiceId ? [{ label: 'Facture / invoice', value: report.invoiceId }] : []),
          { label: 'Fichier conservé / file kept at', value: report.storedKey },
        ],
        action:
          'Corriger le fichier puis le déposer à nouveau sous invoices/inbox/ / fix the file, then drop it again ' +
          'under invoices/inbox/.',
      });
      await sendEmail({
        to: readEnv({ FINANCE_EMAILS: emailList }).FINANCE_EMAILS,
        ...message,
        tags: { kind: 'einvoice_rejected' },
      });
    },
  };
}
