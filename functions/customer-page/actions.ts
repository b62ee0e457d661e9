/**
 * The three answers a customer posts from the page. Each one changes the invoices' pause the way finance's own
 * routes do (functions/api/routes/invoices.ts: the same `pause` on the invoice, which the workflow re-checks before
 * every step and parks on; a promise's date ends it), records it in each invoice's history with the time and the
 * link it came from, and tells finance.
 */
import { addBusinessDays } from '../core/calendar/business-days';
import {
  coveredByReportedPayment,
  customerPromisePause,
  DISPUTE_FILE_EXTENSIONS,
  type DisputeFileType,
  disputeFileTypeOf,
  disputeForm,
  type FormContext,
  type FormErrorCode,
  formErrors,
  paidForm,
  promiseForm,
} from '../core/customer-page';
import type { IsoDate } from '../core/dates';
import { type CustomerAnswer, customerAnswerAlert } from '../core/messages/customer-answers';
import { formatDate } from '../core/messages/format';
import type { Invoice, InvoicePause } from '../core/model';
import { formatMoney } from '../core/money';
import type { InvoiceChange, PageDeps } from './deps';
import type { UploadedFile } from './request';
import { latestPromiseDate, type OpenAccess, promisable, promiseChain, todayOf } from './view';

/** Business days reminders wait for a payment the customer reported to reach the bank statement. */
export const REPORTED_PAYMENT_WAIT_BUSINESS_DAYS = 3;

/** The file name a dispute keeps (the schema's limit): a longer one is cut to its last characters. */
const MAX_FILE_NAME_CHARS = 200;

export type ActionResult = { ok: true } | { ok: false; errors: Record<string, FormErrorCode> };

interface Context {
  access: OpenAccess;
  deps: PageDeps;
  invoices: Invoice[];
  form: FormContext;
  /** The promise still recorded that a new promise or reported payment extends (see `promiseChain`). */
  chain: ReturnType<typeof promiseChain>;
  at: string;
}

async function contextOf(access: OpenAccess, deps: PageDeps): Promise<Context> {
  const now = deps.now();
  const today = todayOf(access.customer, now);
  const invoices = await deps.owedInvoices(access.customer.customerId);
  const policy = await deps.policyFor(access.customer);
  const chain = promiseChain(invoices.filter(promisable), access.customer, policy);
  const form = {
    today,
    invoiceNumbers: invoices.map((i) => i.invoiceId),
    latestPromiseDate: latestPromiseDate(today, policy),
    renewalLimit: chain?.renewalLimit,
  };
  return { access, deps, invoices, form, chain, at: now.toISOString() };
}

const actorOf = (c: Context) => `customer:${c.access.customer.customerId}`;

/**
 * The change that sets the pause of one invoice (marked as the customer's unless it is finance's, kept as it was) and
 * records why, with the link it came from.
 */
function pauseOf(
  c: Context,
  invoice: Invoice,
  pause: InvoicePause,
  kind: string,
  detail: Record<string, unknown>,
): InvoiceChange {
  const { version: _v, ...rest } = invoice;
  return {
    current: invoice,
    next: { ...rest, pause: pause === invoice.pause ? pause : { ...pause, by: 'customer' } },
    event: {
      at: c.at,
      kind,
      actor: actorOf(c),
      detail: { ...detail, linkId: c.access.claims.linkId, via: 'customer_page' },
    },
  };
}

/** An answer's pauses, saved together: all or none (a conflict on one leaves every invoice as it was). */
async function savePauses(c: Context, changes: InvoiceChange[]): Promise<void> {
  if (changes.length) await c.deps.saveInvoices(changes);
}

/**
 * "J'ai payé": the invoices the amount pays in full (`coveredByReportedPayment`: the one of exactly that amount, else
 * oldest due first) wait a few business days for the statement (a promise pause with that end); the others go on
 * being chased. Finance is told which wait, and when the amount falls short of what is owed.
 */
export async function reportPayment(
  access: OpenAccess,
  fields: Record<string, string>,
  deps: PageDeps,
): Promise<ActionResult> {
  const c = await contextOf(access, deps);
  const parsed = paidForm(c.form).safeParse(fields);
  if (!parsed.success) return { ok: false, errors: formErrors(parsed.error) };
  const { paidOn, amount } = parsed.data;
  const until: IsoDate = addBusinessDays(c.form.today, REPORTED_PAYMENT_WAIT_BUSINESS_DAYS, c.deps.holidayCalendar());
  const note = `Paiement déclaré par le client le ${formatDate(paidOn, 'fr')} : ${formatMoney(amount, 'EUR', 'fr')}`;
  const euros = c.invoices.filter((i) => promisable(i) && i.currency === 'EUR');
  const { covered, owedCents } = coveredByReportedPayment(amount, euros);
  await tellFinance(c, {
    kind: 'payment_reported',
    paidOn,
    amountCents: amount,
    remindersWaitUntil: until,
    pausedInvoiceIds: covered.map((i) => i.invoiceId),
    owedCents,
  });
  await savePauses(
    c,
    covered.map((invoice) => {
      const asked = { until: laterOf(invoice.pause?.until, until), at: c.at, note };
      const { pause, financeKeptUntil } = customerPromisePause(invoice.pause, asked);
      return pauseOf(c, invoice, pause, 'payment_reported', {
        paidOn,
        amountCents: amount,
        until,
        ...(financeKeptUntil ? { financeKeptUntil } : {}),
      });
    }),
  );
  return { ok: true };
}

