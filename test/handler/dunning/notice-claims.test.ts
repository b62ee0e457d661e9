import './env';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { setClock } from '../../../functions/adapters/clock';
import { dispatchKeyOf, enlist } from '../../../functions/adapters/db/dispatch';
import { customerItem, invoiceItem } from '../../../functions/adapters/db/items';
import { savePolicy } from '../../../functions/adapters/db/policies';
import { StoredTransaction, transactionItem } from '../../../functions/adapters/db/transactions';
import { fixedClock } from '../../../functions/core/dates';
import { builtInPolicies } from '../../../functions/core/dunning/policy';
import type { DunningState } from '../../../functions/core/dunning/state';
import { money } from '../../../functions/core/messages/format';
import type { Customer } from '../../../functions/core/model';
import { handler as dispatchHandler } from '../../../functions/dunning-dispatch/handler';
import { handler as stepHandler } from '../../../functions/dunning-step/handler';
import { apiEnv, makeCaller } from '../api/support';
import { withinGrants } from '../support/access';
import { FakeTable } from './fake-table';
import { customer, invoice, workflowMarker } from './fixtures';

/**
 * A formal notice claims the principal, the late-payment penalties and the €40 indemnity; its payment code pays the
 * principal only. The notice's send record keeps what it claimed beyond the principal, and when the principal gets
 * paid (finance's match through the API, the ingest's, or the workflow's re-check when the payment could not stop it)
 * finance is told once what the letter also claimed and nobody paid, to claim or waive.
 */

apiEnv();
const ses = mockClient(SESv2Client);
const s3 = mockClient(S3Client);
const sfn = mockClient(SFNClient);
const ddb = mockClient(DynamoDBDocumentClient);
const dispatch = withinGrants('dunning-dispatch', dispatchHandler, ddb, s3);
const step = withinGrants('dunning-step', stepHandler, ddb, s3);
const api = await import('../../../functions/api/handler');
const call = makeCaller(api.handler as never, () => api.openApiDocument() as never);

const W = '2026-02-02T07:30:00.000Z';
const FINANCE = 'finance@encaisse.example.fr';
let table: FakeTable;

const mails = () => ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input);
const kindOf = (m: ReturnType<typeof mails>[number]) => m.EmailTags?.find((t) => t.Name === 'kind')?.Value ?? '';
const claimAlerts = () =>
  mails().filter((m) => m.Destination?.ToAddresses?.includes(FINANCE) && kindOf(m) === 'alert_notice_claims_unpaid');
const textOf = (m: ReturnType<typeof mails>[number]) => m.Content?.Simple?.Body?.Text?.Data ?? '';
const history = (invoiceId: string, kind: string) =>
  [...table.items.values()].filter(
    (i) => i.pk === `INVOICE#${invoiceId}` && String(i.sk).startsWith('EVENT#') && i.kind === kind,
  );

/** INV-1 (1 200,00 €, due 01/12/2025) gets its formal notice on 02/02/2026 under the policy `policyId`. */
async function noticeSent(overrides: Partial<Customer> = {}, policyId = 'standard', policyVersion = 1) {
  table.put(customerItem(customer('A', overrides)));
  table.put(invoiceItem(invoice('INV-1', 'A', '2025-12-01', { dunningLevel: 'final_reminder' })));
  table.put(workflowMarker('INV-1'));
  await enlist({
    customerId: 'A',
    windowAt: W,
    kind: 'formal_notice',
    member: {
      invoiceId: 'INV-1',
      stepId: 'formal-notice',
      level: 'formal_notice',
      channel: 'formal_notice',
      enlistedAt: W,
    },
  });
  const state: DunningState = {
    invoiceId: 'INV-1',
    doneStepIds: [],
    policyId,
    policyVersion,
    plan: { action: 'wait', at: W, stepId: 'formal-notice' },
    outcome: 'enlisted',
    dispatchKey: dispatchKeyOf('A', W, 'formal_notice'),
  };
  expect((await dispatch(state)).outcome).toBe('sent');
  return { ...state, outcome: undefined, dispatchKey: undefined, doneStepIds: ['formal-notice'] };
}

