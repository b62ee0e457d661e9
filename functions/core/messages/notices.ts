import type { IsoDate, IsoTimestamp } from '../dates';
import type { LatePenalties } from '../dunning/penalties';
import type { DunningLevel } from '../dunning/policy';
import { contactRoleLabel } from './events';
import {
  type Addressee,
  daysLateLabel,
  escapeHtml,
  formatDate,
  formatTimestamp,
  htmlDocument,
  htmlTable,
  type Language,
  letterSalutation,
  money,
  type RenderedMessage,
  safeUrl,
  textTable,
  totalsByCurrency,
} from './format';
import { type Creditor, paymentDetails, paymentDetailsHtml, signature } from './reminder';

/* ---------------------------------------------------------------- formal notice email */

export interface FormalNoticeEmailInput {
  language: Language;
  customer: Addressee;
  creditor: Creditor;
  /** Whether the letters also go by registered post (false when no postal address is known: finance finds it first). */
  byRegisteredLetter?: boolean;
  /** Whether a reminder preceded (decided from the invoices' history): "Malgré nos relances" only then. */
  reminded?: boolean;
  /** The same day's notices of one customer: one PDF each (each notice is its own legal act), one email. */
  notices: {
    invoiceId: string;
    amountCents: number;
    openCents: number;
    dueDate: IsoDate;
    currency: string;
    penalties: LatePenalties;
    /** File name of the attached PDF. */
    attachmentName?: string;
  }[];
  /** Eight days after the e-mail, for finance's records: the notice gives eight days from its receipt. */
  deadline: IsoDate;
  asOf: IsoDate;
}

export function renderFormalNoticeEmail(input: FormalNoticeEmailInput): RenderedMessage {
  const { language, customer, creditor, asOf } = input;
  if (input.notices.length === 0) throw new Error('a formal notice email needs at least one notice');
  const fr = language === 'fr';
  const notices = [...input.notices].sort((a, b) =>
    a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : a.invoiceId < b.invoiceId ? -1 : 1,
  );
  const n = notices.length;
  const ids = notices.map((x) => x.invoiceId);
  const subject = fr
    ? `${creditor.name} – Mise en demeure de payer – ${n > 1 ? `factures ${ids.join(', ')}` : `facture ${ids[0]}`}`
    : `${creditor.name} – Formal notice to pay – ${n > 1 ? `invoices ${ids.join(', ')}` : `invoice ${ids[0]}`}`;
  const business = customer.isBusiness !== false;
  // A policy may waive the interest or the €40 indemnity: what is not claimed has no column and no legal mention.
  const interest = !business || notices.some((x) => x.penalties.basis !== 'none');
  const indemnity = business && notices.some((x) => x.penalties.indemnityCents > 0);
  // A consumer owes no L441-10 penalty nor the €40 indemnity: only legal-rate interest (Code civil 1231-6).
  const headers = [
    fr ? 'Facture' : 'Invoice',
    fr ? 'Échéance' : 'Due date',
    fr ? 'Retard' : 'Days late',
    fr ? 'Principal dû' : 'Principal due',
    ...(interest ? [business ? (fr ? 'Pénalités' : 'Penalties') : fr ? 'Intérêts' : 'Interest'] : []),
    ...(indemnity ? [fr ? 'Indemnité' : 'Indemnity'] : []),
    'Total',
  ];
  const cells = notices.map((x) => [
    x.invoiceId,
    formatDate(x.dueDate, language),
    daysLateLabel(x.penalties.daysLate, language),
    money(x.openCents, x.currency, language),
    ...(interest ? [money(x.penalties.interestCents, x.currency, language)] : []),
    ...(indemnity ? [money(x.penalties.indemnityCents, x.currency, language)] : []),
    money(x.openCents + x.penalties.totalCents, x.currency, language),
  ]);
  const amountColumns = headers.map((_, i) => i).slice(3);
  const totals = totalsByCurrency(
    notices.map((x) => ({ currency: x.currency, openCents: x.openCents + x.penalties.totalCents })),
  );
  const totalLine =
    `${fr ? 'Total réclamé au' : 'Total claimed as of'} ${formatDate(asOf, language)}${fr ? ' :' : ':'} ` +
    `${totals.map((t) => money(t.cents, t.currency, language)).join(' + ')}`;
  const reminded = input.reminded ?? false;
  const unpaid = fr
    ? `${reminded ? 'Malgré nos relances, ' : 'Sauf erreur de notre part, '}` +
      `${n > 1 ? 'les factures ci-dessous demeurent impayées' : 'la facture ci-dessous demeure impayée'}.`
    : `${reminded ? 'Despite our reminders, the' : 'Unless we are mistaken, the'} ` +
      `${n > 1 ? 'invoices below remain' : 'invoice below remains'} unpaid.`;
  const intro = fr
    ? [
        `${unpaid} Vous trouverez ci-joint ` +
          `${
            n > 1 ? `${n} mises en demeure (une par facture, au format PDF)` : 'la mise en demeure correspondante (PDF)'
          }.`,
        'Nous vous mettons en demeure de régler les sommes dues dans un délai de huit jours à compter de la ' +
          'réception de la présente.',
      ]
    : [
        `${unpaid} Please find attached ` +
          `${n > 1 ? `${n} formal notices (one per invoice, PDF)` : 'the corresponding formal notice (PDF)'}.`,
        'We hereby give you formal notice to pay the amounts due within eight days of receipt of this notice.',
      ];
  const legal = business ? businessClaims(language, interest, indemnity) : consumerInterest(language);
  const registered =
    input.byRegisteredLetter === false
      ? ''
      : fr
        ? 'Cette mise en demeure vous est également adressée par lettre recommandée avec accusé de réception.'
        : 'This formal notice is also sent to you by registered letter with acknowledgement of receipt.';
  const consequence = collectionConsequence(language);
  const payment = paymentDetails(language, creditor, ids);
  const greeting = letterSalutation(customer, language);
  const attachments = notices.filter((x) => x.attachmentName).map((x) => `- ${x.attachmentName}`);
  const text = [
    greeting,
    '',
    ...intro,
    '',
    textTable(headers, cells, amountColumns),
    '',
    totalLine,
    '',
    ...(legal ? [legal] : []),
    ...(registered ? [registered] : []),
    consequence,
    ...(attachments.length ? ['', fr ? 'Pièces jointes :' : 'Attachments:', ...attachments] : []),
    '',
    ...payment,
    '',
    ...signature(language, creditor),
  ].join('\n');
  const html = htmlDocument(
    language,
    subject,
    [
      `<p>${escapeHtml(greeting)}</p>`,
      ...intro.map((l) => `<p>${escapeHtml(l)}</p>`),
      htmlTable(
        headers,
        cells.map((r) => r.map(escapeHtml)),
        amountColumns,
        [0, 1, ...amountColumns],
      ),
      `<p><strong>${escapeHtml(totalLine)}</strong></p>`,
      legal ? `<p>${escapeHtml(legal)}</p>` : '',
      registered ? `<p><strong>${escapeHtml(registered)}</strong></p>` : '',
      `<p>${escapeHtml(consequence)}</p>`,
      paymentDetailsHtml(language, creditor, ids),
      `<p>${signature(language, creditor).map(escapeHtml).join('<br>')}</p>`,
    ].join(''),
  );
  return { subject, text, html };
}

