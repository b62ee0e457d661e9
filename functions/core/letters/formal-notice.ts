import type { IsoDate } from '../dates';
import type { LatePenalties, PenaltyBasis, PenaltyPeriod } from '../dunning/penalties';
import {
  type Addressee,
  closingCivility,
  formatDate,
  formatIban,
  type Language,
  letterSalutation,
  money,
  structuredReference,
} from '../messages/format';
import { collectionConsequence } from '../messages/notices';
import type { Creditor } from '../messages/reminder';
import { type CustomerPageOnLetter, drawCustomerPageBlock } from './customer-link-block';
import { accountingContactLine, legalMentions } from './identity';
import { PdfWriter } from './pdf-writer';

export interface FormalNoticeInvoice {
  invoiceId: string;
  issueDate: IsoDate;
  dueDate: IsoDate;
  amountCents: number;
  openCents: number;
  currency?: string;
}

export interface FormalNoticeInput {
  language: Language;
  creditor: Creditor & { city?: string };
  debtor: Addressee & { address: string[] };
  /**
   * Whether a reminder preceded the notice (from the invoices' history): "malgré nos précédentes relances" only then.
   */
  reminded?: boolean;
  /** Whether the letter also goes by registered post; default: when the debtor has a postal address. */
  byRegisteredLetter?: boolean;
  /** How each printed rate is sourced (published, entered by finance, assumed). */
  rateNotes?: RateNotes;
  /** A consumer's legal interest rate of the notice's half-year, when known (printed with its source). */
  legalRate?: { bp: number; half: string } & RateNote;
  invoices: FormalNoticeInvoice[];
  /** computeLatePenalties per invoice: by invoiceId, or an array in the order of `invoices`. */
  penalties: Record<string, LatePenalties> | LatePenalties[];
  /**
   * Eight days after the letter's date, for finance's records; the letter itself gives eight days from its receipt
   * (the registered letter is posted when finance acts on the "to post" alert, at a date the letter cannot know).
   */
  deadline: IsoDate;
  asOf: IsoDate;
  /** The notice's own reference, e.g. "MED-F-2026-0042-20261123" (defaults to one built from the first invoice). */
  reference?: string;
  /**
   * The customer's page: its link and the EPC payment code, printed after the bank details (customer-link-block.ts).
   */
  customerPage?: CustomerPageOnLetter;
}

/** One line of figures per invoice, and the totals the letter states. */
export interface FormalNoticeFigures {
  rows: { invoice: FormalNoticeInvoice; penalties: LatePenalties; dueCents: number }[];
  principalCents: number;
  interestCents: number;
  indemnityCents: number;
  totalCents: number;
  currency: string;
  business: boolean;
  /** Whether the letter claims late-payment interest (a policy may waive it: `lateInterest: 'none'`). */
  claimsInterest: boolean;
  /** Whether the letter claims the €40 indemnity (a policy may waive it: `fixedIndemnity: false`). */
  claimsIndemnity: boolean;
}

export function formalNoticeReference(invoiceId: string, asOf: IsoDate): string {
  return `MED-${invoiceId.replace(/[^A-Za-z0-9-]/g, '')}-${asOf.replace(/-/g, '')}`;
}

export function formalNoticeFigures(
  input: Pick<FormalNoticeInput, 'invoices' | 'penalties' | 'debtor'>,
): FormalNoticeFigures {
  if (input.invoices.length === 0) throw new Error('a formal notice concerns at least one invoice');
  const rows = input.invoices.map((invoice, i) => {
    const penalties = Array.isArray(input.penalties) ? input.penalties[i] : input.penalties[invoice.invoiceId];
    if (!penalties) throw new Error(`no penalties computed for invoice ${invoice.invoiceId}`);
    return { invoice, penalties, dueCents: invoice.openCents + penalties.totalCents };
  });
  const currencies = new Set(input.invoices.map((i) => i.currency ?? 'EUR'));
  if (currencies.size > 1) throw new Error('one formal notice letter is in one currency');
  const sum = (f: (r: (typeof rows)[number]) => number) => rows.reduce((s, r) => s + f(r), 0);
  const business = input.debtor.isBusiness ?? rows.some((r) => r.penalties.basis !== 'legal_rate');
  return {
    rows,
    principalCents: sum((r) => r.invoice.openCents),
    interestCents: sum((r) => r.penalties.interestCents),
    indemnityCents: sum((r) => r.penalties.indemnityCents),
    totalCents: sum((r) => r.dueCents),
    currency: [...currencies][0],
    business,
    claimsInterest: rows.some((r) => r.penalties.basis !== 'none'),
    claimsIndemnity: rows.some((r) => r.penalties.indemnityCents > 0),
  };
}

