import { describe, expect, it } from 'vitest';
import { einvoiceRejectedAlert } from '../../../functions/core/messages';

describe('finance told of a refused e-invoice', () => {
  it('reads why a plain PDF was refused: it carries no invoice XML', () => {
    const alert = einvoiceRejectedAlert({
      fileName: 'scan.pdf',
      storedKey: 'invoices/rejected/9f86d0/scan.pdf',
      code: 'no_invoice_attachment',
      at: '2026-12-07T09:00:00.000Z',
    });
    expect(alert.details?.[0]).toEqual({
      label: 'Motif',
      value: 'le PDF ne contient pas de facture XML (Factur-X ou ZUGFeRD) : c’est un PDF ordinaire',
    });
  });
});