/** What follows an unpaid formal notice: the same words in the letter and in its e-mail. */
export function collectionConsequence(language: Language): string {
  return language === 'fr'
    ? 'À défaut de règlement dans ce délai, nous engagerons sans autre avis une procédure de recouvrement ' +
        '(injonction de payer ou recours à une société de recouvrement).'
    : 'Failing payment within that time, we will start collection proceedings without further notice (order for ' +
        'payment or a collection agency).';
}

/** The legal basis of what a business is claimed: penalties, the €40 indemnity, both, or neither (both waived). */
function businessClaims(language: Language, interest: boolean, indemnity: boolean): string {
  const fr = language === 'fr';
  const penalties = fr
    ? 'les pénalités de retard sont calculées selon l’article L441-10 du Code de commerce'
    : 'late-payment penalties are computed under article L441-10 of the French Commercial Code';
  const fixed = fr
    ? 'l’indemnité forfaitaire pour frais de recouvrement de 40 € par facture est due selon l’article D441-5'
    : 'the fixed recovery indemnity of €40 per invoice is due under article D441-5';
  const parts = [...(interest ? [penalties] : []), ...(indemnity ? [fixed] : [])];
  if (parts.length === 0) return '';
  const sentence = parts.join(fr ? ', et ' : ', and ');
  return `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}.`;
}

function consumerInterest(language: Language): string {
  return language === 'fr'
    ? 'Des intérêts au taux de l’intérêt légal courent sur les sommes dues à compter de la présente mise en ' +
        'demeure (article 1231-6 du Code civil).'
    : 'Interest at the statutory rate runs on the amounts due from this formal notice (article 1231-6 of the ' +
        'French Civil Code).';
}

