import { describe, expect, it } from 'vitest';
import { computeLatePenalties, defaultRateTable } from '../../../functions/core/dunning';
import {
  digestIsWorthSending,
  maskIban,
  renderAgencyNotice,
  renderCallTask,
  renderFinanceAlert,
  renderFinanceDigest,
  renderFormalNoticeEmail,
} from '../../../functions/core/messages';

const creditor = { name: 'Atelier Dupont SAS', iban: 'FR7630006000011234567890189', bic: 'AGRIFRPP' };
const penalties = computeLatePenalties({
  principalCents: 100_000,
  dueDate: '2025-06-15',
  asOf: '2025-08-14',
  rates: defaultRateTable,
  debtor: 'business',
});

describe('formal notice email (one email, one PDF per invoice)', () => {
  const notices = [
    {
      invoiceId: 'F-2025-0001',
      amountCents: 100_000,
      openCents: 100_000,
      dueDate: '2025-06-15',
      currency: 'EUR',
      penalties,
      attachmentName: 'mise-en-demeure-F-2025-0001.pdf',
    },
    {
      invoiceId: 'F-2025-0002',
      amountCents: 100_000,
      openCents: 100_000,
      dueDate: '2025-06-15',
      currency: 'EUR',
      penalties,
      attachmentName: 'mise-en-demeure-F-2025-0002.pdf',
    },
  ];
  it('states principal, penalties, indemnity, total, deadline and the registered letter (FR)', () => {
    const m = renderFormalNoticeEmail({
      language: 'fr',
      customer: { name: 'Boulangerie Martin' },
      creditor,
      notices,
      deadline: '2025-08-22',
      asOf: '2025-08-14',
    });
    expect(m.subject).toBe('Atelier Dupont SAS – Mise en demeure de payer – factures F-2025-0001, F-2025-0002');
    // each: 1 000,00 principal + 20,38 penalties + 40,00 indemnity = 1 060,38; two invoices: 2 120,76
    expect(m.text).toMatch(/F-2025-0001.*1\u202f000,00\u00a0€\s+20,38\u00a0€\s+40,00\u00a0€\s+1\u202f060,38\u00a0€/);
    expect(m.text).toContain('2\u202f120,76\u00a0€');
    expect(m.text).toContain('dans un délai de huit jours à compter de la réception de la présente');
    expect(m.text).not.toContain('22/08/2025');
    expect(m.text).toContain('lettre recommandée avec accusé de réception');
    expect(m.text).toContain('L441-10');
    expect(m.text).toContain('mise-en-demeure-F-2025-0002.pdf');
  });
  const inEnglish = () =>
    renderFormalNoticeEmail({
      language: 'en',
      customer: { name: 'Martin Ltd' },
      creditor,
      notices: [notices[0]],
      deadline: '2025-08-22',
      asOf: '2025-08-14',
    });
  it('in English too', () => {
    const m = inEnglish();
    expect(m.subject).toBe('Atelier Dupont SAS – Formal notice to pay – invoice F-2025-0001');
    expect(m.text).toContain('registered letter with acknowledgement of receipt');
    expect(m.text).toContain('€1,060.38');
  });
  it('keeps the invoice number, its due date and the amounts of the table each on one line in HTML', () => {
    const cells = [...inEnglish().html.matchAll(/<td style="([^"]*)">(.*?)<\/td>/g)].map((c) => [c[2], c[1]]);
    const whole = cells.filter(([, style]) => style.includes('white-space:nowrap')).map(([text]) => text);
    expect(whole).toEqual(['F-2025-0001', '15 Jun 2025', '€1,000.00', '€20.38', '€40.00', '€1,060.38']);
  });
});

describe('call task for the account manager (one per customer per day)', () => {
  it('lists the customer’s invoices, total and contacts', () => {
    const m = renderCallTask({
      language: 'fr',
      accountManager: { name: 'Julie', email: 'julie@dupont.example' },
      customer: {
        customerId: 'C-9',
        name: 'Grand Compte SA',
        contacts: [{ name: 'M. Payeur', phone: '+33 1 23 45 67 89', role: 'accounts_payable' }],
      },
      items: [
        { invoiceId: 'F-2', openCents: 50_000, dueDate: '2026-11-10', daysLate: 13, currency: 'EUR' },
        { invoiceId: 'F-1', openCents: 25_000, dueDate: '2026-11-05', daysLate: 18, currency: 'EUR' },
      ],
      asOf: '2026-11-23',
      history: ['20/11/2026 relance e-mail envoyée'],
    });
    expect(m.subject).toBe('À appeler le 23/11/2026 : Grand Compte SA – 2 factures en retard, 750,00\u00a0€');
    expect(m.text.indexOf('F-1')).toBeLessThan(m.text.indexOf('F-2'));
    expect(m.text).toContain('+33 1 23 45 67 89');
    expect(m.html).toContain('Bonjour Julie,');
  });

  const callTask = (segment?: 'standard' | 'key_account' | 'b2c') =>
    renderCallTask({
      language: 'fr',
      customer: { customerId: 'C-7', name: 'Petit SARL', segment },
      items: [{ invoiceId: 'F-7', openCents: 10_000, dueDate: '2026-11-05', daysLate: 18, currency: 'EUR' }],
      asOf: '2026-11-23',
    }).text;

  it('calls the customer a key account only when it is one', () => {
    expect(callTask('key_account')).toContain('est un grand compte');
    for (const segment of ['standard', 'b2c', undefined] as const) {
      expect(callTask(segment)).not.toContain('grand compte');
      expect(callTask(segment)).toContain('Merci d’appeler aujourd’hui le client Petit SARL (C-7)');
    }
  });
});

