import { createHash } from 'node:crypto';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../bin/local/stack';
import { s3 } from '../../functions/adapters/aws-clients';
import { undoMatch } from '../../functions/adapters/db/allocations';
import { customerCreditCents, putCustomer } from '../../functions/adapters/db/customers';
import { listInvoiceEvents } from '../../functions/adapters/db/events';
import { getInvoice, saveInvoice } from '../../functions/adapters/db/invoices';
import { getStatement, listStatements, reprocessStatement } from '../../functions/adapters/db/statements';
import { listTransactions } from '../../functions/adapters/db/transactions';
import type { Statement, StatementEntry } from '../../functions/core/model';
import { writeStatementFile } from '../../functions/core/statements';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

let stack: LocalStack;

const account = {
  iban: 'FR7630003012340001234567890',
  bankCode: '30003',
  branchCode: '01234',
  accountNumber: '00012345678',
};

function entry(
  i: number,
  amountCents: number,
  label: string,
  remittance: string[],
  extra: Partial<StatementEntry> = {},
): StatementEntry {
  return {
    index: i,
    bookingDate: '2026-11-20',
    valueDate: '2026-11-20',
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

function statement(entries: StatementEntry[]): Statement {
  const total = entries.reduce((s, e) => s + e.amountCents, 0);
  return {
    format: 'cfonb120',
    account,
    currency: 'EUR',
    periodStart: '2026-11-20',
    periodEnd: '2026-11-20',
    openingBalanceCents: 1_000_00,
    closingBalanceCents: 1_000_00 + total,
    entries,
    balanceCheck: { status: 'ok' },
  };
}

async function keysUnder(prefix: string): Promise<string[]> {
  const res = await s3().send(new ListObjectsV2Command({ Bucket: stack.env.STATEMENTS_BUCKET, Prefix: prefix }));
  return (res.Contents ?? []).map((o) => o.Key!);
}

const paidInFull = entry(0, 1_200_00, 'VIR SEPA ATELIERS DUPONT', ['FACTURE F2026-0101']);
const unknownCredit = entry(1, 77_00, 'VIR SEPA INCONNU', ['CADEAU']);

beforeAll(async () => {
  stack = await startLocalStack({ quiet: true });
  await putCustomer({
    customerId: 'C-DUPONT',
    name: 'Ateliers Dupont SARL',
    isBusiness: true,
    segment: 'standard',
    language: 'fr',
    timeZone: 'Europe/Paris',
    contacts: [{ email: 'compta@dupont.example', role: 'billing' }],
    ibans: [],
    paymentTermsDays: 30,
    blockWhenOverLimit: false,
    reminderGrouping: 'per_customer',
    postalAddress: [],
    version: 0,
  });
  for (const [id, cents] of [
    ['F2026-0101', 1_200_00],
    ['F2026-0102', 450_00],
  ] as const) {
    await saveInvoice(
      undefined,
      {
        invoiceId: id,
        customerId: 'C-DUPONT',
        amountCents: cents,
        openCents: cents,
        currency: 'EUR',
        issueDate: '2026-10-01',
        dueDate: '2026-10-31',
        status: 'open',
      },
      { at: '2026-11-01T00:00:00.000Z', kind: 'imported', actor: 'test', detail: {} },
    );
  }
});

afterAll(async () => {
  await stack?.stop();
});

describe('a statement dropped in the inbox is reconciled once, and nothing is lost', () => {
  it(
    'stores each bank transaction, letters the payment to its invoice and files the statement under ' + 'processed/',
    async () => {
      const file = writeStatementFile('cfonb120', [statement([paidInFull, unknownCredit])]);
      const delivery = await stack.putStatement('releve novembre+1.cfo', file);
      expect(delivery.error).toBeUndefined();
      expect(delivery.eventKey).toBe('inbox/releve+novembre%2B1.cfo');

      const invoice = await getInvoice('F2026-0101');
      expect(invoice?.status).toBe('paid');
      expect(invoice?.openCents).toBe(0);
      expect((await listInvoiceEvents('F2026-0101')).map((e) => e.kind)).toContain('allocation');
      expect((await getInvoice('F2026-0102'))?.status).toBe('open');

      const matched = await listTransactions({ status: 'matched' });
      const unknown = await listTransactions({ status: 'unmatched' });
      expect(matched.items).toHaveLength(1);
      expect(unknown.items.map((t) => t.amountCents)).toEqual([77_00]);

      expect(await keysUnder('inbox/')).toEqual([]);
      const stored = `processed/${sha256(file)}/releve novembre+1.cfo`;
      expect(await keysUnder('processed/')).toEqual([stored, `${stored}.summary.json`]);
      const [record] = (await listStatements()).items;
      expect(record).toMatchObject({
        status: 'processed',
        format: 'cfonb120',
        counts: { entries: 2, newTransactions: 2, matched: 1, unmatched: 1 },
      });

      const mail = await stack.waitFor(async () =>
        (await stack.sentEmails()).find((m) => m.subject.includes('releve novembre+1.cfo')),
      );
      expect(mail.destination.to).toEqual(stack.env.FINANCE_EMAILS.split(','));
      expect(mail.body.text).toContain('CADEAU');
    },
  );

  it('the same file dropped again stores nothing twice', async () => {
    const file = writeStatementFile('cfonb120', [statement([paidInFull, unknownCredit])]);
    await stack.putStatement('copie.cfo', file);
    expect((await listTransactions({ status: 'matched' })).items).toHaveLength(1);
    expect((await listTransactions({ status: 'unmatched' })).items).toHaveLength(1);
    expect((await getInvoice('F2026-0101'))?.openCents).toBe(0);
    expect(await keysUnder(`processed/${sha256(file)}/copie.cfo`)).toEqual([`processed/${sha256(file)}/copie.cfo`]);
  });

  it('an overlapping statement adds only the entries not seen before', async () => {
    const partial = entry(2, 200_00, 'VIR SEPA ATELIERS DUPONT', ['ACOMPTE F2026-0102']);
    const delivery = await stack.putStatement(
      'overlap.cfo',
      writeStatementFile('cfonb120', [statement([paidInFull, unknownCredit, partial])]),
    );
    expect(delivery.error).toBeUndefined();
    expect((await listTransactions({ status: 'matched' })).items).toHaveLength(2);
    const invoice = await getInvoice('F2026-0102');
    expect(invoice).toMatchObject({ status: 'partially_paid', openCents: 250_00 });
    const [latest] = (await listStatements()).items;
    expect(latest.counts).toMatchObject({ entries: 3, newTransactions: 1, duplicates: 2 });
  });

  it(
    "an overpayment letters the invoice in full and keeps the rest as the customer's credit; undoing takes both " +
      'back',
    async () => {
      await saveInvoice(
        undefined,
        {
          invoiceId: 'F2026-0103',
          customerId: 'C-DUPONT',
          amountCents: 300_00,
          openCents: 300_00,
          currency: 'EUR',
          issueDate: '2026-10-05',
          dueDate: '2026-11-04',
          status: 'open',
        },
        { at: '2026-11-01T00:00:00.000Z', kind: 'imported', actor: 'test', detail: {} },
      );
      const over = entry(0, 320_00, 'VIR SEPA ATELIERS DUPONT', ['FACTURE F2026-0103']);
      await stack.putStatement('trop-percu.cfo', writeStatementFile('cfonb120', [statement([over])]));
      expect(await getInvoice('F2026-0103')).toMatchObject({ status: 'paid', openCents: 0 });
      expect(await customerCreditCents('C-DUPONT')).toBe(20_00);

      const txn = (await listTransactions({ status: 'matched' })).items.find((t) => t.amountCents === 320_00)!;
      await undoMatch(txn.transactionId, 'user:test');
      expect(await getInvoice('F2026-0103')).toMatchObject({ status: 'open', openCents: 300_00 });
      expect(await customerCreditCents('C-DUPONT')).toBe(0);
    },
  );

  it(
    'a corrupt file is kept under rejected/ with a report naming the line, finance is alerted, nothing is ' + 'written',
    async () => {
      const before = (await listTransactions({ status: 'unmatched' })).items.length;
      const good = writeStatementFile('cfonb120', [statement([entry(0, 9_99, 'VIR X', ['Y'])])]);
      const corrupt = good.replace(/^(04.{90})[0-9]{3}/m, '$1A#Z');
      await stack.putStatement('casse.cfo', corrupt);
      const kept = `rejected/${sha256(corrupt)}/casse.cfo`;
      expect(await keysUnder('rejected/')).toEqual([kept, `${kept}.error.json`]);
      const report = JSON.parse(
        await (
          await s3().send(new GetObjectCommand({ Bucket: stack.env.STATEMENTS_BUCKET, Key: `${kept}.error.json` }))
        ).Body!.transformToString(),
      );
      expect(report.error.line).toBe(2);
      expect(report.error.message).toMatch(/line 2/);
      expect((await listTransactions({ status: 'unmatched' })).items.length).toBe(before);
      const alert = await stack.waitFor(async () =>
        (await stack.sentEmails()).find((m) => m.subject.includes('casse.cfo')),
      );
      expect(alert.subject).toMatch(/relevé bancaire rejeté/);
    },
  );

  it('a statement whose balances do not add up is rejected and reported, not half written', async () => {
    const s = statement([entry(0, 5_00, 'VIR SEPA Z', ['F2026-0102'])]);
    const file = writeStatementFile('cfonb120', [{ ...s, closingBalanceCents: s.closingBalanceCents! + 1 }]);
    await stack.putStatement('faux-solde.cfo', file);
    const report = JSON.parse(
      await (
        await s3().send(
          new GetObjectCommand({
            Bucket: stack.env.STATEMENTS_BUCKET,
            Key: `rejected/${sha256(file)}/faux-solde.cfo.error.json`,
          }),
        )
      ).Body!.transformToString(),
    );
    expect(report.error.code).toBe('balance_mismatch');
    expect((await getInvoice('F2026-0102'))?.openCents).toBe(250_00);
  });

  it(
    'a day-3 credit reusing a day-1 bank reference is stored; an overlapping export repeating it stores nothing ' +
      'twice',
    async () => {
      const before = (await listTransactions({ status: 'unmatched' })).items.length;
      const d1 = entry(0, 31_00, 'VIR SEPA X', ['DON'], {
        bankReference: 'BR777',
        bookingDate: '2026-11-21',
        valueDate: '2026-11-21',
      });
      const d3 = entry(1, 31_00, 'VIR SEPA X', ['DON'], {
        bankReference: 'BR777',
        bookingDate: '2026-11-23',
        valueDate: '2026-11-23',
      });
      await stack.putStatement('j1.cfo', writeStatementFile('cfonb120', [statement([d1])]));
      await stack.putStatement('j1-j3.cfo', writeStatementFile('cfonb120', [statement([d1, d3])]));
      const unknown = (await listTransactions({ status: 'unmatched' })).items.filter(
        (t) => t.bankReference === 'BR777',
      );
      expect(unknown.map((t) => t.bookingDate).sort()).toEqual(['2026-11-21', '2026-11-23']);
      expect((await listTransactions({ status: 'unmatched' })).items.length).toBe(before + 2);
      const [latest] = (await listStatements()).items;
      expect(latest.counts).toMatchObject({ entries: 2, newTransactions: 1, duplicates: 1 });
    },
  );

  it(
    'a file over the size limit is kept under rejected/ unread (server-side copy, a key with a space and a +), and ' +
      're-processing puts back exactly that file',
    async () => {
      process.env.STATEMENT_MAX_BYTES = '100';
      try {
        const big = 'x'.repeat(150);
        await stack.putStatement('gros fichier+1.csv', big);
        const record = (await listStatements()).items.find((r) => r.sourceKey === 'inbox/gros fichier+1.csv')!;
        expect(record).toMatchObject({ status: 'rejected', error: { code: 'file_too_large' } });
        const kept = `rejected/${record.checksum}/gros fichier+1.csv`;
        expect(await keysUnder(`rejected/${record.checksum}/`)).toEqual([kept, `${kept}.error.json`]);
        expect(
          await (
            await s3().send(new GetObjectCommand({ Bucket: stack.env.STATEMENTS_BUCKET, Key: kept }))
          ).Body!.transformToString(),
        ).toBe(big);

        const res = await reprocessStatement(record.checksum, stack.env.STATEMENTS_BUCKET);
        expect(res).toEqual({ inboxKey: `inbox/${record.checksum}/gros fichier+1.csv` });
        // the copy triggers a new ingest run: still over the limit, rejected again, the inbox emptied
        await stack.waitFor(
          async () =>
            ((await getStatement(record.checksum))!.receivedAt !== record.receivedAt &&
              (await keysUnder('inbox/')).length === 0) ||
            undefined,
        );
        expect(await getStatement(record.checksum)).toMatchObject({ status: 'rejected', storedKey: kept });
      } finally {
        delete process.env.STATEMENT_MAX_BYTES;
      }
    },
  );
});
