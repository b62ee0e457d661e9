import { describe, expect, it } from 'vitest';
import { CustomerCreate } from '../../../functions/api/routes/customers';
import { computeLatePenalties, defaultRateTable, mergeRateTables } from '../../../functions/core/dunning';
import { buildFormalNoticePdf } from '../../../functions/core/letters';
import { rateNotesFor } from '../../../functions/core/letters/rate-notes';
import {
  alreadyReminded,
  effectiveLevel,
  type ReminderItem,
  renderFormalNoticeEmail,
  renderReminder,
} from '../../../functions/core/messages';
import { Customer, type DunningLevel } from '../../../functions/core/model';
import { pdfText } from './pdf-text';

const creditor = { name: 'Atelier Dupont SAS', iban: 'FR7630006000011234567890189', bic: 'AGRIFRPP', city: 'Lyon' };
const address = ['1 place du Marché', '75001 Paris'];
const invoice = {
  invoiceId: 'F-2026-0077',
  issueDate: '2025-11-20',
  dueDate: '2025-12-20',
  amountCents: 250_000,
  openCents: 200_000,
  currency: 'EUR',
};
const asOf = '2026-01-23';
const business = computeLatePenalties({
  principalCents: 200_000,
  dueDate: '2025-12-20',
  asOf,
  rates: defaultRateTable,
  debtor: 'business',
});
const consumer = computeLatePenalties({
  principalCents: 200_000,
  dueDate: '2025-12-20',
  asOf,
  rates: defaultRateTable,
  debtor: 'consumer',
  formalNoticeDate: asOf,
});
const item = (invoiceId: string, level: ReminderItem['level']): ReminderItem => ({
  invoiceId,
  level,
  amountCents: 10_000,
  openCents: 10_000,
  dueDate: '2026-01-01',
  daysLate: 22,
  currency: 'EUR',
});
const notice = (over: Partial<Parameters<typeof buildFormalNoticePdf>[0]> = {}) =>
  buildFormalNoticePdf({
    language: 'fr',
    creditor,
    debtor: { name: 'Boulangerie Martin', address },
    invoices: [invoice],
    penalties: [business],
    deadline: '2026-02-02',
    asOf,
    ...over,
  }).then(pdfText);

describe('the wording matches what happened', () => {
  it('a customer’s first message, even at the final level, does not say "Malgré nos relances"', () => {
    for (const level of ['reminder_2', 'final_reminder'] as const) {
      const m = renderReminder({
        language: 'fr',
        customer: { name: 'Boulangerie Martin' },
        creditor,
        items: [item('F-1', level)],
        asOf,
      });
      expect(m.text).not.toMatch(/Malgré/);
      expect(m.text).toContain('Sauf erreur de notre part');
      expect(m.subject).not.toContain('Deuxième');
    }
    expect(
      renderReminder({
        language: 'fr',
        customer: { name: 'B' },
        creditor,
        items: [item('F-1', 'final_reminder')],
        asOf,
        reminded: true,
      }).text,
    ).toContain('Malgré nos relances');
  });

  it(
    'a formal notice no reminder preceded does not speak of "nos précédentes relances", in the letter or the ' +
      'e-mail',
    async () => {
      expect(await notice()).not.toContain('précédentes relances');
      expect(await notice({ reminded: true })).toContain('malgré nos précédentes relances');
      const mail = renderFormalNoticeEmail({
        language: 'fr',
        customer: { name: 'B' },
        creditor,
        notices: [{ ...invoice, penalties: business }],
        deadline: '2026-02-02',
        asOf,
        reminded: false,
      });
      expect(mail.text).not.toContain('Malgré');
    },
  );

  it('only a reminder proper counts as a previous reminder, not a courtesy one', () => {
    expect(
      [undefined, 'courtesy', 'reminder_1', 'final_reminder'].map((l) =>
        alreadyReminded(l as DunningLevel | undefined),
      ),
    ).toEqual([false, false, true, true]);
  });

  it(
    'over a sequence of grouped messages to one customer, no invoice’s level goes down and each subject names its ' +
      'level only for the invoices at it',
    () => {
      const reached = new Map<string, DunningLevel>([['A', 'reminder_2']]);
      const rank: DunningLevel[] = ['courtesy', 'reminder_1', 'reminder_2', 'final_reminder'];
      const batches: [string, DunningLevel][][] = [
        [
          ['A', 'final_reminder'],
          ['B', 'reminder_1'],
          ['C', 'reminder_1'],
          ['D', 'reminder_1'],
        ],
        // A's stale step (planned at reminder_2 before its final reminder went out) meets B, C, D's second reminders
        [
          ['A', 'reminder_2'],
          ['B', 'reminder_2'],
          ['C', 'reminder_2'],
          ['D', 'reminder_2'],
        ],
        [
          ['B', 'final_reminder'],
          ['C', 'final_reminder'],
          ['D', 'final_reminder'],
        ],
      ];
      const subjects: string[] = [];
      for (const batch of batches) {
        const items = batch.map(([id, stepLevel]) =>
          item(id, effectiveLevel(stepLevel, reached.get(id)) as ReminderItem['level']),
        );
        for (const i of items) {
          const before = reached.get(i.invoiceId);
          expect(
            before === undefined || rank.indexOf(i.level) >= rank.indexOf(before as (typeof rank)[number]),
            `${i.invoiceId} went down`,
          ).toBe(true);
          reached.set(i.invoiceId, i.level);
        }
        subjects.push(
          renderReminder({ language: 'fr', customer: { name: 'B' }, creditor, items, asOf, reminded: true }).subject,
        );
      }
      expect(subjects).toEqual([
        'Atelier Dupont SAS – Dernière relance avant mise en demeure : facture A, et 3 autres factures en relance',
        'Atelier Dupont SAS – Dernière relance avant mise en demeure : facture A, et 3 autres factures en relance',
        'Atelier Dupont SAS – Dernière relance avant mise en demeure : 3 factures impayées',
      ]);
    },
  );
});