describe('agency notice', () => {
  const input = {
    language: 'fr' as const,
    creditor,
    customer: { customerId: 'C-1', name: 'Mauvais Payeur SARL' },
    caseId: 'CASE-2026-0007',
    link: {
      url: 'https://bucket.example/case.json?X-Amz-Expires=604800&sig=a"b',
      expiresAt: '2026-11-30T10:00:00.000Z',
    },
    invoices: [{ invoiceId: 'F-1', openCents: 100_000, currency: 'EUR', dueDate: '2026-08-01', penaltiesCents: 6_038 }],
    asOf: '2026-11-23',
    formalNoticeDate: '2026-10-01',
  };
  it('carries the time-limited link with its expiry and the claim', () => {
    const m = renderAgencyNotice(input);
    expect(m.subject).toBe(
      'Nouveau dossier de recouvrement CASE-2026-0007 – Atelier Dupont SAS c/ Mauvais Payeur SARL',
    );
    expect(m.text).toContain(input.link.url);
    expect(m.text).toContain('30/11/2026 11:00 (heure de Paris)');
    expect(m.text).toContain('1\u202f060,38\u00a0€');
    expect(m.html).toContain('href="https://bucket.example/case.json?X-Amz-Expires=604800&amp;sig=a&quot;b"');
  });
  it('refuses a link that is not http(s)', () => {
    expect(() => renderAgencyNotice({ ...input, link: { ...input.link, url: 'javascript:alert(1)' } })).toThrow();
  });
});

describe('finance alerts and digest', () => {
  it('an alert never shows a full IBAN in its subject', () => {
    const m = renderFinanceAlert({
      kind: 'statement_rejected',
      title: 'relevé du compte FR76 3000 6000 0112 3456 7890 189 : soldes incohérents',
      occurredAt: '2026-11-23T07:02:00.000Z',
      details: [{ label: 'Écart', value: '12,00 €' }],
      action: 'Vérifier le fichier auprès de la banque',
    });
    expect(m.subject).not.toContain('3000 6000 0112 3456');
    expect(m.subject).toContain('FR76 **** **** **** **** ***0 189');
    expect(m.subject.startsWith('[encaisse] À corriger : relevé bancaire rejeté – ')).toBe(true);
    expect(m.text).toContain('À faire : Vérifier le fichier');
  });

  it('an alert says when it happened on the Paris wall clock, in summer and in winter', () => {
    const at = (occurredAt: string, language: 'fr' | 'en') =>
      renderFinanceAlert({ kind: 'workflow_failed', title: 'F-1', occurredAt, language }).text;
    expect(at('2026-11-23T07:02:00.000Z', 'fr')).toContain('Survenu le 23/11/2026 08:02 (heure de Paris)');
    expect(at('2026-07-01T22:30:00.000Z', 'en')).toContain('Occurred on 2 Jul 2026 00:30 (Paris time)');
  });

  it('masks an IBAN keeping country, check digits and the last four characters', () => {
    expect(maskIban('FR7630006000011234567890189')).toBe('FR76 **** **** **** **** ***0 189');
  });

  it('the digest says what was sent, what escalates tomorrow and what needs a person', () => {
    const m = renderFinanceDigest({
      language: 'en',
      date: '2026-11-23',
      sent: [
        {
          customerName: 'Martin',
          invoiceIds: ['F-1', 'F-2'],
          level: 'reminder_1',
          channel: 'email',
          totalCents: 150_000,
          currency: 'EUR',
        },
      ],
      escalatingTomorrow: [
        {
          customerName: 'Durand',
          invoiceId: 'F-9',
          level: 'formal_notice',
          openCents: 300_000,
          currency: 'EUR',
          requiresApproval: true,
        },
      ],
      needsPerson: [
        {
          customerName: 'Petit',
          invoiceId: 'F-5',
          reason: 'hard bounce on billing@petit.example FR7630006000011234567890189',
        },
      ],
      failures: [{ invoiceId: 'F-7', reason: 'workflow failed' }],
    });
    expect(m.subject).toBe('[encaisse] To do: 2 · 1 escalating tomorrow · 1 sent – dunning digest 23 Nov 2026');
    expect(m.text).toMatch(/Martin\s+1st reminder\s+e-mail\s+F-1, F-2\s+€1,500.00/);
    expect(m.text).toMatch(/Durand\s+F-9\s+Formal notice\s+€3,000.00\s+required/);
    expect(m.text).toContain('Failure F-7 – workflow failed');
  });

  it('the digest subject starts with what needs doing, in French', () => {
    const m = renderFinanceDigest({
      date: '2026-11-23',
      sent: [{ customerName: 'Martin', invoiceIds: ['F-1'], level: 'reminder_1', channel: 'email' }],
      escalatingTomorrow: [],
      needsPerson: [{ reason: 'a' }, { reason: 'b' }, { reason: 'c' }],
    });
    expect(m.subject).toBe('[encaisse] À traiter : 3 · 1 envoi – synthèse des relances du 23/11/2026');
    expect(m.text).toMatch(/Martin\s+1re relance\s+e-mail\s+F-1/);
  });

  it('a day where nothing went out, nothing escalates and nothing needs a person is not worth a digest', () => {
    const empty = { date: '2026-11-23', sent: [], escalatingTomorrow: [], needsPerson: [], failures: [] };
    expect(digestIsWorthSending(empty)).toBe(false);
    expect(digestIsWorthSending({ ...empty, failures: [{ reason: 'x' }] })).toBe(true);
    expect(digestIsWorthSending({ ...empty, needsPerson: [{ reason: 'x' }] })).toBe(true);
  });
});

