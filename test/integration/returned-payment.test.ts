import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../bin/local/stack';
import { AllocationRefusedError, applyManualMatch, rejectMatch } from '../../functions/adapters/db/allocations';
import { putCustomer } from '../../functions/adapters/db/customers';
import { getInvoice, saveInvoice } from '../../functions/adapters/db/invoices';
import { listStatements } from '../../functions/adapters/db/statements';
import { getTransaction, listTransactions } from '../../functions/adapters/db/transactions';
import { writeStatementFile } from '../../functions/core/statements';
import { cfonbStatement, payerEntry } from '../fixtures/statement-builders';

/**
 * Issue 11 #1 on the local stack: a returned payment ("impayé", "rejet") arriving in a later statement undoes the
 * payment it names, never merely the oldest payment of the same amount, and when it cannot tell which payment it
 * returns it undoes nothing and says so.
 */
let stack: LocalStack;

const payer = { counterpartyName: 'RESTAURANT CANTAL', counterpartyIban: 'FR7610107001011234567890129' };
const LOZERE = { counterpartyName: 'FERME LOZERE', counterpartyIban: 'FR7630004000031234567890143' };
const MARGERIDE = { counterpartyName: 'GITE MARGERIDE', counterpartyIban: 'FR7630004000039876543210127' };
const CAUSSES = { counterpartyName: 'BERGERIE CAUSSES', counterpartyIban: 'FR4530004000039876543210200' };

const entry = (i: number, date: string, amountCents: number, label: string, remittance: string[]) =>
  payerEntry(payer, i, date, amountCents, label, remittance);
const statement = cfonbStatement;

async function invoice(id: string, customerId: string, dueDate: string) {
  await saveInvoice(
    undefined,
    {
      invoiceId: id,
      customerId,
      amountCents: 500_00,
      openCents: 500_00,
      currency: 'EUR',
      issueDate: '2026-10-01',
      dueDate,
      status: 'open',
    },
    { at: '2026-10-01T00:00:00.000Z', kind: 'imported', actor: 'test', detail: {} },
  );
}

async function customer(customerId: string, name: string, iban = payer.counterpartyIban) {
  await putCustomer({
    customerId,
    name,
    isBusiness: true,
    segment: 'standard',
    language: 'fr',
    timeZone: 'Europe/Paris',
    contacts: [{ email: `compta@${customerId.toLowerCase()}.example`, role: 'billing' }],
    ibans: [iban],
    paymentTermsDays: 30,
    blockWhenOverLimit: false,
    reminderGrouping: 'per_customer',
    postalAddress: [],
    version: 0,
  });
}

beforeAll(async () => {
  stack = await startLocalStack({ quiet: true });
  await customer('C-CANTAL', 'Restaurant Cantal SARL');
  await invoice('RC-0001', 'C-CANTAL', '2026-10-31');
  await invoice('RC-0002', 'C-CANTAL', '2026-11-15');
  await customer('C-AUBRAC', 'Auberge Aubrac SAS');
  await invoice('AU-0001', 'C-AUBRAC', '2026-10-31');
  await invoice('AU-0002', 'C-AUBRAC', '2026-11-15');
  await customer('C-LOZERE', 'Ferme Lozère EARL', LOZERE.counterpartyIban);
  await invoice('LZ-0001', 'C-LOZERE', '2026-10-31');
  await invoice('LZ-0002', 'C-LOZERE', '2026-11-15');
  await customer('C-MARGERIDE', 'Gîte Margeride SARL', MARGERIDE.counterpartyIban);
  await invoice('MG-0001', 'C-MARGERIDE', '2026-10-31');
  await invoice('MG-0002', 'C-MARGERIDE', '2026-11-15');
  await customer('C-CAUSSES', 'Bergerie des Causses GAEC', CAUSSES.counterpartyIban);
  await invoice('CS-0001', 'C-CAUSSES', '2026-10-31');
  await invoice('CS-0002', 'C-CAUSSES', '2026-11-15');
});

afterAll(async () => {
  await stack?.stop();
});

