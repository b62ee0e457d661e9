import { describe, expect, it } from 'vitest';
import { fecColumns, parseFec, parseInvoiceCsv, planImport, reasonInFrench } from '../../../functions/core/imports';
import type { Invoice } from '../../../functions/core/model';

const header = 'invoice_id,customer_id,customer_name,customer_iban,amount,currency,issue_date,due_date';

describe('import refusals in French', () => {
  it('has a French wording for every refusal the CSV parser, the FEC parser and the plan produce', () => {
    const csv = parseInvoiceCsv(
      [
        header,
        ',C1,X,,10,EUR,2026-01-01,2026-01-31',
        `${'F'.repeat(65)},C1,X,,10,EUR,2026-01-01,2026-01-31`,
        'F1,,X,,10,EUR,2026-01-01,2026-01-31',
        'F2,C1,X,,dix,EUR,2026-01-01,2026-01-31',
        'F3,C1,X,,0,EUR,2026-01-01,2026-01-31',
        'F4,C1,X,,10,EURO,2026-01-01,2026-01-31',
        'F5,C1,X,,10,EUR,2026-13-01,2026-01-31',
        'F6,C1,X,,10,EUR,2026-01-01,',
        'F7,C1,X,,10,EUR,2026-02-01,2026-01-31',
        'F8,C1,X,FR00,10,EUR,2026-01-01,2026-01-31',
        `F9,C1,${'n'.repeat(201)},,10,EUR,2026-01-01,2026-01-31`,
        'F10,C1,X,,10,EUR,2026-01-01,2026-01-31',
        'F10,C1,X,,11,EUR,2026-01-01,2026-01-31',
        'F11,C1,X,,10,EUR,2026-01-01,2026-01-31',
        'F12,C1,X,,10,EUR,2026-01-01,2026-01-31',
        'F13,C1,X,,10,EUR,2026-01-01,2026-01-31',
        'F14,C1,X,,10,EUR,2026-01-01,2026-01-31',
      ].join('\n'),
    );
    const base: Invoice = {
      invoiceId: 'F11',
      customerId: 'C2',
      amountCents: 1000,
      openCents: 1000,
      currency: 'EUR',
      issueDate: '2026-01-01',
      dueDate: '2026-01-31',
      status: 'open',
      version: 1,
    };
    const plan = planImport(
      csv,
      new Map([
        ['F11', base],
        ['F12', { ...base, invoiceId: 'F12', customerId: 'C1', currency: 'USD' }],
        ['F13', { ...base, invoiceId: 'F13', customerId: 'C1', amountCents: 900, status: 'written_off', openCents: 0 }],
        [
          'F14',
          { ...base, invoiceId: 'F14', customerId: 'C1', amountCents: 5000, openCents: 1000, status: 'partially_paid' },
        ],
      ]),
    );
    const line = (f: Partial<Record<(typeof fecColumns)[number], string>>) =>
      fecColumns.map((c) => f[c] ?? '').join('\t');
    const fec = parseFec(
      [
        fecColumns.join('\t'),
        line({ CompteNum: '411', CompAuxNum: 'A', PieceRef: 'P1', PieceDate: 'x', Debit: '1,00' }),
        line({ CompteNum: '411', CompAuxNum: 'A', PieceRef: 'P2', PieceDate: '20260101', Debit: 'y' }),
        line({
          CompteNum: '411',
          CompAuxNum: 'A',
          PieceRef: 'P3',
          PieceDate: '20260101',
          Debit: '1,00',
          Idevise: 'E1',
          Montantdevise: '1,00',
        }),
        line({
          CompteNum: '411',
          CompAuxNum: 'A',
          PieceRef: 'P4',
          PieceDate: '20260101',
          Debit: '1,00',
          Credit: '1,00',
        }),
        line({ CompteNum: '411', CompAuxNum: 'A', PieceRef: 'P5', PieceDate: '20260101', Credit: '1,00' }),
        line({
          CompteNum: '411',
          CompAuxNum: 'A',
          EcritureNum: '',
          PieceRef: '',
          PieceDate: '20260101',
          Debit: '1,00',
        }),
        line({ CompteNum: '411', CompAuxNum: 'A'.repeat(65), PieceRef: 'P6', PieceDate: '20260101', Debit: '1,00' }),
      ].join('\n'),
    );
    const reasons = [
      ...plan.flatMap((p) => (p.reason ? [p.reason] : [])),
      ...fec.rows.flatMap((r) => (r.ok ? [] : [r.reason])),
      'changed by someone else during the import: import again',
    ];
    expect(reasons.length).toBeGreaterThanOrEqual(24);
    for (const reason of reasons) {
      const fr = reasonInFrench(reason);
      expect(fr, reason).not.toBe(reason);
      expect(fr, reason).not.toMatch(/\b(not|must|before|already|longer|empty)\b/);
    }
  });

  it('words a written-off invoice and a FEC date problem in French', () => {
    expect(reasonInFrench('invoice is written off: an import does not change it')).toBe(
      'facture passée en perte : un import ne la modifie pas',
    );
    expect(
      reasonInFrench('line 3: PieceDate/EcritureDate not a date AAAAMMJJ; line 4: Idevise not an ISO 4217 code'),
    ).toBe(
      'ligne 3 : PieceDate/EcritureDate n’est pas une date AAAAMMJJ ; ligne 4 : Idevise n’est pas un code ISO 4217',
    );
  });
});
