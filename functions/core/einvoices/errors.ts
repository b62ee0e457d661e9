/** Why a file is not an e-invoice encaisse can read. */
export type EInvoiceErrorCode =
  | 'empty'
  | 'not_an_invoice'
  | 'unsupported'
  | 'corrupt'
  | 'no_invoice_attachment'
  | 'ambiguous'
  | 'missing_field'
  | 'invalid_amount'
  | 'invalid_date'
  | 'too_large';

/** A file that is not a valid e-invoice, with the reason (in English, for the report and the logs). */
export class EInvoiceError extends Error {
  constructor(
    readonly code: EInvoiceErrorCode,
    readonly reason: string,
    readonly element?: string,
  ) {
    super(element ? `${reason} (element ${element})` : reason);
    this.name = 'EInvoiceError';
  }

  toJSON(): { code: EInvoiceErrorCode; message: string; element?: string } {
    return { code: this.code, message: this.message, ...(this.element ? { element: this.element } : {}) };
  }
}
