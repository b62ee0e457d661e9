import chromium from '@sparticuz/chromium';
import jsQR from 'jsqr';
import { type Browser, type Page, chromium as playwright } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Email, type LocalStack, startLocalStack } from '../../bin/local/stack';
import { signCustomerLink } from '../../functions/core/payments/customer-link';
import { type EpcFields, parseEpcPayload } from '../../functions/core/payments/epc-qr';
import { contactOf, customer, invoice, shortPolicyInput } from '../handler/dunning/fixtures';
import { dunningTemplate } from '../integration/support/templates';

/**
 * The customer's page in a real Chromium (playwright-core + @sparticuz/chromium, headless) on the local stack: the
 * first reminder of a customer with two invoices goes out with its link and EPC QR code; the customer opens the link,
 * the QR code on the page decodes to the transfer, they contest one invoice (with a file) and promise a date for the
 * other; the workflow of the contested one parks on its dispute, finance is e-mailed; an expired link shows the
 * neutral page, and so does every link once finance revoked them. Policy time runs 7200x (two policy hours per real
 * second) from Monday 2 February 2026, 05:30 Paris.
 */
const START = new Date('2026-02-02T04:30:00.000Z');
const CUSTOMER = 'PAGE';
const [DISPUTED, PROMISED] = ['INV-PAGE-1', 'INV-PAGE-2'];

let stack: LocalStack;
let browser: Browser;
let page: Page;
let reminder: Email;
let link: string;
type Adapters = {
  getInvoice: typeof import('../../functions/adapters/db/invoices').getInvoice;
  listInvoiceEvents: typeof import('../../functions/adapters/db/events').listInvoiceEvents;
  recordLink: typeof import('../../functions/adapters/db/links').recordLink;
  keys: typeof import('../../functions/adapters/link-keys');
};
let a: Adapters;

const kinds = async (id: string) => (await a.listInvoiceEvents(id)).map((e) => e.kind);
const policyDay = (offset: number) =>
  new Date(stack.clock.now().getTime() + offset * 86_400_000).toISOString().slice(0, 10);

function decodePng(png: Buffer): EpcFields {
  const image = PNG.sync.read(png);
  const code = jsQR(new Uint8ClampedArray(image.data), image.width, image.height);
  if (!code) throw new Error('no QR code in the image');
  return parseEpcPayload(code.data);
}

