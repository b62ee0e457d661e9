import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reduceOpenAmount } from '../../../functions/core/invoices';
import type { InvoiceStatus } from '../../../functions/core/model';

const owedOf = (status: InvoiceStatus, openCents: number) => ({ status, openCents });

describe('a write-off ("passage en perte") or a credit note ("avoir") on an invoice', () => {
  it('writing off the whole open amount closes the invoice as written off and stops the reminders', () => {
    expect(reduceOpenAmount(owedOf('open', 12_000), 'write_off', 12_000)).toEqual({
      ok: true,
      openCents: 0,
      status: 'written_off',
      closes: true,
    });
  });

  it('a credit note for the whole open amount closes the invoice as credited', () => {
    expect(reduceOpenAmount(owedOf('partially_paid', 5_000), 'credit_note', 5_000)).toEqual({
      ok: true,
      openCents: 0,
      status: 'credited',
      closes: true,
    });
  });

  it('a part of the open amount leaves the invoice partially paid, the reminders going on', () => {
    expect(reduceOpenAmount(owedOf('open', 12_000), 'credit_note', 2_000)).toEqual({
      ok: true,
      openCents: 10_000,
      status: 'partially_paid',
      closes: false,
    });
  });

  it('an invoice with the collection agency stays in collection after a partial write-off', () => {
    expect(reduceOpenAmount(owedOf('in_collection', 12_000), 'write_off', 2_000)).toEqual({
      ok: true,
      openCents: 10_000,
      status: 'in_collection',
      closes: false,
    });
  });

  it.each<InvoiceStatus>(['paid', 'written_off', 'credited'])('a %s invoice has nothing left to reduce', (status) => {
    expect(reduceOpenAmount(owedOf(status, 0), 'write_off', 0)).toEqual({ ok: false, reason: 'not_reducible' });
    expect(reduceOpenAmount(owedOf(status, 0), 'credit_note', 1)).toEqual({ ok: false, reason: 'not_reducible' });
  });

  it('more than the open amount is refused (refunds are out of scope)', () => {
    expect(reduceOpenAmount(owedOf('open', 1_000), 'credit_note', 1_001)).toEqual({
      ok: false,
      reason: 'exceeds_open',
    });
  });

  it('never leaves a negative open amount, and closes the invoice exactly when nothing is left', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<InvoiceStatus>('open', 'partially_paid', 'in_collection'),
        fc.integer({ min: 0, max: 1e9 }),
        fc.integer({ min: 0, max: 1e9 }),
        fc.constantFrom('write_off' as const, 'credit_note' as const),
        (status, openCents, amount, kind) => {
          const d = reduceOpenAmount(owedOf(status, openCents), kind, amount);
          if (!d.ok) return amount > openCents;
          return (
            d.openCents === openCents - amount &&
            d.openCents >= 0 &&
            d.closes === (d.openCents === 0) &&
            (d.closes ? d.status !== status : true)
          );
        },
      ),
    );
  });
});
