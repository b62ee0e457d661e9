import type { IsoDate, IsoTimestamp } from '../dates';
import type { LatePenalties } from '../dunning/penalties';
import { contactRoleLabel, describeEvent } from '../messages/events';
import { formatDate, type Language, money } from '../messages/format';
import type { Creditor } from '../messages/reminder';
import { type FormalNoticeInvoice, senderBlock } from './formal-notice';
import { PdfWriter } from './pdf-writer';

export interface AgencyCaseInput {
  language: Language;
  caseId: string;
  creditor: Creditor;
  customer: {
    customerId: string;
    name: string;
    isBusiness?: boolean;
    segment?: string;
    language?: string;
    postalAddress?: string[];
    contacts?: { name?: string; email?: string; phone?: string; role?: string }[];
    ibans?: string[];
    /** SIREN/SIRET, VAT number. */
    legalIds?: string[];
  };
  invoices: (FormalNoticeInvoice & { status?: string; penalties: LatePenalties; pdfKey?: string })[];
  /** Full reminder and contact history, any order (sorted by time in the file). */
  history: {
    at: IsoTimestamp;
    invoiceId?: string;
    kind: string;
    /** The event's recorded detail: kept whole in the JSON, told in words in the PDF. */
    detail?: Record<string, unknown>;
  }[];
  formalNotice?: { reference: string; date: IsoDate; documentKey?: string; registeredLetterNumber?: string };
  asOf: IsoDate;
}

export interface AgencyCaseFile {
  json: Record<string, unknown>;
  pdf: Uint8Array;
}

