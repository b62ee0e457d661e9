import './env';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { setClock } from '../../../functions/adapters/clock';
import { dispatchKeyOf, enlist } from '../../../functions/adapters/db/dispatch';
import { customerItem, invoiceItem } from '../../../functions/adapters/db/items';
import { fixedClock } from '../../../functions/core/dates';
import type { DunningState } from '../../../functions/core/dunning/state';
import type { Customer } from '../../../functions/core/model';
import { handler as dispatchHandler } from '../../../functions/dunning-dispatch/handler';
import { SEND_DOUBT } from '../../../functions/use-cases/dunning/send-once';
import { withinGrants } from '../support/access';
import { FakeTable } from './fake-table';
import { customer, invoice } from './fixtures';

const ses = mockClient(SESv2Client);
const s3 = mockClient(S3Client);
const ddb = mockClient(DynamoDBDocumentClient);
const dispatch = withinGrants('dunning-dispatch', dispatchHandler, ddb, s3);
const W = '2026-02-02T07:30:00.000Z';
const FINANCE = 'finance@encaisse.example.fr';
let table: FakeTable;

const mails = () => ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input);
const toFinance = () => mails().filter((m) => m.Destination?.ToAddresses?.includes(FINANCE));
type Mail = ReturnType<typeof mails>[number];
/** The text part of a mail, simple or MIME (base64 parts decoded). */
function bodyOf(m: Mail): string {
  if (m.Content?.Simple) return m.Content.Simple.Body?.Text?.Data ?? '';
  const raw = Buffer.from(m.Content!.Raw!.Data!).toString('utf8');
  const part = raw.split(/\r?\n--/).find((p) => /Content-Type: text\/plain/i.test(p)) ?? '';
  const b64 = part.split(/\r?\n\r?\n/)[1] ?? '';
  return Buffer.from(b64.replace(/\s+/g, ''), 'base64').toString('utf8');
}
const kindOf = (m: Mail) => m.EmailTags?.find((t) => t.Name === 'kind')?.Value ?? '';
const subjects = () => toFinance().map(kindOf);

async function noticeBatch(overrides: Partial<Customer> = {}): Promise<DunningState> {
  table.put(customerItem(customer('A', overrides)));
  table.put(invoiceItem(invoice('INV-1', 'A', '2025-12-01', { dunningLevel: 'final_reminder' })));
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
  const dispatchKey = dispatchKeyOf('A', W, 'formal_notice');
  return {
    invoiceId: 'INV-1',
    doneStepIds: [],
    policyId: 'standard',
    policyVersion: 1,
    plan: { action: 'wait', at: W, stepId: 'formal-notice' },
    outcome: 'enlisted',
    dispatchKey,
  };
}

beforeEach(() => {
  ses.reset();
  s3.reset();
  ddb.reset();
  table = new FakeTable().install(ddb);
  // the documents bucket: what is put can be read back
  const documents = new Map<string, Uint8Array>();
  s3.on(PutObjectCommand).callsFake(async (input) => {
    documents.set(input.Key, input.Body);
    return {};
  });
  s3.on(GetObjectCommand).callsFake(async (input) => {
    const bytes = documents.get(input.Key);
    if (!bytes) throw Object.assign(new Error('no such key'), { name: 'NoSuchKey' });
    return { Body: { transformToByteArray: async () => bytes } };
  });
  setClock(fixedClock('2026-02-02T07:30:01.000Z'));
  SEND_DOUBT.confirmSeconds = 180;
});

