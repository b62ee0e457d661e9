import { describe, expect, it } from 'vitest';
import {
  groupForDispatch,
  type ReminderItem,
  renderReminder,
  structuredReference,
} from '../../../functions/core/messages';

const creditor = {
  name: 'Atelier Dupont SAS',
  iban: 'FR7630006000011234567890189',
  bic: 'AGRIFRPP',
  email: 'compta@dupont.example',
};

const five: ReminderItem[] = [
  {
    invoiceId: 'F-2026-0101',
    level: 'reminder_1',
    amountCents: 120_000,
    openCents: 120_000,
    dueDate: '2026-11-10',
    daysLate: 13,
    currency: 'EUR',
  },
  {
    invoiceId: 'F-2026-0077',
    level: 'final_reminder',
    amountCents: 250_000,
    openCents: 200_000,
    dueDate: '2026-10-20',
    daysLate: 34,
    currency: 'EUR',
  },
  {
    invoiceId: 'F-2026-0120',
    level: 'courtesy',
    amountCents: 9_990,
    openCents: 9_990,
    dueDate: '2026-11-26',
    daysLate: -3,
    currency: 'EUR',
  },
  {
    invoiceId: 'F-2026-0088',
    level: 'reminder_2',
    amountCents: 45_050,
    openCents: 45_050,
    dueDate: '2026-11-02',
    daysLate: 21,
    currency: 'EUR',
    pdfUrl: 'https://docs.example/F-2026-0088.pdf',
  },
  {
    invoiceId: 'F-2026-0095',
    level: 'reminder_1',
    amountCents: 1_000_000,
    openCents: 1_000_000,
    dueDate: '2026-11-08',
    daysLate: 15,
    currency: 'EUR',
  },
];
// total due: 120 000 + 200 000 + 9 990 + 45 050 + 1 000 000 = 1 375 040 cents = 13 750,40 €, of which 99,90 € not
// yet due (F-2026-0120): overdue total 13 650,50 €