/** The case file handed to the collection agency: a JSON for its systems and a PDF for people. */
export async function buildAgencyCaseFile(input: AgencyCaseInput): Promise<AgencyCaseFile> {
  const { language, caseId, creditor, customer, asOf } = input;
  const fr = language === 'fr';
  if (input.invoices.length === 0) throw new Error('a case file concerns at least one invoice');
  const history = [...input.history].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const invoices = [...input.invoices].sort((a, b) =>
    a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : a.invoiceId < b.invoiceId ? -1 : 1,
  );
  const currencyTotals = new Map<
    string,
    { principalCents: number; interestCents: number; indemnityCents: number; totalCents: number }
  >();
  for (const i of invoices) {
    const c = i.currency ?? 'EUR';
    const t = currencyTotals.get(c) ?? { principalCents: 0, interestCents: 0, indemnityCents: 0, totalCents: 0 };
    t.principalCents += i.openCents;
    t.interestCents += i.penalties.interestCents;
    t.indemnityCents += i.penalties.indemnityCents;
    t.totalCents += i.openCents + i.penalties.totalCents;
    currencyTotals.set(c, t);
  }

  const json = {
    schema: 'encaisse.agency-case/1',
    caseId,
    asOf,
    creditor: {
      name: creditor.name,
      address: creditor.address ?? [],
      legalIds: creditor.legalIds ?? [],
      legal: creditor.legal ?? null,
      iban: creditor.iban,
      bic: creditor.bic,
      email: creditor.email,
      phone: creditor.phone,
    },
    debtor: {
      customerId: customer.customerId,
      name: customer.name,
      type: customer.isBusiness === false ? 'consumer' : 'business',
      segment: customer.segment,
      language: customer.language,
      postalAddress: customer.postalAddress ?? [],
      contacts: customer.contacts ?? [],
      bankAccounts: customer.ibans ?? [],
      legalIds: customer.legalIds ?? [],
    },
    invoices: invoices.map((i) => ({
      invoiceId: i.invoiceId,
      issueDate: i.issueDate,
      dueDate: i.dueDate,
      currency: i.currency ?? 'EUR',
      amountCents: i.amountCents,
      openCents: i.openCents,
      status: i.status,
      daysLate: i.penalties.daysLate,
      penalties: {
        basis: i.penalties.basis,
        interestCents: i.penalties.interestCents,
        indemnityCents: i.penalties.indemnityCents,
        periods: i.penalties.periods,
      },
      claimCents: i.openCents + i.penalties.totalCents,
      documentKey: i.pdfKey,
    })),
    totals: [...currencyTotals].map(([currency, t]) => ({ currency, ...t })),
    formalNotice: input.formalNotice ?? null,
    history,
  };

  const w = await PdfWriter.create({
    title: fr ? `Dossier de recouvrement ${caseId}` : `Collection case file ${caseId}`,
    author: creditor.name,
    footer: `${creditor.name} – ${caseId}`,
    creationDate: new Date(`${asOf}T00:00:00Z`),
  });
  const d = (x: IsoDate) => formatDate(x, language);
  w.paragraph(fr ? `Dossier de recouvrement ${caseId}` : `Collection case file ${caseId}`, { bold: true, size: 14 });
  w.paragraph(fr ? `Situation au ${d(asOf)}` : `Position as of ${d(asOf)}`, { gapAfter: 10 });
  w.paragraph(fr ? 'Créancier' : 'Creditor', { bold: true, size: 11 });
  w.lines(
    creditor.legal
      ? senderBlock(creditor, language)
      : [...senderBlock(creditor, language), [creditor.email, creditor.phone].filter(Boolean).join(' · ')].filter(
          Boolean,
        ),
    { size: 9 },
  );
  w.paragraph(fr ? 'Débiteur' : 'Debtor', { bold: true, size: 11 });
  w.lines(
    [
      `${customer.name} (${customer.customerId})`,
      fr
        ? customer.isBusiness === false
          ? 'Particulier'
          : 'Professionnel'
        : customer.isBusiness === false
          ? 'Consumer'
          : 'Business',
      ...(customer.postalAddress ?? []),
      ...(customer.legalIds ?? []),
      ...(customer.contacts ?? []).map((c) =>
        [c.name, contactRoleLabel(c.role, language), c.email, c.phone].filter(Boolean).join(' · '),
      ),
    ],
    { size: 9 },
  );
  w.paragraph(fr ? 'Factures' : 'Invoices', { bold: true, size: 11 });
  w.table(
    fr
      ? ['Facture', 'Échéance', 'Retard (j)', 'Reste dû', 'Pénalités', 'Indemnité', 'Créance']
      : ['Invoice', 'Due date', 'Days late', 'Amount due', 'Penalties', 'Indemnity', 'Claim'],
    invoices.map((i) => {
      const c = i.currency ?? 'EUR';
      return [
        i.invoiceId,
        d(i.dueDate),
        String(i.penalties.daysLate),
        money(i.openCents, c, language),
        money(i.penalties.interestCents, c, language),
        money(i.penalties.indemnityCents, c, language),
        money(i.openCents + i.penalties.totalCents, c, language),
      ];
    }),
    [0.2, 0.13, 0.1, 0.15, 0.14, 0.13, 0.15],
    [2, 3, 4, 5, 6],
    8,
  );
  for (const [c, t] of currencyTotals)
    w.paragraph(
      `${fr ? 'Total de la créance' : 'Total claim'} : ${money(t.totalCents, c, language)} ` +
        `(${fr ? 'principal' : 'principal'} ${money(t.principalCents, c, language)})`,
      { bold: true },
    );
  if (input.formalNotice) {
    w.paragraph(fr ? 'Mise en demeure' : 'Formal notice', { bold: true, size: 11 });
    w.lines(
      [
        `${fr ? 'Référence' : 'Reference'} : ${input.formalNotice.reference}`,
        `${fr ? 'Date' : 'Date'} : ${d(input.formalNotice.date)}`,
        ...(input.formalNotice.registeredLetterNumber
          ? [`${fr ? 'Recommandé AR n°' : 'Registered letter no.'} ${input.formalNotice.registeredLetterNumber}`]
          : []),
      ],
      { size: 9 },
    );
  }
  w.paragraph(fr ? 'Historique des relances et contacts' : 'Reminder and contact history', { bold: true, size: 11 });
  w.table(
    fr ? ['Date', 'Heure (UTC)', 'Facture', 'Événement'] : ['Date', 'Time (UTC)', 'Invoice', 'Event'],
    history.map((h) => [d(h.at.slice(0, 10)), h.at.slice(11, 16), h.invoiceId ?? '', describeEvent(h, language)]),
    [0.14, 0.12, 0.2, 0.54],
    [],
    8,
  );
  return { json, pdf: await w.save() };
}
