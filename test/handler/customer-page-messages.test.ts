import './dunning/env';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { beforeEach, describe, expect, it } from 'vitest';
import { buildMime, sendEmail } from '../../functions/adapters/mailer';
import { renderReminder } from '../../functions/core/messages/reminder';
import { Customer } from '../../functions/core/model';
import { verifyCustomerLink } from '../../functions/core/payments/customer-link';
import { parseEpcPayload } from '../../functions/core/payments/epc-qr';
import { EPC_QR_CONTENT_ID, withCustomerLink } from '../../functions/customer-page/message-link';

const ddb = mockClient(DynamoDBDocumentClient);
const ses = mockClient(SESv2Client);
const KEY = process.env.CUSTOMER_LINK_KEYS as string;
const NOW = new Date('2026-06-02T07:30:00.000Z');
const customer = Customer.parse({ customerId: 'ACME', name: 'ACME SAS', language: 'en' });
const creditor = { name: 'Atelier Test SARL', iban: 'FR7630006000011234567890189', bic: 'AGRIFRPPXXX' };

async function linkedReminder() {
  const message = renderReminder({
    language: 'en',
    customer: { name: customer.name, isBusiness: true },
    creditor: { ...creditor, address: [] },
    items: [
      {
        invoiceId: 'F-2026-0042',
        level: 'reminder_1',
        amountCents: 120_000,
        openCents: 120_000,
        dueDate: '2026-05-01',
        daysLate: 32,
        currency: 'EUR',
      },
    ],
    asOf: '2026-06-02',
    perInvoice: false,
  });
  return withCustomerLink(message, {
    customer,
    invoices: [{ invoiceId: 'F-2026-0042', currency: 'EUR', openCents: 120_000 }],
    creditor,
    purpose: 'reminder',
    now: NOW,
    withQr: true,
  });
}

