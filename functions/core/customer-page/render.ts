/**
 * The customer's page, rendered on the server: data in, one HTML string out, every value escaped. No JavaScript:
 * plain forms posting to the routes given. Words come from `strings.ts`, amounts through `formatMoney`, dates
 * through `formatDate`, so a page is in the customer's language only and never shows raw cents.
 */
import { addDays, type IsoDate } from '../dates';
import type { DunningLevel } from '../dunning/policy';
import { escapeHtml as e, formatDate, formatIban, safeUrl } from '../messages/format';
import { formatMoney } from '../money';
import { formatCreditorReference } from '../payments/creditor-reference';
import type { QrSvg } from '../payments/qr-image';
import { type FormErrorCode, formErrorText } from './forms';
import { LEVEL_LABELS, STRINGS, type StringKey } from './strings';

export type PageLanguage = 'fr' | 'en';

export interface PageInvoice {
  number: string;
  issueDate: IsoDate;
  dueDate: IsoDate;
  openCents: number;
  currency: string;
  level?: DunningLevel;
  /** Late-payment interest and the fixed indemnity, as computed for the letters; shown only when given. */
  penaltiesCents?: number;
  indemnityCents?: number;
  /** The interest is claimed but its half-year's rate not published yet: said to come on top, not figured. */
  interestPending?: boolean;
  /** A link to the stored invoice PDF (http or https only). */
  pdfUrl?: string;
}

export interface CustomerPageData {
  language: PageLanguage;
  today: IsoDate;
  customerName: string;
  creditor: { name: string; iban: string; bic?: string; email?: string; phone?: string };
  invoices: PageInvoice[];
  /**
   * The EPC code for everything due, or for the one invoice `invoice` names (the page's `?pay=` link): its SVG, and
   * the amount and what it names the invoices by: the RF reference of one invoice, or the remittance text naming
   * several (the transfer's label, which a customer typing the details by hand must write too).
   */
  transfer?: { qrSvg: QrSvg; amountCents: number; reference?: string; remittance?: string; invoice?: string };
  /** The page's own address (relative), which the per-invoice payment links extend. */
  pageUrl: string;
  /** The anti-forgery value every form carries (`formTokenFor`). */
  formToken: string;
  /** A value of this page's forms only: a second post of the same form (a double click) is answered as the first. */
  nonce?: string;
  /** Where each form posts (relative URLs under the link's route). */
  actions: { paid: string; dispute: string; promise: string };
  latestPromiseDate: IsoDate;
  /** Refusals of a form just posted, field -> code, shown beside the fields. */
  errors?: Record<string, FormErrorCode>;
  /** What a refused form posted, field -> text: the form comes back filled with it (escaped). */
  values?: Record<string, string>;
  /** A sentence shown at the top after an action (its confirmation, or a refused form). */
  notice?: 'donePaid' | 'doneDispute' | 'donePromise' | 'refusedForm' | 'notRecorded' | 'inProgress';
  /**
   * After a promise: the invoices whose pause, agreed with finance, runs later than the customer's date (it stays),
   * by date; and whether other invoices wait for the customer's date. The confirmation then says both.
   */
  promiseHeld?: { held: { until: IsoDate; invoices: string[] }[]; others: boolean };
}

const STYLE =
  'body{font-family:system-ui,Arial,sans-serif;font-size:16px;color:#222;line-height:1.45;margin:0 ' +
  'auto;max-width:46rem;padding:1rem}' +
  'table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #ddd}' +
  '.n{text-align:right;white-space:nowrap}.qr{width:14rem;max-width:100%}label{display:block;margin:.5rem 0}' +
  'input,select,textarea{font:inherit;max-width:100%}.err{color:#a00}section{margin:1.5rem 0}';

function documentOf(language: PageLanguage, title: string, body: string): string {
  return (
    `<!DOCTYPE html><html lang="${language}"><head><meta charset="utf-8"><meta name="viewport" ` +
    `content="width=device-width,initial-scale=1"><meta name="robots" ` +
    `content="noindex"><title>${e(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`
  );
}

