/**
 * The customer-page block of a customer message: the personal link, and the EPC payment QR code as an inline image
 * (referred to by its Content-ID). Pure: text and HTML appended to a rendered message, in the customer's language.
 */
import { escapeHtml as e, type RenderedMessage, safeUrl } from './format';

export interface CustomerLinkBlock {
  language: 'fr' | 'en';
  url: string;
  /** Content-ID of the inline PNG of the EPC QR code, when the message carries one. */
  qrContentId?: string;
  /** The message goes to the collection agency: the link is the debtor's, to hand on (pay the creditor, contest). */
  forAgency?: boolean;
}

const WORDS = {
  fr: {
    lead:
      'Votre espace de paiement : voir ce qui reste dû, payer par virement, nous dire que vous avez payé, ' +
      'contester une facture ou vous engager sur une date :',
    open: 'Ouvrir mon espace de paiement',
    qr: 'Ou scannez ce code avec l’application de votre banque : le virement est prérempli.',
    alt: 'Code QR de virement SEPA',
    agency:
      'Espace de paiement du débiteur, à lui transmettre (il y voit ce qu’il doit, paie par virement au créancier ' +
      'ou conteste) :',
  },
  en: {
    lead:
      'Your payment page: see what is still owed, pay by bank transfer, tell us you have paid, dispute an ' +
      'invoice or promise a date:',
    open: 'Open my payment page',
    qr: 'Or scan this code with your banking app: the transfer is filled in for you.',
    alt: 'SEPA credit transfer QR code',
    agency:
      'The debtor’s payment page, to hand on to them (they see what they owe, pay the creditor by transfer or ' +
      'dispute):',
  },
} as const;

/** The message with the block added at the end of its text and before the end of its HTML body. */
export function withCustomerLinkBlock(message: RenderedMessage, block: CustomerLinkBlock): RenderedMessage {
  const url = safeUrl(block.url);
  if (!url) return message;
  const w = WORDS[block.language];
  const lead = block.forAgency ? w.agency : w.lead;
  const text = `${message.text.trimEnd()}\n\n${lead}\n${url}\n${block.qrContentId ? `${w.qr}\n` : ''}`;
  const qr = block.qrContentId
    ? `<p>${e(w.qr)}<br><img src="cid:${e(block.qrContentId)}" alt="${e(w.alt)}" width="180" height="180"></p>`
    : '';
  const html = `<hr><p>${e(lead)}<br><a href="${e(url)}">${block.forAgency ? e(url) : e(w.open)}</a></p>${qr}`;
  const at = message.html.lastIndexOf('</body>');
  return {
    ...message,
    text,
    html: at >= 0 ? `${message.html.slice(0, at)}${html}${message.html.slice(at)}` : `${message.html}${html}`,
  };
}
