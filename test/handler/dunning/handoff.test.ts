import './env';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { setClock } from '../../../functions/adapters/clock';
import { customerItem, invoiceItem } from '../../../functions/adapters/db/items';
import { fixedClock } from '../../../functions/core/dates';
import type { DunningState } from '../../../functions/core/dunning/state';
import type { Invoice } from '../../../functions/core/model';
import { handler as step } from '../../../functions/dunning-step/handler';
import { handler as failureAlert } from '../../../functions/failure-alert/handler';
import { handler as sweep } from '../../../functions/sweep/handler';
import { FakeTable } from './fake-table';
import { customer, invoice } from './fixtures';

const ses = mockClient(SESv2Client);
const s3 = mockClient(S3Client);
const sfn = mockClient(SFNClient);
const ddb = mockClient(DynamoDBDocumentClient);
const W = '2026-02-02T07:30:00.000Z';
const AGENCY = 'dossiers@recouvrement.example.fr';
const FINANCE = 'finance@encaisse.example.fr';
let table: FakeTable;

const handoffState: DunningState = {
  invoiceId: 'INV-1',
  doneStepIds: [],
  policyId: 'standard',
  policyVersion: 1,
  plan: { action: 'wait', at: W, stepId: 'agency' },
};
const mails = () => ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input);
const to = (address: string) => mails().filter((m) => m.Destination?.ToAddresses?.includes(address));
const textOf = (m: ReturnType<typeof mails>[number]) => m.Content?.Simple?.Body?.Text?.Data ?? '';
const history = (kind: string, id = 'INV-1') =>
  [...table.items.values()].filter(
    (i) => i.pk === `INVOICE#${id}` && String(i.sk).startsWith('EVENT#') && i.kind === kind,
  );
const stored = (id = 'INV-1') => table.get(`INVOICE#${id}`, 'INVOICE') as Invoice;
const pay = (id = 'INV-1') =>
  table.put(invoiceItem({ ...stored(id), status: 'paid', openCents: 0, version: stored(id).version + 1 }));

beforeEach(() => {
  ses.reset();
  s3.reset();
  sfn.reset();
  ddb.reset();
  table = new FakeTable().install(ddb);
  let n = 0;
  ses.on(SendEmailCommand).callsFake(async () => ({ MessageId: `ses-${++n}` }));
  s3.on(PutObjectCommand).resolves({});
  sfn
    .on(StartExecutionCommand)
    .callsFake(async (input) => ({ executionArn: `arn:exec:${input.name}`, startDate: new Date() }));
  setClock(fixedClock('2026-02-02T07:30:01.000Z'));
  table.put(customerItem(customer('A')));
  table.put(invoiceItem(invoice('INV-1', 'A', '2025-12-01')));
});

describe('an agency handoff reads what it needs once', () => {
  it(
    'the send record of the step is read once, not once to finish an earlier handoff and again to find the step ' +
      'done',
    async () => {
      expect((await step(handoffState)).outcome).toBe('acted');
      const reads = ddb.commandCalls(GetCommand).filter((c) => c.args[0].input.Key?.pk === 'SEND#INV-1#agency');
      expect(reads).toHaveLength(1);
    },
  );
});

describe('an agency handoff after its planned window', () => {
  it('records its planned time, how late it went and that the step itself ran late', async () => {
    setClock(fixedClock('2026-02-03T16:00:00.000Z'));
    expect((await step(handoffState)).outcome).toBe('acted');
    expect(history('agency_notice_sent')[0].detail).toMatchObject({
      plannedAt: W,
      late: { minutes: 1950, reasons: ['step_ran_late'], stepRanAt: '2026-02-03T16:00:00.000Z' },
    });
  });
});