describe('the formal notice to post reaches finance once', () => {
  it('goes to finance through a send intent: a retry of the dispatch does not send it again', async () => {
    let n = 0;
    ses.on(SendEmailCommand).callsFake(async () => ({ MessageId: `ses-${++n}` }));
    const state = await noticeBatch();
    await dispatch(state);
    await dispatch(state);
    expect(subjects()).toEqual(['alert_formal_notice_to_post']);
    expect(bodyOf(toFinance()[0])).toContain('Mise en demeure à poster en recommandé');
    expect(bodyOf(toFinance()[0])).toContain('Envoyer chaque lettre jointe en recommandé avec accusé de réception.');
  });

  it(
    'an alert whose send is in doubt (SES timed out) becomes a "maybe sent" task on the retry, never a second ' +
      'alert',
    async () => {
      let n = 0;
      ses.on(SendEmailCommand).callsFake(async () => {
        n++;
        if (n === 2) throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
        return { MessageId: `ses-${n}` };
      });
      const state = await noticeBatch();
      await expect(dispatch(state)).rejects.toMatchObject({ name: 'Throttled' });
      SEND_DOUBT.confirmSeconds = 0;
      await dispatch(state);
      // the one attempt SES may or may not have delivered, then the task: never a second alert
      expect(subjects()).toEqual(['alert_formal_notice_to_post', 'alert_maybe_sent']);
    },
  );
});

describe('the formal notice to post is not lost when its first try fails', () => {
  it('an alert SES refused (throttled) goes out on the retry, once', async () => {
    let n = 0;
    const accepted: string[] = [];
    ses.on(SendEmailCommand).callsFake(async (input: Mail) => {
      n++;
      if (n === 2)
        throw Object.assign(new Error('Maximum sending rate exceeded'), { name: 'TooManyRequestsException' });
      accepted.push(kindOf(input));
      return { MessageId: `ses-${n}` };
    });
    const state = await noticeBatch();
    await expect(dispatch(state)).rejects.toMatchObject({ name: 'Throttled' });
    await dispatch(state);
    await dispatch(state);
    expect(accepted).toEqual(['formal_notice', 'alert_formal_notice_to_post']);
    const alert = toFinance().at(-1)!;
    expect(bodyOf(alert)).toContain('Mise en demeure à poster en recommandé');
    expect(Buffer.from(alert.Content!.Raw!.Data!).toString('utf8')).toContain('MED-INV-1-20260202.pdf');
  });

  it('an alert never tried (the run stopped after recording the notice) goes out on the retry', async () => {
    let n = 0;
    const accepted: string[] = [];
    ses.on(SendEmailCommand).callsFake(async (input: Mail) => {
      accepted.push(kindOf(input));
      return { MessageId: `ses-${++n}` };
    });
    const state = await noticeBatch();
    // the run stops as it starts the alert: its intent is never written
    table.fault = (name, input) =>
      name === 'Put' && input.Item?.kind === 'alert_formal_notice_to_post' ? new Error('Lambda timed out') : undefined;
    await expect(dispatch(state)).rejects.toThrow('Lambda timed out');
    table.fault = () => undefined;
    await dispatch(state);
    await dispatch(state);
    expect(accepted).toEqual(['formal_notice', 'alert_formal_notice_to_post']);
  });
});

describe('a formal notice after a partial payment received late', () => {
  it('claims penalties on the paid amount until its booking date, read from the invoice’s allocations', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
    const state = await noticeBatch();
    // 1 200 € due 01/12/2025; 1 000 € booked 15/01/2026; notice 02/02/2026: 200 € still owed
    table.put(
      invoiceItem(
        invoice('INV-1', 'A', '2025-12-01', {
          dunningLevel: 'final_reminder',
          openCents: 20_000,
          receivedCents: 100_000,
          status: 'partially_paid',
        }),
      ),
    );
    table.put({
      pk: 'INVOICE#INV-1',
      sk: 'ALLOC#T-1',
      type: 'allocation',
      invoiceId: 'INV-1',
      transactionId: 'T-1',
      amountCents: 100_000,
      writeOffCents: 0,
      bookingDate: '2026-01-15',
    });
    await dispatch(state);
    // 02/12/2025 -> 31/12/2025: 30 d on 1 200 € at 12,15 % = 1198.4 -> 1198; 01/01 -> 14/01/2026: 14 d = 559.3 -> 559;
    // 15/01 -> 02/02/2026: 19 d on 200 € = 126.5 -> 126 (rounded half-up: 126.49...); + 4 000 indemnity
    const sent = [...table.items.values()].find((i) => i.kind === 'formal_notice_sent') as
      | { detail: { penaltiesCents: string } }
      | undefined;
    expect(sent?.detail.penaltiesCents).toBe(String(1198 + 559 + 126 + 4000));
  });

  it('dates a payment recorded without a booking date by its day in Paris: 00:30 on 15/01 is the 15th', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
    const state = await noticeBatch();
    table.put(
      invoiceItem(
        invoice('INV-1', 'A', '2025-12-01', {
          dunningLevel: 'final_reminder',
          openCents: 20_000,
          receivedCents: 100_000,
          status: 'partially_paid',
        }),
      ),
    );
    table.put({
      pk: 'INVOICE#INV-1',
      sk: 'ALLOC#T-1',
      type: 'allocation',
      invoiceId: 'INV-1',
      transactionId: 'T-1',
      amountCents: 100_000,
      writeOffCents: 0,
      at: '2026-01-14T23:30:00.000Z',
    });
    await dispatch(state);
    const sent = [...table.items.values()].find((i) => i.kind === 'formal_notice_sent') as
      | { detail: { penaltiesCents: string } }
      | undefined;
    expect(sent?.detail.penaltiesCents).toBe(String(1198 + 559 + 126 + 4000));
  });
});

