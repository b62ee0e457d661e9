import { readFileSync } from 'node:fs';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { s3 } from '../../functions/adapters/aws-clients';
import { getCustomer } from '../../functions/adapters/db/customers';
import { getInvoice } from '../../functions/adapters/db/invoices';
import { listTransactions } from '../../functions/adapters/db/transactions';
import type { Statement } from '../../functions/core/model';
import { writeStatementFile } from '../../functions/core/statements';
import { ubl } from '../unit/einvoices/helpers';
import { useLocalStack } from './support/local-stack';

// Real time, from a fixed day: November 2026 is a closed month, December the running one, whatever today's date.
const local = useLocalStack({ startAt: new Date('2026-12-06T09:00:00.000Z'), sfnTimeFactor: 1 });
const fixtures = '/work/shared/fixtures/einvoices/';

async function keysUnder(prefix: string): Promise<string[]> {
  const res = await s3().send(new ListObjectsV2Command({ Bucket: local().env.STATEMENTS_BUCKET, Prefix: prefix }));
  return (res.Contents ?? []).map((o) => o.Key!).sort();
}
const drop = (name: string, body: Uint8Array | string) =>
  s3().send(new PutObjectCommand({ Bucket: local().env.STATEMENTS_BUCKET, Key: `invoices/inbox/${name}`, Body: body }));

async function api(method: string, path: string, body?: Uint8Array | string, contentType?: string) {
  const headers: Record<string, string> = {
    authorization: 'Bearer local-dev-token',
    ...(contentType ? { 'content-type': contentType } : {}),
  };
  const res = await fetch(`${local().urls.api}${path}`, { method, headers, body });
  const text = await res.text();
  return { status: res.status, text, headers: res.headers, json: () => JSON.parse(text) };
}