describe('a formal notice to a consumer', () => {
  it('the customer record carries the person’s civility and family name (model and API)', () => {
    const person = {
      customerId: 'C-LEA-PETIT',
      name: 'Léa Petit',
      isBusiness: false,
      civility: 'madame',
      familyName: 'Petit',
    };
    expect(Customer.parse(person)).toMatchObject({ civility: 'madame', familyName: 'Petit' });
    expect(CustomerCreate.parse(person)).toMatchObject({ civility: 'madame', familyName: 'Petit' });
    expect(() => CustomerCreate.parse({ ...person, civility: 'Mme' })).toThrow();
  });

  const consumerNotice = (over = {}) =>
    notice({
      debtor: { name: 'Léa Petit', isBusiness: false, civility: 'madame', familyName: 'Petit', address },
      penalties: [consumer],
      ...over,
    });

  it('greets the person by civility and name, and closes with the same civility', async () => {
    const text = await consumerNotice();
    expect(text).toContain('Madame Petit,');
    expect(text).not.toContain('Madame, Monsieur');
    expect(text).toContain('Nous vous prions d’agréer, Madame, l’expression');
  });

  it(
    'states the legal interest of Code civil 1231-6, with its rate, and no "Pénalités de retard 0,00 €" nor ' +
      'running penalties',
    async () => {
      const text = await consumerNotice({ legalRate: { bp: 262, half: '2026-H1', status: 'published' } });
      expect(text).toContain('article 1231-6 du Code civil');
      expect(text).toContain('2,62 % l’an pour le 1er semestre 2026');
      expect(text).not.toMatch(/Pénalités de retard|pénalités continuent|[a-zé:] 0,00/);
      expect(text).toContain('Les intérêts au taux légal courent à compter de la présente');
    },
  );

  it('without a postal address, it does not claim to go by registered letter', async () => {
    const text = await consumerNotice({ debtor: { name: 'Léa Petit', isBusiness: false, address: [] } });
    expect(text).not.toMatch(/recommandée/i);
  });
});