/** The one page shown for every refused link: it names nothing and depends on nothing but the language. */
export function renderRefusedPage(language: PageLanguage): string {
  const t = STRINGS[language];
  return documentOf(language, t.invalidTitle, `<h1>${e(t.invalidTitle)}</h1><p>${e(t.invalidBody)}</p>`);
}

/**
 * The page shown when ours fails (a read that failed, a fault while building the page): it names nothing and asks to
 * try again; after a post, it says the answer was not recorded.
 */
export function renderUnavailablePage(language: PageLanguage, afterPost = false): string {
  const t = STRINGS[language];
  const body = afterPost ? t.notRecorded : t.unavailableBody;
  return documentOf(language, t.unavailableTitle, `<h1>${e(t.unavailableTitle)}</h1><p>${e(body)}</p>`);
}

/** French unless the browser prefers English over French (Accept-Language, quality values honoured). */
export function pageLanguage(acceptLanguage: string | undefined): PageLanguage {
  let best: { lang: PageLanguage; q: number } = { lang: 'fr', q: 0 };
  for (const part of (acceptLanguage ?? '').split(',')) {
    const [tag, ...params] = part.trim().toLowerCase().split(';');
    const lang = tag.split('-')[0];
    if (lang !== 'fr' && lang !== 'en') continue;
    const q = Number(
      params
        .find((p) => p.trim().startsWith('q='))
        ?.trim()
        .slice(2) ?? '1',
    );
    if (Number.isFinite(q) && q > best.q) best = { lang, q };
  }
  return best.lang;
}

export function renderCustomerPage(data: CustomerPageData): string {
  const t = STRINGS[data.language];
  const body = [
    `<h1>${e(t.title)}</h1>`,
    data.notice ? `<p role="status"><strong>${e(noticeOf(data))}</strong></p>` : '',
    `<p>${e(t.hello)} ${e(data.customerName)},<br>${e(t.intro)} ${e(data.creditor.name)}.</p>`,
    invoicesSection(data),
    data.invoices.length ? transferSection(data) : '',
    data.invoices.length ? formsSection(data) : '',
    contactSection(data),
  ].join('');
  return documentOf(data.language, `${t.title} · ${data.creditor.name}`, body);
}

/**
 * The sentence at the top; a promise's confirmation does not say reminders wait for the customer's date on invoices
 * whose pause agreed with finance runs later: it names them and that date.
 */
function noticeOf(data: CustomerPageData): string {
  const t = STRINGS[data.language];
  const held = data.notice === 'donePromise' ? data.promiseHeld : undefined;
  if (!data.notice || !held?.held.length) return data.notice ? t[data.notice] : '';
  return [
    t.donePromiseHeld,
    ...held.held.map((h) =>
      (h.invoices.length > 1 ? t.promiseHeldMany : t.promiseHeldOne)
        .replace('{invoices}', h.invoices.join(', '))
        .replace('{date}', formatDate(h.until, data.language)),
    ),
    ...(held.others ? [t.promiseHeldOthers] : []),
  ].join(' ');
}