/**
 * "Je conteste": the invoice's dispute pause (the others go on being chased), the file kept with it, finance alerted.
 */
export async function openDispute(
  access: OpenAccess,
  fields: Record<string, string>,
  file: UploadedFile | undefined,
  deps: PageDeps,
): Promise<ActionResult> {
  const c = await contextOf(access, deps);
  // the type is the one the bytes show (the browser's word is not trusted): any other is refused as 'file_type'
  const described = file
    ? {
        // a long name is cut, keeping its end (as the stored key does), rather than refused
        fileName: file.fileName.slice(-MAX_FILE_NAME_CHARS),
        contentType: disputeFileTypeOf(file.bytes) ?? 'unrecognised',
        sizeBytes: file.bytes.length,
      }
    : undefined;
  const parsed = disputeForm(c.form).safeParse({ ...fields, file: described });
  if (!parsed.success) return { ok: false, errors: formErrors(parsed.error) };
  const { invoiceNumber, reason } = parsed.data;
  const invoice = c.invoices.find((i) => i.invoiceId === invoiceNumber) as Invoice;
  let documentKey: string | undefined;
  if (file && parsed.data.file) {
    documentKey = disputeDocumentKey(invoice.invoiceId, c.at, parsed.data.file.fileName, parsed.data.file.contentType);
    await deps.putDocument(documentKey, file.bytes, parsed.data.file.contentType);
  }
  await tellFinance(c, { kind: 'dispute_opened', invoiceId: invoice.invoiceId, reason, documentKey });
  await savePauses(c, [
    pauseOf(c, invoice, { reason: 'dispute', since: c.at, note: reason.slice(0, 2000) }, 'dispute_opened', {
      reason,
      ...(documentKey ? { documentKey } : {}),
    }),
  ]);
  return { ok: true };
}

/**
 * "Je m'engage à payer le …": every owed invoice not held by finance waits for that date (the promise pause), unless a
 * promise pause finance set already runs as late or later: that one stays (`customerPromisePause`). A promise while
 * one of the customer's is still recorded is a renewal: it may reach the policy's days from the first promise, no
 * further, and finance is told it was put off.
 */
export async function promisePayment(
  access: OpenAccess,
  fields: Record<string, string>,
  deps: PageDeps,
): Promise<ActionResult> {
  const c = await contextOf(access, deps);
  const parsed = promiseForm(c.form).safeParse(fields);
  if (!parsed.success) return { ok: false, errors: formErrors(parsed.error) };
  const { promisedFor } = parsed.data;
  const renewal = c.chain && {
    firstPromisedOn: c.chain.firstPromisedOn,
    previousPromisedFor: c.chain.previousPromisedFor,
  };
  const asked = { until: promisedFor, at: c.at, note: 'Promesse du client (page client)' };
  const pauses = c.invoices
    .filter(promisable)
    .map((invoice) => ({ invoice, ...customerPromisePause(invoice.pause, asked) }));
  // finance's own later dates stay: finance reads which, beside the customer's date
  const financeKept = pauses.flatMap(({ invoice, financeKeptUntil: until }) =>
    until ? [{ invoiceId: invoice.invoiceId, until }] : [],
  );
  await tellFinance(c, {
    kind: 'payment_promised',
    promisedFor,
    ...(renewal ? { renewal } : {}),
    ...(financeKept.length ? { financeKept, financeKeptAll: financeKept.length === pauses.length } : {}),
  });
  await savePauses(
    c,
    pauses.map(({ invoice, pause, financeKeptUntil }) =>
      pauseOf(c, invoice, pause, 'payment_promised', {
        until: promisedFor,
        ...(financeKeptUntil ? { financeKeptUntil } : {}),
      }),
    ),
  );
  return { ok: true };
}

function laterOf(a: IsoDate | undefined, b: IsoDate): IsoDate {
  return a !== undefined && a > b ? a : b;
}

/** disputes/<invoice>/<time>-<name>.<extension of the checked type> (the uploaded name's extension dropped). */
export function disputeDocumentKey(invoiceId: string, at: string, fileName: string, type: DisputeFileType): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9_.-]/g, '_');
  const base = safe(fileName.replace(/\.[^.]*$/, '')).slice(-100);
  return `disputes/${safe(invoiceId)}/${safe(at)}-${base}.${DISPUTE_FILE_EXTENSIONS[type]}`;
}

/**
 * Finance hears of the customer's answer before anything is recorded: a refused alert leaves nothing paused (the
 * customer sees an error and can send the answer again), never a pause finance was not told of. An alert sent whose
 * record then fails is told again when the customer retries (at least once).
 */
async function tellFinance(c: Context, answer: CustomerAnswer): Promise<void> {
  const { customerId, name } = c.access.customer;
  await c.deps.alertFinance(
    customerAnswerAlert({ customer: { customerId, name }, linkId: c.access.claims.linkId, answer, at: c.at }),
  );
}
