import { describe, expect, it } from 'vitest';
import { announcedAt, inForceAbove } from '../../../functions/core/dunning/in-force';
import { renderReminder } from '../../../functions/core/messages';
import { Invoice } from '../../../functions/core/model';

const invoice = (id: string, patch: Partial<Invoice>): Invoice =>
  Invoice.parse({
    invoiceId: id,
    customerId: 'C',
    amountCents: 100_000,
    openCents: 100_000,
    issueDate: '2026-09-01',
    dueDate: '2026-10-01',
    status: 'open',
    version: 1,
    ...patch,
  });

describe('the level in force for a customer', () => {
  const message = { invoiceIds: ['D'], level: 'reminder_1' as const };

  it('is that of the invoices still owed above the message, highest first', () => {
    const found = inForceAbove(
      [
        invoice('A', { dunningLevel: 'reminder_2' }),
        invoice('B', { dunningLevel: 'final_reminder', dueDate: '2026-11-01' }),
        invoice('C', { dunningLevel: 'agency_handoff', status: 'in_collection' }),
        invoice('D', { dunningLevel: 'formal_notice' }),
        invoice('E', { dunningLevel: 'reminder_1' }),
      ],
      message,
    );
    expect(found.map((i) => [i.invoiceId, i.level])).toEqual([
      ['C', 'agency_handoff'],
      ['B', 'final_reminder'],
      ['A', 'reminder_2'],
    ]);
  });

  it('ends when the invoices at that level are paid, credited, written off or their dunning is suspended', () => {
    const found = inForceAbove(
      [
        invoice('A', { dunningLevel: 'final_reminder', status: 'paid', openCents: 0 }),
        invoice('B', { dunningLevel: 'final_reminder', status: 'credited' }),
        invoice('C', { dunningLevel: 'final_reminder', status: 'written_off' }),
        invoice('F', { dunningLevel: 'final_reminder', pause: { reason: 'promise', since: '2026-12-01T00:00:00Z' } }),
        invoice('G', { dunningLevel: 'call' }),
      ],
      message,
    );
    expect(found).toEqual([]);
  });

  it('dates the announcement from the latest send at that level in the history', () => {
    const events = [
      { kind: 'reminder_sent', at: '2026-11-01T07:31:00.000Z', detail: { level: 'reminder_2' } },
      { kind: 'reminder_sent', at: '2026-12-01T07:31:00.000Z', detail: { level: 'final_reminder' } },
      { kind: 'formal_notice_sent', at: '2026-12-15T07:31:00.000Z', detail: {} },
    ];
    expect(announcedAt(events, 'final_reminder')).toBe('2026-12-01T07:31:00.000Z');
    expect(announcedAt(events, 'formal_notice')).toBe('2026-12-15T07:31:00.000Z');
    expect(announcedAt(events, 'agency_handoff')).toBeUndefined();
  });
});

describe('a reminder to a customer with a higher level in force', () => {
  const base = {
    customer: { name: 'Boulangerie Martin' },
    creditor: { name: 'Atelier Dupont', iban: 'FR7630006000011234567890189', bic: 'AGRIFRPP' },
    items: [
      {
        invoiceId: 'D',
        level: 'reminder_1' as const,
        amountCents: 50_000,
        openCents: 50_000,
        dueDate: '2026-11-20',
        daysLate: 18,
        currency: 'EUR',
      },
    ],
    asOf: '2026-12-08',
    inForce: [
      { invoiceId: 'A', level: 'reminder_2' as const, openCents: 10_000, currency: 'EUR', dueDate: '2026-10-01' },
      {
        invoiceId: 'B',
        level: 'formal_notice' as const,
        openCents: 20_000,
        currency: 'EUR',
        dueDate: '2026-09-01',
        since: '2026-12-02',
      },
    ],
  };

  it('leads its subject with the highest level in force and lists each invoice at its own level (English)', () => {
    const m = renderReminder({ ...base, language: 'en' });
    expect(m.subject).toBe('Atelier Dupont – Formal notice pending: invoice B, and invoice D outstanding');
    expect(m.text).toContain('As a reminder, the following invoices remain unpaid and the steps taken stand:');
    expect(m.text).toMatch(/– Invoice B: formal notice sent on 2 Dec 2026, amount due €200\.00/);
    expect(m.text).toMatch(/– Invoice A: second reminder, amount due €100\.00/);
  });

  it('counts its own invoices apart by state: those not yet due are not "en relance"', () => {
    const item = base.items[0];
    const items = [
      item,
      { ...item, invoiceId: 'E', dueDate: '2026-11-25', daysLate: 13 },
      { ...item, invoiceId: 'F', level: 'courtesy' as const, dueDate: '2026-12-12', daysLate: -4 },
    ];
    expect(renderReminder({ ...base, items, language: 'fr' }).subject).toBe(
      'Atelier Dupont – Mise en demeure en cours : facture B, et 2 autres factures en relance et 1 à échéance ' +
        'prochaine',
    );
    expect(renderReminder({ ...base, items: items.slice(2), language: 'en' }).subject).toBe(
      'Atelier Dupont – Formal notice pending: invoice B, and invoice F falling due soon',
    );
    expect(
      renderReminder({ ...base, items: [items[2], { ...items[2], invoiceId: 'G' }], language: 'fr' }).subject,
    ).toBe('Atelier Dupont – Mise en demeure en cours : facture B, et 2 autres factures à échéance prochaine');
  });

  it('says nothing of invoices at or below its own level', () => {
    const m = renderReminder({ ...base, language: 'fr', inForce: [{ ...base.inForce[0], level: 'reminder_1' }] });
    expect(m.subject).toBe('Atelier Dupont – Relance : facture D impayée');
    expect(m.text).not.toContain('Pour rappel');
  });
});
