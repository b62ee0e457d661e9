/**
 * The EPC payment code as an image: PNG (inline e-mail image, pdf-lib `embedPng`) and SVG (the customer page).
 * Error correction level M, as EPC069-12 requires; a quiet zone of 4 modules, as ISO 18004 asks for.
 * Pure: the same payload always gives the same bytes (rendered by the `qrcode` package, no I/O).
 */
import QRCode from 'qrcode';

/** SVG markup made here from a QR payload, and only here: the one kind of markup the page inserts unescaped. */
export type QrSvg = string & { readonly __brand: 'QrSvg' };

const COMMON = { errorCorrectionLevel: 'M', margin: 4 } as const;

export interface QrPngOptions {
  /** Width of the image in pixels (default 300: about 7 px per module for the largest EPC codes). */
  width?: number;
}

export async function qrPng(payload: string, options: QrPngOptions = {}): Promise<Buffer> {
  return QRCode.toBuffer(payload, { ...COMMON, type: 'png', width: options.width ?? 300 });
}

export async function qrSvg(payload: string): Promise<QrSvg> {
  const svg = await QRCode.toString(payload, { ...COMMON, type: 'svg' });
  return svg.trim() as QrSvg;
}
