import { describe, expect, it } from 'vitest';
import { parseEuros } from '../format';
import { parsePicked, planAllocations } from './allocation-plan';

describe('picking other invoices for a payment', () => {
  it('reads invoice numbers with optional amounts in French or English notation', () => {
    expect(parsePicked('F-1, F-2:120,50;F-3:7.5', parseEuros)).toEqual([
      { invoiceId: 'F-1' },
      { invoiceId: 'F-2', amountCents: 120_50 },
      { invoiceId: 'F-3', amountCents: 7_50 },
    ]);
  });

  it('names the part it cannot read', () => {
    expect(parsePicked('F-1:douze', parseEuros)).toBe('F-1:douze');
  });

  it('gives each invoice without an amount what it still owes, up to what is left of the payment', () => {
    const open = new Map([
      ['A', 300_00],
      ['B', 500_00],
      ['C', 100_00],
    ]);
    expect(
      planAllocations(600_00, [{ invoiceId: 'A' }, { invoiceId: 'B' }, { invoiceId: 'C' }], (id) => open.get(id)!),
    ).toEqual([
      { invoiceId: 'A', amountCents: 300_00 },
      { invoiceId: 'B', amountCents: 300_00 },
    ]);
  });

  it('keeps a typed amount and shares the rest', () => {
    expect(planAllocations(250_00, [{ invoiceId: 'A', amountCents: 50_00 }, { invoiceId: 'B' }], () => 400_00)).toEqual(
      [
        { invoiceId: 'A', amountCents: 50_00 },
        { invoiceId: 'B', amountCents: 200_00 },
      ],
    );
  });
});
