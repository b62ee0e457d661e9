import type { Attachment, OutgoingEmail } from '../adapters/mailer';
import { sendEmail } from '../adapters/mailer';
import { type FinanceAlertInput, renderFinanceAlert } from '../core/messages/finance';
import { financeEmails } from './runtime';

/** An immediate alert to finance (escalations, approvals, failures, bounces). */
export async function alertFinance(
  input: FinanceAlertInput,
  attachments: Attachment[] = [],
): Promise<{ messageId: string }> {
  return sendEmail(financeAlertEmail(input, attachments));
}

/** The e-mail of a finance alert (to send it through a send intent when it must go out once and surely). */
export function financeAlertEmail(input: FinanceAlertInput, attachments: Attachment[] = []): OutgoingEmail {
  return { to: financeEmails(), ...renderFinanceAlert(input), attachments, tags: { kind: `alert_${input.kind}` } };
}
