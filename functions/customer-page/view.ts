import { randomUUID } from 'node:crypto';
import { localDate } from '../core/calendar/time-zone';
import {
  type CustomerPageData,
  type FormErrorCode,
  financePromiseUntil,
  isCustomerPromise,
  type PageInvoice,
  pagePenalties,
} from '../core/customer-page';
import { addDays, type IsoDate } from '../core/dates';
import { levelRank, type Policy } from '../core/dunning/policy';
import type { Customer, Invoice } from '../core/model';
import { formTokenFor } from '../core/payments/customer-link';
import { epcTransferFor } from '../core/payments/epc-transfer';
import { qrSvg } from '../core/payments/qr-image';
import type { Access } from './access';
import type { Creditor, PageDeps } from './deps';

/** The furthest date the customer may promise: the policy's limit (the admin API lets finance go up to a year). */
export function latestPromiseDate(today: IsoDate, policy: Policy): IsoDate {
  return addDays(today, policy.customerPromiseMaxDays);
}

/**
 * The promise chain a new promise of the customer's would extend: the earliest of the customer's promise pauses still
 * recorded on the invoices it would pause (its `since` is kept through renewals), and the latest date a renewal may
 * reach, the policy's days from that first promise. undefined when the customer has no promise recorded (a first
 * promise, even over one finance recorded).
 */
export function promiseChain(
  invoices: Invoice[],
  customer: Customer,
  policy: Policy,
): { firstPromisedOn: IsoDate; previousPromisedFor?: IsoDate; renewalLimit: IsoDate } | undefined {
  // finance's own promise pauses are no link of the customer's chain (`isCustomerPromise`)
  const promised = invoices.filter((i) => isCustomerPromise(i.pause));
  if (promised.length === 0) return undefined;
  const first = promised.reduce((a, b) => ((b.pause?.since ?? '') < (a.pause?.since ?? '') ? b : a));
  const firstPromisedOn = todayOf(customer, new Date(first.pause?.since ?? ''));
  return {
    firstPromisedOn,
    previousPromisedFor: first.pause?.until,
    renewalLimit: addDays(firstPromisedOn, policy.customerPromiseMaxDays),
  };
}

export type OpenAccess = Extract<Access, { ok: true }>;

/** A dispute or a hand pause outranks a date: the customer's promise or reported payment leaves them as they are. */
export const promisable = (i: Invoice) => i.pause === undefined || i.pause.reason === 'promise';

export function todayOf(customer: Customer, now: Date): IsoDate {
  return localDate(now, customer.timeZone || 'Europe/Paris');
}

/** What the page shows a customer: the invoices still owed, with what the letters would claim, and how to pay. */
export async function pageData(
  access: OpenAccess,
  token: string,
  deps: PageDeps,
  extra: {
    errors?: Record<string, FormErrorCode>;
    notice?: CustomerPageData['notice'];
    pay?: string;
    values?: Record<string, string>;
  } = {},
): Promise<CustomerPageData> {
  const { customer } = access;
  const today = todayOf(customer, deps.now());
  const invoices = await deps.owedInvoices(customer.customerId);
  const policy = await deps.policyFor(customer);
  const rows = await Promise.all(invoices.map((i) => pageInvoice(i, customer, today, deps, policy)));
  const renewalLimit = promiseChain(invoices.filter(promisable), customer, policy)?.renewalLimit;
  const latest = latestPromiseDate(today, policy);
  const creditor = deps.creditor();
  const base = `/c/${token}`;
  return {
    language: customer.language,
    today,
    customerName: customer.name,
    creditor,
    invoices: rows,
    transfer: await transferOf(invoices, creditor, extra.pay, customer.language),
    pageUrl: base,
    formToken: formTokenFor(access.claims.linkId, access.keys[0]),
    nonce: randomUUID(),
    actions: { paid: `${base}/paid`, dispute: `${base}/dispute`, promise: `${base}/promise` },
    latestPromiseDate: renewalLimit !== undefined && renewalLimit < latest ? renewalLimit : latest,
    errors: extra.errors,
    values: extra.values,
    notice: extra.notice,
    ...(extra.notice === 'donePromise' ? { promiseHeld: promiseHeld(invoices, today) } : {}),
  };
}

/**
 * After a promise, the invoices whose promise pause finance set still runs later than today (a customer's promise
 * never shortens it, so it runs at least to the customer's date), by date; and whether others carry the customer's.
 */
function promiseHeld(invoices: Invoice[], today: IsoDate): CustomerPageData['promiseHeld'] {
  const byDate = new Map<IsoDate, string[]>();
  for (const i of invoices) {
    const until = financePromiseUntil(i.pause);
    if (until !== undefined && until > today) byDate.set(until, [...(byDate.get(until) ?? []), i.invoiceId]);
  }
  const held = [...byDate].sort(([a], [b]) => a.localeCompare(b)).map(([until, ids]) => ({ until, invoices: ids }));
  return { held, others: invoices.some((i) => isCustomerPromise(i.pause)) };
}

async function pageInvoice(
  invoice: Invoice,
  customer: Customer,
  today: IsoDate,
  deps: PageDeps,
  policy: Awaited<ReturnType<PageDeps['policyFor']>>,
): Promise<PageInvoice> {
  // Penalties are shown once the letters claim them: from the formal notice on.
  const claimed = invoice.dunningLevel !== undefined && levelRank(invoice.dunningLevel) >= levelRank('formal_notice');
  const penalties = claimed
    ? pagePenalties(invoice, customer, policy, today, await deps.rates(), await deps.paymentsOf(invoice.invoiceId))
    : undefined;
  return {
    number: invoice.invoiceId,
    issueDate: invoice.issueDate,
    dueDate: invoice.dueDate,
    openCents: invoice.openCents,
    currency: invoice.currency,
    level: invoice.dunningLevel,
    penaltiesCents: penalties?.interestCents,
    indemnityCents: penalties?.indemnityCents,
    interestPending: penalties?.interestPending,
    pdfUrl: invoice.pdfKey ? await deps.pdfLink(invoice.pdfKey) : undefined,
  };
}

/** The code for everything owed, or for the one owed invoice `pay` names (any other value is ignored). */
async function transferOf(
  invoices: Invoice[],
  creditor: Creditor,
  pay: string | undefined,
  language: CustomerPageData['language'],
): Promise<CustomerPageData['transfer']> {
  const one = invoices.find((i) => i.invoiceId === pay && i.currency === 'EUR' && i.openCents > 0);
  const transfer = epcTransferFor(one ? [one] : invoices, creditor, language);
  return (
    transfer && {
      qrSvg: await qrSvg(transfer.payload),
      amountCents: transfer.amountCents,
      reference: transfer.reference,
      remittance: transfer.remittance,
      invoice: one?.invoiceId,
    }
  );
}