/* ---------------------------------------------------------------- call task */

export interface CallTaskInput {
  language: Language;
  accountManager?: { name?: string; email: string };
  customer: {
    customerId: string;
    name: string;
    /** Only a key account is called one in the task. */
    segment?: 'standard' | 'key_account' | 'b2c';
    contacts?: { name?: string; email?: string; phone?: string; role?: string }[];
  };
  /** Every invoice of the customer whose workflow reached a call step today: one task per customer per day. */
  items: {
    invoiceId: string;
    level?: DunningLevel;
    amountCents?: number;
    openCents: number;
    dueDate: IsoDate;
    daysLate: number;
    currency: string;
  }[];
  asOf: IsoDate;
  /** Recent contacts (reminders sent, promises...), most recent first, one line each. */
  history?: string[];
  /** Link to the customer's page in the admin tool. */
  link?: string;
}

export function renderCallTask(input: CallTaskInput): RenderedMessage {
  const { language, customer, asOf } = input;
  if (input.items.length === 0) throw new Error('a call task needs at least one invoice');
  const fr = language === 'fr';
  const items = [...input.items].sort((a, b) =>
    a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : a.invoiceId < b.invoiceId ? -1 : 1,
  );
  const n = items.length;
  const totals = totalsByCurrency(items)
    .map((t) => money(t.cents, t.currency, language))
    .join(' + ');
  const subject = fr
    ? `À appeler le ${formatDate(asOf, 'fr')} : ${customer.name} – ${n} facture${n > 1 ? 's' : ''} en retard, ${totals}`
    : `Call on ${formatDate(asOf, 'en')}: ${customer.name} – ${n} overdue invoice${n > 1 ? 's' : ''}, ${totals}`;
  const who = input.accountManager?.name ?? '';
  const greeting = fr ? `Bonjour${who ? ` ${who}` : ''},` : `Hello${who ? ` ${who}` : ''},`;
  const named = `${customer.name} (${customer.customerId})`;
  const call =
    customer.segment === 'key_account'
      ? fr
        ? `Le client ${named} est un grand compte : merci de l’appeler aujourd’hui`
        : `${named} is a key account: please call them today`
      : fr
        ? `Merci d’appeler aujourd’hui le client ${named}`
        : `Please call ${named} today`;
  const intro = fr
    ? `${call} au sujet des factures ci-dessous, puis de noter le résultat (promesse de paiement, litige…) dans ` +
      'encaisse.'
    : `${call} about the invoices below, then record the outcome (payment promise, dispute…) in encaisse.`;
  const headers = fr
    ? ['Facture', 'Échéance', 'Retard', 'Reste dû']
    : ['Invoice', 'Due date', 'Days late', 'Amount due'];
  const cells = items.map((i) => [
    i.invoiceId,
    formatDate(i.dueDate, language),
    daysLateLabel(i.daysLate, language),
    money(i.openCents, i.currency, language),
  ]);
  const contacts = (customer.contacts ?? []).map((c) =>
    [c.name, contactRoleLabel(c.role, language), c.phone, c.email].filter(Boolean).join(' · '),
  );
  const totalLine = `${fr ? 'Total dû :' : 'Total due:'} ${totals}`;
  const link = safeUrl(input.link);
  const text = [
    greeting,
    '',
    intro,
    '',
    textTable(headers, cells, [3]),
    '',
    totalLine,
    ...(contacts.length ? ['', fr ? 'Contacts :' : 'Contacts:', ...contacts.map((c) => `- ${c}`)] : []),
    ...(input.history?.length
      ? ['', fr ? 'Historique récent :' : 'Recent history:', ...input.history.map((h) => `- ${h}`)]
      : []),
    ...(link ? ['', link] : []),
  ].join('\n');
  const html = htmlDocument(
    language,
    subject,
    [
      `<p>${escapeHtml(greeting)}</p><p>${escapeHtml(intro)}</p>`,
      htmlTable(
        headers,
        cells.map((r) => r.map(escapeHtml)),
        [3],
        [0, 1, 3],
      ),
      `<p><strong>${escapeHtml(totalLine)}</strong></p>`,
      contacts.length
        ? `<p>${escapeHtml(fr ? 'Contacts :' : 'Contacts:')}</p>` +
          `<ul>${contacts.map((c) => `<li>${escapeHtml(c)}</li>`).join('')}</ul>`
        : '',
      input.history?.length
        ? `<p>${escapeHtml(fr ? 'Historique récent :' : 'Recent history:')}</p>` +
          `<ul>${input.history.map((h) => `<li>${escapeHtml(h)}</li>`).join('')}</ul>`
        : '',
      link
        ? `<p><a href="${escapeHtml(link)}">${escapeHtml(fr ? 'Ouvrir la fiche client' : 'Open the customer page')}` +
          `</a></p>`
        : '',
    ].join(''),
  );
  return { subject, text, html };
}

