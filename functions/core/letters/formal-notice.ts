import type { IsoDate } from '../dates';
import type { LatePenalties } from '../dunning/penalties';
import { formatDate, formatIban, type Language, money, structuredReference } from '../messages/format';
import type { Creditor } from '../messages/reminder';
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
  debtor: { name: string; address: string[]; isBusiness?: boolean };
  invoices: FormalNoticeInvoice[];
  /** computeLatePenalties per invoice: by invoiceId, or an array in the order of `invoices`. */
  penalties: Record<string, LatePenalties> | LatePenalties[];
  deadline: IsoDate;
  asOf: IsoDate;
  /** The notice's own reference, e.g. "MED-F-2026-0042-20261123" (defaults to one built from the first invoice). */
  reference?: string;
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
  };
}

function pct(bp: number, language: Language): string {
  const s = (bp / 100).toFixed(2);
  return `${language === 'fr' ? s.replace('.', ',') : s} %`;
}

/**
 * The formal notice ("mise en demeure de payer") as a PDF letter: principal, L441-10 penalties period by period,
 * the €40 indemnity per invoice (D441-5) for a business debtor (legal-rate interest from the notice for a consumer),
 * the deadline, and the statement that it also goes by registered letter with acknowledgement of receipt.
 */
export async function buildFormalNoticePdf(input: FormalNoticeInput): Promise<Uint8Array> {
  const { language, creditor, debtor, deadline, asOf } = input;
  const fr = language === 'fr';
  const fig = formalNoticeFigures(input);
  const cur = fig.currency;
  const m = (c: number) => money(c, cur, language);
  const d = (x: IsoDate) => formatDate(x, language);
  const reference = input.reference ?? formalNoticeReference(input.invoices[0].invoiceId, asOf);
  const ids = input.invoices.map((i) => i.invoiceId);
  const n = ids.length;

  const w = await PdfWriter.create({
    title: fr ? `Mise en demeure ${reference}` : `Formal notice ${reference}`,
    author: creditor.name,
    subject: fr ? `Mise en demeure de payer – ${debtor.name}` : `Formal notice to pay – ${debtor.name}`,
    footer: `${creditor.name} – ${reference}`,
    creationDate: new Date(`${asOf}T00:00:00Z`),
  });

  // Sender block
  w.lines([creditor.name, ...(creditor.address ?? []), ...(creditor.legalIds ?? [])], { size: 9, gapAfter: 10 });
  // Recipient block, right-aligned
  w.lines([debtor.name, ...debtor.address], { size: 10, align: 'right', gapAfter: 14 });
  w.paragraph(
    fr
      ? `${creditor.city ? `${creditor.city}, le` : 'Le'} ${d(asOf)}`
      : `${creditor.city ? `${creditor.city}, ` : ''}${d(asOf)}`,
    { align: 'right', gapAfter: 12 },
  );
  w.paragraph(
    fr
      ? 'LETTRE RECOMMANDÉE AVEC ACCUSÉ DE RÉCEPTION'
      : 'REGISTERED LETTER WITH ACKNOWLEDGEMENT OF RECEIPT (lettre recommandée avec accusé de réception)',
    { bold: true, size: 10 },
  );
  w.paragraph(
    fr
      ? `Objet : Mise en demeure de payer – ${n > 1 ? `factures ${ids.join(', ')}` : `facture ${ids[0]}`} – Réf. ` +
          `${reference}`
      : `Subject: Formal notice to pay – ${n > 1 ? `invoices ${ids.join(', ')}` : `invoice ${ids[0]}`} – Ref. ` +
          `${reference}`,
    { bold: true, gapAfter: 12 },
  );
  w.paragraph(fr ? 'Madame, Monsieur,' : 'Dear Sir or Madam,', { gapAfter: 8 });
  w.paragraph(
    fr
      ? `Sauf erreur de notre part, et malgré nos précédentes relances, nous restons à ce jour dans l’attente du ` +
          `règlement ${n > 1 ? 'des factures suivantes' : 'de la facture suivante'} :`
      : `Unless we are mistaken, and despite our previous reminders, we are still awaiting payment of the following ` +
          `${n > 1 ? 'invoices' : 'invoice'}:`,
  );
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

  if (fig.business) {
    const bases = new Set(fig.rows.map((r) => r.penalties.basis));
    w.paragraph(
      fr
        ? `Conformément à l’article L441-10 du Code de commerce, des pénalités de retard sont dues de plein droit, ` +
            `sans qu’un rappel soit nécessaire, à compter du jour suivant la date d’échéance${
              bases.has('contract')
                ? ', au taux prévu au contrat (qui ne peut être inférieur à trois fois le taux de l’intérêt légal)'
                : ', au taux directeur de la Banque centrale européenne en vigueur au 1er janvier ou au 1er juillet ' +
                  'du semestre concerné, majoré de 10 points'
            }. Elles s’élèvent, au ${d(asOf)}, à :`
        : `Under article L441-10 of the French Commercial Code, late-payment penalties are due automatically, ` +
            `without any reminder being required, from the day after the due date${
              bases.has('contract')
                ? ', at the contract rate (which may not be lower than three times the legal interest rate)'
                : ', at the European Central Bank main refinancing rate in force on 1 January or 1 July of the ' +
                  'half-year concerned, plus 10 percentage points'
            }. As of ${d(asOf)} they amount to:`,
    );
  } else {
    w.paragraph(
      fr
        ? 'Conformément à l’article 1231-6 du Code civil, la présente mise en demeure fait courir des intérêts au ' +
            'taux de l’intérêt légal sur les sommes dues. Au jour de la présente, ils s’élèvent à :'
        : 'Under article 1231-6 of the French Civil Code, this formal notice makes interest at the legal rate run ' +
            'on the amounts due. As of today they amount to:',
    );
  }
  const periodRows: string[][] = [];
  for (const r of fig.rows) {
    if (r.penalties.periods.length === 0) periodRows.push([r.invoice.invoiceId, '—', '—', '—', m(0)]);
    for (const p of r.penalties.periods)
      periodRows.push([
        r.invoice.invoiceId,
        fr ? `du ${d(p.from)} au ${d(p.to)}` : `${d(p.from)} to ${d(p.to)}`,
        String(p.days),
        pct(p.rateBp, language),
        m(p.cents),
      ]);
  }
  w.table(
    fr
      ? ['Facture', 'Période', 'Jours', 'Taux annuel', 'Pénalités']
      : ['Invoice', 'Period', 'Days', 'Annual rate', 'Penalties'],
    periodRows,
    [0.24, 0.34, 0.1, 0.14, 0.18],
    [2, 3, 4],
  );
  w.paragraph(
    fr
      ? 'Calcul : montant restant dû × taux annuel × nombre de jours / 365, arrondi au centime par période.'
      : 'Computation: amount due × annual rate × number of days / 365, rounded to the cent per period.',
    { size: 8 },
  );
  if (fig.business && fig.indemnityCents > 0) {
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
  w.table(
    fr ? ['Récapitulatif', 'Montant'] : ['Summary', 'Amount'],
    [
      [fr ? 'Principal restant dû' : 'Principal due', m(fig.principalCents)],
      [fr ? 'Pénalités de retard' : 'Late-payment penalties', m(fig.interestCents)],
      ...(fig.business
        ? [
            [
              fr ? 'Indemnités forfaitaires (40 € par facture)' : 'Fixed indemnities (€40 per invoice)',
              m(fig.indemnityCents),
            ],
          ]
        : []),
      [fr ? 'TOTAL À PAYER' : 'TOTAL TO PAY', m(fig.totalCents)],
    ],
    [0.7, 0.3],
    [1],
    10,
  );
  w.paragraph(
    fr
      ? `Par la présente, nous vous mettons en demeure de nous régler la somme de ${m(fig.totalCents)} au plus tard ` +
          `le ${d(deadline)}. Les pénalités continuent de courir jusqu’au complet paiement.`
      : `We hereby give you formal notice to pay us the sum of ${m(fig.totalCents)} no later than ${d(deadline)}. ` +
          `Penalties continue to accrue until payment in full.`,
    { bold: true },
  );
  w.paragraph(
    fr
      ? 'À défaut de règlement dans ce délai, nous engagerons sans autre avis une procédure de recouvrement ' +
          '(injonction de payer ou recours à une société de recouvrement).'
      : 'Failing payment by that date, we will start collection proceedings without further notice (order for ' +
          'payment or a collection agency).',
  );
  w.paragraph(
    fr
      ? 'La présente mise en demeure vous est adressée par courrier électronique et par lettre recommandée avec ' +
          'accusé de réception.'
      : 'This formal notice is sent to you by e-mail and by registered letter with acknowledgement of receipt ' +
          '(lettre recommandée avec accusé de réception).',
  );
  const refs = ids.map((id) => {
    const rf = structuredReference(id);
    return rf ? `${id} (${rf})` : id;
  });
  w.lines(
    fr
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
        ],
    { size: 9, gapAfter: 10 },
  );
  w.paragraph(
    fr
      ? 'Nous vous prions d’agréer, Madame, Monsieur, l’expression de nos salutations distinguées.'
      : 'Yours faithfully,',
    { gapAfter: 16 },
  );
  w.paragraph(creditor.name, { bold: true });
  return w.save();
}