function pct(bp: number, language: Language): string {
  const s = (bp / 100).toFixed(2);
  return `${language === 'fr' ? s.replace('.', ',') : s} %`;
}

/** Where a printed rate comes from: the checked reference table, finance's entry (rates API), or an assumption. */
export type RateStatus = 'published' | 'entered' | 'assumed';

/**
 * How the letter speaks of one half-year's rate: where it comes from and, for an assumption that repeats the rate of
 * an earlier half-year that is not one, that half-year.
 */
export interface RateNote {
  status: RateStatus;
  carriedFrom?: string;
}

/** How the letter speaks of the rates it prints, per half-year (e.g. "2026-H2"); absent halves are published. */
export interface RateNotes {
  /** The L441-10 rate (the ECB's in force on the half-year's first day, + 10 points). */
  l441: Record<string, RateNote>;
  /** The legal interest rate, which a contract rate floored at three times that rate uses. */
  legal?: Record<string, RateNote>;
}

function halfLabel(half: string, language: Language): string {
  const [year, h] = half.split('-');
  if (language === 'fr') return `${h === 'H1' ? '1er' : '2d'} semestre ${year}`;
  return `${h === 'H1' ? 'first' : 'second'} half of ${year}`;
}

function halfOf(date: IsoDate): string {
  return `${date.slice(0, 4)}-${Number(date.slice(5, 7)) <= 6 ? 'H1' : 'H2'}`;
}

/**
 * The formal notice ("mise en demeure de payer") as a PDF letter: principal, L441-10 penalties period by period,
 * the €40 indemnity per invoice (D441-5) for a business debtor (legal-rate interest from the notice for a consumer,
 * Code civil 1231-6), the deadline, the registered letter when a postal address is known, and the named signatory.
 * A rate that is not in the reference table is labelled on the letter (entered by finance, or an assumption).
 */
