import { describe, expect, it } from 'vitest';
import { fecColumns, parseFec, parseInvoiceCsv, reasonInFrench } from '../../../functions/core/imports';

const csvHead = 'invoice_id,customer_id,customer_name,customer_iban,amount,currency,issue_date,due_date';

describe('invoice imports refuse what the API refuses', () => {
  it('refuses an invoice id holding a line break (it would reach an e-mail subject), naming the column', () => {
    const { rows } = parseInvoiceCsv(
      `${csvHead}\n"F1\r\nBcc: x@evil.example",C1,Client,,10.00,EUR,2026-01-01,2026-01-31\n`,
    );
    expect(rows).toEqual([
      { line: 2, ok: false, reason: 'invoice_id: control characters (CR, LF, tab...) are not allowed' },
    ]);
    expect(reasonInFrench(rows[0].ok ? '' : rows[0].reason)).toBe(
      'invoice_id : caractères de contrôle interdits (retour à la ligne, tabulation…)',
    );
  });

  it('refuses a customer id holding a control character', () => {
    const [row] = parseInvoiceCsv(`${csvHead}\nF1,"C\u00071",Client,,10.00,EUR,2026-01-01,2026-01-31\n`).rows;
    expect(row).toMatchObject({
      ok: false,
      invoiceId: 'F1',
      reason: 'customer_id: control characters (CR, LF, tab...) are not allowed',
    });
  });

  it('refuses a customer name holding a line break (names reach e-mail subjects)', () => {
    const [row] = parseInvoiceCsv(`${csvHead}\nF1,C1,"Client\nBcc: x",,10.00,EUR,2026-01-01,2026-01-31\n`).rows;
    expect(row).toMatchObject({
      ok: false,
      invoiceId: 'F1',
      reason: 'customer_name: control characters (CR, LF, tab...) are not allowed',
    });
  });

  it('refuses an amount above €100 bn, in the CSV and in a FEC', () => {
    const [row] = parseInvoiceCsv(`${csvHead}\nF1,C1,Client,,90071992547409.91,EUR,2026-01-01,2026-01-31\n`).rows;
    expect(row).toMatchObject({ ok: false, reason: 'amount: more than 100,000,000,000.00' });
    const line = (f: Partial<Record<(typeof fecColumns)[number], string>>) =>
      fecColumns.map((c) => f[c] ?? '').join('\t');
    const fec = [
      fecColumns.join('\t'),
      line({
        JournalCode: 'VE',
        EcritureNum: 'E1',
        EcritureDate: '20260115',
        CompteNum: '41100000',
        CompAuxNum: 'C1',
        CompAuxLib: 'Client',
        PieceRef: 'F1',
        PieceDate: '20260115',
        Debit: '100000000000,01',
        Credit: '0,00',
      }),
    ].join('\n');
    expect(parseFec(fec).rows).toEqual([
      { line: 2, ok: false, invoiceId: 'F1', reason: 'amount: more than 100,000,000,000.00' },
    ]);
    expect(reasonInFrench('amount: more than 100,000,000,000.00')).toBe(
      'amount : plus de 100 000 000 000,00 (montant irréaliste)',
    );
  });

  it('refuses a FEC piece reference holding a control character', () => {
    const line = (f: Partial<Record<(typeof fecColumns)[number], string>>) =>
      fecColumns.map((c) => f[c] ?? '').join('\t');
    const fec = [
      fecColumns.join('\t'),
      line({
        JournalCode: 'VE',
        EcritureNum: 'E1',
        EcritureDate: '20260115',
        CompteNum: '41100000',
        CompAuxNum: 'C1',
        PieceRef: 'F\u000b1',
        PieceDate: '20260115',
        Debit: '10,00',
        Credit: '0,00',
      }),
    ].join('\n');
    expect(parseFec(fec).rows).toEqual([
      { line: 2, ok: false, reason: 'PieceRef or CompAuxNum: control characters (CR, LF, tab...) are not allowed' },
    ]);
  });
});