describe('a payment landing during an agency handoff', () => {
  it('a payment recorded while the case file was being built: the agency is not told, the workflow stops', async () => {
    s3.on(PutObjectCommand).callsFake(async () => {
      pay();
      return {};
    });
    const out = await step(handoffState);
    expect(out.outcome).toBe('stopped');
    expect(to(AGENCY)).toHaveLength(0);
    expect(stored().status).toBe('paid');
  });

  it(
    'a payment recorded just after the agency was told: no failure; the agency gets "the case is withdrawn", ' +
      'finance and the history know',
    async () => {
      ses
        .on(SendEmailCommand)
        .callsFakeOnce(async () => {
          pay(); // the status write that follows now meets a newer version
          return { MessageId: 'ses-handoff' };
        })
        .callsFake(async () => ({ MessageId: 'ses-next' }));
      const out = await step(handoffState);
      expect(out.outcome).toBe('acted');
      expect(stored().status).toBe('paid');
      const agency = to(AGENCY);
      expect(agency).toHaveLength(2);
      expect(agency[1].Content?.Simple?.Subject?.Data).toMatch(/^Retrait du dossier REC-INV-1-/);
      expect(textOf(agency[1])).toMatch(/cesser toute démarche/);
      expect(to(FINANCE).some((m) => /retiré/.test(m.Content?.Simple?.Subject?.Data ?? ''))).toBe(true);
      expect(history('agency_case_withdrawn')[0]).toMatchObject({ detail: { reason: 'paid', outcome: 'sent' } });
      expect(table.get('INVOICE#INV-1', 'AGENCYCASE')).toMatchObject({ status: 'withdrawn' });
    },
  );

  it(
    'another change of the invoice during the handoff (a partial payment) is read again and the invoice still goes ' +
      'to collection',
    async () => {
      ses
        .on(SendEmailCommand)
        .callsFakeOnce(async () => {
          table.put(invoiceItem({ ...stored(), status: 'partially_paid', openCents: 20_000, version: 1 }));
          return { MessageId: 'ses-handoff' };
        })
        .callsFake(async () => ({ MessageId: 'ses-next' }));
      expect((await step(handoffState)).outcome).toBe('acted');
      // Version 1 (the payment), 2 (the level raised with the send record), 3 (in collection).
      expect(stored()).toMatchObject({
        status: 'in_collection',
        openCents: 20_000,
        dunningLevel: 'agency_handoff',
        version: 3,
      });
      expect(to(AGENCY)).toHaveLength(1);
    },
  );

  it(
    'a DynamoDB fault right after the agency accepted the notice: the retry completes the handoff without mailing ' +
      'the agency again',
    async () => {
      let failed = false;
      table.fault = (name, input) => {
        if (!failed && name === 'TransactWrite' && input.TransactItems?.[0]?.Put?.Item?.pk === 'SEND#INV-1#agency') {
          failed = true;
          return Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' });
        }
        return undefined;
      };
      await expect(step(handoffState)).rejects.toMatchObject({ name: 'Throttled' });
      expect((await step(handoffState)).outcome).toBe('acted');
      expect(to(AGENCY)).toHaveLength(1);
      expect(stored().status).toBe('in_collection');
    },
  );

  it('the daily sweep withdraws a case whose invoice got paid after the handoff, once', async () => {
    await step(handoffState);
    expect(stored().status).toBe('in_collection');
    pay();
    setClock(fixedClock('2026-02-10T06:00:00.000Z'));
    const report = await sweep({ scheduledTime: '2026-02-10T06:00:00Z' });
    expect(report.withdrawn).toEqual(['INV-1']);
    expect(to(AGENCY).map((m) => m.Content?.Simple?.Subject?.Data)).toEqual([
      expect.stringMatching(/^Nouveau dossier/),
      expect.stringMatching(/^Retrait du dossier/),
    ]);
    expect((await sweep({ scheduledTime: '2026-02-11T06:00:00Z' })).withdrawn).toEqual([]);
    expect(to(AGENCY)).toHaveLength(2);
  });
});

describe('bringing a failed dunning back', () => {
  const failedEvent = (executionArn: string) => ({
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    time: '2026-02-03T08:00:00Z',
    detail: {
      executionArn,
      status: 'FAILED',
      input: '{"invoiceId":"INV-1","doneStepIds":[]}',
      error: 'DispatchInProgress',
      cause: 'batch kept being sent',
      stopDate: 1770105600000,
    },
  });

  it(
    'the failure alert marks the generation ended and the next sweep starts a new one, saying so in the ' + 'history',
    async () => {
      const arn = 'arn:aws:states:eu-west-3:123456789012:execution:dunning:inv-INV-1';
      table.put({
        pk: 'INVOICE#INV-1',
        sk: 'WORKFLOW',
        invoiceId: 'INV-1',
        generation: 1,
        running: true,
        executionName: 'inv-INV-1',
        executionArn: arn,
        startedAt: '2026-01-07T06:00:00.000Z',
      });
      await failureAlert(failedEvent(arn));
      expect(table.get('INVOICE#INV-1', 'WORKFLOW')).toMatchObject({ running: false, endStatus: 'FAILED' });
      setClock(fixedClock('2026-02-04T06:00:00.000Z'));
      const report = await sweep({ scheduledTime: '2026-02-04T06:00:00Z' });
      expect(report.restarted).toEqual(['INV-1']);
      expect(sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input.name)).toEqual([
        expect.stringMatching(/^inv-INV-1-g2-/),
      ]);
      expect(history('dunning_restarted')[0]).toMatchObject({
        detail: { after: 'FAILED', generation: 2, by: 'sweep' },
      });
    },
  );

  it('a failure of an older generation leaves the current one alone', async () => {
    table.put({
      pk: 'INVOICE#INV-1',
      sk: 'WORKFLOW',
      invoiceId: 'INV-1',
      generation: 2,
      running: true,
      executionName: 'inv-INV-1-g2-x',
      executionArn: 'arn:g2',
      startedAt: '2026-01-07T06:00:00.000Z',
    });
    await failureAlert(failedEvent('arn:g1'));
    expect(table.get('INVOICE#INV-1', 'WORKFLOW')).toMatchObject({ running: true, generation: 2 });
  });

  it(
    'the sweep starts nothing for an invoice its (eventually consistent) index still lists as owed but which was ' +
      'just paid',
    async () => {
      table.put({
        pk: 'INVOICE#INV-1',
        sk: 'WORKFLOW',
        invoiceId: 'INV-1',
        generation: 1,
        running: false,
        endStatus: 'ABORTED',
        endReason: 'paid',
        executionArn: 'arn:g1',
        startedAt: '2026-01-07T06:00:00.000Z',
      });
      const stale = invoiceItem(stored());
      pay();
      sfn.on(DescribeExecutionCommand).resolves({ status: 'ABORTED' });
      ddb
        .on(QueryCommand, { IndexName: 'gsi2', ExpressionAttributeValues: { ':pk': 'INVSTATUS#open' } })
        .resolves({ Items: [stale] });
      const report = await sweep({ scheduledTime: '2026-02-04T06:00:00Z' });
      expect(report.started).toEqual([]);
      expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
    },
  );
});
