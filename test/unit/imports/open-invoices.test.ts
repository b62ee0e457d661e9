import { describe, expect, it } from 'vitest';
import { OpenInvoicesCsvError, readOpenInvoices } from '../../../functions/core/imports';

const header = 'invoice_id,customer_id,customer_name,customer_iban,amount,currency,issue_date,due_date';

describe('the open-invoices file of recon match', () => {
  it('gives open invoices (the amount is what is still owed) and their customers, with the IBANs finance knows', () => {
    const { invoices, customers } = readOpenInvoices(
      [
        header,
        'F2024-1,C1,"Dupont, Fils & Cie SARL",fr76 3000 6000 0112 3456 7890 189,1234.56,EUR,2024-01-10,2024-02-09',
        'F2024-2,C1,Dupont Fils SARL,,99.9,,2024-01-12,2024-02-11',
        'F2024-3,C2,,,5,eur,2024-01-12,2024-02-11',
        '',
      ].join('\r\n'),
    );
    expect(invoices).toEqual([
      {
        invoiceId: 'F2024-1',
        customerId: 'C1',
        amountCents: 123456,
        openCents: 123456,
        currency: 'EUR',
        issueDate: '2024-01-10',
        dueDate: '2024-02-09',
      },
      {
        invoiceId: 'F2024-2',
        customerId: 'C1',
        amountCents: 9990,
        openCents: 9990,
        currency: 'EUR',
        issueDate: '2024-01-12',
        dueDate: '2024-02-11',
      },
      {
        invoiceId: 'F2024-3',
        customerId: 'C2',
        amountCents: 500,
        openCents: 500,
        currency: 'EUR',
        issueDate: '2024-01-12',
        dueDate: '2024-02-11',
      },
    ]);
    expect(customers).toEqual([
      { customerId: 'C1', name: 'Dupont, Fils & Cie SARL', ibans: ['FR7630006000011234567890189'] },
      { customerId: 'C2', name: 'C2', ibans: [] },
    ]);
  });

  it(
    'reads the same syntax as the API import: a French Excel export with semicolons, decimal comma and ' + 'DD/MM/YYYY',
    () => {
      const { invoices } = readOpenInvoices(
        'invoice_id;customer_id;amount;issue_date;due_date\nF1;C1;1 500,50;01/03/2026;31/03/2026\n',
      );
      expect(invoices).toEqual([
        {
          invoiceId: 'F1',
          customerId: 'C1',
          amountCents: 150050,
          openCents: 150050,
          currency: 'EUR',
          issueDate: '2026-03-01',
          dueDate: '2026-03-31',
        },
      ]);
    },
  );

  it.each([
    [
      'an amount that is not one',
      'F1,C1,X,,12;50,EUR,2024-01-10,2024-02-09',
      /^line 2, column amount: not an amount \("12;50"\)$/,
    ],
    ['nothing left to pay', 'F1,C1,X,,0.00,EUR,2024-01-10,2024-02-09', /line 2, column amount: must be positive/],
    [
      'a date that is not in the calendar',
      'F1,C1,X,,12.50,EUR,2024-02-30,2024-03-09',
      /line 2, column issue_date: not a date YYYY-MM-DD \("2024-02-30"\)/,
    ],
    [
      'an IBAN with a wrong check',
      'F1,C1,X,FR7630006000011234567890188,12.50,EUR,2024-01-10,2024-02-09',
      /line 2, column customer_iban: not a valid IBAN/,
    ],
    ['an empty invoice id', ',C1,X,,12.50,EUR,2024-01-10,2024-02-09', /line 2, column invoice_id: empty/],
    [
      'a due date before the issue date',
      'F1,C1,X,,12.50,EUR,2024-01-10,2024-01-09',
      /line 2, column due_date: before issue_date/,
    ],
  ])('refuses %s, naming the line and the column', (_case, line, message) => {
    expect(() => readOpenInvoices(`${header}\n${line}\n`)).toThrow(message);
  });

  it('refuses the same invoice twice, even on identical lines', () => {
    const line = 'F1,C1,X,,12.50,EUR,2024-01-10,2024-02-09';
    expect(() => readOpenInvoices(`${header}\n${line}\n${line}\n`)).toThrow(
      /line 3, column invoice_id: "F1" appears twice \(first on line 2\)/,
    );
    expect(() => readOpenInvoices(`${header}\n${line}\nF1,C1,X,,13.50,EUR,2024-01-10,2024-02-09\n`)).toThrow(
      /line 3, column invoice_id: "F1" appears twice/,
    );
  });

  it('names the first five refused lines and counts the others', () => {
    const bad = Array.from({ length: 8 }, (_, k) => `F${k},C1,X,,oops,EUR,2024-01-10,2024-02-09`);
    const err = (() => {
      try {
        readOpenInvoices([header, 'F-ok,C1,X,,1.00,EUR,2024-01-10,2024-02-09', ...bad].join('\n'));
      } catch (e) {
        return e as OpenInvoicesCsvError;
      }
      throw new Error('the file was accepted');
    })();
    expect(err).toBeInstanceOf(OpenInvoicesCsvError);
    expect(err.problems).toEqual(
      [3, 4, 5, 6, 7]
        .map((n) => `line ${n}, column amount: not an amount ("oops")`)
        .concat('... and 3 more line(s) refused'),
    );
  });

  it('refuses a file without the required columns', () => {
    expect(() => readOpenInvoices('id,amount\nF1,12.50\n')).toThrow(OpenInvoicesCsvError);
    expect(() => readOpenInvoices('id,amount\nF1,12.50\n')).toThrow(
      /line 1: missing column\(s\): invoice_id, customer_id, issue_date, due_date/,
    );
  });
});
