import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays } from '../../../functions/core/dates';
import { type ImportedInvoice, parseInvoiceCsv } from '../../../functions/core/imports';
import { formatCents } from '../../../functions/core/money';

const quote = (s: string) => (/[",\r\n;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
/** Ids and names hold no line break (core/model/fields.ts): rows with one are refused (hostile-imports.test.ts). */
const text = (min: number, max: number) =>
  fc.string({ minLength: min, maxLength: max, unit: fc.constantFrom(...'abcXYZ09 -_/,;"\'éàçÉ'.split('')) });

const invoice = fc.record({
  invoiceId: text(1, 20).filter((s) => s.trim() === s && s.trim().length > 0),
  customerId: text(1, 12).filter((s) => s.trim() === s && s.trim().length > 0),
  customerName: text(1, 40).filter((s) => s.trim() === s && s.trim().length > 0),
  amountCents: fc.integer({ min: 1, max: 10_000_000_00 }),
  issueOffset: fc.integer({ min: 0, max: 3000 }),
  terms: fc.integer({ min: 0, max: 120 }),
});

describe('invoice CSV round trip (property)', () => {
  it('reads back exactly what a spreadsheet writes, whatever the quotes, commas and semicolons in the fields', () => {
    fc.assert(
      fc.property(fc.uniqueArray(invoice, { minLength: 1, maxLength: 15, selector: (i) => i.invoiceId }), (rows) => {
        const expected: ImportedInvoice[] = rows.map((r) => {
          const issueDate = addDays('2020-01-01', r.issueOffset);
          return {
            invoiceId: r.invoiceId,
            customerId: r.customerId,
            customerName: r.customerName,
            customerIban: undefined,
            amountCents: r.amountCents,
            currency: 'EUR',
            issueDate,
            dueDate: addDays(issueDate, r.terms),
          };
        });
        const csv = [
          'invoice_id,customer_id,customer_name,customer_iban,amount,currency,issue_date,due_date',
          ...expected.map((e) =>
            [
              quote(e.invoiceId),
              quote(e.customerId),
              quote(e.customerName as string),
              '',
              formatCents(e.amountCents),
              'EUR',
              e.issueDate,
              e.dueDate,
            ].join(','),
          ),
        ].join('\r\n');
        const parsed = parseInvoiceCsv(csv);
        expect(parsed.fatal).toBeUndefined();
        expect(parsed.rows.map((r) => (r.ok ? r.record : r))).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });
});
