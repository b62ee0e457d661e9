import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultBooksAccounts, planPeriodExport, receiptBooking, renderBooks } from '../../../functions/core/books';
import { fecColumns, parseFec } from '../../../functions/core/imports';

const journal = { code: 'BQ', label: 'Banque' };
const cents = (s: string) => Number(s.replace(',', ''));

/**
 * Invoices of 100.00 to 999.99, and receipts each paying some of them (a part, plus fees sometimes, an overpayment
 * sometimes).
 */
const scenario = fc.array(fc.integer({ min: 10_000, max: 99_999 }), { minLength: 1, maxLength: 8 }).chain((amounts) =>
  fc.record({
    amounts: fc.constant(amounts),
    payments: fc.array(
      fc.record({
        invoice: fc.nat(amounts.length - 1),
        share: fc.integer({ min: 1, max: 100 }),
        fees: fc.integer({ min: 0, max: 300 }),
        over: fc.integer({ min: 0, max: 500 }),
        day: fc.integer({ min: 1, max: 30 }),
      }),
      { maxLength: 12 },
    ),
  }),
);

describe('books export, any receipts', () => {
  it('balances every entry, gives the same bytes twice, and the FEC import sees what each invoice still owes', () => {
    fc.assert(
      fc.property(scenario, ({ amounts, payments }) => {
        const open = [...amounts];
        const bookings = payments.flatMap((p, i) => {
          const owed = open[p.invoice];
          const paid = Math.min(owed, Math.max(1, Math.floor((amounts[p.invoice] * p.share) / 100)));
          if (owed === 0) return [];
          const fees = Math.min(p.fees, owed - paid);
          open[p.invoice] -= paid + fees;
          const allocations = [
            { invoiceId: `FA${p.invoice}`, customerId: `C${p.invoice % 3}`, amountCents: paid, writeOffCents: fees },
          ];
          const credit =
            p.over > 0 && open[p.invoice] === 0 ? { customerId: `C${p.invoice % 3}`, amountCents: p.over } : undefined;
          return [
            receiptBooking(
              { transactionId: `t${i}`, bookingDate: `2026-11-${String(p.day).padStart(2, '0')}`, allocations, credit },
              defaultBooksAccounts,
              new Map(),
            ),
          ];
        });
        const exp = planPeriodExport({
          period: '2026-11',
          today: '2026-12-02',
          journalCode: 'BQ',
          current: bookings,
          previous: [],
        });
        const file = renderBooks(exp, 'fec', journal);
        expect(
          renderBooks(
            planPeriodExport({
              period: '2026-11',
              today: '2026-12-02',
              journalCode: 'BQ',
              current: [...bookings].reverse(),
              previous: [],
            }),
            'fec',
            journal,
          ),
        ).toBe(file);
        const rows = file
          .replace(/\r\n$/, '')
          .split('\r\n')
          .slice(1)
          .map((l) => l.split('\t'));
        for (const num of new Set(rows.map((r) => r[2]))) {
          const entry = rows.filter((r) => r[2] === num);
          expect(entry.reduce((s, r) => s + cents(r[11]), 0)).toBe(entry.reduce((s, r) => s + cents(r[12]), 0));
        }
        const sales = amounts.map((a, i) =>
          [
            'VT',
            'Ventes',
            `FA${i}`,
            '20261001',
            '411000',
            'Clients',
            `C${i % 3}`,
            '',
            `FA${i}`,
            '20261001',
            'Facture',
            `${Math.floor(a / 100)},${String(a % 100).padStart(2, '0')}`,
            '0,00',
            '',
            '',
            '20261001',
            '',
            '',
          ].join('\t'),
        );
        const books = [fecColumns.join('\t'), ...sales, ...rows.map((r) => r.join('\t'))].join('\r\n');
        const seen = new Map(
          parseFec(books).rows.flatMap((r) => (r.ok ? [[r.record.invoiceId, r.record.amountCents] as const] : [])),
        );
        expect(Object.fromEntries(seen)).toEqual(
          Object.fromEntries(open.flatMap((o, i) => (o > 0 ? [[`FA${i}`, o]] : []))),
        );
      }),
      { numRuns: 200 },
    );
  });
});