export async function buildFormalNoticePdf(input: FormalNoticeInput): Promise<Uint8Array> {
  const { language, creditor, debtor, asOf } = input;
  const fr = language === 'fr';
  const fig = formalNoticeFigures(input);
  const reference = input.reference ?? formalNoticeReference(input.invoices[0].invoiceId, asOf);
  const ids = input.invoices.map((i) => i.invoiceId);
  const w = await PdfWriter.create({
    title: fr ? `Mise en demeure ${reference}` : `Formal notice ${reference}`,
    author: creditor.name,
    subject: fr ? `Mise en demeure de payer – ${debtor.name}` : `Formal notice to pay – ${debtor.name}`,
    footer: `${creditor.name} – ${reference}`,
    creationDate: new Date(`${asOf}T00:00:00Z`),
  });
  const d = (x: IsoDate) => formatDate(x, language);
  w.lines(senderBlock(creditor, language), { size: 9, gapAfter: 10 });
  w.lines([debtor.name, ...debtor.address], { size: 10, align: 'right', gapAfter: 14 });
  w.paragraph(
    fr
      ? `${creditor.city ? `${creditor.city}, le` : 'Le'} ${d(asOf)}`
      : `${creditor.city ? `${creditor.city}, ` : ''}${d(asOf)}`,
    { align: 'right', gapAfter: 12 },
  );
  const posted = input.byRegisteredLetter ?? debtor.address.length > 0;
  if (posted)
    w.paragraph(
      fr ? 'LETTRE RECOMMANDÉE AVEC ACCUSÉ DE RÉCEPTION' : 'REGISTERED LETTER WITH ACKNOWLEDGEMENT OF RECEIPT',
      { bold: true, size: 10 },
    );
  const n = ids.length;
  w.paragraph(
    fr
      ? `Objet : Mise en demeure de payer – ${n > 1 ? `factures ${ids.join(', ')}` : `facture ${ids[0]}`} – Réf. ` +
          `${reference}`
      : `Subject: Formal notice to pay – ${n > 1 ? `invoices ${ids.join(', ')}` : `invoice ${ids[0]}`} – Ref. ` +
          `${reference}`,
    { bold: true, gapAfter: 12 },
  );
  w.paragraph(letterSalutation(debtor, language), { gapAfter: 8 });
  const reminded = input.reminded ?? false;
  w.paragraph(
    fr
      ? `Sauf erreur de notre part, ${reminded ? 'et malgré nos précédentes relances, ' : ''}nous restons à ce jour ` +
          `dans l’attente du règlement ${n > 1 ? 'des factures suivantes' : 'de la facture suivante'} :`
      : `Unless we are mistaken, ${reminded ? 'and despite our previous reminders, ' : ''}we are still awaiting ` +
          `payment of the following ${n > 1 ? 'invoices' : 'invoice'}:`,
  );
  const m = (c: number) => money(c, fig.currency, language);
  w.table(
    fr
      ? ['Facture', 'Date', 'Échéance', 'Montant', 'Reste dû']
      : ['Invoice', 'Issued', 'Due date', 'Amount', 'Amount due'],
    fig.rows.map((r) => [
      r.invoice.invoiceId,
      d(r.invoice.issueDate),
      d(r.invoice.dueDate),
      m(r.invoice.amountCents),
      m(r.invoice.openCents),
    ]),
    [0.28, 0.16, 0.16, 0.2, 0.2],
    [3, 4],
  );
  if (fig.business) writeBusinessPenalties(w, input, fig);
  else writeConsumerInterest(w, input, fig);
  writeDemand(w, input, fig, posted);
  w.lines(paymentLines(creditor, ids, language), { size: 9, gapAfter: 10 });
  if (input.customerPage) {
    const beyond = fig.totalCents - fig.principalCents;
    const beyondPrincipal =
      beyond > 0
        ? {
            amount: m(beyond),
            what: !fig.business
              ? ('interest' as const)
              : fig.indemnityCents === 0
                ? ('penalties' as const)
                : fig.interestCents === 0
                  ? ('indemnity' as const)
                  : ('penalties_and_indemnity' as const),
          }
        : undefined;
    await drawCustomerPageBlock(w, { ...input.customerPage, beyondPrincipal }, language);
  }
  w.paragraph(
    fr
      ? `Nous vous prions d’agréer, ${closingCivility(debtor)}, l’expression de nos salutations distinguées.`
      : debtor.civility
        ? 'Yours sincerely,'
        : 'Yours faithfully,',
    { gapAfter: 16 },
  );
  w.lines(signatureBlock(creditor), { size: 10 });
  return w.save();
}

/** L441-10 penalties period by period, each rate labelled when it is not a published one, and the €40 indemnities. */
function writeBusinessPenalties(w: PdfWriter, input: FormalNoticeInput, fig: FormalNoticeFigures): void {
  const fr = input.language === 'fr';
  const m = (c: number) => money(c, fig.currency, input.language);
  if (fig.claimsInterest) writeL441Penalties(w, input, fig);
  if (fig.indemnityCents > 0) {
    const count = fig.rows.filter((r) => r.penalties.indemnityCents > 0).length;
    w.paragraph(
      fr
        ? `En application des articles L441-10 et D441-5 du Code de commerce, une indemnité forfaitaire pour frais ` +
            `de recouvrement de 40 € est due pour chaque facture payée en retard, soit ${count} × 40 € = ` +
            `${m(fig.indemnityCents)}.`
        : `Under articles L441-10 and D441-5 of the French Commercial Code, a fixed recovery indemnity of €40 is ` +
            `due for each invoice paid late: ${count} × €40 = ${m(fig.indemnityCents)}.`,
    );
  }
}