describe('grouped reminder in French', () => {
  const m = renderReminder({
    language: 'fr',
    customer: { name: 'Boulangerie Martin' },
    creditor,
    items: five,
    asOf: '2026-11-23',
  });

  it('lists all five invoices, each with its own level, amount due, due date and days late, in due-date order', () => {
    const order = ['F-2026-0077', 'F-2026-0088', 'F-2026-0095', 'F-2026-0101', 'F-2026-0120'].map((id) =>
      m.text.indexOf(id),
    );
    expect(order.every((pos) => pos > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const line = (id: string) => m.text.split('\n').find((l) => l.startsWith(id))!;
    expect(line('F-2026-0077')).toMatch(
      /Dernière relance\s+20\/10\/2026\s+34 jours de retard\s+2\u202f500,00\u00a0€\s+2\u202f000,00\u00a0€/,
    );
    expect(line('F-2026-0120')).toMatch(/Rappel\s+26\/11\/2026\s+échéance dans 3 jours/);
    expect(line('F-2026-0088')).toContain('2e relance');
    expect(line('F-2026-0101')).toContain('1re relance');
    for (const id of five.map((i) => i.invoiceId)) expect(m.html).toContain(id);
  });

  it('states the customer’s overdue total, the invoice not yet due apart with its date', () => {
    expect(m.text).toContain('Total échu à régler : 13\u202f650,50\u00a0€');
    expect(m.html).toContain('Total échu à régler : 13\u202f650,50\u00a0€');
    expect(m.text).toContain('Facture F-2026-0120 : 99,90\u00a0€, à régler à son échéance du 26/11/2026');
  });

  it('announces the highest level for the invoice at that level only, and counts the others apart', () => {
    // F-2026-0120 is not due yet (a courtesy reminder in the same message): it is not counted "en relance"
    expect(m.subject).toBe(
      'Atelier Dupont SAS – Dernière relance avant mise en demeure : facture F-2026-0077, et 3 autres factures en ' +
        'relance et 1 à échéance prochaine',
    );
    expect(m.text).toContain(
      'Sans règlement de la facture F-2026-0077 sous 8 jours, nous vous adresserons une mise en demeure',
    );
    expect(m.text).toContain('40 €');
  });

  it('gives payment details: IBAN, BIC and the references to quote', () => {
    expect(m.text).toContain('IBAN : FR76 3000 6000 0112 3456 7890 189');
    expect(m.text).toContain('BIC : AGRIFRPP');
    expect(m.text).toMatch(/Référence à indiquer.*F-2026-0077 \(RF\d\dF20260077\)/);
    // in HTML neither an invoice number nor the IBAN is broken across lines (a narrow client broke one at its hyphen)
    expect(m.html).toMatch(/<span style="white-space:nowrap">F-2026-0077 \(RF\d\dF20260077\)<\/span>, <span/);
    expect(m.html).toContain('IBAN : <span style="white-space:nowrap">FR76 3000 6000 0112 3456 7890 189</span>');
  });

  it('keeps each invoice number, due date and amount of the table on one line in HTML', () => {
    const cells = [...m.html.matchAll(/<td style="([^"]*)">(.*?)<\/td>/g)];
    const id = cells.find((c) => c[2].includes('F-2026-0077'));
    const due = cells.find((c) => /^\d\d\/\d\d\/\d{4}$/.test(c[2]));
    const owed = cells.find((c) => c[2].includes('€'));
    expect(id?.[1]).toContain('white-space:nowrap');
    expect(due?.[1]).toContain('white-space:nowrap');
    expect(owed?.[1]).toContain('white-space:nowrap');
    expect(cells.filter((c) => !c[1].includes('white-space:nowrap')).length).toBeGreaterThan(0);
  });

  it('links the invoice PDF when there is one', () => {
    expect(m.html).toContain('<a href="https://docs.example/F-2026-0088.pdf">F-2026-0088</a>');
  });
});

describe('grouped reminder in English', () => {
  const m = renderReminder({
    language: 'en',
    customer: { name: 'Martin Ltd' },
    creditor,
    items: five.filter((i) => i.level !== 'final_reminder'),
    asOf: '2026-11-23',
    reminded: true,
  });
  it('lists four invoices, the second reminder in the subject, and the total in English format', () => {
    expect(m.subject).toBe(
      'Atelier Dupont SAS – Second reminder: invoice F-2026-0088 is unpaid, plus 2 other outstanding invoices and 1 ' +
        'falling due soon',
    );
    expect(m.text).toContain('13 days late');
    expect(m.text).toContain('due in 3 days');
    expect(m.text).toContain('Overdue total to pay: €11,650.50');
    expect(m.text).toContain('IBAN: FR76 3000 6000 0112 3456 7890 189');
    expect(m.html).toContain('lang="en"');
  });
});

describe('reminder tone and details', () => {
  const one = (level: ReminderItem['level'], daysLate: number): ReminderItem => ({
    invoiceId: 'F-1',
    level,
    amountCents: 1000,
    openCents: 1000,
    dueDate: '2026-11-20',
    daysLate,
    currency: 'EUR',
  });

  it('a courtesy reminder before the due date says it falls due soon, not that it is unpaid', () => {
    const m = renderReminder({
      language: 'fr',
      customer: { name: 'X' },
      creditor,
      items: [one('courtesy', -3)],
      asOf: '2026-11-17',
    });
    expect(m.subject).toContain('échéance prochaine de la facture F-1');
    expect(m.text).not.toMatch(/impayée/);
  });

  it('a final reminder to a consumer does not claim the €40 indemnity', () => {
    const m = renderReminder({
      language: 'fr',
      customer: { name: 'M. Durand', isBusiness: false },
      creditor,
      items: [one('final_reminder', 30)],
      asOf: '2026-12-20',
    });
    expect(m.text).not.toContain('40 €');
    expect(m.text).toContain('taux légal');
  });

  it('a final reminder under a policy that waives interest or the indemnity does not announce them', () => {
    const final = (language: 'fr' | 'en', claims: { interest: boolean; indemnity: boolean }) =>
      renderReminder({
        language,
        customer: { name: 'ACME SARL', isBusiness: true },
        creditor,
        items: [one('final_reminder', 30)],
        asOf: '2026-12-20',
        claims,
      }).text;
    expect(final('fr', { interest: false, indemnity: true })).not.toMatch(/pénalités|L441-10/i);
    expect(final('fr', { interest: false, indemnity: true })).toContain('40 € par facture (article D441-5) sera');
    expect(final('fr', { interest: true, indemnity: false })).not.toContain('40 €');
    expect(final('en', { interest: false, indemnity: false })).not.toMatch(/penalties|€40/);
    expect(final('fr', { interest: true, indemnity: true })).toContain('seront alors réclamées');
  });

  it('a grouped reminder asks now for the overdue total only, and lists an invoice not yet due apart, dated', () => {
    const grouped = (language: 'fr' | 'en') =>
      renderReminder({
        language,
        customer: { name: 'ACME SARL', isBusiness: true },
        creditor,
        asOf: '2026-12-07',
        items: [
          {
            invoiceId: 'F-A',
            level: 'reminder_1',
            amountCents: 150_000,
            openCents: 100_000,
            dueDate: '2026-11-27',
            daysLate: 10,
            currency: 'EUR',
          },
          {
            invoiceId: 'F-D',
            level: 'courtesy',
            amountCents: 50_000,
            openCents: 50_000,
            dueDate: '2026-12-10',
            daysLate: -3,
            currency: 'EUR',
          },
        ],
      });
    const fr = grouped('fr');
    expect(fr.text).toContain('Total échu à régler : 1\u202f000,00\u00a0€');
    expect(fr.text).not.toContain('Total dû');
    expect(fr.text).toContain(
      'Facture F-D : 500,00\u00a0€, à régler à son échéance du 10/12/2026 (non comprise dans le total échu).',
    );
    expect(fr.text).toContain('procéder au règlement du total échu dans les meilleurs délais');
    expect(fr.html).toContain('Total échu à régler');
    const en = grouped('en');
    expect(en.text).toContain('Overdue total to pay: €1,000.00');
    expect(en.text).toContain('settle the overdue total');
  });

  it('a per-invoice reminder names its invoice in the subject and lists exactly one invoice', () => {
    const m = renderReminder({
      language: 'en',
      customer: { name: 'X' },
      creditor,
      items: [one('reminder_1', 5)],
      asOf: '2026-11-25',
      perInvoice: true,
    });
    expect(m.subject).toBe('Atelier Dupont SAS – Reminder: invoice F-1 is unpaid');
    expect(() =>
      renderReminder({
        language: 'en',
        customer: { name: 'X' },
        creditor,
        items: [one('reminder_1', 5), { ...one('reminder_1', 5), invoiceId: 'F-2' }],
        asOf: '2026-11-25',
        perInvoice: true,
      }),
    ).toThrow();
  });

  it('escapes HTML from data and drops non-http links', () => {
    const m = renderReminder({
      language: 'fr',
      customer: { name: '<script>alert("x")</script> & Fils' },
      creditor,
      items: [{ ...one('reminder_1', 5), invoiceId: 'F<1>', pdfUrl: 'javascript:alert(1)' }],
      asOf: '2026-11-25',
    });
    expect(m.html).not.toContain('<script>');
    expect(m.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Fils');
    expect(m.html).toContain('F&lt;1&gt;');
    expect(m.html).not.toContain('javascript:');
    expect(m.text).toContain('<script>alert("x")</script> & Fils'); // plain text is not HTML
  });

  it('refuses an empty reminder', () => {
    expect(() =>
      renderReminder({ language: 'fr', customer: { name: 'X' }, creditor, items: [], asOf: '2026-11-25' }),
    ).toThrow();
  });
});

describe('structured creditor reference (ISO 11649)', () => {
  it('matches the standard example and validates with mod 97 = 1', () => {
    expect(structuredReference('539007547034')).toBe('RF18539007547034');
    const rf = structuredReference('F-2026-0042')!;
    const rearranged = (rf.slice(4) + rf.slice(0, 4)).replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
    expect(BigInt(rearranged) % 97n).toBe(1n);
    expect(structuredReference('X'.repeat(22))).toBeUndefined();
  });
});

describe('grouping the enlisted invoices of one customer’s window', () => {
  const member = (invoiceId: string, level: any, dueDate: string, extra: object = {}) => ({
    invoiceId,
    level,
    dueDate,
    openCents: 1000,
    status: 'open' as const,
    ...extra,
  });

  it('leaves out an invoice paid between its step and the send, and sorts the rest by due date', () => {
    const g = groupForDispatch([
      member('F-3', 'reminder_1', '2026-11-03'),
      member('F-1', 'reminder_2', '2026-11-01', { status: 'paid', openCents: 0 }),
      member('F-2', 'courtesy', '2026-11-02'),
      member('F-4', 'reminder_1', '2026-10-30'),
      member('F-5', 'reminder_1', '2026-11-05'),
    ]);
    expect(g.include.map((m) => m.invoiceId)).toEqual(['F-4', 'F-2', 'F-3', 'F-5']);
    expect(g.excluded).toEqual([{ invoiceId: 'F-1', reason: 'paid' }]);
    expect(g.level).toBe('reminder_1'); // the paid one's reminder_2 no longer sets the tone
  });

  it(
    'keeps one entry per invoice at its highest level, and leaves out paused, credited or zero-balance ' + 'invoices',
    () => {
      const g = groupForDispatch([
        member('F-1', 'reminder_1', '2026-11-01'),
        member('F-1', 'final_reminder', '2026-11-01'),
        member('F-2', 'reminder_1', '2026-11-02', { paused: true }),
        member('F-3', 'reminder_1', '2026-11-03', { status: 'credited' }),
        member('F-4', 'reminder_1', '2026-11-04', { openCents: 0 }),
      ]);
      expect(g.include.map((m) => `${m.invoiceId}:${m.level}`)).toEqual(['F-1:final_reminder']);
      expect(g.level).toBe('final_reminder');
      expect(g.excluded.map((e) => `${e.invoiceId}:${e.reason}`).sort()).toEqual([
        'F-1:duplicate',
        'F-2:paused',
        'F-3:not_owed',
        'F-4:paid',
      ]);
    },
  );

  it('has no level when nothing is left to send', () => {
    expect(
      groupForDispatch([member('F-1', 'reminder_1', '2026-11-01', { status: 'paid', openCents: 0 })]).level,
    ).toBeUndefined();
  });
});
