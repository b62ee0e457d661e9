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
  /**
   * What the letter claims beyond the principal the payment code carries: its amount, formatted, and what it is. Set
   * by the formal notice (the caption then says the code pays the principal only and the rest stays due).
   */
  beyondPrincipal?: { amount: string; what: 'penalties_and_indemnity' | 'penalties' | 'indemnity' | 'interest' };
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
  const rest = block.epcPayload && block.beyondPrincipal ? beyondPrincipalLine(block.beyondPrincipal, fr) : '';
  const captionStyle = { size: 9 };
  const urlStyle = { size: 7, gapAfter: 6 };
  const codeSize = 96;
  // The caption names the codes "left" and "right": it never ends a page whose next one holds the codes.
  const restHeight = rest ? w.paragraphHeight(rest, captionStyle) : 0;
  w.keepTogether(
    w.paragraphHeight(caption, captionStyle) + restHeight + w.paragraphHeight(block.url, urlStyle) + codeSize + 6,
  );
  w.paragraph(caption, captionStyle);
  if (rest) w.paragraph(rest, { ...captionStyle, bold: true });
  w.paragraph(block.url, urlStyle);
  const codes = [
    ...(block.epcPayload ? [await qrPng(block.epcPayload, { width: 300 })] : []),
    await qrPng(block.url, { width: 300 }),
  ];
  await w.images(codes, codeSize);
}

/** The payment code carries the principal: what else the letter claims stays due, paid to the account above. */
function beyondPrincipalLine(b: NonNullable<CustomerPageOnLetter['beyondPrincipal']>, fr: boolean): string {
  const what = {
    penalties_and_indemnity: fr
      ? 'les pénalités de retard et l’indemnité forfaitaire'
      : 'the late-payment penalties and the fixed indemnity',
    penalties: fr ? 'les pénalités de retard' : 'the late-payment penalties',
    indemnity: fr ? 'l’indemnité forfaitaire' : 'the fixed indemnity',
    interest: fr ? 'les intérêts au taux légal' : 'the statutory interest',
  }[b.what];
  const one = b.what === 'indemnity';
  const remainFr = one ? 'reste due' : b.what === 'interest' ? 'restent dus' : 'restent dues';
  return fr
    ? `Le code de gauche paie le principal seul : ${what} (${b.amount}) ${remainFr}, ` +
        'à régler par virement au compte ci-dessus avec la même référence.'
    : `The left code pays the principal only: ${what} (${b.amount}) ${one ? 'remains' : 'remain'} due, to be paid ` +
        'by transfer to the account above with the same reference.';
}
