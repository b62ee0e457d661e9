import { describe, expect, it } from 'vitest';
import { computeLatePenalties, defaultRateTable } from '../../../functions/core/dunning';
import type { Anomaly, IngestSummary } from '../../../functions/core/ingest/summary';
import { buildAgencyCaseFile, buildFormalNoticePdf } from '../../../functions/core/letters';
import type { LegalIdentity } from '../../../functions/core/letters/identity';
import {
  approvalNeededAlert,
  bounceAlert,
  caseWithdrawnAlert,
  customerAnswerAlert,
  einvoiceRejectedAlert,
  handedOverAlert,
  type Language,
  maybeSentAlert,
  noticeClaimsUnpaidAlert,
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
  statementProcessedAlert,
  statementRejectedAlert,
  statementStuckAlert,
  workflowFailedAlert,
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
const CENTS = [120_000, 250_000, 200_000, 45_050, 9_990, 700_000, 3_058, 4_000, 1_200];
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

/** What the bank statement of the fixtures held: every kind of anomaly, amounts as the summary writes them. */
const account = 'FR7630006000011234567890189';
const txn = (date: string) => `${account}:${date}:0f3c9a7be2d14c5a8e6b1d2f3a4b5c6d`;
const anomalies: Anomaly[] = [
  {
    kind: 'unknown_credit',
    transactionId: txn('2026-01-12'),
    date: '2026-01-12',
    amount: '1234.56',
    label: 'VIR SEPA X',
  },
  {
    kind: 'returned_payment',
    transactionId: txn('2026-01-13'),
    date: '2026-01-13',
    amount: '-450.50',
    label: 'RET PRLV',
    reopened: ['F-2026-0088'],
  },
  {
    kind: 'returned_payment',
    transactionId: txn('2026-01-14'),
    date: '2026-01-14',
    amount: '-99.90',
    label: 'IMPAYE',
    reopened: [],
    // as the matcher describes them (core/matching/returns.ts describePayment)
    candidates: [
      `transaction ${txn('2026-01-02')} of 2026-01-02, 99.90 lettered to F-2026-0090 (same payer account)`,
      `transaction ${txn('2026-01-03')} of 2026-01-03, 99.90 lettered to F-2026-0091 (end-to-end id E2E-1; same ` +
        'payer name; quotes its text "ACOMPTE")',
    ],
  },
  {
    kind: 'returned_payment',
    transactionId: txn('2026-01-14'),
    date: '2026-01-14',
    amount: '-120.00',
    label: 'REJET VIR',
    reopened: [],
    // its payment was only suggested (returns.ts describeUnlettered)
    candidates: [`transaction ${txn('2026-01-04')} of 2026-01-04, 120.00, not lettered`],
  },
  {
    kind: 'returned_payment',
    transactionId: txn('2026-01-13'),
    date: '2026-01-13',
    amount: '-80.00',
    label: 'REJET SEPA',
    reopened: [],
    // its payment, of the same file, only suggested and the one candidate: out of the review queue (returnedBy)
    candidates: [`transaction ${txn('2026-01-05')} of 2026-01-05, 80.00, not lettered`],
    withdrawn: true,
  },
  {
    kind: 'to_review',
    transactionId: txn('2026-01-15'),
    date: '2026-01-15',
    amount: '700.00',
    label: 'MARTIN',
    suggestions: 2,
  },
  { kind: 'allocation_refused', transactionId: txn('2026-01-16'), reason: 'already matched: undo the match first' },
  { kind: 'texts_cut', transactionId: txn('2026-01-17'), date: '2026-01-17', amount: '120.00', cutChars: 598_030 },
  {
    kind: 'identity_conflict',
    transactionId: txn('2026-01-17'),
    date: '2026-01-17',
    amount: '30.58',
    stored: `2026-01-18 40.00 (${account})`,
  },
  {
    kind: 'day_inconsistent',
    account,
    date: '2026-01-19',
    reason: 'this file holds 3 movement(s) totalling 12.00 on this day, an earlier file 2 totalling 10.00: check',
    figures: { entries: 3, totalCents: 1_200, earlierEntries: 2, earlierTotalCents: 1_000, newEntries: 1 },
  },
  {
    kind: 'day_inconsistent',
    account,
    date: '2026-01-20',
    reason: 'an earlier file held this whole day (2 movement(s), 10.00) yet 1 movement(s) of this file were new',
    figures: { entries: 2, totalCents: 1_000, earlierEntries: 2, earlierTotalCents: 1_000, newEntries: 1 },
  },
  { kind: 'day_inconsistent', account, date: '2026-01-21', reason: 'stored before the figures were kept' },
];
const summary: IngestSummary & { omittedAnomalies?: number } = {
  fileName: 'releve-janvier.cfo',
  format: 'cfonb120',
  accounts: [account],
  period: { from: '2026-01-01', to: '2026-01-31' },
  counts: {
    entries: 42,
    newTransactions: 40,
    duplicates: 2,
    matched: 30,
    suggested: 1,
    unmatched: 3,
    ignored: 6,
    reversals: 2,
  },
  autoMatchRate: 0.88,
  anomalies,
  omittedAnomalies: 12,
};
const executionArn = 'arn:aws:states:eu-west-3:123456789012:execution:EncaisseDunning:inv-F-2026-0077-g2';

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
    'formal notice claims unpaid alert': text(
      renderFinanceAlert(
        noticeClaimsUnpaidAlert({
          language,
          customer: { ...customer, isBusiness: true },
          invoiceId: 'F-2026-0077',
          currency: 'EUR',
          received: { cents: 700_000, on: asOf },
          notice: { reference: 'MED-F-2026-0077', on: asOf, interestCents: 3_058, indemnityCents: 4_000 },
          at,
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
    'bounce alert': text(
      renderFinanceAlert(
        bounceAlert({
          language,
          customer,
          refused: ['compta@martin.example'],
          complained: [],
          messageId: '0102019ab1c2d3e4-5f6a7b8c-0000-0000-0000-000000000000-000000',
          invoiceIds: ['F-2026-0077', 'F-2026-0088'],
          at,
        }),
      ),
    ),
    'complaint alert': text(
      renderFinanceAlert(
        bounceAlert({
          language,
          customer: { customerId: 'C-42' },
          refused: [],
          complained: ['compta@martin.example'],
          messageId: 'ses-2',
          invoiceIds: ['F-2026-0077'],
          at,
        }),
      ),
    ),
    'workflow failure alert': text(
      renderFinanceAlert(
        workflowFailedAlert({
          language,
          invoiceId: 'F-2026-0077',
          executionArn,
          timedOut: false,
          error: 'UnknownRateError',
          at,
        }),
      ),
    ),
    'workflow timeout alert, invoice unknown': text(
      renderFinanceAlert(workflowFailedAlert({ language, executionArn, timedOut: true, at })),
    ),
    'statement rejected alert': text(
      renderFinanceAlert(
        statementRejectedAlert({
          language,
          fileName: 'releve-janvier.cfo',
          rejectedKey: 'rejected/releve-janvier.cfo',
          error: {
            code: 'balance_mismatch',
            element: `statement 1 (account ${account})`,
            message: 'balances do not add up: opening + entries = 1234.56, stated closing 1334.56 (difference 100.00)',
          },
          at,
        }),
      ),
    ),
    'statement rejected alert, parser error': text(
      renderFinanceAlert(
        statementRejectedAlert({
          language,
          fileName: 'releve.sta',
          rejectedKey: 'rejected/releve.sta',
          error: { code: 'invalid_date', line: 12, element: ':61:', message: 'invalid value date 261332 (line 12)' },
          at,
        }),
      ),
    ),
    'statement stuck alert': text(
      renderFinanceAlert(
        statementStuckAlert({
          language,
          sourceKey: 'inbox/releve-janvier.cfo',
          receivedAt: '2026-01-22T16:05:00.000Z',
          checksum: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
          at,
        }),
      ),
    ),
    'statement processed alert': text(
      renderFinanceAlert(statementProcessedAlert({ language, summary: { ...summary, anomalies: [] }, at })),
    ),
    'statement processed alert with anomalies': text(
      renderFinanceAlert(statementProcessedAlert({ language, summary, at })),
    ),
    ...Object.fromEntries(
      (
        [
          {
            kind: 'payment_reported',
            paidOn: '2026-01-21',
            amountCents: 700_000,
            remindersWaitUntil: '2026-01-28',
            pausedInvoiceIds: ['F-2026-0070'],
            owedCents: 900_000,
          },
          {
            kind: 'dispute_opened',
            invoiceId: 'F-2026-0077',
            reason: 'Livraison incomplète',
            documentKey: 'disputes/F-2026-0077/bon.pdf',
          },
          { kind: 'payment_promised', promisedFor: '2026-02-15' },
        ] as const
      ).map((answer) => [
        `customer answer ${answer.kind.replace('_', ' ')}`,
        text(renderFinanceAlert(customerAnswerAlert({ language, customer, linkId: 'lnk-7f3a', answer, at }))),
      ]),
    ),
    'e-invoice rejected alert': text(
      renderFinanceAlert(
        einvoiceRejectedAlert({
          language,
          fileName: 'commande.xml',
          storedKey: 'invoices/rejected/9f86d0/commande.xml',
          code: 'not_an_invoice',
          at,
        }),
      ),
    ),
    'e-invoice rejected alert, a plain PDF': text(
      renderFinanceAlert(
        einvoiceRejectedAlert({
          language,
          fileName: 'scan.pdf',
          storedKey: 'invoices/rejected/9f86d0/scan.pdf',
          code: 'no_invoice_attachment',
          at,
        }),
      ),
    ),
    'e-invoice rejected alert, invalid data': text(
      renderFinanceAlert(
        einvoiceRejectedAlert({
          language,
          fileName: 'F-2026-0077.xml',
          storedKey: 'invoices/rejected/9f86d0/F-2026-0077.xml',
          invoiceId: 'F-2026-0077',
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
  fr: new RegExp(
    '\\b(the|and|your|our|please|invoices?|payment|with|from|amount|due date|reminder|customer|bounce|complaint|' +
      'error|unknown|entries|statement|received|reason)\\b',
    'i',
  ),
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
  const plain = content.match(
    language === 'fr' ? /(?<![\d.,])-?\d+\.\d{2}(?![\d.,])/ : /(?<![\d.,])-?\d+,\d{2}(?![\d.,])/,
  );
  if (plain) found.push(`unformatted amount ${plain[0]}`);
  // The English documents quote no French address of the debtor: strip the fixtures' addresses before the word check.
  // A path (a file's S3 key) is a technical reference, named as it is in the bucket: left out of the word check.
  const words = content.replace(/1 place du Marché|12 rue des Lilas|rue des Lilas/g, '').replace(/\S+\/\S+/g, ' ');
  const other = words.match(otherLanguage[language]);
  if (other)
    found.push(
      `word of the other language "${other[0]}" in …${words.slice(Math.max(0, other.index! - 40), other.index! + 40)}…`,
    );
  return found;
}

describe('the statement alert', () => {
  /** The line of the finance mail about the entry whose label is `label`. */
  const line = (label: string, language: Language) =>
    renderFinanceAlert(statementProcessedAlert({ language, summary, at: '2026-01-23T07:30:00.000Z' }))
      .text.split('\n')
      .find((l) => l.includes(label));

  it('tells finance which payment a return gives back when that one was not lettered, and not to letter it', () => {
    expect(line('REJET VIR', 'fr')).toContain(
      'paiement d’origine non lettré, rien n’a été rouvert ; ne pas lettrer : l’opération du 04/01/2026 de ' +
        '120,00\u00a0€, non lettrée',
    );
    expect(line('REJET VIR', 'en')).toContain(
      'original payment not lettered, nothing reopened; do not letter: the entry of 4 Jan 2026 of €120.00, not ' +
        'lettered',
    );
  });

  it('tells finance that the payment a return gives back, not lettered, is marked returned for good', () => {
    expect(line('REJET SEPA', 'fr')).toContain(
      'paiement d’origine non lettré, rien n’a été rouvert : l’opération du 05/01/2026 de 80,00\u00a0€, non ' +
        'lettrée, est marquée rendue par la banque et ne pourra plus être lettrée',
    );
    expect(line('REJET SEPA', 'en')).toContain(
      'original payment not lettered, nothing reopened: the entry of 5 Jan 2026 of €80.00, not lettered, is marked ' +
        'as returned by the bank and can no longer be lettered',
    );
  });
});

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
    expect(problems('crédit inconnu 1234.56', 'fr')).toEqual(['unformatted amount 1234.56']);
    expect(problems('amount 1234,56', 'en')).toEqual(['unformatted amount 1234,56']);
    expect(problems('Approve by resuming the invoice', 'fr')).toHaveLength(1);
    expect(problems('Final reminder: merci', 'en')).toHaveLength(1);
    expect(problems('Fichier conservé sous : invoices/rejected/a.xml', 'fr')).toEqual([]);
    expect(problems('Motif / reason', 'fr')).toHaveLength(1);
  });
});
