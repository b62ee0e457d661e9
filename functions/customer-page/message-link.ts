import type { Attachment } from '../adapters/mailer';
import { type CustomerLinkBlock, withCustomerLinkBlock } from '../core/messages/customer-link-block';
import type { RenderedMessage } from '../core/messages/format';
import type { Customer, Invoice } from '../core/model';
import { epcTransferFor } from '../core/payments/epc-transfer';
import { qrPng } from '../core/payments/qr-image';
import type { Creditor } from './deps';
import { type IssuedLink, issueCustomerLink } from './issue-link';

export const EPC_QR_CONTENT_ID = 'epc-qr@encaisse';

/**
 * A customer message with its personal link to the page (a new link, recorded) and, when `withQr`, the EPC payment
 * QR code for the invoices it lists as an inline PNG. Returns the message and the inline attachment to send with it.
 */
export async function withCustomerLink(
  message: RenderedMessage,
  input: {
    customer: Customer;
    invoices: Pick<Invoice, 'invoiceId' | 'currency' | 'openCents'>[];
    creditor: Creditor;
    purpose: string;
    now: Date;
    withQr: boolean;
    link?: IssuedLink;
    forAgency?: { language: 'fr' | 'en' };
  },
): Promise<{ message: RenderedMessage; attachments: Attachment[]; linkId: string }> {
  const link = input.link ?? (await issueCustomerLink(input.customer.customerId, input.purpose, input.now));
  const transfer = input.withQr ? epcTransferFor(input.invoices, input.creditor, input.customer.language) : undefined;
  const block: CustomerLinkBlock = {
    language: input.forAgency?.language ?? input.customer.language,
    url: link.url,
    ...(transfer ? { qrContentId: EPC_QR_CONTENT_ID } : {}),
    ...(input.forAgency ? { forAgency: true } : {}),
  };
  const attachments: Attachment[] = transfer
    ? [
        {
          filename: 'virement-sepa.png',
          contentType: 'image/png',
          content: await qrPng(transfer.payload, { width: 360 }),
          contentId: EPC_QR_CONTENT_ID,
        },
      ]
    : [];
  return { message: withCustomerLinkBlock(message, block), attachments, linkId: link.linkId };
}
