import { sendEmail } from '../adapters/mailer';
import { FinanceAlertInput, renderFinanceAlert } from '../core/messages/finance';
import type { Attachment } from '../adapters/mailer';
import { financeEmails } from './runtime';

/** An immediate alert to finance (escalations, approvals, failures, bounces). */
export async function alertFinance(input: FinanceAlertInput, attachments: Attachment[] = []): Promise<{ messageId: string }> {
  const message = renderFinanceAlert(input);
  return sendEmail({ to: financeEmails(), ...message, attachments, tags: { kind: `alert_${input.kind}` } });
}