describe('a formal notice e-mail under a policy that waives interest or the indemnity', () => {
  const notice = (extra: { lateInterest?: 'none'; fixedIndemnity?: boolean }) => ({
    invoiceId: 'F-1',
    amountCents: 100_000,
    openCents: 100_000,
    dueDate: '2026-03-01',
    currency: 'EUR',
    penalties: computeLatePenalties({
      principalCents: 100_000,
      dueDate: '2026-03-01',
      asOf: '2026-04-01',
      rates: defaultRateTable,
      debtor: 'business',
      ...extra,
    }),
  });
  const email = (language: 'fr' | 'en', extra: { lateInterest?: 'none'; fixedIndemnity?: boolean }) =>
    renderFormalNoticeEmail({
      language,
      customer: { name: 'ACME SARL', isBusiness: true },
      creditor,
      notices: [notice(extra)],
      deadline: '2026-04-09',
      asOf: '2026-04-01',
    });

  it('without interest, has no penalties column and does not cite L441-10 for penalties', () => {
    const fr = email('fr', { lateInterest: 'none' });
    expect(fr.text).not.toMatch(/Pénalités|L441-10/);
    expect(fr.text).toContain('D441-5');
    expect(fr.html).not.toContain('Pénalités');
    expect(email('en', { lateInterest: 'none' }).text).not.toMatch(/Penalties|penalties/);
  });

  it('without the indemnity, has no indemnity column at 0,00 €', () => {
    const fr = email('fr', { fixedIndemnity: false });
    expect(fr.text).not.toMatch(/Indemnité|indemnité|D441-5|(?<!\d)0,00 €/);
    expect(fr.text).toContain('L441-10');
    expect(email('en', { fixedIndemnity: false }).text).not.toMatch(/Indemnity|indemnity|(?<!\d)0\.00/);
  });
});

describe('what follows an unpaid formal notice', () => {
  it('the e-mail announces the same proceedings as the letter: order for payment or a collection agency', () => {
    const email = (language: 'fr' | 'en') =>
      renderFormalNoticeEmail({
        language,
        customer: { name: 'ACME SARL', isBusiness: true },
        creditor,
        notices: [
          {
            invoiceId: 'F-1',
            amountCents: 100_000,
            openCents: 100_000,
            dueDate: '2025-06-15',
            currency: 'EUR',
            penalties,
          },
        ],
        deadline: '2025-08-22',
        asOf: '2025-08-14',
      }).text;
    expect(email('fr')).toContain(
      'nous engagerons sans autre avis une procédure de recouvrement (injonction de payer ou recours à une société ' +
        'de recouvrement)',
    );
    expect(email('fr')).not.toContain('notre service de recouvrement');
    expect(email('en')).toContain('collection proceedings without further notice (order for payment or a collection');
  });
});
