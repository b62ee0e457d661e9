import { type FinanceAlertInput, renderFinanceAlert } from '../core/messages/finance';
import { emailList, readEnv } from './config';
import type { Attachment, OutgoingEmail } from './mailer';
import { sendEmail } from './mailer';

/** An immediate alert to finance (escalations, approvals, failures, bounces). */
export async function alertFinance(
  input: FinanceAlertInput,
  attachments: Attachment[] = [],
): Promise<{ messageId: string }> {
  return sendEmail(financeAlertEmail(input, attachments));
}

/** The e-mail of a finance alert (to send it through a send intent when it must go out once and surely). */
export function financeAlertEmail(input: FinanceAlertInput, attachments: Attachment[] = []): OutgoingEmail {
  return {
    to: readEnv({ FINANCE_EMAILS: emailList }).FINANCE_EMAILS,
    ...renderFinanceAlert(input),
    attachments,
    tags: { kind: `alert_${input.kind}` },
  };
}