describe('a returned payment in a later statement', () => {
  it('reopens the invoice it names, not the oldest payment of the same amount, and finance is told', async () => {
    const paid = statement('2026-11-20', [
      entry(0, '2026-11-19', 500_00, 'VIR SEPA RESTAURANT CANTAL', ['FACTURE RC-0001']),
      entry(1, '2026-11-20', 500_00, 'VIR SEPA RESTAURANT CANTAL', ['FACTURE RC-0002']),
    ]);
    expect((await stack.putStatement('paiements.cfo', writeStatementFile('cfonb120', [paid]))).error).toBeUndefined();
    expect((await getInvoice('RC-0001'))?.status).toBe('paid');
    expect((await getInvoice('RC-0002'))?.status).toBe('paid');

    const back = statement('2026-11-24', [
      entry(0, '2026-11-24', -500_00, 'REJET VIR SEPA RESTAURANT CANTAL', ['MOTIF AC04 FACTURE RC-0002']),
    ]);
    expect((await stack.putStatement('rejet.cfo', writeStatementFile('cfonb120', [back]))).error).toBeUndefined();
    expect(await getInvoice('RC-0001')).toMatchObject({ status: 'paid', openCents: 0 });
    expect(await getInvoice('RC-0002')).toMatchObject({ status: 'open', openCents: 500_00 });

    const record = (await listStatements()).items.find((s) => s.sourceKey === 'inbox/rejet.cfo');
    expect(record?.counts).toMatchObject({ reversals: 1 });
    const mail = await stack.waitFor(async () =>
      (await stack.sentEmails()).find((m) => m.subject.includes('rejet.cfo')),
    );
    expect(mail.body.text).toMatch(/Paiement rejeté \(impayé\).*factures rouvertes : RC-0002/);
  });

  it(
    'undoes nothing when two payments fit equally, puts the return in the review queue and tells ' + 'finance',
    async () => {
      const paid = statement(
        '2026-11-21',
        [
          entry(0, '2026-11-21', 500_00, 'VIR SEPA AUBERGE AUBRAC', ['FACTURE AU-0001']),
          entry(1, '2026-11-21', 500_00, 'VIR SEPA AUBERGE AUBRAC', ['FACTURE AU-0002']),
        ].map((e) => ({ ...e, counterpartyName: 'AUBERGE AUBRAC', counterpartyIban: 'FR7630006000011234567890189' })),
      );
      expect(
        (await stack.putStatement('paiements-aubrac.cfo', writeStatementFile('cfonb120', [paid]))).error,
      ).toBeUndefined();
      expect((await getInvoice('AU-0001'))?.status).toBe('paid');
      expect((await getInvoice('AU-0002'))?.status).toBe('paid');

      const back = statement('2026-11-25', [
        {
          ...entry(0, '2026-11-25', -500_00, 'REJET VIR SEPA AUBERGE AUBRAC', ['MOTIF AC04']),
          counterpartyName: 'AUBERGE AUBRAC',
          counterpartyIban: 'FR7630006000011234567890189',
        },
      ]);
      expect(
        (await stack.putStatement('rejet-aubrac.cfo', writeStatementFile('cfonb120', [back]))).error,
      ).toBeUndefined();
      expect((await getInvoice('AU-0001'))?.status).toBe('paid');
      expect((await getInvoice('AU-0002'))?.status).toBe('paid');

      const queued = (await listTransactions({ status: 'suggested' })).items.find((t) => t.amountCents === -500_00);
      expect(queued?.match?.reasons.join('\n')).toMatch(/AU-0001[\s\S]*AU-0002/);
      const record = (await listStatements()).items.find((s) => s.sourceKey === 'inbox/rejet-aubrac.cfo');
      expect(record?.counts).toMatchObject({ reversals: 1 });
      const mail = await stack.waitFor(async () =>
        (await stack.sentEmails()).find((m) => m.subject.includes('rejet-aubrac.cfo')),
      );
      expect(mail.body.text).toMatch(/Paiement rejeté \(impayé\)[^\n]*paiement d’origine non identifié/);
      expect(mail.body.text).toMatch(
        /l’opération du 21\/11\/2026 de 500,00\s€ lettrée sur AU-0001 \(même compte payeur\)/,
      );
    },
  );

  it('takes the payment it gives back, left unlettered, out of the review queue: it cannot be lettered', async () => {
    // the payment names no invoice and two are owed at its amount: only suggested; returned in the same statement
    const both = statement('2026-11-26', [
      { ...entry(0, '2026-11-25', 500_00, 'VIR SEPA FERME LOZERE', ['PAIEMENT FACTURE']), ...LOZERE },
      { ...entry(1, '2026-11-26', -500_00, 'REJET VIR SEPA FERME LOZERE', ['MOTIF AC04']), ...LOZERE },
    ]);
    expect((await stack.putStatement('lozere.cfo', writeStatementFile('cfonb120', [both]))).error).toBeUndefined();
    const credit = (await listTransactions({ status: 'reversed' })).items.find(
      (t) => t.counterpartyName === LOZERE.counterpartyName && t.amountCents > 0,
    );
    expect(credit?.match).toMatchObject({ status: 'ignored', suggestions: [] });
    expect(credit?.match?.returnedBy).toMatch(/.+/);
    const queue = [
      ...(await listTransactions({ status: 'suggested' })).items,
      ...(await listTransactions({ status: 'unmatched' })).items,
    ];
    expect(queue.map((t) => t.transactionId)).not.toContain(credit!.transactionId);
    await expect(
      applyManualMatch(credit!.transactionId, [{ invoiceId: 'LZ-0001', amountCents: 500_00 }], 'user:test'),
    ).rejects.toThrow(AllocationRefusedError);
    expect((await getTransaction(credit!.transactionId))?.status).toBe('reversed');
    expect(await getInvoice('LZ-0001')).toMatchObject({ status: 'open', openCents: 500_00 });
    const mail = await stack.waitFor(async () =>
      (await stack.sentEmails()).find((m) => m.subject.includes('lozere.cfo')),
    );
    expect(mail.body.text).toMatch(
      /rien n’a été rouvert : l’opération du 25\/11\/2026 de 500,00\s€, non lettrée, est marquée rendue/,
    );
  });

  it('takes a payment of an earlier statement out of the review queue when a later return gives it back', async () => {
    const paid = statement('2026-11-25', [
      { ...entry(0, '2026-11-25', 500_00, 'VIR SEPA GITE MARGERIDE', ['PAIEMENT FACTURE']), ...MARGERIDE },
    ]);
    expect((await stack.putStatement('margeride.cfo', writeStatementFile('cfonb120', [paid]))).error).toBeUndefined();
    const waiting = (await listTransactions({ status: 'suggested' })).items.find(
      (t) => t.counterpartyName === MARGERIDE.counterpartyName,
    );
    expect(waiting?.amountCents).toBe(500_00);

    const back = statement('2026-11-27', [
      { ...entry(0, '2026-11-27', -500_00, 'REJET VIR SEPA GITE MARGERIDE', ['MOTIF AC04']), ...MARGERIDE },
    ]);
    expect(
      (await stack.putStatement('rejet-margeride.cfo', writeStatementFile('cfonb120', [back]))).error,
    ).toBeUndefined();
    const credit = await getTransaction(waiting!.transactionId);
    expect(credit?.status).toBe('reversed');
    expect(credit?.match).toMatchObject({ status: 'ignored', suggestions: [] });
    const returned = (await listTransactions({ status: 'ignored' })).items.find(
      (t) => t.counterpartyName === MARGERIDE.counterpartyName,
    );
    expect(credit?.match?.returnedBy).toBe(returned?.transactionId);
    expect(returned?.match?.givesBack).toBe(waiting!.transactionId);
    expect(await getInvoice('MG-0001')).toMatchObject({ status: 'open', openCents: 500_00 });
    const mail = await stack.waitFor(async () =>
      (await stack.sentEmails()).find((m) => m.subject.includes('rejet-margeride.cfo')),
    );
    expect(mail.body.text).toMatch(/l’opération du 25\/11\/2026 de 500,00\s€, non lettrée, est marquée rendue/);
  });

  it('marks returned a payment whose suggestions a person rejected, when a later return gives it back', async () => {
    const paid = cfonbStatement('2026-11-25', [
      payerEntry(CAUSSES, 0, '2026-11-25', 500_00, 'VIR SEPA BERGERIE CAUSSES', ['PAIEMENT FACTURE']),
    ]);
    expect((await stack.putStatement('causses.cfo', writeStatementFile('cfonb120', [paid]))).error).toBeUndefined();
    const waiting = (await listTransactions({ status: 'suggested' })).items.find(
      (t) => t.counterpartyName === CAUSSES.counterpartyName,
    );
    await rejectMatch(waiting!.transactionId, 'user:test');

    const back = cfonbStatement('2026-11-27', [
      payerEntry(CAUSSES, 0, '2026-11-27', -500_00, 'REJET VIR SEPA BERGERIE CAUSSES', ['MOTIF AC04']),
    ]);
    expect(
      (await stack.putStatement('rejet-causses.cfo', writeStatementFile('cfonb120', [back]))).error,
    ).toBeUndefined();
    const credit = await getTransaction(waiting!.transactionId);
    expect(credit?.status).toBe('reversed');
    expect(credit?.match?.returnedBy).toMatch(/.+/);
    const letter = () =>
      applyManualMatch(credit!.transactionId, [{ invoiceId: 'CS-0001', amountCents: 500_00 }], 'user:test');
    await expect(letter()).rejects.toThrow(/it pays nothing \(if it was not returned, reject it first\)/);
    // a person who knows the bank did not return this one rejects it first, then letters it
    await rejectMatch(credit!.transactionId, 'user:test');
    await letter();
    expect(await getInvoice('CS-0001')).toMatchObject({ status: 'paid', openCents: 0 });
  });
});
