import { describe, expect, it } from 'vitest';
import { importWarnings, parseInvoiceCsv, reasonInFrench } from '../../../functions/core/imports';
import { Customer } from '../../../functions/core/model';

const header = 'invoice_id,customer_id,customer_name,customer_iban,amount,currency,issue_date,due_date';
const IBAN_A = 'FR7630006000011234567890189';
const IBAN_B = 'FR1420041010050500013M02606';
const row = (invoice: string, customer: string, iban = '') =>
  `${invoice},${customer},${customer} SARL,${iban},100.00,EUR,2026-10-01,2026-10-31`;
const csv = (...rows: string[]) => parseInvoiceCsv([header, ...rows].join('\n'));
const reached = (customerId: string, ibans: string[] = []) =>
  Customer.parse({
    customerId,
    name: customerId,
    ibans,
    contacts: [{ name: 'Compta', email: `compta@${customerId.toLowerCase()}.example`, role: 'billing' }],
  });

describe('import warnings: what finance should check on a row, nothing refused', () => {
  it('flags an IBAN that already belongs to another stored customer, on its row', () => {
    const w = importWarnings(csv(row('F1', 'C1', IBAN_A), row('F2', 'C2', IBAN_B)), [
      reached('C1'),
      reached('C2'),
      reached('C9', [IBAN_A]),
    ]);
    expect(w.get(2)).toEqual(['customer_iban: already the IBAN of customer C9']);
    expect(w.has(3)).toBe(false);
  });

  it('flags an IBAN given to two customers in the same file on the second one’s row', () => {
    const w = importWarnings(csv(row('F1', 'C1', IBAN_A), row('F2', 'C1', IBAN_A), row('F3', 'C2', IBAN_A)), [
      reached('C1'),
      reached('C2'),
    ]);
    expect([...w.keys()]).toEqual([4]);
    expect(w.get(4)).toEqual(['customer_iban: already the IBAN of customer C1']);
  });

  it('does not flag the IBAN a customer already has', () => {
    expect(importWarnings(csv(row('F1', 'C1', IBAN_A)), [reached('C1', [IBAN_A])]).size).toBe(0);
  });

  it('says once, on its first row, that a customer has no e-mail contact (new or stored without one)', () => {
    const stored = Customer.parse({ customerId: 'C2', name: 'C2', contacts: [] });
    const w = importWarnings(csv(row('F1', 'C1'), row('F2', 'C1'), row('F3', 'C2')), [stored]);
    expect(w.get(2)).toEqual(['customer C1: no e-mail contact, its reminders will be call tasks']);
    expect(w.has(3)).toBe(false);
    expect(w.get(4)).toEqual(['customer C2: no e-mail contact, its reminders will be call tasks']);
    expect(w.get(2)?.join('')).not.toMatch(/bounce/);
  });

  it('words both warnings in French for the import report', () => {
    expect(reasonInFrench('customer_iban: already the IBAN of customer C9')).toBe(
      'customer_iban : déjà l’IBAN du client C9',
    );
    expect(reasonInFrench('customer C1: no e-mail contact, its reminders will be call tasks')).toBe(
      'client C1 : aucun contact e-mail, ses relances seront des appels à passer',
    );
  });
});
