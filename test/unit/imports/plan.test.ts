import { describe, expect, it } from 'vitest';
import {
  customerFromImport,
  type ImportedInvoice,
  parseInvoiceCsv,
  planImport,
  summarize,
} from '../../../functions/core/imports';
import { Customer, type Invoice } from '../../../functions/core/model';

const header = 'invoice_id,customer_id,customer_name,customer_iban,amount,currency,issue_date,due_date';
const stored = (over: Partial<Invoice> = {}): Invoice => ({
  invoiceId: 'F1',
  customerId: 'C1',
  amountCents: 10000,
  openCents: 10000,
  currency: 'EUR',
  issueDate: '2026-01-01',
  dueDate: '2026-01-31',
  status: 'open',
  version: 3,
  ...over,
});

describe('import plan: idempotent on invoice id, per-row outcome', () => {
  it('creates new invoices and leaves identical ones unchanged on a second import', () => {
    const parsed = parseInvoiceCsv(
      `${header}\nF1,C1,X,,100.00,EUR,2026-01-01,2026-01-31\nF2,C1,X,,50.00,EUR,2026-01-02,2026-02-01\n`,
    );
    const first = planImport(parsed, new Map());
    expect(first.map((r) => r.outcome)).toEqual(['created', 'created']);
    expect(first[1].next).toMatchObject({ invoiceId: 'F2', amountCents: 5000, openCents: 5000, status: 'open' });
    const again = planImport(
      parsed,
      new Map([
        ['F1', stored()],
        [
          'F2',
          stored({
            invoiceId: 'F2',
            amountCents: 5000,
            openCents: 5000,
            issueDate: '2026-01-02',
            dueDate: '2026-02-01',
          }),
        ],
      ]),
    );
    expect(summarize(again)).toEqual({ created: 0, updated: 0, unchanged: 2, rejected: 0 });
  });

  it('updates an amount keeping what was already collected', () => {
    const parsed = parseInvoiceCsv(`${header}\nF1,C1,X,,120.00,EUR,2026-01-01,2026-02-15\n`);
    const [row] = planImport(parsed, new Map([['F1', stored({ openCents: 4000, status: 'partially_paid' })]]));
    expect(row.outcome).toBe('updated');
    expect(row.next).toMatchObject({
      amountCents: 12000,
      openCents: 6000,
      dueDate: '2026-02-15',
      status: 'partially_paid',
    });
    expect(row.current?.version).toBe(3);
  });

  it.each([
    [stored({ customerId: 'C2' }), 'customer_id: invoice already recorded for customer C2'],
    [stored({ status: 'paid', openCents: 0 }), 'invoice is paid: an import does not change it'],
    [stored({ status: 'written_off', openCents: 0 }), 'invoice is written off'],
    [stored({ openCents: 1000, status: 'partially_paid' }), 'not above what was already collected'],
    [stored({ currency: 'USD' }), 'currency: invoice already recorded in USD'],
  ])('refuses a change that would corrupt a stored invoice (%#)', (current, reason) => {
    const parsed = parseInvoiceCsv(`${header}\nF1,C1,X,,90.00,EUR,2026-01-01,2026-01-31\n`);
    const [row] = planImport(parsed, new Map([['F1', current]]));
    expect(row.outcome).toBe('rejected');
    expect(row.reason).toContain(reason);
  });

  it('carries parse refusals through as rejected rows', () => {
    const [row] = planImport(parseInvoiceCsv(`${header}\nF1,C1,X,,abc,EUR,2026-01-01,2026-01-31\n`), new Map());
    expect(row).toMatchObject({
      line: 2,
      invoiceId: 'F1',
      outcome: 'rejected',
      reason: expect.stringContaining('amount'),
    });
  });

  it('creates the customer of a new invoice and adds a newly seen IBAN to a known one', () => {
    const record: ImportedInvoice = {
      invoiceId: 'F1',
      customerId: 'C1',
      customerName: 'Dupont SARL',
      customerIban: 'FR7630006000011234567890189',
      amountCents: 1,
      currency: 'EUR',
      issueDate: '2026-01-01',
      dueDate: '2026-01-31',
    };
    expect(customerFromImport(undefined, record)).toMatchObject({
      customerId: 'C1',
      name: 'Dupont SARL',
      ibans: ['FR7630006000011234567890189'],
      paymentTermsDays: 30,
      version: 0,
    });
    const known = Customer.parse({ customerId: 'C1', name: 'Dupont', version: 2 });
    expect(customerFromImport(known, record)?.ibans).toEqual(['FR7630006000011234567890189']);
    expect(customerFromImport({ ...known, ibans: ['FR7630006000011234567890189'] }, record)).toBeUndefined();
  });
});
