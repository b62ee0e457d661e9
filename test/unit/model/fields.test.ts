import { describe, expect, it } from 'vitest';
import {
  AmountCents,
  Customer,
  EntityId,
  freeText,
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

describe('free text a person types: notes and reasons kept in the invoice history', () => {
  it.each([
    'Livraison incomplète : 40 baguettes manquantes',
    'Échéancier convenu au téléphone :\n- 500 € le 15\n- le reste le 30',
    'ligne 1\r\nligne 2\tcolonne',
    'مرحبا \u200f(arabe)',
  ])('accepts %j', (text) => {
    expect(freeText(2000).safeParse(text).success).toBe(true);
  });

  it.each([
    ['a NUL', 'payé\u0000', 'a control character (U+0000, character 5) is not allowed'],
    ['an escape', 'a\u001b[31m', 'a control character (U+001B, character 2) is not allowed'],
    ['a vertical tab', 'a\u000bb', 'a control character (U+000B, character 2) is not allowed'],
    ['DEL', 'a\u007f', 'a control character (U+007F, character 2) is not allowed'],
    ['a C1 control (NEL)', 'é\u0085', 'a control character (U+0085, character 2) is not allowed'],
    [
      'a right-to-left override',
      'facture \u202e3102.fdp',
      'a bidirectional control character (U+202E, character 9) is not allowed',
    ],
    ['a left-to-right embedding', '\u202ax', 'a bidirectional control character (U+202A, character 1) is not allowed'],
    ['an isolate', '😀x\u2066y\u2069', 'a bidirectional control character (U+2066, character 3) is not allowed'],
  ])('refuses %s, naming the character and where it is', (_what, text, message) => {
    const result = freeText(2000).safeParse(text);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message)).toEqual([message]);
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
