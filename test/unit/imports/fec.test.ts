import { describe, expect, it } from 'vitest';
import { fecColumns, parseFec } from '../../../functions/core/imports';

const head = fecColumns.join('\t');
function line(fields: Partial<Record<(typeof fecColumns)[number], string>>, sep = '\t'): string {
  return fecColumns.map((c) => fields[c] ?? '').join(sep);
}
const sale = (
  piece: string,
  aux: string,
  lib: string,
  debit: string,
  extra: Partial<Record<(typeof fecColumns)[number], string>> = {},
) =>
  line({
    JournalCode: 'VE',
    JournalLib: 'Ventes',
    EcritureNum: `E${piece}`,
    EcritureDate: '20260115',
    CompteNum: '41100000',
    CompteLib: 'Clients',
    CompAuxNum: aux,
    CompAuxLib: lib,
    PieceRef: piece,
    PieceDate: '20260115',
    EcritureLib: `Facture ${piece}`,
    Debit: debit,
    Credit: '0,00',
    ...extra,
  });
const revenue = (piece: string, credit: string) =>
  line({
    JournalCode: 'VE',
    EcritureNum: `E${piece}`,
    EcritureDate: '20260115',
    CompteNum: '70600000',
    CompteLib: 'Prestations',
    PieceRef: piece,
    PieceDate: '20260115',
    Debit: '0,00',
    Credit: credit,
  });

describe('FEC import (Fichier des Écritures Comptables)', () => {
  it(
    'takes the 411 lines not lettered as open invoices, customer from CompAuxNum/CompAuxLib, due date from ' + 'terms',
    () => {
      const text = [
        head,
        sale('FA001', 'CDUPONT', 'Boulangerie Dupont', '1200,00'),
        revenue('FA001', '1000,00'),
        sale('FA002', 'CMARTIN', 'Garage Martin', '360,00', { EcritureLet: 'AB', DateLet: '20260201' }),
      ].join('\n');
      const parsed = parseFec(text, { paymentTermsDays: (c) => (c === 'CDUPONT' ? 45 : undefined) });
      expect(parsed.fatal).toBeUndefined();
      expect(parsed.rows).toEqual([
        {
          line: 2,
          ok: true,
          record: {
            invoiceId: 'FA001',
            customerId: 'CDUPONT',
            customerName: 'Boulangerie Dupont',
            amountCents: 120000,
            currency: 'EUR',
            issueDate: '2026-01-15',
            dueDate: '2026-03-01',
          },
        },
      ]);
      expect(parsed.skippedLines).toBe(2);
    },
  );

  it('reads the pipe-separated variant and nets a partial unlettered payment on the same piece', () => {
    const text = [
      fecColumns.join('|'),
      sale('FA010', 'CX', 'Client X', '1000,00').split('\t').join('|'),
      line(
        {
          JournalCode: 'BQ',
          EcritureDate: '20260201',
          CompteNum: '41100000',
          CompAuxNum: 'CX',
          CompAuxLib: 'Client X',
          PieceRef: 'FA010',
          PieceDate: '20260201',
          Debit: '0,00',
          Credit: '400,00',
        },
        '|',
      ),
    ].join('\r\n');
    const [row] = parseFec(text).rows;
    expect(row).toMatchObject({
      ok: true,
      record: { invoiceId: 'FA010', amountCents: 60000, issueDate: '2026-01-15', dueDate: '2026-02-14' },
    });
  });

  it('reports a net credit (credit note or unlettered payment) as refused with the reason', () => {
    const text = [
      head,
      line({
        JournalCode: 'VE',
        EcritureDate: '20260120',
        CompteNum: '411000',
        CompAuxNum: 'CY',
        PieceRef: 'AV003',
        PieceDate: '20260120',
        Debit: '0,00',
        Credit: '50,00',
      }),
    ].join('\n');
    expect(parseFec(text).rows).toEqual([
      {
        line: 2,
        ok: false,
        invoiceId: 'AV003',
        reason: 'net credit balance: an unlettered payment or credit note, not a receivable',
      },
    ]);
  });

  it('refuses a piece with a malformed amount or date, naming the line', () => {
    const text = [
      head,
      sale('FA020', 'CZ', 'Z', '12x,00'),
      sale('FA021', 'CZ', 'Z', '10,00', { PieceDate: '2026011', EcritureDate: '' }),
    ].join('\n');
    const rows = parseFec(text).rows;
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      ok: false,
      invoiceId: 'FA020',
      reason: expect.stringContaining('line 2: Debit/Credit/Montantdevise not an amount'),
    });
    expect(rows[1]).toMatchObject({
      ok: false,
      invoiceId: 'FA021',
      reason: expect.stringContaining('line 3: PieceDate/EcritureDate not a date'),
    });
  });

  it('uses the foreign-currency amount when Idevise is not EUR', () => {
    const text = [head, sale('FA030', 'CUS', 'US Inc', '920,00', { Montantdevise: '1000,00', Idevise: 'USD' })].join(
      '\n',
    );
    expect(parseFec(text).rows[0]).toMatchObject({ ok: true, record: { amountCents: 100000, currency: 'USD' } });
  });

  it('rejects a file that is not a FEC', () => {
    const parsed = parseFec('invoice_id,customer_id\nF1,C1\n');
    expect(parsed.fatal).toContain('not a FEC: missing column(s) JournalCode');
    expect(parsed.rows).toEqual([]);
  });
});
