import { describe, expect, it } from 'vitest';
import { computeLatePenalties, defaultRateTable } from '../../../functions/core/dunning';
import { buildAgencyCaseFile, buildFormalNoticePdf, formalNoticeFigures } from '../../../functions/core/letters';
import { pdfText, pdfTextRuns } from './pdf-text';

const creditor = {
  name: 'Atelier Dupont SAS',
  iban: 'FR7630006000011234567890189',
  bic: 'AGRIFRPP',
  address: ['12 rue des Lilas', '69003 Lyon'],
  legalIds: ['SIREN 123 456 789'],
  city: 'Lyon',
};
const debtor = { name: 'Boulangerie Martin', address: ['1 place du Marché', '75001 Paris'] };
const invoices = [
  {
    invoiceId: 'F-2025-0001',
    issueDate: '2025-05-15',
    dueDate: '2025-06-15',
    amountCents: 100_000,
    openCents: 100_000,
  },
  {
    invoiceId: 'F-2025-0002',
    issueDate: '2025-05-20',
    dueDate: '2025-06-15',
    amountCents: 250_000,
    openCents: 150_000,
  },
];
const rates = defaultRateTable;
const business = (principalCents: number) =>
  computeLatePenalties({ principalCents, dueDate: '2025-06-15', asOf: '2025-08-14', rates, debtor: 'business' });
// F-2025-0001: 540 + 1498 = 2038 cents (see the penalties tests); + 4000 indemnity
// F-2025-0002 on 1 500,00 €: 150000 x 1315 x 15 / 3 650 000 = 810.62 -> 811 ; 150000 x 1215 x 45 / 3 650 000 = 2246.92
// -> 2247 ; = 3058
// principal 2 500,00 € ; penalties 50,96 € ; indemnities 80,00 € ; total 2 630,96 €

