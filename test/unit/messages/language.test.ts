import { describe, expect, it } from 'vitest';
import { computeLatePenalties, defaultRateTable } from '../../../functions/core/dunning';
import { buildAgencyCaseFile, buildFormalNoticePdf } from '../../../functions/core/letters';
import type { LegalIdentity } from '../../../functions/core/letters/identity';
import {
  approvalNeededAlert,
  caseWithdrawnAlert,
  handedOverAlert,
  type Language,
  maybeSentAlert,
  noticesToPostAlert,
  paymentCrossedAlert,
  type ReminderItem,
  type RenderedMessage,
  renderAgencyNotice,
  renderCallTask,
  renderCaseWithdrawal,
  renderFinanceAlert,
  renderFormalNoticeEmail,
  renderPaymentCrossed,
  renderReminder,
} from '../../../functions/core/messages';
import { pdfText } from '../letters/pdf-text';

/**
 * Every kind of message and document, rendered in both languages, read as its reader would: no code identifier
 * (snake_case), no raw cents, no ISO date, no word of the other language.
 */

const legal: LegalIdentity = {
  legalForm: 'SAS',
  shareCapitalCents: 1_000_000,
  siren: '123456782',
  siret: '12345678200002',
  rcsCity: 'Lyon',
  vatNumber: 'FR11123456782',
  registeredAddress: ['12 rue des Lilas', '69003 Lyon'],
  signatory: { name: 'Paul Dupont', title: 'Président' },
  accounting: { name: 'Anne Roux', email: 'compta@dupont.example', phone: '04 72 00 00 00' },
};
const creditor = {
  name: 'Atelier Dupont SAS',
  iban: 'FR7630006000011234567890189',
  bic: 'AGRIFRPP',
  address: legal.registeredAddress,
  legal,
  city: 'Lyon',
};
const business = { name: 'Boulangerie Martin' };
const consumer = { name: 'Léa Petit', isBusiness: false, civility: 'madame' as const, familyName: 'Petit' };
const address = ['1 place du Marché', '75001 Paris'];

/** Every amount of the fixtures, in cents: none may appear as a raw number. */
const CENTS = [120_000, 250_000, 200_000, 45_050, 9_990, 700_000, 3_058, 4_000];
const items: ReminderItem[] = [
  {
    invoiceId: 'F-2026-0101',
    level: 'reminder_1',
    amountCents: 120_000,
    openCents: 120_000,
    dueDate: '2026-01-10',
    daysLate: 13,
    currency: 'EUR',
  },
  {
    invoiceId: 'F-2026-0077',
    level: 'final_reminder',
    amountCents: 250_000,
    openCents: 200_000,
    dueDate: '2025-12-20',
    daysLate: 34,
    currency: 'EUR',
  },
  {
    invoiceId: 'F-2026-0088',
    level: 'reminder_2',
    amountCents: 45_050,
    openCents: 45_050,
    dueDate: '2026-01-02',
    daysLate: 21,
    currency: 'EUR',
  },
  {
    invoiceId: 'F-2026-0120',
    level: 'courtesy',
    amountCents: 9_990,
    openCents: 9_990,
    dueDate: '2026-01-26',
    daysLate: -3,
    currency: 'EUR',
  },
];
const asOf = '2026-01-23';
const penaltiesB = computeLatePenalties({
  principalCents: 200_000,
  dueDate: '2025-12-20',
  asOf,
  rates: defaultRateTable,
  debtor: 'business',
});
const penaltiesC = computeLatePenalties({
  principalCents: 200_000,
  dueDate: '2025-12-20',
  asOf,
  rates: defaultRateTable,
  debtor: 'consumer',
  formalNoticeDate: asOf,
});
const invoice = {
  invoiceId: 'F-2026-0077',
  issueDate: '2025-11-20',
  dueDate: '2025-12-20',
  amountCents: 250_000,
  openCents: 200_000,
  currency: 'EUR',
};

