import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../../functions/adapters/aws-clients';
import { customerItem, invoiceItem } from '../../functions/adapters/db/items';
import { saveRateOverride } from '../../functions/adapters/db/rates';
import { addDays } from '../../functions/core/dates';
import { Customer, Invoice } from '../../functions/core/model';
import type { Statement } from '../../functions/core/model/statement';
import { writeCfonb120 } from '../../functions/core/statements/writers';

/**
 * Demo data for `npm start`: a handful of French customers and invoices, dated relative to the policy "today" so some
 * are overdue (their dunning cycle plays within a minute at the default time factor), and a CFONB 120 statement that
 * pays one invoice in full and another in part.
 */

export interface DemoData {
  customers: Customer[];
  invoices: Invoice[];
}

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

export function demoData(today: Date): DemoData {
  const day = (offset: number) => addDays(isoDay(today), offset);
  const customers: Customer[] = [
    Customer.parse({
      customerId: 'C-BOULANGERIE-MARTIN',
      name: 'Boulangerie Martin SARL',
      contacts: [{ name: 'Claire Martin', email: 'compta@boulangerie-martin.example.fr', role: 'billing' }],
      ibans: ['FR7630004000031234567890143'],
      postalAddress: ['12 rue de la République', '69002 Lyon'],
    }),
    Customer.parse({
      customerId: 'C-ATELIER-DURAND',
      name: 'Atelier Durand & Fils',
      contacts: [{ name: 'Paul Durand', email: 'paul.durand@atelier-durand.example.fr', role: 'accounts_payable' }],
      ibans: ['FR7611315000011234567890138'],
      postalAddress: ['3 chemin des Vignes', '33000 Bordeaux'],
    }),
    Customer.parse({
      customerId: 'C-GARAGE-LEROY',
      name: 'Garage Leroy',
      segment: 'key_account',
      contacts: [{ name: 'Sophie Leroy', email: 'sophie@garage-leroy.example.fr', role: 'billing' }],
      accountManagerEmail: 'commercial@encaisse.example.fr',
      postalAddress: ['88 avenue Jean Jaurès', '31000 Toulouse'],
    }),
    Customer.parse({
      customerId: 'C-LEA-PETIT',
      name: 'Léa Petit',
      isBusiness: false,
      segment: 'b2c',
      contacts: [{ name: 'Léa Petit', email: 'lea.petit@example.fr', role: 'primary' }],
      language: 'fr',
    }),
  ];
  const invoice = (
    invoiceId: string,
    customerId: string,
    amountCents: number,
    issueOffset: number,
    dueOffset: number,
  ): Invoice =>
    Invoice.parse({
      invoiceId,
      customerId,
      amountCents,
      openCents: amountCents,
      issueDate: day(issueOffset),
      dueDate: day(dueOffset),
      status: 'open',
      version: 1,
    });
  const invoices = [
    invoice('F-2025-0101', 'C-BOULANGERIE-MARTIN', 1_250_00, -75, -45), // long overdue: formal notice soon
    invoice('F-2025-0102', 'C-BOULANGERIE-MARTIN', 480_00, -40, -10), // overdue: first reminders...
    invoice('F-2025-0105', 'C-BOULANGERIE-MARTIN', 215_40, -40, -10), // ...with two more due the same day: one grouped
    invoice('F-2025-0108', 'C-BOULANGERIE-MARTIN', 96_00, -40, -10), //    reminder per window lists all three
    invoice('F-2025-0117', 'C-ATELIER-DURAND', 3_600_00, -50, -20), // overdue: paid by the demo statement
    invoice('F-2025-0123', 'C-ATELIER-DURAND', 900_00, -20, 10), // not due yet
    invoice('F-2025-0131', 'C-GARAGE-LEROY', 12_000_00, -62, -32), // key account, overdue: partly paid by the statement
    invoice('F-2025-0140', 'C-LEA-PETIT', 189_90, -35, -5), // consumer: no L441-10 penalties
  ];
  return { customers, invoices };
}

/**
 * The checked rate table stops at 2026-H1 (shared/reference/late-payment-rates.md). So that the demo's formal notices
 * can be computed, the demo stores an ASSUMPTION as finance would (PUT /rates): the ECB rate and the legal rate left as
 * in H1 2026. It is labelled as such and exists only in the local demo; a real deployment gets no rate it was not
 * given.
 */
export const demoRateAssumption = {
  ecbMro: [],
  ecbMroKnownThrough: '2027-06-30',
  legalRate: [
    { half: '2026-H2', otherCasesBp: 262, privateCreditorBp: 667 },
    { half: '2027-H1', otherCasesBp: 262, privateCreditorBp: 667 },
  ],
  source: 'DEMO ASSUMPTION, not a checked figure: H1 2026 rates carried forward for the local demo only',
};

/** Writes the demo customers and invoices to the table (TABLE_NAME) with the shared item mapping. */
export async function seedDemo(data: DemoData, tableName = process.env.TABLE_NAME!): Promise<void> {
  await saveRateOverride(demoRateAssumption, undefined, 'demo', new Date(0).toISOString()).catch((err: Error) => {
    if (err.name !== 'RateVersionConflictError') throw err; // already seeded
  });
  const items = [...data.customers.map(customerItem), ...data.invoices.map(invoiceItem)];
  for (let i = 0; i < items.length; i += 25) {
    await dynamo().send(
      new BatchWriteCommand({
        RequestItems: { [tableName]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) },
      }),
    );
  }
}

/** A CFONB 120 statement of yesterday: F-2025-0117 paid in full, F-2025-0131 paid in part, and an unrelated debit. */
export function demoStatement(today: Date): { name: string; content: string } {
  const yesterday = addDays(isoDay(today), -1);
  const entry = (
    index: number,
    amountCents: number,
    label: string,
    extra: Partial<Statement['entries'][number]> = {},
  ) => ({
    index,
    bookingDate: yesterday,
    valueDate: yesterday,
    amountCents,
    currency: 'EUR',
    bankCodes: [amountCents > 0 ? '05' : '01'],
    bankReference: `DEMO${String(index).padStart(4, '0')}`,
    label,
    remittance: { unstructured: [], structured: [] },
    reversal: false,
    raw: [],
    ...extra,
  });
  const statement: Statement = {
    format: 'cfonb120',
    account: {
      bankCode: '30004',
      branchCode: '00001',
      accountNumber: '00012345678',
      iban: 'FR7630004000010001234567890',
    },
    currency: 'EUR',
    periodStart: yesterday,
    periodEnd: yesterday,
    openingBalanceCents: 15_000_00,
    closingBalanceCents: 15_000_00 + 3_600_00 + 5_000_00 - 312_40,
    entries: [
      entry(0, 3_600_00, 'VIR SEPA ATELIER DURAND', {
        counterpartyName: 'ATELIER DURAND ET FILS',
        counterpartyIban: 'FR7611315000011234567890138',
        remittance: { unstructured: ['REGLEMENT FACTURE F-2025-0117'], structured: [] },
      }),
      entry(1, 5_000_00, 'VIR SEPA GARAGE LEROY', {
        counterpartyName: 'GARAGE LEROY',
        remittance: { unstructured: ['ACOMPTE F-2025-0131'], structured: [] },
      }),
      entry(2, -312_40, 'PRLV SEPA EDF', {
        counterpartyName: 'EDF',
        remittance: { unstructured: ['FACTURE ENERGIE'], structured: [] },
      }),
    ],
    balanceCheck: { status: 'ok' },
  };
  return { name: `releve-demo-${yesterday}.cfonb`, content: writeCfonb120([statement]) };
}
