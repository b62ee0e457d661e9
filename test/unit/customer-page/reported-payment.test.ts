import { describe, expect, it } from 'vitest';
import { coveredByReportedPayment } from '../../../functions/core/customer-page';

const owed = [
  { invoiceId: 'F-1', openCents: 30_000 },
  { invoiceId: 'F-2', openCents: 120_000 },
  { invoiceId: 'F-3', openCents: 50_000 },
];
const ids = (amountCents: number) => coveredByReportedPayment(amountCents, owed).covered.map((i) => i.invoiceId);

describe('what a reported payment holds back', () => {
  it('a token amount pays no invoice in full and holds none', () => {
    expect(coveredByReportedPayment(1, owed)).toEqual({ covered: [], owedCents: 200_000 });
  });

  it('an amount pays the invoices oldest due first, each in full, and stops at the first it cannot pay', () => {
    expect(ids(30_000 + 119_999)).toEqual(['F-1']);
    expect(ids(150_000)).toEqual(['F-1', 'F-2']);
    expect(ids(200_000)).toEqual(['F-1', 'F-2', 'F-3']);
    expect(ids(1_000_000)).toEqual(['F-1', 'F-2', 'F-3']);
  });

  it('the amount of exactly one invoice is that invoice’s payment, however old', () => {
    expect(ids(50_000)).toEqual(['F-3']);
  });
});