describe('only published rates are printed as such', () => {
  const carried = mergeRateTables(defaultRateTable, { ecbMro: [], ecbMroKnownThrough: '2027-06-30' });
  const late = computeLatePenalties({
    principalCents: 200_000,
    dueDate: '2026-05-31',
    asOf: '2026-09-30',
    rates: carried,
    debtor: 'business',
  });
  const dates = late.periods.map((p) => p.from);
  const assumedH2 = [{ half: '2026-H2', rate: 'ecb_mro' as const, assumption: true }];

  it(
    'a half-year in the reference table is published; one beyond it is finance’s entry, or an assumption when ' +
      'finance marked that half-year so',
    () => {
      expect(rateNotesFor(dates, defaultRateTable, carried, []).l441).toEqual({
        '2026-H1': { status: 'published' },
        '2026-H2': { status: 'entered' },
      });
      expect(rateNotesFor(dates, defaultRateTable, carried, assumedH2).l441['2026-H2']).toEqual({
        status: 'assumed',
        carriedFrom: '2026-H1',
      });
    },
  );

  it(
    'an assumed rate is labelled on the letter: due at the rate in force, computed at the last published one, ' +
      'named',
    async () => {
      const text = await notice({
        penalties: [late],
        asOf: '2026-09-30',
        rateNotes: rateNotesFor(dates, defaultRateTable, carried, assumedH2),
      });
      expect(text).toMatch(/12,15 %\s+[\d\s,]+€/); // H1 2026: published, no mark
      expect(text).toContain('12,15 % (2)');
      expect(text).toContain(
        '(2) Hypothèse : le taux de ce semestre n’est pas encore publié. Les pénalités sont dues au taux en vigueur',
      );
      expect(text).toContain('calculé au taux du 1er semestre 2026, dernier taux publié, et sera ajusté');
    },
  );

  it('a rate finance entered is marked as such, never as an assumption', async () => {
    const text = await notice({
      penalties: [late],
      asOf: '2026-09-30',
      rateNotes: rateNotesFor(dates, defaultRateTable, carried, []),
    });
    expect(text).toContain('12,15 % (1)');
    expect(text).toContain('relevé par notre service comptable');
    expect(text).not.toContain('Hypothèse');
  });

  it(
    'an assumed second half of 2026 stays an assumption once the first half of 2027 is entered as published, and ' +
      'the reverse',
    () => {
      const spans = ['2026-09-01', '2027-01-01'];
      const entries = (h2Assumed: boolean) => [
        { half: '2026-H2', rate: 'ecb_mro' as const, assumption: h2Assumed },
        { half: '2027-H1', rate: 'ecb_mro' as const, assumption: !h2Assumed },
      ];
      const one = rateNotesFor(spans, defaultRateTable, carried, entries(true)).l441;
      expect([one['2026-H2'].status, one['2027-H1'].status]).toEqual(['assumed', 'entered']);
      const other = rateNotesFor(spans, defaultRateTable, carried, entries(false)).l441;
      expect([other['2026-H2'].status, other['2027-H1'].status]).toEqual(['entered', 'assumed']);
      expect(other['2027-H1'].carriedFrom).toBe('2026-H2');
    },
  );

  it('an assumed figure that repeats no published rate is not said to be the last published one', async () => {
    const typed = mergeRateTables(defaultRateTable, {
      ecbMro: [{ from: '2026-06-20', rateBp: 190 }],
      ecbMroKnownThrough: '2026-07-01',
    });
    const penalties = computeLatePenalties({
      principalCents: 200_000,
      dueDate: '2026-05-31',
      asOf: '2026-09-30',
      rates: typed,
      debtor: 'business',
    });
    const text = await notice({
      penalties: [penalties],
      asOf: '2026-09-30',
      rateNotes: rateNotesFor(dates, defaultRateTable, typed, assumedH2),
    });
    expect(text).toContain('11,90 % (2)');
    expect(text).toContain('calculé au taux retenu par hypothèse par notre service comptable');
    expect(text).not.toContain('dernier taux publié');
  });
});

describe('a contract rate raised to three times the legal rate', () => {
  const assumedLegal = mergeRateTables(defaultRateTable, {
    ecbMro: [],
    ecbMroKnownThrough: '2026-07-01',
    legalRate: [{ half: '2026-H2', otherCasesBp: 262, privateCreditorBp: 667 }],
  });
  const floored = computeLatePenalties({
    principalCents: 100_000,
    dueDate: '2026-07-31',
    asOf: '2026-08-30',
    rates: assumedLegal,
    debtor: 'business',
    contractRateBp: 500,
  });
  const provenance = [
    { half: '2026-H2', rate: 'ecb_mro' as const, assumption: false },
    { half: '2026-H2', rate: 'legal_rate' as const, assumption: true },
  ];

  it('is marked as an assumption when the legal rate of its half-year is one', async () => {
    const text = await notice({
      penalties: [floored],
      asOf: '2026-08-30',
      rateNotes: rateNotesFor(['2026-08-01'], defaultRateTable, assumedLegal, provenance),
    });
    expect(text).toContain('7,86 % (2)');
    expect(text).toContain('calculé au taux du 1er semestre 2026, dernier taux publié, et sera ajusté');
  });

  it('a contract rate above its floor carries no mark', async () => {
    const above = computeLatePenalties({
      principalCents: 100_000,
      dueDate: '2026-07-31',
      asOf: '2026-08-30',
      rates: assumedLegal,
      debtor: 'business',
      contractRateBp: 1500,
    });
    const text = await notice({
      penalties: [above],
      asOf: '2026-08-30',
      rateNotes: rateNotesFor(['2026-08-01'], defaultRateTable, assumedLegal, provenance),
    });
    expect(text).toMatch(/15,00 %\s+[\d\s,]+€/);
    expect(text).not.toMatch(/\(1\)|\(2\)/);
  });
});