const text = (m: RenderedMessage) =>
  [
    m.subject,
    m.text,
    m.html
      .replace(/<[^>]+>/g, ' ')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&')
      .replace(/&quot;/g, '"'),
  ].join('\n');

async function everything(language: Language): Promise<Record<string, string>> {
  const at = '2026-01-23T07:30:00.000Z';
  const reminders = Object.fromEntries(
    items.map((i) => [
      `reminder ${i.level}`,
      text(renderReminder({ language, customer: business, creditor, items: [i], asOf, reminded: true })),
    ]),
  );
  const caseFile = await buildAgencyCaseFile({
    language,
    caseId: 'REC-F-2026-0077-20260123',
    creditor,
    customer: {
      customerId: 'C-42',
      name: business.name,
      postalAddress: address,
      contacts: [{ name: 'M. Martin', email: 'compta@martin.example', role: 'accounts_payable' }],
    },
    invoices: [{ ...invoice, status: 'open', penalties: penaltiesB }],
    history: [
      {
        at: '2025-12-01T06:30:00.000Z',
        invoiceId: 'F-2026-0077',
        kind: 'dunning_policy_pinned',
        detail: { policyId: 'standard', version: 1 },
      },
      {
        at: '2026-01-02T06:30:00.000Z',
        invoiceId: 'F-2026-0077',
        kind: 'reminder_sent',
        detail: { level: 'final_reminder', channel: 'email', messageId: 'ses-1' },
      },
      {
        at: '2026-01-10T06:30:00.000Z',
        invoiceId: 'F-2026-0077',
        kind: 'status_changed',
        detail: { from: 'open', to: 'in_collection' },
      },
      {
        at: '2026-01-11T06:30:00.000Z',
        invoiceId: 'F-2026-0077',
        kind: 'allocation',
        detail: { amountCents: 50_000, transactionId: 'T_1' },
      },
      {
        at: '2026-01-09T18:19:00.000Z',
        invoiceId: 'F-2026-0077',
        kind: 'formal_notice_sent',
        detail: {
          plannedAt: '2026-01-08T07:30:00.000Z',
          late: {
            minutes: 2089,
            reasons: ['step_ran_late', 'send_retried'],
            stepRanAt: '2026-01-09T18:10:00.000Z',
            attempts: 3,
          },
        },
      },
      {
        at: '2026-01-09T18:19:00.000Z',
        invoiceId: 'F-2026-0077',
        kind: 'reminder_sent',
        detail: {
          level: 'reminder_2',
          plannedAt: '2026-01-08T07:30:00.000Z',
          late: { minutes: 2089, reasons: ['unexplained'] },
        },
      },
      { at: '2026-01-12T06:30:00.000Z', invoiceId: 'F-2026-0077', kind: 'some_future_kind', detail: {} },
    ],
    formalNotice: { reference: 'MED-F-2026-0077-20260115', date: '2026-01-15' },
    asOf,
  });
  const notice = (penalties: typeof penaltiesB, debtor: typeof business | typeof consumer) =>
    buildFormalNoticePdf({
      language,
      creditor,
      debtor: { ...debtor, address },
      invoices: [invoice],
      penalties: [penalties],
      deadline: '2026-02-02',
      asOf,
      reminded: true,
    });
  const customer = { customerId: 'C-42', name: business.name };
  return {
    ...reminders,
    'grouped reminder': text(renderReminder({ language, customer: business, creditor, items, asOf, reminded: true })),
    'reminder recalling a level in force': text(
      renderReminder({
        language,
        customer: business,
        creditor,
        items: [items[0]],
        asOf,
        inForce: [
          {
            invoiceId: 'F-2026-0077',
            level: 'final_reminder',
            openCents: 200_000,
            currency: 'EUR',
            dueDate: '2025-12-20',
            since: '2026-01-02',
          },
          {
            invoiceId: 'F-2026-0050',
            level: 'agency_handoff',
            openCents: 3_058,
            currency: 'EUR',
            dueDate: '2025-11-02',
          },
        ],
      }),
    ),
    'first reminder of a consumer': text(
      renderReminder({ language, customer: consumer, creditor, items: [items[1]], asOf }),
    ),
    'formal notice e-mail': text(
      renderFormalNoticeEmail({
        language,
        customer: business,
        creditor,
        notices: [{ ...invoice, penalties: penaltiesB, attachmentName: 'MED-F-2026-0077-20260123.pdf' }],
        deadline: '2026-02-02',
        asOf,
        reminded: true,
      }),
    ),
    'formal notice e-mail to a consumer': text(
      renderFormalNoticeEmail({
        language,
        customer: consumer,
        creditor,
        notices: [{ ...invoice, penalties: penaltiesC }],
        deadline: '2026-02-02',
        asOf,
        byRegisteredLetter: false,
      }),
    ),
    'call task': text(
      renderCallTask({
        language,
        customer: { ...customer, contacts: [{ name: 'M. Martin', phone: '01 00 00 00 00', role: 'billing' }] },
        items: [{ ...items[1] }],
        asOf,
      }),
    ),
    'agency notice': text(
      renderAgencyNotice({
        language,
        creditor,
        customer,
        caseId: 'REC-1',
        link: { url: 'https://docs.example/case.pdf', expiresAt: at },
        invoices: [{ ...invoice, penaltiesCents: penaltiesB.totalCents }],
        asOf,
        formalNoticeDate: '2026-01-15',
      }),
    ),
    'case withdrawal': text(
      renderCaseWithdrawal({
        language,
        creditor,
        customer,
        caseId: 'REC-1',
        invoices: [invoice],
        settledOn: asOf,
        reason: 'paid',
      }),
    ),
    'payment crossed a reminder': text(
      renderPaymentCrossed({
        language,
        creditor,
        customer: consumer,
        invoices: [invoice],
        messageKind: 'reminder',
        sentOn: asOf,
      }),
    ),
    'payment crossed a formal notice': text(
      renderPaymentCrossed({
        language,
        creditor,
        customer: business,
        invoices: [invoice, { ...invoice, invoiceId: 'F-2026-0078' }],
        messageKind: 'formal_notice',
        sentOn: asOf,
      }),
    ),
    'approval task': text(
      renderFinanceAlert(
        approvalNeededAlert({
          language,
          customer,
          invoiceId: 'F-2026-0077',
          level: 'formal_notice',
          openCents: 700_000,
          currency: 'EUR',
          at,
        }),
      ),
    ),
    'handoff alert': text(
      renderFinanceAlert(
        handedOverAlert({
          language,
          invoiceId: 'F-2026-0077',
          at,
          figures: { caseId: 'REC-1', openCents: 700_000, penaltiesCents: 3_058, currency: 'EUR' },
          noticeInDoubt: true,
        }),
      ),
    ),
    'payment crossed alert': text(
      renderFinanceAlert(
        paymentCrossedAlert({
          language,
          customer,
          invoiceIds: ['F-2026-0077'],
          messageKind: 'formal_notice',
          sentOn: asOf,
          at,
        }),
      ),
    ),
    'notices to post': text(
      renderFinanceAlert(
        noticesToPostAlert({
          language,
          customer,
          notices: [{ invoiceId: 'F-2026-0077', reference: 'MED-1' }],
          deadline: '2026-02-02',
          emailed: true,
          postal: true,
          at,
        }),
      ),
    ),
    'postal address missing': text(
      renderFinanceAlert(
        noticesToPostAlert({
          language,
          customer,
          notices: [{ invoiceId: 'F-2026-0077', reference: 'MED-1' }],
          deadline: '2026-02-02',
          emailed: false,
          postal: false,
          at,
        }),
      ),
    ),
    'case withdrawn alert': text(
      renderFinanceAlert(
        caseWithdrawnAlert({
          language,
          invoiceId: 'F-2026-0077',
          customerName: 'Boulangerie Martin',
          caseId: 'REC-1',
          reason: 'credited',
          agencyTold: false,
          at,
        }),
      ),
    ),
    'maybe sent task': text(
      renderFinanceAlert(
        maybeSentAlert({
          language,
          messageKind: 'formal_notice',
          customerId: 'C-42',
          invoiceIds: ['F-2026-0077'],
          to: ['compta@martin.example'],
          since: at,
          at,
        }),
      ),
    ),
    'maybe sent task of a finance alert': text(
      renderFinanceAlert(
        maybeSentAlert({
          language,
          messageKind: 'alert_formal_notice_to_post',
          customerId: 'C-42',
          invoiceIds: [],
          to: ['finance@dupont.example'],
          since: at,
          at,
        }),
      ),
    ),
    'formal notice PDF': pdfText(await notice(penaltiesB, business)),
    'formal notice PDF to a consumer': pdfText(await notice(penaltiesC, consumer)),
    'agency case file PDF': pdfText(caseFile.pdf),
  };
}