/* ---------------------------------------------------------------- agency notice */

export interface AgencyNoticeInput {
  language: Language;
  creditor: Creditor;
  agency?: { name?: string };
  customer: { customerId: string; name: string };
  caseId: string;
  /** Time-limited link to the case file (presigned URL). */
  link: { url: string; expiresAt: IsoTimestamp };
  invoices: { invoiceId: string; openCents: number; currency: string; dueDate: IsoDate; penaltiesCents?: number }[];
  asOf: IsoDate;
  formalNoticeDate?: IsoDate;
}

export function renderAgencyNotice(input: AgencyNoticeInput): RenderedMessage {
  const { language, creditor, customer, caseId, asOf } = input;
  const fr = language === 'fr';
  const url = safeUrl(input.link.url);
  if (!url) throw new Error('the case file link must be an http(s) URL');
  const subject = fr
    ? `Nouveau dossier de recouvrement ${caseId} – ${creditor.name} c/ ${customer.name}`
    : `New collection case ${caseId} – ${creditor.name} v. ${customer.name}`;
  const headers = fr
    ? ['Facture', 'Échéance', 'Principal dû', 'Pénalités et indemnité']
    : ['Invoice', 'Due date', 'Principal due', 'Penalties and indemnity'];
  const cells = input.invoices.map((i) => [
    i.invoiceId,
    formatDate(i.dueDate, language),
    money(i.openCents, i.currency, language),
    money(i.penaltiesCents ?? 0, i.currency, language),
  ]);
  const totals = totalsByCurrency(
    input.invoices.map((i) => ({ currency: i.currency, openCents: i.openCents + (i.penaltiesCents ?? 0) })),
  )
    .map((t) => money(t.cents, t.currency, language))
    .join(' + ');
  const lines = fr
    ? [
        `Bonjour${input.agency?.name ? ` ${input.agency.name}` : ''},`,
        `${creditor.name} vous confie le recouvrement de sa créance sur ${customer.name} (réf. client ` +
          `${customer.customerId}), situation au ${formatDate(asOf, 'fr')}.`,
        ...(input.formalNoticeDate
          ? [`Une mise en demeure a été adressée le ${formatDate(input.formalNoticeDate, 'fr')}.`]
          : []),
        `Le dossier complet (identité et contacts du débiteur, factures, historique des relances, mise en demeure) ` +
          `est téléchargeable jusqu’au ${formatTimestamp(input.link.expiresAt, 'fr')} :`,
      ]
    : [
        `Hello${input.agency?.name ? ` ${input.agency.name}` : ''},`,
        `${creditor.name} hands over for collection its claim on ${customer.name} (customer ref. ` +
          `${customer.customerId}), position as of ${formatDate(asOf, 'en')}.`,
        ...(input.formalNoticeDate ? [`A formal notice was sent on ${formatDate(input.formalNoticeDate, 'en')}.`] : []),
        `The full case file (debtor identity and contacts, invoices, reminder history, formal notice) can be ` +
          `downloaded until ${formatTimestamp(input.link.expiresAt, 'en')}:`,
      ];
  const totalLine = `${fr ? 'Total de la créance :' : 'Total claim:'} ${totals}`;
  const text = [
    ...lines,
    url,
    '',
    textTable(headers, cells, [2, 3]),
    '',
    totalLine,
    '',
    ...signature(language, creditor),
  ].join('\n');
  const html = htmlDocument(
    language,
    subject,
    [
      lines.map((l) => `<p>${escapeHtml(l)}</p>`).join(''),
      `<p><a href="${escapeHtml(url)}">` +
        `${escapeHtml(fr ? `Télécharger le dossier ${caseId}` : `Download case file ${caseId}`)}</a></p>`,
      htmlTable(
        headers,
        cells.map((r) => r.map(escapeHtml)),
        [2, 3],
        [0, 1, 2, 3],
      ),
      `<p><strong>${escapeHtml(totalLine)}</strong></p>`,
      `<p>${signature(language, creditor).map(escapeHtml).join('<br>')}</p>`,
    ].join(''),
  );
  return { subject, text, html };
}