/** The L441-10 paragraph and the penalties period by period (left out when the policy waives interest). */
function writeL441Penalties(w: PdfWriter, input: FormalNoticeInput, fig: FormalNoticeFigures): void {
  const { language, asOf } = input;
  const fr = language === 'fr';
  const d = (x: IsoDate) => formatDate(x, language);
  const m = (c: number) => money(c, fig.currency, language);
  const contract = fig.rows.some((r) => r.penalties.basis === 'contract');
  w.paragraph(
    fr
      ? `Conformément à l’article L441-10 du Code de commerce, des pénalités de retard sont dues de plein droit, ` +
          `sans qu’un rappel soit nécessaire, à compter du jour suivant la date d’échéance${
            contract
              ? ', au taux prévu au contrat (qui ne peut être inférieur à trois fois le taux de l’intérêt légal)'
              : ', au taux directeur de la Banque centrale européenne en vigueur au 1er janvier ou au 1er juillet ' +
                'du semestre concerné, majoré de 10 points'
          }. Elles s’élèvent, au ${d(asOf)}, à :`
      : `Under article L441-10 of the French Commercial Code, late-payment penalties are due automatically, without ` +
          `any reminder being required, from the day after the due date${
            contract
              ? ', at the contract rate (which may not be lower than three times the statutory interest rate)'
              : ', at the European Central Bank main refinancing rate in force on 1 January or 1 July of the ' +
                'half-year concerned, plus 10 percentage points'
          }. As of ${d(asOf)} they amount to:`,
  );
  // A contract rate is the contract's, unless raised to three times the legal rate: then it is that rate's status.
  const noteOf = (p: PenaltyPeriod, basis: PenaltyBasis): RateNote =>
    (p.floored
      ? input.rateNotes?.legal?.[halfOf(p.from)]
      : basis === 'contract'
        ? undefined
        : input.rateNotes?.l441[halfOf(p.from)]) ?? { status: 'published' };
  const mark: Record<RateStatus, string> = { published: '', entered: ' (1)', assumed: ' (2)' };
  const used = new Set<RateStatus>();
  const assumed: RateNote[] = [];
  // A payment received after the due date changes the amount owed: each period then shows the amount it bears on.
  const withBase = fig.rows.some((r) => r.penalties.periods.some((p) => p.baseCents !== r.invoice.openCents));
  const periodRows: string[][] = [];
  for (const r of fig.rows) {
    if (r.penalties.basis === 'none') continue;
    if (r.penalties.periods.length === 0)
      periodRows.push([r.invoice.invoiceId, '—', '—', ...(withBase ? ['—'] : []), '—', m(0)]);
    for (const p of r.penalties.periods) {
      const note = noteOf(p, r.penalties.basis);
      const status = note.status;
      used.add(status);
      if (status === 'assumed') assumed.push(note);
      periodRows.push([
        r.invoice.invoiceId,
        fr ? `du ${d(p.from)} au ${d(p.to)}` : `${d(p.from)} to ${d(p.to)}`,
        String(p.days),
        ...(withBase ? [m(p.baseCents)] : []),
        `${pct(p.rateBp, language)}${mark[status]}`,
        m(p.cents),
      ]);
    }
  }
  w.table(
    [
      fr ? 'Facture' : 'Invoice',
      fr ? 'Période' : 'Period',
      fr ? 'Jours' : 'Days',
      ...(withBase ? [fr ? 'Montant dû' : 'Amount owed'] : []),
      fr ? 'Taux annuel' : 'Annual rate',
      fr ? 'Pénalités' : 'Penalties',
    ],
    periodRows,
    withBase ? [0.18, 0.28, 0.08, 0.16, 0.14, 0.16] : [0.22, 0.32, 0.1, 0.18, 0.18],
    withBase ? [2, 3, 4, 5] : [2, 3, 4],
  );
  const small = { size: 8 };
  w.paragraph(
    withBase
      ? fr
        ? 'Calcul : montant dû pendant la période (les règlements reçus après l’échéance l’ont réduit à leur ' +
          'date) × taux annuel × nombre de jours / 365, arrondi au centime par période.'
        : 'Computation: amount owed during the period (payments received after the due date reduced it on their ' +
          'date) × annual rate × number of days / 365, rounded to the cent per period.'
      : fr
        ? 'Calcul : montant restant dû × taux annuel × nombre de jours / 365, arrondi au centime par période.'
        : 'Computation: amount due × annual rate × number of days / 365, rounded to the cent per period.',
    small,
  );
  if (used.has('entered'))
    w.paragraph(
      fr
        ? '(1) Taux publié après l’établissement de notre table de référence, relevé par notre service comptable.'
        : '(1) Rate published after our reference table was drawn up, entered by our accounts department.',
      small,
    );
  if (used.has('assumed')) {
    // Said from what finance entered: "at the rate of <half>, the last published" only when the figure repeats it.
    const from = new Set(assumed.map((n) => n.carriedFrom));
    const carried = from.size === 1 ? [...from][0] : undefined;
    const basisFr = carried
      ? `au taux du ${halfLabel(carried, 'fr')}, dernier taux publié,`
      : 'au taux retenu par hypothèse par notre service comptable';
    const basisEn = carried
      ? `the rate of the ${halfLabel(carried, 'en')}, the last published one,`
      : 'the rate assumed by our accounts department';
    w.paragraph(
      fr
        ? `(2) Hypothèse : le taux de ce semestre n’est pas encore publié. Les pénalités sont dues au taux en ` +
            `vigueur ; le montant indiqué est calculé ${basisFr} et sera ajusté.`
        : `(2) Assumption: the rate of this half-year is not yet published. Penalties are due at the rate in force; ` +
            `the amount shown uses ${basisEn} and will be adjusted.`,
      { ...small, bold: true },
    );
  }
}

