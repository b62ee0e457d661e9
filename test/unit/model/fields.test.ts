import { describe, expect, it } from 'vitest';
import {
  AmountCents,
  Customer,
  EntityId,
  IanaTimeZone,
  Invoice,
  idProblem,
  MAX_AMOUNT_CENTS,
} from '../../../functions/core/model';

const invoice = {
  invoiceId: 'FA-2026-001',
  customerId: 'C1',
  amountCents: 1000,
  openCents: 1000,
  currency: 'EUR',
  issueDate: '2026-01-01',
  dueDate: '2026-01-31',
  status: 'open',
  version: 0,
};

describe('ids reaching e-mail subjects, letters and reports', () => {
  it.each(['FA-2026-001', 'FA 2026/0042', 'Ç-été_1', 'x'.repeat(64)])('accepts %j', (id) => {
    expect(EntityId.safeParse(id).success).toBe(true);
  });
  it.each([
    ['a carriage return', 'F1\rBcc: x@evil.example'],
    ['a line feed', 'F1\nSubject: paid'],
    ['a tab', 'F1\t2'],
    ['a NUL', 'F1\u0000'],
    ['DEL', 'F1\u007f'],
    ['a C1 control (NEL)', 'F1\u0085x'],
    ['a line separator', 'F1\u2028x'],
    ['a bidi override', 'F1\u202ex'],
    ['a zero-width space', 'F1\u200bx'],
    ['a no-break space', 'F1\u00a0x'],
    ['a leading space', ' F1'],
    ['a trailing space', 'F1 '],
    ['65 characters', 'x'.repeat(65)],
    ['nothing', ''],
  ])('refuses an id with %s', (_what, id) => {
    expect(EntityId.safeParse(id).success).toBe(false);
  });
  it('the invoice and customer models apply the rule', () => {
    expect(Invoice.safeParse({ ...invoice, invoiceId: 'F1\r\nX' }).success).toBe(false);
    expect(Invoice.safeParse({ ...invoice, customerId: 'C1\n' }).success).toBe(false);
    expect(Customer.safeParse({ customerId: 'C\u00001', name: 'X' }).success).toBe(false);
    expect(idProblem('FA 2026/0042')).toBeUndefined();
  });
});

describe('customer time zone', () => {
  it.each(['Europe/Paris', 'America/Martinique', 'Indian/Reunion', 'Pacific/Noumea', 'UTC'])('accepts %s', (tz) => {
    expect(IanaTimeZone.safeParse(tz).success).toBe(true);
  });
  it.each(['Mars/Olympus', 'Europe/Pariss', '+01:00', '', 'Europe/Paris\n'])('refuses %j', (tz) => {
    expect(IanaTimeZone.safeParse(tz).success).toBe(false);
  });
  it('the customer model refuses Mars/Olympus, naming timeZone', () => {
    const r = Customer.safeParse({ customerId: 'C1', name: 'X', timeZone: 'Mars/Olympus' });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0].path).toEqual(['timeZone']);
  });
});

describe('amounts in cents', () => {
  it('accept up to 10^13 cents (€100 bn) and refuse more', () => {
    expect(AmountCents.safeParse(MAX_AMOUNT_CENTS).success).toBe(true);
    expect(AmountCents.safeParse(MAX_AMOUNT_CENTS + 1).success).toBe(false);
    expect(AmountCents.safeParse(2 ** 53 - 1).success).toBe(false);
  });
  it('the invoice and customer models bound their amounts', () => {
    expect(Invoice.safeParse({ ...invoice, amountCents: 2 ** 53 - 1, openCents: 2 ** 53 - 1 }).success).toBe(false);
    expect(Customer.safeParse({ customerId: 'C1', name: 'X', creditLimitCents: 2 ** 53 - 1 }).success).toBe(false);
  });
});
