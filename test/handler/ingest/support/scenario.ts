/** Environment and data of the ingest handler tests (imported before the handler, which checks its settings). */
import { createHash } from 'node:crypto';
import type { Statement, StatementEntry } from '../../../../functions/core/model';

Object.assign(process.env, {
  AWS_REGION: 'eu-west-3',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  TABLE_NAME: 'encaisse-test',
  STATEMENTS_BUCKET: 'statements',
  SENDER_EMAIL: 'encaisse@example.com',
  FINANCE_EMAILS: 'finance@example.com',
  STATE_MACHINE_ARN: 'arn:aws:states:eu-west-3:123456789012:stateMachine:dunning',
  LOG_LEVEL: 'error',
});
for (const k of Object.keys(process.env)) if (k.startsWith('LOCAL_') && k.endsWith('_ENDPOINT')) delete process.env[k];

export const BUCKET = 'statements';
export const account = {
  iban: 'FR7630003012340001234567890',
  bankCode: '30003',
  branchCode: '01234',
  accountNumber: '00012345678',
};

export function entry(
  i: number,
  bookingDate: string,
  amountCents: number,
  label: string,
  remittance: string[] = [],
  extra: Partial<StatementEntry> = {},
): StatementEntry {
  return {
    index: i,
    bookingDate,
    valueDate: bookingDate,
    amountCents,
    currency: 'EUR',
    bankCodes: [],
    label,
    remittance: { unstructured: remittance, structured: [] },
    reversal: false,
    raw: [],
    ...extra,
  };
}

export function statement(entries: StatementEntry[], openingBalanceCents = 1_000_00): Statement {
  const total = entries.reduce((s, e) => s + e.amountCents, 0);
  const dates = entries.map((e) => e.bookingDate).sort();
  return {
    format: 'cfonb120',
    account,
    currency: 'EUR',
    periodStart: dates[0],
    periodEnd: dates[dates.length - 1],
    openingBalanceCents,
    closingBalanceCents: openingBalanceCents + total,
    entries: entries.map((e, i) => ({ ...e, index: i })),
    balanceCheck: { status: 'ok' },
  };
}

/** The SQS message S3 puts on the ingest queue for one object (key URL-encoded as S3 does). */
export function sqsEvent(key: string, messageId = 'm-1') {
  const encoded = key
    .split('/')
    .map((p) => encodeURIComponent(p).replace(/%20/g, '+'))
    .join('/');
  const body = JSON.stringify({
    Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: BUCKET }, object: { key: encoded } } }],
  });
  return { Records: [{ messageId, body }] };
}

export const sha256 = (text: string | Uint8Array) => createHash('sha256').update(text).digest('hex');

export const customer = {
  customerId: 'C-DUPONT',
  name: 'Ateliers Dupont SARL',
  isBusiness: true,
  segment: 'standard' as const,
  language: 'fr' as const,
  timeZone: 'Europe/Paris',
  contacts: [{ email: 'compta@dupont.example', role: 'billing' as const }],
  ibans: [],
  paymentTermsDays: 30,
  blockWhenOverLimit: false,
  reminderGrouping: 'per_customer' as const,
  postalAddress: [],
  version: 0,
};

export function invoice(invoiceId: string, cents: number) {
  return {
    invoiceId,
    customerId: 'C-DUPONT',
    amountCents: cents,
    openCents: cents,
    currency: 'EUR',
    issueDate: '2026-10-01',
    dueDate: '2026-10-31',
    status: 'open' as const,
  };
}
