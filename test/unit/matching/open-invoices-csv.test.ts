import { describe, expect, it } from 'vitest';
import { OpenInvoicesCsvError, readOpenInvoicesCsv } from '../../../functions/core/matching';

const header = 'invoice_id,customer_id,customer_name,customer_iban,amount,currency,issue_date,due_date';

describe('the open-invoices file of recon match', () => {
  it('gives open invoices and their customers, with the IBANs finance knows', () => {
    const { invoices, customers } = readOpenInvoicesCsv(
      [header, 'F2024-1,C1,"Dupont, Fils & Cie SARL",FR76 3000 6000 0112 3456 7890 189,1234.56,EUR,2024-01-10,2024-02-09', 'F2024-2,C1,Dupont Fils SARL,,99.9,,2024-01-12,2024-02-11', ''].join('\r\n'),
    );
    expect(invoices).toEqual([
      { invoiceId: 'F2024-1', customerId: 'C1', amountCents: 123456, openCents: 123456, currency: 'EUR', issueDate: '2024-01-10', dueDate: '2024-02-09' },
      { invoiceId: 'F2024-2', customerId: 'C1', amountCents: 9990, openCents: 9990, currency: 'EUR', issueDate: '2024-01-12', dueDate: '2024-02-11' },
    ]);
    expect(customers).toEqual([{ customerId: 'C1', name: 'Dupont, Fils & Cie SARL', ibans: ['FR7630006000011234567890189'] }]);
  });

  it.each([
    ['an amount with a decimal comma', 'F1,C1,X,,12;50,EUR,2024-01-10,2024-02-09', /line 2, column amount/],
    ['a date that is not in the calendar', 'F1,C1,X,,12.50,EUR,2024-02-30,2024-03-09', /line 2, column issue_date: not a calendar date/],
    ['a French date', 'F1,C1,X,,12.50,EUR,10/01/2024,2024-02-09', /line 2, column issue_date: expected a date YYYY-MM-DD/],
    ['an IBAN with a wrong check', 'F1,C1,X,FR7630006000011234567890188,12.50,EUR,2024-01-10,2024-02-09', /line 2, column customer_iban/],
    ['an empty invoice id', ',C1,X,,12.50,EUR,2024-01-10,2024-02-09', /line 2, column invoice_id: empty/],
    ['a due date before the issue date', 'F1,C1,X,,12.50,EUR,2024-01-10,2024-01-09', /line 2, column due_date: before issue_date/],
  ])('refuses %s, naming the line and the column', (_case, line, message) => {
    expect(() => readOpenInvoicesCsv(`${header}\n${line}\n`)).toThrow(message);
  });

  it('refuses the same invoice twice', () => {
    const line = 'F1,C1,X,,12.50,EUR,2024-01-10,2024-02-09';
    expect(() => readOpenInvoicesCsv(`${header}\n${line}\n${line}\n`)).toThrow(/line 3, column invoice_id: "F1" appears twice/);
  });

  it('refuses a file without the required columns', () => {
    expect(() => readOpenInvoicesCsv('id,amount\nF1,12.50\n')).toThrow(OpenInvoicesCsvError);
    expect(() => readOpenInvoicesCsv('id,amount\nF1,12.50\n')).toThrow(/missing column\(s\) invoice_id, customer_id, issue_date, due_date/);
  });
});