/** Words that give the other language away (never found in the fixtures' names or addresses). */
const otherLanguage: Record<Language, RegExp> = {
  fr: /\b(the|and|your|our|please|invoices?|payment|with|from|amount|due date|reminder)\b/i,
  en: new RegExp(
    '\\b(vous|nous|votre|notre|factures?|relances?|règlement|avec|pour|merci|montant|échéance|pénalités|demeure|' +
      'le|les|des|du)\\b',
    'i',
  ),
};

function problems(content: string, language: Language): string[] {
  const found: string[] = [];
  const code = content.match(/\b[a-z]+(?:_[a-z0-9]+)+\b/);
  if (code) found.push(`code identifier "${code[0]}"`);
  if (/\d\s*cents?\b|\(cents\)/i.test(content)) found.push('an amount in cents');
  for (const c of CENTS) if (new RegExp(`(?<!\\d)${c}(?!\\d)`).test(content)) found.push(`raw cents ${c}`);
  const iso = content.match(/\b\d{4}-\d{2}-\d{2}\b/);
  if (iso) found.push(`ISO date ${iso[0]}`);
  // The English documents quote no French address of the debtor: strip the fixtures' addresses before the word check.
  const words = content.replace(/1 place du Marché|12 rue des Lilas|rue des Lilas/g, '');
  const other = words.match(otherLanguage[language]);
  if (other)
    found.push(
      `word of the other language "${other[0]}" in …${words.slice(Math.max(0, other.index! - 40), other.index! + 40)}…`,
    );
  return found;
}

describe('every message and document speaks its reader’s language in plain words', () => {
  for (const language of ['fr', 'en'] as const) {
    it(
      `in ${language === 'fr' ? 'French' : 'English'}: no code identifier, raw cents, ISO date or word of the ` +
        `other language`,
      async () => {
        const docs = await everything(language);
        expect(Object.keys(docs).length).toBeGreaterThanOrEqual(20);
        const found = Object.entries(docs).flatMap(([name, content]) =>
          problems(content, language).map((p) => `${name}: ${p}`),
        );
        expect(found).toEqual([]);
      },
    );
  }

  it('the checker itself catches each kind of leak', () => {
    expect(problems('Approbation requise : formal_notice', 'fr')).toEqual(['code identifier "formal_notice"']);
    expect(problems('reste dû : 700000 cents', 'fr')).toHaveLength(2);
    expect(problems('échéance 2026-01-23', 'fr')).toEqual(['ISO date 2026-01-23']);
    expect(problems('Approve by resuming the invoice', 'fr')).toHaveLength(1);
    expect(problems('Final reminder: merci', 'en')).toHaveLength(1);
  });
});