/** The customer's transfer of the principal, waiting in the review queue. */
function transferOfThePrincipal() {
  table.put(
    transactionItem(
      StoredTransaction.parse({
        transactionId: 'T1',
        statementChecksum: 'abc',
        account: { iban: 'FR7630006000011234567890189' },
        status: 'suggested',
        version: 1,
        ingestedAt: '2026-02-12T06:00:00.000Z',
        index: 0,
        bookingDate: '2026-02-11',
        amountCents: 120_000,
        currency: 'EUR',
        label: 'VIR SEPA CLIENT A',
        remittance: {},
      }),
    ),
  );
}

const matchThePrincipal = () =>
  call('POST', '/transactions/T1/match', { body: { allocations: [{ invoiceId: 'INV-1', amountCents: 120_000 }] } });

beforeEach(() => {
  ses.reset();
  s3.reset();
  sfn.reset();
  ddb.reset();
  table = new FakeTable().install(ddb);
  const documents = new Map<string, Uint8Array>();
  s3.on(PutObjectCommand).callsFake(async (input) => {
    documents.set(input.Key, input.Body);
    return {};
  });
  s3.on(GetObjectCommand).callsFake(async (input) => ({
    Body: { transformToByteArray: async () => documents.get(input.Key) },
  }));
  let n = 0;
  ses.on(SendEmailCommand).callsFake(async () => ({ MessageId: `ses-${++n}` }));
  sfn.on(StopExecutionCommand).resolves({});
  setClock(fixedClock('2026-02-02T07:30:01.000Z'));
});

describe('a formal notice keeps what it claimed beyond the principal', () => {
  it('its send record holds the penalties as printed, the indemnity and the date', async () => {
    await noticeSent();
    const record = table.get('SEND#INV-1#formal-notice', 'SEND');
    expect(record?.claims).toMatchObject({
      on: '2026-02-02',
      currency: 'EUR',
      principalCents: 120_000,
      indemnityCents: 4000,
    });
    expect(record?.claims.interestCents).toBeGreaterThan(0);
    // the letter's figure: interest and indemnity, as the notice's history event recorded them
    const [sent] = history('INV-1', 'formal_notice_sent');
    expect(record?.claims.interestCents + record?.claims.indemnityCents).toBe(Number(sent.detail.penaltiesCents));
    expect(record?.claims.reference).toBe(sent.detail.reference);
  });
});