/** A consumer owes interest at the legal rate from the notice on (Code civil 1231-6): no penalty, no indemnity. */
function writeConsumerInterest(w: PdfWriter, input: FormalNoticeInput, fig: FormalNoticeFigures): void {
  const fr = input.language === 'fr';
  const rate = input.legalRate;
  const assumedFr = rate?.carriedFrom
    ? `, hypothèse : taux du semestre non encore publié, celui du ${halfLabel(rate.carriedFrom, 'fr')} reconduit`
    : ', hypothèse : taux du semestre non encore publié, retenu par notre service comptable';
  const assumedEn = rate?.carriedFrom
    ? ', assumption: the rate of the half-year is not yet published, that of the ' +
      `${halfLabel(rate.carriedFrom, 'en')} carried forward`
    : ', assumption: the rate of the half-year is not yet published, assumed by our accounts department';
  const figure = rate
    ? fr
      ? ` (${pct(rate.bp, 'fr')} l’an pour le ${halfLabel(rate.half, 'fr')}` +
        `${
          rate.status === 'published'
            ? ''
            : rate.status === 'entered'
              ? ', taux relevé par notre service comptable'
              : assumedFr
        })`
      : ` (${pct(rate.bp, 'en')} a year for the ${halfLabel(rate.half, 'en')}` +
        `${
          rate.status === 'published'
            ? ''
            : rate.status === 'entered'
              ? ', rate entered by our accounts department'
              : assumedEn
        })`
    : '';
  w.paragraph(
    fr
      ? `Conformément à l’article 1231-6 du Code civil, la présente mise en demeure fait courir sur les sommes dues ` +
          `des intérêts au taux de l’intérêt légal${figure}, jusqu’au complet paiement.`
      : `Under article 1231-6 of the French Civil Code, this formal notice makes interest at the statutory ` +
          `rate${figure} run on the amounts due until payment in full.`,
  );
  if (fig.interestCents > 0)
    w.paragraph(
      fr
        ? `Intérêts échus au ${formatDate(input.asOf, 'fr')} : ${money(fig.interestCents, fig.currency, 'fr')}.`
        : `Interest accrued as of ${formatDate(input.asOf, 'en')}: ${money(fig.interestCents, fig.currency, 'en')}.`,
    );
}