describe('a consumer’s formal notice without a postal address', () => {
  it('gives finance an "adresse manquante" task, not an instruction to post it by registered mail', async () => {
    let n = 0;
    ses.on(SendEmailCommand).callsFake(async () => ({ MessageId: `ses-${++n}` }));
    await dispatch(
      await noticeBatch({ isBusiness: false, postalAddress: [], civility: 'madame', familyName: 'Petit' }),
    );
    expect(subjects()).toEqual(['alert_postal_address_missing']);
    expect(bodyOf(toFinance()[0])).toContain('Adresse postale manquante : la demander au client');
    expect(bodyOf(toFinance()[0])).not.toContain('À faire : Envoyer');
    const toCustomer = mails().find((m) => !m.Destination?.ToAddresses?.includes(FINANCE))!;
    expect(bodyOf(toCustomer)).toMatch(/^Madame Petit,/);
    expect(bodyOf(toCustomer)).not.toContain('lettre recommandée');
  });
});

describe('a step superseded in its window', () => {
  it('is recorded as skipped (superseded by the higher step the message carried), not as sent', async () => {
    let n = 0;
    ses.on(SendEmailCommand).callsFake(async () => ({ MessageId: `ses-${++n}` }));
    table.put(customerItem(customer('A')));
    table.put(invoiceItem(invoice('INV-1', 'A', '2025-12-01')));
    for (const [stepId, level] of [
      ['reminder-1', 'reminder_1'],
      ['reminder-2', 'reminder_2'],
    ] as const)
      await enlist({
        customerId: 'A',
        windowAt: W,
        kind: 'reminder',
        member: { invoiceId: 'INV-1', stepId, level, channel: 'email', enlistedAt: W },
      });
    const dispatchKey = dispatchKeyOf('A', W, 'reminder');
    const stateOf = (stepId: string): DunningState => ({
      invoiceId: 'INV-1',
      doneStepIds: [],
      policyId: 'standard',
      policyVersion: 1,
      plan: { action: 'wait', at: W, stepId },
      outcome: 'enlisted',
      dispatchKey,
    });
    expect((await dispatch(stateOf('reminder-2'))).outcome).toBe('sent');
    expect(await dispatch(stateOf('reminder-1'))).toMatchObject({ outcome: 'skipped', doneStepIds: ['reminder-1'] });
    const history = [...table.items.values()].filter(
      (i) => i.pk === 'INVOICE#INV-1' && String(i.sk).startsWith('EVENT#'),
    );
    expect(
      history.filter((e) => e.kind === 'reminder_sent').map((e) => (e.detail as { stepId: string }).stepId),
    ).toEqual(['reminder-2']);
    expect(history.find((e) => e.kind === 'dunning_step_skipped')?.detail).toMatchObject({
      stepId: 'reminder-1',
      reason: 'superseded',
      supersededBy: 'reminder-2',
    });
    expect(mails()).toHaveLength(1);
  });
});