describe('the principal paid after a formal notice', () => {
  it(
    'finance matching it through the API is told once, in French, what the notice also claimed and is unpaid, and ' +
      'the invoice’s history says so',
    async () => {
      await noticeSent();
      const claims = table.get('SEND#INV-1#formal-notice', 'SEND')?.claims;
      setClock(fixedClock('2026-02-12T09:00:00.000Z'));
      transferOfThePrincipal();
      const res = await matchThePrincipal();
      expect(res.status).toBe(200);
      expect(res.json.paidInvoiceIds).toEqual(['INV-1']);
      expect(sfn.commandCalls(StopExecutionCommand)).toHaveLength(1);

      expect(claimAlerts()).toHaveLength(1);
      const [alert] = claimAlerts();
      const euros = (cents: number) => money(cents, 'EUR', 'fr');
      expect(alert.Content?.Simple?.Subject?.Data).toBe(
        `[encaisse] À décider : pénalités de la mise en demeure impayées – Client A – facture INV-1 : ` +
          `${euros(claims.interestCents + 4000)} réclamés par la mise en demeure, impayés`,
      );
      const text = textOf(alert);
      expect(text).toContain(`Principal reçu : ${euros(120_000)} (soldée le 11/02/2026)`);
      expect(text).toContain(`Mise en demeure : ${claims.reference} du 02/02/2026`);
      expect(text).toContain(`Pénalités de retard réclamées : ${euros(claims.interestCents)}`);
      expect(text).toContain(`Indemnité forfaitaire de recouvrement : ${euros(4000)}`);
      expect(text).toContain('Décider de réclamer ces sommes au client');
      expect(text).toContain('ou d’y renoncer');

      expect(history('INV-1', 'notice_claims_unpaid')).toHaveLength(1);
      expect(history('INV-1', 'notice_claims_unpaid')[0].detail).toMatchObject({
        stepId: 'formal-notice',
        interestCents: claims.interestCents,
        indemnityCents: 4000,
        receivedCents: 120_000,
        messageId: expect.any(String),
      });

      // The same match sent again (its answer lost): the reminders are stopped again, finance is not told twice.
      const again = await matchThePrincipal();
      expect(again.status).toBe(200);
      expect(claimAlerts()).toHaveLength(1);
      expect(history('INV-1', 'notice_claims_unpaid')).toHaveLength(1);
    },
  );

  it('the workflow’s re-check, when the payment could not stop it, tells finance once and ends', async () => {
    const state = await noticeSent();
    const paid = table.get('INVOICE#INV-1', 'INVOICE')!;
    table.put({
      ...paid,
      openCents: 0,
      status: 'paid',
      receivedCents: 120_000,
      collected: { on: '2026-02-11', amountCents: 120_000 },
      version: paid.version + 1,
    });
    setClock(fixedClock('2026-04-17T07:30:00.000Z'));
    const agency: DunningState = {
      ...state,
      plan: { action: 'wait', at: '2026-04-17T07:30:00.000Z', stepId: 'agency' },
    };
    expect((await step(agency)).outcome).toBe('stopped');
    expect((await step(agency)).outcome).toBe('stopped');
    expect(claimAlerts()).toHaveLength(1);
    expect(history('INV-1', 'notice_claims_unpaid')).toHaveLength(1);
  });

  it('finance is not told when the notice claimed nothing beyond the principal (a consumer’s notice)', async () => {
    await noticeSent({ isBusiness: false, civility: 'madame', familyName: 'Petit' }, 'b2c', 1);
    expect(table.get('SEND#INV-1#formal-notice', 'SEND')?.claims).toMatchObject({
      interestCents: 0,
      indemnityCents: 0,
    });
    setClock(fixedClock('2026-02-12T09:00:00.000Z'));
    transferOfThePrincipal();
    expect((await matchThePrincipal()).status).toBe(200);
    expect(claimAlerts()).toHaveLength(0);
    expect(history('INV-1', 'notice_claims_unpaid')).toHaveLength(0);
  });

  it('finance is not told when the policy waived both the interest and the indemnity', async () => {
    const { version: _v, ...standard } = builtInPolicies.find((p) => p.policyId === 'standard')!;
    const waived = await savePolicy({ ...standard, policyId: 'waived', lateInterest: 'none', fixedIndemnity: false });
    await noticeSent({}, waived.policyId, waived.version);
    expect(table.get('SEND#INV-1#formal-notice', 'SEND')?.claims).toMatchObject({
      interestCents: 0,
      indemnityCents: 0,
    });
    setClock(fixedClock('2026-02-12T09:00:00.000Z'));
    transferOfThePrincipal();
    expect((await matchThePrincipal()).status).toBe(200);
    expect(claimAlerts()).toHaveLength(0);
  });

  it('a partial payment tells finance nothing: the principal is still owed', async () => {
    await noticeSent();
    setClock(fixedClock('2026-02-12T09:00:00.000Z'));
    transferOfThePrincipal();
    const res = await call('POST', '/transactions/T1/match', {
      body: { allocations: [{ invoiceId: 'INV-1', amountCents: 50_000 }] },
    });
    expect(res.status).toBe(200);
    expect(claimAlerts()).toHaveLength(0);
  });
});