/** The summary, the demand with its deadline, the consequence, and how the notice is sent. */
function writeDemand(w: PdfWriter, input: FormalNoticeInput, fig: FormalNoticeFigures, posted: boolean): void {
  const { language } = input;
  const fr = language === 'fr';
  const m = (c: number) => money(c, fig.currency, language);
  const rows = fig.business
    ? [
        [fr ? 'Principal restant dû' : 'Principal due', m(fig.principalCents)],
        ...(fig.claimsInterest ? [[fr ? 'Pénalités de retard' : 'Late-payment penalties', m(fig.interestCents)]] : []),
        ...(fig.claimsIndemnity
          ? [
              [
                fr ? 'Indemnités forfaitaires (40 € par facture)' : 'Fixed indemnities (€40 per invoice)',
                m(fig.indemnityCents),
              ],
            ]
          : []),
      ]
    : [
        [fr ? 'Principal restant dû' : 'Principal due', m(fig.principalCents)],
        ...(fig.interestCents > 0
          ? [[fr ? 'Intérêts au taux légal échus' : 'Statutory interest accrued', m(fig.interestCents)]]
          : []),
      ];
  w.table(
    fr ? ['Récapitulatif', 'Montant'] : ['Summary', 'Amount'],
    [...rows, [fr ? 'TOTAL À PAYER' : 'TOTAL TO PAY', m(fig.totalCents)]],
    [0.7, 0.3],
    [1],
    10,
  );
  const accrues = fig.business
    ? !fig.claimsInterest
      ? ''
      : fr
        ? ' Les pénalités de retard continuent de courir jusqu’au complet paiement.'
        : ' Late-payment penalties continue to accrue until payment in full.'
    : fr
      ? ' Les intérêts au taux légal courent à compter de la présente jusqu’au complet paiement.'
      : ' Statutory interest runs from this notice until payment in full.';
  w.paragraph(
    fr
      ? `Par la présente, nous vous mettons en demeure de nous régler la somme de ${m(fig.totalCents)} dans un ` +
          `délai de huit jours à compter de la réception de la présente.${accrues}`
      : `We hereby give you formal notice to pay us the sum of ${m(fig.totalCents)} within eight days of receipt ` +
          `of this notice.${accrues}`,
    { bold: true },
  );
  w.paragraph(collectionConsequence(language));
  w.paragraph(
    posted
      ? fr
        ? 'La présente mise en demeure vous est adressée par courrier électronique et par lettre recommandée avec ' +
          'accusé de réception.'
        : 'This formal notice is sent to you by e-mail and by registered letter with acknowledgement of receipt.'
      : fr
        ? 'La présente mise en demeure vous est adressée par courrier électronique.'
        : 'This formal notice is sent to you by e-mail.',
  );
}

function paymentLines(creditor: Creditor, ids: string[], language: Language): string[] {
  const refs = ids.map((id) => {
    const rf = structuredReference(id);
    return rf ? `${id} (${rf})` : id;
  });
  return language === 'fr'
    ? [
        'Règlement par virement :',
        `Titulaire : ${creditor.name}`,
        `IBAN : ${formatIban(creditor.iban)}`,
        `BIC : ${creditor.bic}`,
        `Référence à indiquer : ${refs.join(', ')}`,
      ]
    : [
        'Payment by bank transfer:',
        `Account holder: ${creditor.name}`,
        `IBAN: ${formatIban(creditor.iban)}`,
        `BIC: ${creditor.bic}`,
        `Reference to quote: ${refs.join(', ')}`,
      ];
}

/** The letterhead: legal mentions when the identity is known, else the name and address lines given. */
export function senderBlock(creditor: Creditor, language: Language): string[] {
  if (!creditor.legal) return [creditor.name, ...(creditor.address ?? []), ...(creditor.legalIds ?? [])];
  return [...legalMentions(creditor.name, creditor.legal, language), accountingContactLine(creditor.legal, language)];
}

/** A formal notice is signed by a named person, with their title. */
function signatureBlock(creditor: Creditor): string[] {
  const s = creditor.legal?.signatory;
  if (!s) return [creditor.name];
  return [s.name, `${s.title}, ${creditor.name}`];
}
