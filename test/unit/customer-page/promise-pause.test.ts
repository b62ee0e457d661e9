import { describe, expect, it } from 'vitest';
import { customerPromisePause, isCustomerPromise } from '../../../functions/core/customer-page';
import type { InvoicePause } from '../../../functions/core/model';

const at = '2026-06-02T09:00:00.000Z';
const asked = (until: string) => ({ until, at, note: 'Promesse du client (page client)' });
const finance: InvoicePause = {
  reason: 'promise',
  since: '2026-05-20T14:00:00.000Z',
  until: '2026-06-30',
  note: 'plan',
};

describe('what a customer’s promise does to an invoice’s promise pause', () => {
  it('leaves a promise pause finance set as it is when it runs to the customer’s date or later', () => {
    expect(customerPromisePause(finance, asked('2026-06-12'))).toEqual({
      pause: finance,
      financeKeptUntil: '2026-06-30',
    });
    expect(customerPromisePause(finance, asked('2026-06-30'))).toEqual({
      pause: finance,
      financeKeptUntil: '2026-06-30',
    });
  });

  it('replaces an earlier one of finance’s by the customer’s, which starts the customer’s own chain today', () => {
    const { pause, financeKeptUntil } = customerPromisePause(finance, asked('2026-07-01'));
    expect(financeKeptUntil).toBeUndefined();
    expect(pause).toEqual({
      reason: 'promise',
      since: at,
      until: '2026-07-01',
      note: 'Promesse du client (page client)',
      by: 'customer',
    });
    expect(isCustomerPromise(pause)).toBe(true);
    expect(isCustomerPromise(finance)).toBe(false);
  });

  it('renews the customer’s own promise from the first one’s day, to the date asked', () => {
    const own: InvoicePause = { ...finance, since: '2026-05-25T10:00:00.000Z', until: '2026-06-20', by: 'customer' };
    expect(customerPromisePause(own, asked('2026-06-10')).pause).toMatchObject({
      since: '2026-05-25T10:00:00.000Z',
      until: '2026-06-10',
      by: 'customer',
    });
    expect(customerPromisePause(undefined, asked('2026-06-10')).pause).toMatchObject({ since: at, by: 'customer' });
  });
});
