import { clock } from '../adapters/clock';
import { emailList, readEnv } from '../adapters/config';
import { sendEmail } from '../adapters/mailer';
import { einvoiceRejectedAlert, renderFinanceAlert } from '../core/messages';
import type { InboxNotifier, InboxReport } from './process-file';

/** Finance hears of every e-invoice rejected, with the reason and where the file is kept. */
export function inboxNotifier(): InboxNotifier {
  return {
    async invoiceRejected(report: InboxReport) {
      const message = renderFinanceAlert(
        einvoiceRejectedAlert({
          fileName: report.fileName,
          storedKey: report.storedKey,
          code: report.code,
          invoiceId: report.invoiceId,
          customerId: report.customerId,
          at: clock().now().toISOString(),
        }),
      );
      await sendEmail({
        to: readEnv({ FINANCE_EMAILS: emailList }).FINANCE_EMAILS,
        ...message,
        tags: { kind: 'einvoice_rejected' },
      });
    },
  };
}
