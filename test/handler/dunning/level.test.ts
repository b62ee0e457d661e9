import './env';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { setClock } from '../../../functions/adapters/clock';
import { type DispatchKind, dispatchKeyOf, enlist } from '../../../functions/adapters/db/dispatch';
import { customerItem, invoiceItem } from '../../../functions/adapters/db/items';
import { fixedClock } from '../../../functions/core/dates';
import type { DunningLevel, Invoice } from '../../../functions/core/model';
import { handler as dispatchHandler } from '../../../functions/dunning-dispatch/handler';
import { handler as stepHandler } from '../../../functions/dunning-step/handler';
import { SEND_DOUBT } from '../../../functions/use-cases/dunning/send-once';
import { withinGrants } from '../support/access';
import { FakeTable } from './fake-table';
import { customer, invoice } from './fixtures';

const ses = mockClient(SESv2Client);
const s3 = mockClient(S3Client);
const ddb = mockClient(DynamoDBDocumentClient);
const dispatch = withinGrants('dunning-dispatch', dispatchHandler, ddb, s3);
const step = withinGrants('dunning-step', stepHandler, ddb, s3);
const W = '2026-02-02T07:30:00.000Z';
let table: FakeTable;

const stored = (id: string) => table.get(`INVOICE#${id}`, 'INVOICE') as Invoice;

/** Enlists the invoices of customer A in one send window at the given level, then runs every member's dispatch. */
async function send(kind: DispatchKind, level: DunningLevel, stepId: string, ids: string[]) {
  for (const id of ids) {
    const channel = kind === 'formal_notice' ? 'formal_notice' : kind === 'call' ? 'call_task' : 'email';
    await enlist({
      customerId: 'A',
      windowAt: W,
      kind,
      member: { invoiceId: id, stepId, level, channel, enlistedAt: W },
    });
  }
  const dispatchKey = dispatchKeyOf('A', W, kind);
  for (const id of ids) {
    await dispatch({
      invoiceId: id,
      doneStepIds: [],
      policyId: 'standard',
      policyVersion: 1,
      plan: { action: 'wait', at: W, stepId },
      outcome: 'enlisted',
      dispatchKey,
    });
  }
}

beforeEach(() => {
  ses.reset();
  s3.reset();
  ddb.reset();
  table = new FakeTable().install(ddb);
  let n = 0;
  ses.on(SendEmailCommand).callsFake(async () => ({ MessageId: `ses-${++n}` }));
  s3.on(PutObjectCommand).resolves({});
  setClock(fixedClock('2026-02-02T07:30:01.000Z'));
  table.put(customerItem(customer('A')));
  for (const id of ['INV-1', 'INV-2']) table.put(invoiceItem(invoice(id, 'A', '2025-12-01')));
});

describe("an invoice's dunning level is the highest level sent so far", () => {
  it('an invoice never reminded has no level', () => {
    expect(stored('INV-1').dunningLevel).toBeUndefined();
  });

  it('a grouped reminder gives every invoice it lists its own level in the message, with a new version', async () => {
    await enlist({
      customerId: 'A',
      windowAt: W,
      kind: 'reminder',
      member: { invoiceId: 'INV-2', stepId: 'reminder-2', level: 'reminder_2', channel: 'email', enlistedAt: W },
    });
    await send('reminder', 'reminder_1', 'reminder-1', ['INV-1']);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
    expect(stored('INV-1')).toMatchObject({ dunningLevel: 'reminder_1', version: 1 });
    expect(stored('INV-2')).toMatchObject({ dunningLevel: 'reminder_2', version: 1 });
  });

  it('a formal notice raises the level to formal notice', async () => {
    table.put(invoiceItem({ ...stored('INV-1'), dunningLevel: 'final_reminder' }));
    await send('formal_notice', 'formal_notice', 'formal-notice', ['INV-1']);
    expect(stored('INV-1')).toMatchObject({ dunningLevel: 'formal_notice', version: 1 });
  });

  it('an agency handoff raises the level to agency handoff and the invoice goes to collection', async () => {
    table.put(invoiceItem({ ...stored('INV-1'), dunningLevel: 'formal_notice' }));
    const out = await step({
      invoiceId: 'INV-1',
      doneStepIds: [],
      policyId: 'standard',
      policyVersion: 1,
      plan: { action: 'wait', at: W, stepId: 'agency' },
    });
    expect(out.outcome).toBe('acted');
    expect(stored('INV-1')).toMatchObject({ dunningLevel: 'agency_handoff', status: 'in_collection', version: 2 });
  });

  it(
    'a lower level sent later (a second reminder after a formal notice) leaves the level and the version as they ' +
      'were, and is still recorded',
    async () => {
      table.put(invoiceItem({ ...stored('INV-1'), dunningLevel: 'formal_notice' }));
      await send('reminder', 'reminder_2', 'reminder-2', ['INV-1']);
      expect(table.get('SEND#INV-1#reminder-2', 'SEND')).toMatchObject({ messageId: 'ses-1' });
      expect(stored('INV-1')).toMatchObject({ dunningLevel: 'formal_notice', version: 0 });
    },
  );

  it('the same level sent again changes nothing on the invoice', async () => {
    table.put(invoiceItem({ ...stored('INV-1'), dunningLevel: 'reminder_1' }));
    await send('reminder', 'reminder_1', 'reminder-1', ['INV-1']);
    expect(table.get('SEND#INV-1#reminder-1', 'SEND')).toMatchObject({ messageId: 'ses-1' });
    expect(stored('INV-1')).toMatchObject({ dunningLevel: 'reminder_1', version: 0 });
  });

  it('a message closed in doubt ("maybe sent") does not raise the level', async () => {
    ses
      .on(SendEmailCommand)
      .rejectsOnce(
        Object.assign(new Error('internal'), { name: 'InternalFailure', $metadata: { httpStatusCode: 500 } }),
      )
      .resolves({ MessageId: 'alert' });
    await expect(send('reminder', 'reminder_1', 'reminder-1', ['INV-1'])).rejects.toMatchObject({ name: 'Throttled' });
    const confirmSeconds = SEND_DOUBT.confirmSeconds;
    SEND_DOUBT.confirmSeconds = 0;
    try {
      await dispatch({
        invoiceId: 'INV-1',
        doneStepIds: [],
        policyId: 'standard',
        policyVersion: 1,
        plan: { action: 'wait', at: W, stepId: 'reminder-1' },
        outcome: 'enlisted',
        dispatchKey: dispatchKeyOf('A', W, 'reminder'),
      });
    } finally {
      SEND_DOUBT.confirmSeconds = confirmSeconds;
    }
    expect(table.get('SEND#INV-1#reminder-1', 'SEND')).toMatchObject({ maybeSent: true });
    expect(stored('INV-1')).toMatchObject({ version: 0 });
    expect(stored('INV-1').dunningLevel).toBeUndefined();
  });
});