function invoicesSection(data: CustomerPageData): string {
  const { language: lang } = data;
  const t = STRINGS[lang];
  if (!data.invoices.length) return `<section><p>${e(t.noInvoices)}</p></section>`;
  const withPenalties = data.invoices.some(
    (i) => i.penaltiesCents !== undefined || i.indemnityCents !== undefined || i.interestPending,
  );
  const withPdf = data.invoices.some((i) => safeUrl(i.pdfUrl));
  const money = (cents: number | undefined, currency: string) =>
    cents === undefined ? '' : e(formatMoney(cents, currency, lang));
  const heads: [StringKey, boolean][] = [
    ['colNumber', false],
    ['colIssued', false],
    ['colDue', false],
    ['colOwed', true],
    ['colLevel', false],
  ];
  if (withPenalties) heads.push(['colPenalties', true], ['colIndemnity', true]);
  if (withPdf) heads.push(['colDocument', false]);
  // a link per invoice to its own payment code, when there is more than one to choose from
  const payable = data.invoices.filter((i) => i.currency === 'EUR').length > 1;
  if (payable) heads.push(['colPay', false]);
  const rows = data.invoices.map((i) => {
    const cells = [
      e(i.number),
      e(formatDate(i.issueDate, lang)),
      e(formatDate(i.dueDate, lang)),
      money(i.openCents, i.currency),
      i.level ? e(LEVEL_LABELS[lang][i.level]) : '',
    ];
    if (withPenalties)
      cells.push(
        i.interestPending ? e(t.interestPending) : money(i.penaltiesCents, i.currency),
        money(i.indemnityCents, i.currency),
      );
    const pdf = safeUrl(i.pdfUrl);
    if (withPdf) cells.push(pdf ? `<a href="${e(pdf)}">${e(t.download)}</a>` : '');
    if (payable) cells.push(i.currency === 'EUR' ? `<a href="${e(payLink(data, i.number))}">${e(t.payOne)}</a>` : '');
    return `<tr>${cells.map((c, k) => `<td${heads[k][1] ? ' class="n"' : ''}>${c}</td>`).join('')}</tr>`;
  });
  const th = heads.map(([k, n]) => `<th${n ? ' class="n"' : ''}>${e(t[k])}</th>`).join('');
  const totals = totalsOf(data.invoices)
    .map((x) => e(formatMoney(x.cents, x.currency, lang)))
    .join(' + ');
  const pending = data.invoices.some((i) => i.interestPending) ? `<p>${e(t.interestPendingNote)}</p>` : '';
  return (
    `<section><table><thead><tr>${th}</tr></thead><tbody>${rows.join('')}</tbody></table><p>` +
    `<strong>${e(t.total)}${colon(lang)}${totals}</strong></p>${pending}</section>`
  );
}

/** French puts a no-break space before a colon. */
function colon(language: PageLanguage): string {
  return language === 'fr' ? '\u00a0: ' : ': ';
}

function totalsOf(invoices: PageInvoice[]): { currency: string; cents: number }[] {
  const map = new Map<string, number>();
  for (const i of invoices)
    map.set(i.currency, (map.get(i.currency) ?? 0) + i.openCents + (i.penaltiesCents ?? 0) + (i.indemnityCents ?? 0));
  return [...map].map(([currency, cents]) => ({ currency, cents }));
}

function transferSection(data: CustomerPageData): string {
  const t = STRINGS[data.language];
  const c = data.creditor;
  const x = data.transfer;
  const rows: [string, string][] = [
    [t.beneficiary, c.name],
    ['IBAN', formatIban(c.iban)],
  ];
  if (c.bic) rows.push(['BIC', c.bic]);
  if (x) rows.push([t.amount, formatMoney(x.amountCents, 'EUR', data.language)]);
  const penalties = data.invoices.some(
    (i) => (!x?.invoice || i.number === x.invoice) && (i.penaltiesCents || i.indemnityCents || i.interestPending),
  );
  if (x?.reference) rows.push([t.reference, formatCreditorReference(x.reference)]);
  else if (x?.remittance) rows.push([t.remittance, x.remittance]);
  const qr = x
    ? `<p>${e(t.payIntro)}</p><div class="qr" role="img" ` +
      `aria-label="${e(t.qrLabel)}">${x.qrSvg}</div><p>${e(t.payManual)}</p>`
    : '';
  const dl = rows.map(([k, v]) => `<dt>${e(k)}</dt><dd>${e(v)}</dd>`).join('');
  const title = x?.invoice ? t.payOneTitle.replace('{invoice}', x.invoice) : t.payTitle;
  const apart = x && penalties ? `<p>${e(t.penaltiesApart)}</p>` : '';
  const all = x?.invoice ? `<p><a href="${e(data.pageUrl)}">${e(t.payAll)}</a></p>` : '';
  return `<section id="virement"><h2>${e(title)}</h2>${qr}<dl>${dl}</dl>${apart}${all}</section>`;
}

