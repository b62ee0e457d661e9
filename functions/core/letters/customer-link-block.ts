/**
 * The customer-page block of a formal notice: the personal link printed as text and as a QR code, beside the EPC
 * payment QR code of the invoice (EPC069-12, with its RF reference). Pure: draws on the letter's PdfWriter.
 */
import type { Language } from '../model';
import { qrPng } from '../payments/qr-image';
import type { PdfWriter } from './pdf-writer';

export interface CustomerPageOnLetter {
  url: string;
  /** The EPC069-12 payload of the transfer the letter asks for (functions/customer-page/view.ts epcTransferFor). */
  epcPayload?: string;
}

export async function drawCustomerPageBlock(
  w: PdfWriter,
  block: CustomerPageOnLetter,
  language: Language,
): Promise<void> {
  const fr = language === 'fr';
  const caption = fr
    ? 'Pour payer par virement (code de gauche, à scanner avec l’application de votre banque), nous dire que vous ' +
      'avez payé, contester ou vous engager sur une date, ouvrez votre espace de paiement (code de droite) :'
    : 'To pay by bank transfer (left code, to scan with your banking app), tell us you have paid, dispute or ' +
      'promise a date, open your payment page (right code):';
  const captionStyle = { size: 9 };
  const urlStyle = { size: 7, gapAfter: 6 };
  const codeSize = 96;
  // The caption names the codes "left" and "right": it never ends a page whose next one holds the codes.
  w.keepTogether(w.paragraphHeight(caption, captionStyle) + w.paragraphHeight(block.url, urlStyle) + codeSize + 6);
  w.paragraph(caption, captionStyle);
  w.paragraph(block.url, urlStyle);
  const codes = [
    ...(block.epcPayload ? [await qrPng(block.epcPayload, { width: 300 })] : []),
    await qrPng(block.url, { width: 300 }),
  ];
  await w.images(codes, codeSize);
}