describe('formal notice letter (PDF)', () => {
  it('adds up principal, penalties and indemnities per invoice', () => {
    const fig = formalNoticeFigures({ invoices, penalties: [business(100_000), business(150_000)], debtor });
    expect(fig).toMatchObject({
      principalCents: 250_000,
      interestCents: 5_096,
      indemnityCents: 8_000,
      totalCents: 263_096,
      business: true,
    });
  });

  it(
    'is a PDF stating the amounts, L441-10 penalties, the €40 indemnity per invoice, the deadline and the ' +
      'registered letter',
    async () => {
      const pdf = await buildFormalNoticePdf({
        language: 'fr',
        creditor,
        debtor,
        invoices,
        penalties: { 'F-2025-0001': business(100_000), 'F-2025-0002': business(150_000) },
        deadline: '2025-08-22',
        asOf: '2025-08-14',
      });
      expect(Buffer.from(pdf.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
      const text = pdfText(pdf);
      expect(text).toContain('LETTRE RECOMMANDÉE AVEC ACCUSÉ DE RÉCEPTION');
      expect(text).toContain('lettre recommandée avec accusé de réception');
      expect(text).toContain('Boulangerie Martin');
      expect(text).toContain('F-2025-0002');
      expect(text).toContain('1 500,00 €'); // narrow no-break spaces become plain spaces for WinAnsi
      expect(text).toContain('du 16/06/2025 au 30/06/2025');
      expect(text).toContain('13,15 %');
      expect(text).toContain('12,15 %');
      expect(text).toContain('du 01/07/2025 au 14/08/2025 45 12,15 % 14,98 €'); // second period of F-2025-0001
      expect(text).toContain('L441-10');
      expect(text).toContain('D441-5');
      expect(text).toContain('2 × 40 € = 80,00 €');
      expect(text).toContain('2 630,96 €');
      // posted when finance acts on the "to post" alert: the deadline runs from receipt, not from a fixed date
      expect(text).toContain('dans un délai de huit jours à compter de la réception de la présente');
      expect(text).not.toMatch(/au plus tard|22\/08\/2025/);
      expect(text).toContain('FR76 3000 6000 0112 3456 7890 189');
    },
  );

  it('for a consumer: legal-rate interest from the notice (Code civil 1231-6), no €40 indemnity', async () => {
    const p = computeLatePenalties({
      principalCents: 80_000,
      dueDate: '2025-03-01',
      asOf: '2025-05-10',
      rates,
      debtor: 'consumer',
      formalNoticeDate: '2025-04-10',
    });
    const pdf = await buildFormalNoticePdf({
      language: 'fr',
      creditor,
      debtor: { name: 'M. Jean Durand', address: ['3 rue Haute', '13001 Marseille'], isBusiness: false },
      invoices: [
        {
          invoiceId: 'F-2025-0100',
          issueDate: '2025-02-01',
          dueDate: '2025-03-01',
          amountCents: 80_000,
          openCents: 80_000,
        },
      ],
      penalties: [p],
      deadline: '2025-05-20',
      asOf: '2025-05-10',
    });
    const text = pdfText(pdf);
    expect(text).toContain('1231-6');
    expect(text).not.toContain('D441-5');
    expect(text).not.toContain('40 €');
    expect(text).toContain('802,44 €'); // 800,00 + 2,44
  });

  it('in English, and never throws on characters WinAnsi cannot encode', async () => {
    const pdf = await buildFormalNoticePdf({
      language: 'en',
      creditor,
      debtor: { name: 'Łódź Trading ✓', address: ['ul. Piotrkowska 1', '90-001 Łódź'] },
      invoices: [invoices[0]],
      penalties: [business(100_000)],
      deadline: '2025-08-22',
      asOf: '2025-08-14',
    });
    const text = pdfText(pdf);
    expect(text).toContain('Lódz Trading ?'); // Ł transliterated, ó kept (WinAnsi has it), ✓ has no equivalent
    expect(text).toContain('registered letter with acknowledgement of receipt');
    expect(text).toContain('€1,060.38');
    expect(text).toContain('within eight days of receipt of this notice');
    expect(text).not.toContain('22 Aug 2025');
  });

  it('refuses to build a letter without the penalties of every invoice', async () => {
    await expect(
      buildFormalNoticePdf({
        language: 'fr',
        creditor,
        debtor,
        invoices,
        penalties: [business(100_000)],
        deadline: '2025-08-22',
        asOf: '2025-08-14',
      }),
    ).rejects.toThrow(/F-2025-0002/);
  });
});

describe('agency case file', () => {
  it(
    'holds identity, contacts, invoices with penalties, the full history in time order and the formal notice, as ' +
      'JSON and PDF',
    async () => {
      const file = await buildAgencyCaseFile({
        language: 'fr',
        caseId: 'CASE-2025-0001',
        creditor,
        customer: {
          customerId: 'C-42',
          name: 'Boulangerie Martin',
          postalAddress: debtor.address,
          contacts: [
            { name: 'Mme Martin', email: 'compta@martin.example', phone: '+33 1 00 00 00 00', role: 'billing' },
          ],
        },
        invoices: invoices.map((i, k) => ({
          ...i,
          currency: 'EUR',
          status: 'open',
          penalties: business(k === 0 ? 100_000 : 150_000),
        })),
        history: [
          {
            at: '2025-07-01T06:30:00.000Z',
            invoiceId: 'F-2025-0001',
            kind: 'reminder_sent',
            detail: { level: 'reminder_2', channel: 'email', messageId: 'ses-2' },
          },
          {
            at: '2025-06-22T06:30:00.000Z',
            invoiceId: 'F-2025-0001',
            kind: 'reminder_sent',
            detail: { level: 'reminder_1', channel: 'email', messageId: 'ses-1' },
          },
          { at: '2025-07-20T09:12:00.000Z', kind: 'promise_broken', detail: {} },
        ],
        formalNotice: { reference: 'MED-F-2025-0001-20250725', date: '2025-07-25' },
        asOf: '2025-08-14',
      });
      const json = file.json as any;
      expect(json.debtor.contacts[0].email).toBe('compta@martin.example');
      expect(json.history.map((h: any) => h.detail.messageId ?? h.kind)).toEqual(['ses-1', 'ses-2', 'promise_broken']);
      expect(json.invoices.map((i: any) => i.claimCents)).toEqual([106_038, 157_058]);
      expect(json.totals).toEqual([
        { currency: 'EUR', principalCents: 250_000, interestCents: 5_096, indemnityCents: 8_000, totalCents: 263_096 },
      ]);
      expect(json.formalNotice.reference).toBe('MED-F-2025-0001-20250725');
      const text = pdfText(file.pdf);
      expect(Buffer.from(file.pdf.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
      expect(text).toContain('Dossier de recouvrement CASE-2025-0001');
      expect(text).toContain('2 630,96 €');
      expect(text).toContain('MED-F-2025-0001-20250725');
      expect(text).toContain('Relance envoyée – 2e relance, par e-mail');
      expect(text).toContain('Promesse de paiement non tenue');
      expect(text).toContain('facturation');
      expect(text).not.toMatch(/reminder_sent|promise_broken|billing/);
      expect(pdfTextRuns(file.pdf).length).toBeGreaterThan(20);
    },
  );
});

describe('a formal notice under a policy that waives interest or the indemnity', () => {
  const waived = (extra: { lateInterest?: 'none'; fixedIndemnity?: boolean }) =>
    computeLatePenalties({
      principalCents: 100_000,
      dueDate: '2026-03-01',
      asOf: '2026-04-01',
      rates,
      debtor: 'business',
      ...extra,
    });
  const letter = (language: 'fr' | 'en', penalties: ReturnType<typeof waived>) =>
    buildFormalNoticePdf({
      language,
      creditor,
      debtor: { name: 'ACME SARL', isBusiness: true, address: ['1 rue X', '75001 Paris'] },
      invoices: [
        { invoiceId: 'F-1', issueDate: '2026-02-01', dueDate: '2026-03-01', amountCents: 100_000, openCents: 100_000 },
      ],
      penalties: [penalties],
      deadline: '2026-04-09',
      asOf: '2026-04-01',
    }).then(pdfText);

  it('without interest, names no L441-10 penalty, no empty period row and no penalties still accruing', async () => {
    const fr = await letter('fr', waived({ lateInterest: 'none' }));
    expect(fr).not.toMatch(/des pénalités de retard sont dues|continuent de courir|Pénalités de retard/);
    expect(fr).not.toContain('—');
    expect(fr).toContain('1 040,00 €'); // principal + the €40 indemnity still claimed
    expect(fr).toContain('D441-5');
    const en = await letter('en', waived({ lateInterest: 'none' }));
    expect(en).not.toMatch(/late-payment penalties are due|continue to accrue|Late-payment penalties/);
    expect(en).toContain('€1,040.00');
  });

  it('without the indemnity, has no "40 € par facture" row at 0,00 €', async () => {
    const fr = await letter('fr', waived({ fixedIndemnity: false }));
    expect(fr).not.toMatch(/Indemnités forfaitaires|D441-5|(?<!\d)0,00 €/);
    expect(fr).toContain('continuent de courir');
    const en = await letter('en', waived({ fixedIndemnity: false }));
    expect(en).not.toMatch(/Fixed indemnities|D441-5|(?<!\d)0\.00/);
  });

  it('with both waived, claims the principal alone', async () => {
    const fr = await letter('fr', waived({ lateInterest: 'none', fixedIndemnity: false }));
    expect(fr).not.toMatch(/L441-10|pénalités|Indemnités|(?<!\d)0,00 €/i);
    expect(fr).toContain('la somme de 1 000,00 €');
  });
});

describe('the payment code printed on a formal notice', () => {
  const withPage = (language: 'fr' | 'en') =>
    buildFormalNoticePdf({
      language,
      creditor,
      debtor,
      invoices: [invoices[0]],
      penalties: [business(100_000)],
      deadline: '2025-08-22',
      asOf: '2025-08-14',
      customerPage: { url: 'https://pay.example.fr/c/s/abc', epcPayload: 'BCD\n002\n1\nSCT' },
    }).then(pdfText);

  it('says it pays the principal only, and that the penalties and the indemnity claimed remain due', async () => {
    expect(await withPage('fr')).toContain(
      'Le code de gauche paie le principal seul : les pénalités de retard et l’indemnité forfaitaire (60,38 €) ' +
        'restent dues',
    );
    expect(await withPage('en')).toContain(
      'The left code pays the principal only: the late-payment penalties and the fixed indemnity (€60.38) remain due',
    );
  });
});

describe('a formal notice after a partial payment received late', () => {
  it('claims penalties on each amount for the days it was owed, and shows the amount of each period', async () => {
    // 10 000 € due 15/01/2026; 6 000 € paid 01/03/2026; notice 15/04/2026 (the auditor's case): 207,72 €, not 119,84 €
    const penalties = computeLatePenalties({
      principalCents: 400_000,
      dueDate: '2026-01-15',
      asOf: '2026-04-15',
      rates,
      debtor: 'business',
      payments: [{ on: '2026-03-01', cents: 600_000 }],
    });
    const text = pdfText(
      await buildFormalNoticePdf({
        language: 'fr',
        creditor,
        debtor,
        invoices: [
          {
            invoiceId: 'F-2026-0001',
            issueDate: '2025-12-15',
            dueDate: '2026-01-15',
            amountCents: 1_000_000,
            openCents: 400_000,
          },
        ],
        penalties: [penalties],
        deadline: '2026-04-23',
        asOf: '2026-04-15',
      }),
    );
    expect(text).toMatch(/du 16\/01\/2026 au 28\/02\/2026\s+44\s+10\s000,00 €\s+12,15 %\s+146,47 €/);
    expect(text).toMatch(/du 01\/03\/2026 au 15\/04\/2026\s+46\s+4\s000,00 €\s+12,15 %\s+61,25 €/);
    expect(text).toContain('Pénalités de retard 207,72 €');
  });
});