/** The page again, with the payment code of one invoice (`?pay=`), scrolled to it. */
function payLink(data: CustomerPageData, invoiceNumber: string): string {
  return `${data.pageUrl}?pay=${encodeURIComponent(invoiceNumber)}#virement`;
}

function formsSection(data: CustomerPageData): string {
  const t = STRINGS[data.language];
  const hidden =
    `<input type="hidden" name="formToken" value="${e(data.formToken)}">` +
    (data.nonce ? `<input type="hidden" name="nonce" value="${e(data.nonce)}">` : '');
  const err = (field: string) =>
    data.errors?.[field] ? `<span class="err">${e(formErrorText(data.errors[field], data.language))}</span>` : '';
  const field = (label: string, name: string, input: string) => `<label>${e(label)}<br>${input} ${err(name)}</label>`;
  const posted = (name: string) => data.values?.[name];
  const value = (name: string) => (posted(name) === undefined ? '' : ` value="${e(posted(name))}"`);
  const options = data.invoices
    .map((i) => {
      const selected = posted('invoiceNumber') === i.number ? ' selected' : '';
      return `<option value="${e(i.number)}"${selected}>${e(i.number)}</option>`;
    })
    .join('');
  const paid =
    `<form method="post" action="${e(data.actions.paid)}"><h2>${e(t.paidTitle)}</h2>${hidden}` +
    field(t.paidDate, 'paidOn', `<input type="date" name="paidOn" required max="${e(data.today)}"${value('paidOn')}>`) +
    field(t.paidAmount, 'amount', `<input type="text" name="amount" inputmode="decimal" required${value('amount')}>`) +
    `<button ` +
    `type="submit">${e(t.paidSubmit)}</button></form>`;
  const dispute =
    `<form method="post" action="${e(data.actions.dispute)}" enctype="multipart/form-data"><h2>${e(t.disputeTitle)}` +
    `</h2>${hidden}` +
    `${field(t.disputeInvoice, 'invoiceNumber', `<select name="invoiceNumber" required>${options}</select>`)}` +
    field(
      t.disputeReason,
      'reason',
      `<textarea name="reason" rows="4" maxlength="2000" required>${e(posted('reason') ?? '')}</textarea>`,
    ) +
    `${field(
      t.disputeFile,
      'file',
      `<input type="file" name="file" accept="application/pdf,image/jpeg,image/png">`,
    )}<button type="submit">${e(t.disputeSubmit)}</button></form>`;
  const promise =
    `<form method="post" action="${e(data.actions.promise)}"><h2>${e(t.promiseTitle)}</h2>${hidden}` +
    `${field(
      t.promiseDate,
      'promisedFor',
      `<input type="date" name="promisedFor" required ` +
        `min="${e(addDays(data.today, 1))}" max="${e(data.latestPromiseDate)}"${value('promisedFor')}>`,
    )}<button type="submit">${e(t.promiseSubmit)}</button></form>`;
  return `<section>${paid}</section><section>${dispute}</section><section>${promise}</section>`;
}

function contactSection(data: CustomerPageData): string {
  const t = STRINGS[data.language];
  const c = data.creditor;
  const ways = [c.email ? `<a href="mailto:${e(c.email)}">${e(c.email)}</a>` : '', c.phone ? e(c.phone) : ''].filter(
    Boolean,
  );
  return (
    `<footer><p>${e(t.contact)} ` +
    `${e(c.name)}${ways.length ? `${colon(data.language)}${ways.join(' · ')}` : ''}.</p></footer>`
  );
}