describe('the customer link in a reminder', () => {
  beforeEach(() => {
    ddb.reset();
    ses.reset();
    ddb.on(PutCommand).resolves({});
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
  });

  it(
    'carries a new link of that customer, recorded for revocation, valid for the configured days, in the ' +
      'customer’s language',
    async () => {
      const { message, linkId } = await linkedReminder();
      const url = /https:\/\/pay\.encaisse\.example\.fr\/c\/(\S+)/.exec(message.text);
      expect(url).not.toBeNull();
      expect(message.text).toContain('Your payment page');
      expect(message.html).toContain(`href="${url![0]}"`);
      const check = verifyCustomerLink(url![1], { keys: [KEY], now: NOW, revokedLinkIds: [] });
      expect(check).toEqual({
        ok: true,
        claims: { customerId: 'ACME', linkId, expiresAt: '2026-08-01T07:30:00.000Z' },
      });
      const put = ddb.commandCalls(PutCommand)[0].args[0].input.Item;
      expect(put).toMatchObject({
        pk: 'CUSTOMER#ACME',
        sk: `LINK#${linkId}`,
        purpose: 'reminder',
        validUntil: '2026-08-01T07:30:00.000Z',
      });
    },
  );

  it(
    'shows the EPC QR code inline: the PNG decodes to the creditor, the amount and the invoice’s RF ' + 'reference',
    async () => {
      const { message, attachments } = await linkedReminder();
      expect(message.html).toContain(`<img src="cid:${EPC_QR_CONTENT_ID}"`);
      expect(attachments).toHaveLength(1);
      const image = PNG.sync.read(Buffer.from(attachments[0].content));
      const fields = parseEpcPayload(jsQR(new Uint8ClampedArray(image.data), image.width, image.height)!.data);
      expect(fields).toMatchObject({
        iban: 'FR7630006000011234567890189',
        bic: 'AGRIFRPPXXX',
        amountCents: 120_000,
        creditorReference: expect.stringMatching(/^RF\d\dF20260042$/),
      });
    },
  );

  it('a long accented creditor name with many invoices still gives the reminder its code, in English', async () => {
    const { message, attachments } = await withCustomerLink(
      { subject: 'Reminder', text: 'Hello,', html: '<html><body><p>Hello,</p></body></html>' },
      {
        customer,
        invoices: Array.from({ length: 12 }, (_, k) => ({
          invoiceId: `FA-2026-0000${k}`,
          currency: 'EUR',
          openCents: 100,
        })),
        creditor: { ...creditor, name: 'É'.repeat(70) },
        purpose: 'reminder',
        now: NOW,
        withQr: true,
      },
    );
    expect(message.html).toContain(`<img src="cid:${EPC_QR_CONTENT_ID}"`);
    const image = PNG.sync.read(Buffer.from(attachments[0].content));
    const fields = parseEpcPayload(jsQR(new Uint8ClampedArray(image.data), image.width, image.height)!.data);
    expect(fields).toMatchObject({ amountCents: 1_200, remittanceText: expect.stringMatching(/^Invoices .* more$/) });
  });

  it(
    'an e-mail whose only attachment is the inline QR goes out as a Simple message with an INLINE attachment and ' +
      'its Content-ID',
    async () => {
      const { message, attachments } = await linkedReminder();
      await sendEmail({ to: ['compta@acme.example'], ...message, attachments });
      const content = ses.commandCalls(SendEmailCommand)[0].args[0].input.Content!;
      expect(content.Raw).toBeUndefined();
      expect(content.Simple?.Body?.Text?.Data).toContain('/c/');
      expect(content.Simple?.Attachments).toEqual([
        expect.objectContaining({
          FileName: 'virement-sepa.png',
          ContentType: 'image/png',
          ContentDisposition: 'INLINE',
          ContentId: EPC_QR_CONTENT_ID,
        }),
      ]);
    },
  );

  it(
    'beside a PDF (a formal notice) the raw MIME puts the QR in a multipart/related part with its Content-ID, and ' +
      'the PDF stays an attachment',
    async () => {
      const { message, attachments } = await linkedReminder();
      const pdf = { filename: 'MED-1.pdf', contentType: 'application/pdf', content: Buffer.from('%PDF-1.7') };
      const mime = Buffer.from(
        buildMime('relances@encaisse.example.fr', {
          to: ['x@acme.example'],
          ...message,
          attachments: [pdf, ...attachments],
        }),
      ).toString('utf8');
      expect(mime).toMatch(/Content-Type: multipart\/related; boundary="rel-/);
      expect(mime).toContain(`Content-ID: <${EPC_QR_CONTENT_ID}>`);
      expect(mime).toContain('Content-Disposition: inline; filename="virement-sepa.png"');
      expect(mime).toContain('Content-Disposition: attachment; filename="MED-1.pdf"');
      expect(mime.match(/Content-Disposition: attachment/g)).toHaveLength(1);
    },
  );

  it(
    'in the agency’s handoff notice the debtor’s link is worded for the agency, in French, with no QR ' + 'code',
    async () => {
      const notice = { subject: 'Dossier', text: 'Bonjour,', html: '<html><body><p>Bonjour,</p></body></html>' };
      const { message, attachments } = await withCustomerLink(notice, {
        customer,
        invoices: [{ invoiceId: 'F-1', currency: 'EUR', openCents: 100 }],
        creditor,
        purpose: 'agency_handoff',
        now: NOW,
        withQr: false,
        forAgency: { language: 'fr' },
      });
      expect(message.text).toContain('Espace de paiement du débiteur, à lui transmettre');
      expect(message.text).not.toContain('Your payment page');
      expect(message.html).toMatch(
        /<hr><p>Espace de paiement du débiteur[^<]*<br><a href="https:\/\/pay\.encaisse\.example\.fr\/c\/[^"]+">https:/,
      );
      expect(message.html.endsWith('</body></html>')).toBe(true);
      expect(attachments).toEqual([]);
      expect(ddb.commandCalls(PutCommand)[0].args[0].input.Item).toMatchObject({ purpose: 'agency_handoff' });
    },
  );
});