beforeAll(async () => {
  stack = await startLocalStack({ quiet: true, template: dunningTemplate, sfnTimeFactor: 7200, startAt: START });
  const [{ putCustomer }, invoices, { savePolicy }, events, links, keys, workflows] = await Promise.all([
    import('../../functions/adapters/db/customers'),
    import('../../functions/adapters/db/invoices'),
    import('../../functions/adapters/db/policies'),
    import('../../functions/adapters/db/events'),
    import('../../functions/adapters/db/links'),
    import('../../functions/adapters/link-keys'),
    import('../../functions/adapters/workflows'),
  ]);
  a = {
    getInvoice: invoices.getInvoice,
    listInvoiceEvents: events.listInvoiceEvents,
    recordLink: links.recordLink,
    keys,
  };
  await savePolicy(shortPolicyInput);
  await putCustomer(customer(CUSTOMER, { policyId: 'short', name: 'Boulangerie Page' }));
  const at = START.toISOString();
  // Due Sunday 1 February: the first reminder goes this Monday, the second on Wednesday (two real seconds a day...
  // x12).
  for (const [id, cents] of [
    [DISPUTED, 1_200_00],
    [PROMISED, 345_67],
  ] as const) {
    await invoices.saveInvoice(
      undefined,
      invoice(id, CUSTOMER, '2026-02-01', { amountCents: cents, openCents: cents, issueDate: '2026-01-02' }),
      { at, kind: 'imported', actor: 'test', detail: {} },
    );
    await workflows.startDunning(id, stack.clock.now());
  }
  const executablePath = await chromium.executablePath();
  browser = await playwright.launch({ executablePath, args: chromium.args, headless: true });
  page = await (await browser.newContext({ locale: 'fr-FR', viewport: { width: 420, height: 900 } })).newPage();
  reminder = await stack.waitFor(
    async () => (await stack.sentEmails()).find((e) => e.destination.to.includes(contactOf(CUSTOMER))),
    60_000,
    200,
  );
  link = /http:\/\/127\.0\.0\.1:\d+\/c\/[A-Za-z0-9_.-]+/.exec(reminder.body.text ?? '')?.[0] ?? '';
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('the customer page in a browser, on the local stack', () => {
  it('the reminder carries the customer’s link and an inline EPC QR code for the two invoices', () => {
    expect(link).not.toBe('');
    expect(reminder.body.html).toContain('src="cid:epc-qr@encaisse"');
    const png = reminder.attachments.find((x) => x.contentType === 'image/png');
    expect(png).toBeDefined();
    const fields = decodePng(Buffer.from(png!.content, 'base64'));
    expect(fields).toMatchObject({
      iban: 'FR7630006000011234567890189',
      bic: 'AGRIFRPPXXX',
      beneficiaryName: 'encaisse démo SAS',
      amountCents: 1_545_67,
    });
    expect(fields.remittanceText).toBe(`Factures ${DISPUTED}, ${PROMISED}`);
  });

  it('the link opens the page: both invoices, and a QR code that a banking app reads as the transfer', async () => {
    const res = await page.goto(link);
    expect(res?.status()).toBe(200);
    await expect(page.title()).resolves.toContain('Vos factures');
    const body = await page.locator('body').textContent();
    expect(body).toContain(DISPUTED);
    expect(body).toContain(PROMISED);
    const shot = await page.locator('.qr').screenshot();
    expect(decodePng(shot)).toMatchObject({ iban: 'FR7630006000011234567890189', amountCents: 1_545_67 });
  }, 60_000);

  it('“Payer cette facture” shows that invoice’s own code, with its RF reference, without any script', async () => {
    await page.goto(link);
    await page.locator('tr', { hasText: PROMISED }).getByRole('link', { name: 'Payer cette facture' }).click();
    await expect(page.locator('h2', { hasText: `Payer par virement la facture ${PROMISED}` }).count()).resolves.toBe(1);
    const code = decodePng(await page.locator('.qr').screenshot());
    const owed = await a.getInvoice(PROMISED);
    expect(code).toMatchObject({ amountCents: owed?.openCents, creditorReference: expect.stringMatching(/^RF\d{2}/) });
  }, 60_000);

  it('contesting an invoice with a file pauses its workflow on the dispute and e-mails finance', async () => {
    await page.goto(link);
    const form = page.locator('form[action$="/dispute"]');
    await form.locator('select[name="invoiceNumber"]').selectOption(DISPUTED);
    await form.locator('textarea[name="reason"]').fill('Livraison incomplète : 3 cartons manquants');
    await form.locator('input[type="file"]').setInputFiles({
      name: 'bon-de-livraison.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4\n% bon de livraison\n'),
    });
    await form.locator('button[type="submit"]').click();
    await page.waitForURL(/\?done=dispute$/);
    expect(await page.locator('[role="status"]').textContent()).toContain('Votre contestation est enregistrée');

    const invoice = await a.getInvoice(DISPUTED);
    expect(invoice?.pause).toMatchObject({ reason: 'dispute', note: 'Livraison incomplète : 3 cartons manquants' });
    const opened = (await a.listInvoiceEvents(DISPUTED)).find((e) => e.kind === 'dispute_opened');
    expect(opened).toMatchObject({
      actor: `customer:${CUSTOMER}`,
      detail: { via: 'customer_page', documentKey: expect.stringMatching(/^disputes\/INV-PAGE-1\//) },
    });
    expect(opened?.detail.linkId).toEqual(expect.any(String));
    const alert = await stack.waitFor(
      async () => (await stack.sentEmails()).find((e) => e.subject.includes(`contestation de la facture ${DISPUTED}`)),
      20_000,
      200,
    );
    expect(alert.destination.to).toContain('finance@encaisse.example.fr');
    // Its workflow reaches the second reminder (Wednesday), re-checks the invoice and parks on the dispute.
    await stack.waitFor(async () => (await kinds(DISPUTED)).includes('dunning_suspended'), 90_000, 250);
    const sentAfter = (await stack.sentEmails()).filter(
      (e) => e.destination.to.includes(contactOf(CUSTOMER)) && e.body.text?.includes(DISPUTED),
    );
    expect(sentAfter).toHaveLength(1);
  }, 150_000);

  it('promising a date puts the other invoice in a promise pause until then', async () => {
    await page.goto(link);
    const promised = policyDay(20);
    await page.locator('input[name="promisedFor"]').fill(promised);
    await page.locator('form[action$="/promise"] button[type="submit"]').click();
    await page.waitForURL(/\?done=promise$/);
    expect((await a.getInvoice(PROMISED))?.pause).toMatchObject({ reason: 'promise', until: promised });
    expect((await a.getInvoice(DISPUTED))?.pause?.reason).toBe('dispute');
    expect(await kinds(PROMISED)).toContain('payment_promised');
  }, 60_000);

  it('an expired link shows the neutral page, as an unknown one does', async () => {
    const [key] = await a.keys.linkKeys();
    const past = new Date(stack.clock.now().getTime() - 86_400_000).toISOString();
    await a.recordLink({
      customerId: CUSTOMER,
      linkId: 'expired-link-0001',
      issuedAt: START.toISOString(),
      validUntil: past,
      purpose: 'test',
    });
    const expired = signCustomerLink({ customerId: CUSTOMER, linkId: 'expired-link-0001', expiresAt: past }, key);
    const base = link.slice(0, link.indexOf('/c/'));
    const res = await page.goto(`${base}/c/${expired}`);
    expect(res?.status()).toBe(404);
    const neutral = await page.content();
    expect(neutral).toContain('Lien invalide ou expiré');
    expect(neutral).not.toContain(DISPUTED);
    const neverIssued = { customerId: CUSTOMER, linkId: 'never-issued-0001', expiresAt: '2027-01-01T00:00:00.000Z' };
    const unknown = await page.goto(`${base}/c/${signCustomerLink(neverIssued, key)}`);
    expect(unknown?.status()).toBe(404);
    expect(await page.content()).toBe(neutral);
  }, 60_000);

  it('once finance revokes the customer’s links (admin API), the reminder’s link shows the neutral page', async () => {
    const res = await fetch(`${stack.urls.api}/customers/${CUSTOMER}/links/revoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.env.LOCAL_API_TOKEN}` },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { revokedLinkIds: string[] };
    expect(body.revokedLinkIds.length).toBeGreaterThanOrEqual(1);
    const page404 = await page.goto(link);
    expect(page404?.status()).toBe(404);
    expect(await page.content()).toContain('Lien invalide ou expiré');
    const again = (await (
      await fetch(`${stack.urls.api}/customers/${CUSTOMER}/links/revoke`, {
        method: 'POST',
        headers: { authorization: `Bearer ${stack.env.LOCAL_API_TOKEN}` },
      })
    ).json()) as { revokedLinkIds: string[] };
    expect(again.revokedLinkIds).toEqual([]);
  }, 60_000);
});