describe('e-invoices in, on the local stack', () => {
  it(
    'a Factur-X dropped under invoices/inbox/ becomes the buyer’s open invoice and is filed under ' +
      'processed/<sha256>/',
    async () => {
      await drop('Facture FR MINIMUM.pdf', readFileSync(`${fixtures}fx-fnfe-Facture_FR_MINIMUM.pdf`));
      const invoice = await local().waitFor(() => getInvoice('FA-2017-0010'), 30_000);
      expect(invoice).toMatchObject({
        customerId: '787878784',
        amountCents: 47015,
        openCents: 47015,
        status: 'open',
        issueDate: '2017-11-13',
      });
      expect((await getCustomer('787878784'))?.name).toBe('Ma jolie boutique');
      const processed = await local().waitFor(async () =>
        (await keysUnder('invoices/processed/')).length === 2 ? keysUnder('invoices/processed/') : undefined,
      );
      expect(processed.map((k) => k.replace(/[0-9a-f]{64}/, '<sha256>'))).toEqual([
        'invoices/processed/<sha256>/Facture FR MINIMUM.pdf',
        'invoices/processed/<sha256>/report.json',
      ]);
      expect(await keysUnder('invoices/inbox/')).toEqual([]);
    },
  );

  it('a file that is not an invoice is filed under rejected/ with its reason, and finance is told', async () => {
    await local().clearEmails();
    await drop('commande.xml', '<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"/>');
    const rejected = await local().waitFor(async () =>
      (await keysUnder('invoices/rejected/')).length === 2 ? keysUnder('invoices/rejected/') : undefined,
    );
    expect(rejected[0]).toMatch(/commande\.xml$/);
    const mail = await local().waitFor(async () =>
      (await local().sentEmails()).find((m) => m.subject?.includes('commande.xml')),
    );
    expect(mail.destination.to).toEqual(local().env.FINANCE_EMAILS.split(','));
    expect(mail.body.text).toContain('le fichier n’est pas une facture électronique');
  });

  it(
    'POST /invoices/import takes a UBL invoice and a Factur-X PDF, and says why a credit note is not ' + 'imported',
    async () => {
      const xml = await api('POST', '/invoices/import', ubl({ due: '2026-11-02' }), 'application/xml');
      expect(xml.status).toBe(200);
      expect(xml.json()).toMatchObject({
        format: 'einvoice',
        summary: { created: 1 },
        einvoice: { syntax: 'UBL', invoiceId: 'UBL-7', customerId: '303265045', amountDueCents: 36000 },
      });
      const pdf = await api(
        'POST',
        '/invoices/import',
        readFileSync(`${fixtures}fx-akretion-invoice_EN16931.pdf`),
        'application/pdf',
      );
      expect(pdf.json()).toMatchObject({
        summary: { created: 1 },
        einvoice: { profile: 'EN 16931', invoiceId: 'F20260023', customerId: '987654321' },
      });
      expect((await getInvoice('F20260023'))?.dueDate).toBe('2026-03-02');
      const note = await api('POST', '/invoices/import', ubl({ root: 'CreditNote' }), 'application/xml');
      expect(note.json()).toMatchObject({
        summary: { rejected: 1 },
        rows: [{ outcome: 'rejected', reason: expect.stringMatching(/credit note/) }],
      });
    },
  );

  it(
    'a receipt lettered to it goes to the books: the same FEC twice for a closed month, a reversal in the running ' +
      'month once undone, encaissée meanwhile',
    async () => {
      const statement: Statement = {
        format: 'cfonb120',
        account: {
          iban: 'FR7630003012340001234567890',
          bankCode: '30003',
          branchCode: '01234',
          accountNumber: '00012345678',
        },
        currency: 'EUR',
        periodStart: '2026-11-20',
        periodEnd: '2026-11-20',
        openingBalanceCents: 0,
        closingBalanceCents: 36000,
        balanceCheck: { status: 'ok' },
        entries: [
          {
            index: 0,
            bookingDate: '2026-11-20',
            valueDate: '2026-11-20',
            amountCents: 36000,
            currency: 'EUR',
            bankCodes: [],
            label: 'VIR SEPA GARAGE MARTIN',
            remittance: { unstructured: ['FACTURE UBL-7'], structured: [] },
            reversal: false,
            raw: [],
          },
        ],
      };
      expect(
        (await local().putStatement('releve-novembre.cfo', writeStatementFile('cfonb120', [statement]))).error,
      ).toBeUndefined();
      expect(await getInvoice('UBL-7')).toMatchObject({
        status: 'paid',
        collected: { on: '2026-11-20', amountCents: 36000 },
      });

      const encaissees = await api('GET', '/exports/encaissements?period=2026-11');
      expect(encaissees.json().items).toEqual([
        expect.objectContaining({
          invoiceId: 'UBL-7',
          collectedOn: '2026-11-20',
          collectedCents: 36000,
          customerName: 'Garage Martin',
        }),
      ]);

      const closed = await api('GET', '/exports/fec?period=2026-11');
      expect(closed.status).toBe(200);
      expect(closed.headers.get('x-encaisse-export-status')).toBe('closed');
      const lines = closed.text.trimEnd().split('\r\n');
      expect(lines).toHaveLength(3);
      expect(lines[2].split('\t')).toEqual(
        expect.arrayContaining(['411000', '303265045', 'Garage Martin', 'UBL-7', '360,00', '20261120']),
      );

      const [txn] = (await listTransactions({ status: 'matched' })).items.filter((t) => t.bookingDate === '2026-11-20');
      expect((await api('POST', `/transactions/${txn.transactionId}/undo`, '{}', 'application/json')).status).toBe(200);
      expect((await getInvoice('UBL-7'))?.collected).toBeUndefined();

      expect((await api('GET', '/exports/fec?period=2026-11')).text).toBe(closed.text);
      const running = await api('GET', '/exports/fec?period=2026-12&format=csv');
      expect(running.headers.get('x-encaisse-export-status')).toBe('provisional');
      expect(
        running.text
          .trimEnd()
          .split('\r\n')
          .slice(1)
          .map((l) => l.split(';'))
          .map((f) => [f[3], f[4], f[10], f[11], f[12]]),
      ).toEqual([
        ['20261201', '512000', 'Annulation Encaissement Garage Martin', '0,00', '360,00'],
        ['20261201', '411000', 'Annulation Règlement facture UBL-7', '360,00', '0,00'],
      ]);
      expect((await api('GET', '/exports/fec?period=2026-10')).status).toBe(409);

      // every write-off finance records, partial or full, goes to the bad-debt account, lettered to its invoice
      expect(
        (
          await api(
            'POST',
            '/invoices/F20260023/write-off',
            JSON.stringify({ amountCents: 4_90, reason: 'escompte non accordé' }),
            'application/json',
          )
        ).status,
      ).toBe(200);
      const partial = (await api('GET', '/exports/fec?period=2026-12')).text
        .trimEnd()
        .split('\r\n')
        .map((l) => l.split('\t'));
      expect(partial.filter((f) => f[4] === '654000').map((f) => [f[3], f[11], f[12]])).toEqual([
        ['20261206', '4,90', '0,00'],
      ]); // the invoice is still owed
      expect(
        (
          await api(
            'POST',
            '/invoices/F20260023/write-off',
            JSON.stringify({ reason: 'liquidation judiciaire' }),
            'application/json',
          )
        ).status,
      ).toBe(200);
      const withWriteOff = (await api('GET', '/exports/fec?period=2026-12')).text
        .trimEnd()
        .split('\r\n')
        .map((l) => l.split('\t'));
      const writeOffLines = withWriteOff
        .filter((f) => f[4] === '654000' || f[13] === 'F20260023')
        .map((f) => [f[3], f[4], f[11], f[12], f[13]]);
      expect(writeOffLines).toHaveLength(4);
      expect(writeOffLines).toEqual(
        expect.arrayContaining([
          ['20261206', '654000', '4,90', '0,00', ''],
          ['20261206', '411000', '0,00', '4,90', 'F20260023'],
          ['20261206', '654000', '100,00', '0,00', ''],
          ['20261206', '411000', '0,00', '100,00', 'F20260023'],
        ]),
      );
    },
  );
});
