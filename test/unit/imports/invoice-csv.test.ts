import { describe, expect, it } from 'vitest';
import { parseInvoiceCsv } from '../../../functions/core/imports';

const header = 'invoice_id,customer_id,customer_name,customer_iban,amount,currency,issue_date,due_date';

describe('invoice CSV import (recon CLI columns)', () => {
  it('reads each line as a receivable in integer cents', () => {
    const parsed = parseInvoiceCsv(
      `${header}\nF-2026-001,C001,"Boulangerie Dupont, SARL",FR76 3000 6000 0112 3456 7890 ` +
        `189,1234.56,EUR,2026-01-10,2026-02-09\n` +
        'F-2026-002,C002,Garage Martin,,"980,00",,2026-01-12,2026-02-11\n',
    );
    expect(parsed.fatal).toBeUndefined();
    expect(parsed.rows).toEqual([
      {
        line: 2,
        ok: true,
        record: {
          invoiceId: 'F-2026-001',
          customerId: 'C001',
          customerName: 'Boulangerie Dupont, SARL',
          customerIban: 'FR7630006000011234567890189',
          amountCents: 123456,
          currency: 'EUR',
          issueDate: '2026-01-10',
          dueDate: '2026-02-09',
        },
      },
      {
        line: 3,
        ok: true,
        record: {
          invoiceId: 'F-2026-002',
          customerId: 'C002',
          customerName: 'Garage Martin',
          customerIban: undefined,
          amountCents: 98000,
          currency: 'EUR',
          issueDate: '2026-01-12',
          dueDate: '2026-02-11',
        },
      },
    ]);
  });

  it('accepts a French Excel export: semicolons, decimal comma, DD/MM/YYYY dates, columns in any order', () => {
    const parsed = parseInvoiceCsv(
      'amount;invoice_id;customer_id;issue_date;due_date\n1 500,50;F9;C9;01/03/2026;31/03/2026\n',
    );
    expect(parsed.rows).toEqual([
      {
        line: 2,
        ok: true,
        record: expect.objectContaining({
          invoiceId: 'F9',
          amountCents: 150050,
          issueDate: '2026-03-01',
          dueDate: '2026-03-31',
          currency: 'EUR',
        }),
      },
    ]);
  });

  it.each([
    ['F1,C1,X,,abc,EUR,2026-01-01,2026-01-31', 'amount: not an amount'],
    ['F1,C1,X,,0,EUR,2026-01-01,2026-01-31', 'amount: must be positive'],
    ['F1,C1,X,,-10.00,EUR,2026-01-01,2026-01-31', 'amount: must be positive'],
    ['F1,C1,X,,10.005,EUR,2026-01-01,2026-01-31', 'amount: not an amount'],
    ['F1,C1,X,,10,EURO,2026-01-01,2026-01-31', 'currency:'],
    ['F1,C1,X,,10,EUR,2026-02-30,2026-03-31', 'issue_date:'],
    ['F1,C1,X,,10,EUR,2026-01-01,', 'due_date:'],
    ['F1,C1,X,,10,EUR,2026-02-01,2026-01-31', 'due_date: before issue_date'],
    ['F1,C1,X,FR7630006000011234567890188,10,EUR,2026-01-01,2026-01-31', 'customer_iban: not a valid IBAN'],
    [',C1,X,,10,EUR,2026-01-01,2026-01-31', 'invoice_id: empty'],
    ['F1,,X,,10,EUR,2026-01-01,2026-01-31', 'customer_id: empty'],
  ])('refuses "%s" naming the column (%s)', (line, reason) => {
    const [row] = parseInvoiceCsv(`${header}\n${line}\n`).rows;
    expect(row.ok).toBe(false);
    if (!row.ok) expect(row.reason).toContain(reason);
  });

  it('refuses a second line for the same invoice with other values, and keeps one copy of an identical line', () => {
    const line = 'F1,C1,X,,10.00,EUR,2026-01-01,2026-01-31';
    const parsed = parseInvoiceCsv(`${header}\n${line}\n${line}\nF1,C1,X,,11.00,EUR,2026-01-01,2026-01-31\n`);
    expect(parsed.rows.map((r) => [r.line, r.ok])).toEqual([
      [2, true],
      [4, false],
    ]);
    const dup = parsed.rows[1];
    if (!dup.ok) expect(dup.reason).toBe('invoice_id: duplicate of line 2 with different values');
  });

  it('counts lines across quoted fields spanning two lines', () => {
    const parsed = parseInvoiceCsv(
      `${header}\r\nF1,C1,"Société\r\nGénérale",,10,EUR,2026-01-01,2026-01-31\r\nF2,C1,X,,oops,EUR,2026-01-01,` +
        `2026-01-31\r\n`,
    );
    expect(parsed.rows.map((r) => r.line)).toEqual([2, 4]);
  });

  it('rejects the whole file when a required column is missing', () => {
    const parsed = parseInvoiceCsv('invoice_id,customer_id,amount\nF1,C1,10\n');
    expect(parsed.rows).toEqual([]);
    expect(parsed.fatal).toContain('missing column(s): issue_date, due_date');
  });
});
