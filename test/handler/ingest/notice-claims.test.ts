import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setClock } from '../../../functions/adapters/clock';
import { putCustomer } from '../../../functions/adapters/db/customers';
import { saveInvoice } from '../../../functions/adapters/db/invoices';
import { recordSend } from '../../../functions/adapters/db/sends';
import { money } from '../../../functions/core/messages/format';
import { writeStatementFile } from '../../../functions/core/statements';
import { FakeAws, ingestWithinGrants } from './support/fake-aws';
import { customer, entry, invoice, sqsEvent, statement } from './support/scenario';

const handler = await ingestWithinGrants();

setClock({ now: () => new Date('2026-11-22T08:00:00Z') });
const quiet = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
afterAll(() => quiet.mockRestore());

let fake: FakeAws;
beforeEach(() => {
  fake = new FakeAws();
});
afterEach(() => fake.restore());

const claims = {
  on: '2026-11-10',
  reference: 'MED-F2026-0300-20261110',
  currency: 'EUR',
  principalCents: 1_234_56,
  interestCents: 3_86,
  indemnityCents: 40_00,
};

/** F2026-0300 got its formal notice on 10/11/2026, which claimed the principal, 3,86 € of penalties and 40 €. */
async function noticedInvoice(noticeClaims: typeof claims) {
  await putCustomer(customer);
  const imported = { at: '2026-11-01T00:00:00.000Z', kind: 'imported', actor: 'test', detail: {} } as const;
  await saveInvoice(
    undefined,
    { ...invoice('F2026-0300', 1_234_56), dunningLevel: 'formal_notice' as const },
    imported,
  );
  await recordSend(
    {
      invoiceId: 'F2026-0300',
      stepId: 'formal-notice',
      messageId: 'ses-notice',
      kind: 'formal_notice',
      at: '2026-11-10T07:30:00.000Z',
      claims: noticeClaims,
    },
    {
      at: '2026-11-10T07:30:00.000Z',
      kind: 'formal_notice_sent',
      actor: 'system:dunning',
      detail: { stepId: 'formal-notice', reference: noticeClaims.reference },
    },
  );
  const file = writeStatementFile('cfonb120', [
    statement([entry(0, '2026-11-20', 1_234_56, 'VIR SEPA ATELIERS DUPONT', ['FACTURE F2026-0300'])]),
  ]);
  fake.putObject('inbox/releve.cfo', file);
}

const claimAlerts = () => fake.sent.filter((m) => m.subject.includes('pénalités de la mise en demeure impayées'));

describe('ingest: the principal of an invoice under formal notice paid by transfer', () => {
  it('tells finance, before its reminders stop, what the notice also claimed and nobody paid', async () => {
    await noticedInvoice(claims);
    expect((await handler(sqsEvent('inbox/releve.cfo'), {} as never)).batchItemFailures).toEqual([]);

    expect(fake.item('INVOICE#F2026-0300', 'INVOICE')).toMatchObject({ status: 'paid', openCents: 0 });
    expect(claimAlerts()).toHaveLength(1);
    const [alert] = claimAlerts();
    expect(alert.to).toEqual(['finance@example.com']);
    expect(alert.text).toContain(`Principal reçu : ${money(1_234_56, 'EUR', 'fr')} (soldée le 20/11/2026)`);
    expect(alert.text).toContain(`Pénalités de retard réclamées : ${money(3_86, 'EUR', 'fr')}`);
    expect(alert.text).toContain(`Indemnité forfaitaire de recouvrement : ${money(40_00, 'EUR', 'fr')}`);
    const told = [...fake.items.values()].filter((i) => i.kind === 'notice_claims_unpaid');
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ invoiceId: 'F2026-0300', detail: { reference: claims.reference } });
    // told first: a failure to tell leaves the workflow running, and its re-check tells finance and ends it
    const order = fake.calls.map((c) => c.command);
    expect(order.indexOf('SendEmail')).toBeLessThan(order.indexOf('StopExecution'));
  });

  it('tells finance nothing when the notice claimed nothing beyond the principal', async () => {
    await noticedInvoice({ ...claims, interestCents: 0, indemnityCents: 0 });
    expect((await handler(sqsEvent('inbox/releve.cfo'), {} as never)).batchItemFailures).toEqual([]);
    expect(fake.item('INVOICE#F2026-0300', 'INVOICE')).toMatchObject({ status: 'paid' });
    expect(claimAlerts()).toHaveLength(0);
  });
});
