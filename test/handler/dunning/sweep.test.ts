import './env';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { ExecutionAlreadyExists, SendTaskSuccessCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { setClock, setWallClock } from '../../../functions/adapters/clock';
import { customerItem, invoiceItem } from '../../../functions/adapters/db/items';
import {
  getPolicy,
  listPolicies,
  PolicyVersionConflictError,
  savePolicy,
} from '../../../functions/adapters/db/policies';
import { fixedClock, systemClock } from '../../../functions/core/dates';
import { builtInPolicies } from '../../../functions/core/dunning/policy';
import { handler as pause } from '../../../functions/dunning-pause/handler';
import { handler as sesEvents } from '../../../functions/ses-events/handler';
import { handler as sweep } from '../../../functions/sweep/handler';
import { digestIntentId } from '../../../functions/sweep/run';
import { FakeTable } from './fake-table';
import { customer, invoice } from './fixtures';

const ses = mockClient(SESv2Client);
const sfn = mockClient(SFNClient);
const ddb = mockClient(DynamoDBDocumentClient);
let table: FakeTable;
const schedulerEvent = { source: 'encaisse.schedule', kind: 'daily-sweep', scheduledTime: '2026-02-02T06:00:00Z' };

beforeEach(() => {
  ses.reset();
  sfn.reset();
  ddb.reset();
  table = new FakeTable().install(ddb);
  ses.on(SendEmailCommand).resolves({ MessageId: 'digest-1' });
  sfn
    .on(StartExecutionCommand)
    .callsFake(async (input) => ({ executionArn: `arn:exec:${input.name}`, startDate: new Date() }));
  sfn.on(SendTaskSuccessCommand).resolves({});
  setClock(fixedClock('2026-02-02T06:00:00.000Z'));
  table.put(customerItem(customer('A')));
});
const started = () => sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input.name);

describe('the daily sweep', () => {
  it('starts the workflow of the invoices entering their policy window, once', async () => {
    table.put(invoiceItem(invoice('DUE-SOON', 'A', '2026-02-04'))); // courtesy on 1 February (J-3): in the window
    table.put(invoiceItem(invoice('LATER', 'A', '2026-03-31'))); // not yet
    table.put(invoiceItem(invoice('PAID', 'A', '2026-01-10', { status: 'paid', openCents: 0 })));
    const report = await sweep(schedulerEvent);
    expect(started()).toEqual(['inv-DUE-SOON']);
    expect(report.started).toEqual(['DUE-SOON']);
    await sweep(schedulerEvent);
    expect(started()).toEqual(['inv-DUE-SOON']); // the marker spares a second StartExecution
  });

  it('a start that Step Functions reports as already existing is a no-op', async () => {
    table.put(invoiceItem(invoice('DUP', 'A', '2026-01-10')));
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    const report = await sweep(schedulerEvent);
    expect(report).toMatchObject({ started: [], alreadyRunning: 1, failures: [] });
  });

  it(
    'restarts the dunning of an invoice owed again after its workflow was stopped on payment (a new ' + 'generation)',
    async () => {
      table.put(invoiceItem(invoice('REOPENED', 'A', '2026-01-10')));
      table.put({
        pk: 'INVOICE#REOPENED',
        sk: 'WORKFLOW',
        invoiceId: 'REOPENED',
        generation: 1,
        running: false,
        endStatus: 'ABORTED',
        endReason: 'paid',
        executionArn: 'arn:aws:states:eu-west-3:123456789012:execution:dunning:inv-REOPENED',
        startedAt: '2026-01-07T06:00:00.000Z',
      });
      const report = await sweep(schedulerEvent);
      expect(report.started).toEqual(['REOPENED']);
      expect(started()).toEqual([expect.stringMatching(/^inv-REOPENED-g2-[0-9a-f]{16}$/)]);
      expect(table.get('INVOICE#REOPENED', 'WORKFLOW')).toMatchObject({ generation: 2, running: true });
    },
  );

  it('leaves alone an owed invoice whose workflow ran to its end (no step left: a person looks at it)', async () => {
    table.put(invoiceItem(invoice('ENDED', 'A', '2026-01-10')));
    table.put({
      pk: 'INVOICE#ENDED',
      sk: 'WORKFLOW',
      invoiceId: 'ENDED',
      generation: 1,
      running: false,
      endStatus: 'SUCCEEDED',
      executionArn: 'arn:x',
      startedAt: '2026-01-07T06:00:00.000Z',
    });
    expect((await sweep(schedulerEvent)).started).toEqual([]);
    expect(started()).toEqual([]);
  });

  it('resumes a broken payment promise (promised date + grace passed, still unpaid)', async () => {
    table.put(
      invoiceItem(
        invoice('PROM', 'A', '2026-01-10', {
          pause: { reason: 'promise', since: '2026-01-15T10:00:00.000Z', until: '2026-01-26' },
        }),
      ),
    );
    table.put({ pk: 'INVOICE#PROM', sk: 'WORKFLOW', executionArn: 'arn:x', startedAt: '2026-01-07T06:00:00.000Z' });
    table.put({
      pk: 'INVOICE#PROM',
      sk: 'PAUSE',
      invoiceId: 'PROM',
      taskToken: 'tok',
      storedAt: '2026-01-15T10:00:00.000Z',
      state: { invoiceId: 'PROM', doneStepIds: ['courtesy'] },
    });
    const report = await sweep(schedulerEvent);
    expect(report.resumed).toEqual(['PROM']);
    expect(sfn.commandCalls(SendTaskSuccessCommand)[0].args[0].input.taskToken).toBe('tok');
  });

  it('a broken promise resumes without approving the step that awaited a person’s approval', async () => {
    table.put(
      invoiceItem(
        invoice('APPR', 'A', '2026-01-10', {
          pause: { reason: 'promise', since: '2026-01-15T10:00:00.000Z', until: '2026-01-26' },
        }),
      ),
    );
    table.put({
      pk: 'INVOICE#APPR',
      sk: 'PAUSE',
      invoiceId: 'APPR',
      taskToken: 'tok-a',
      storedAt: '2026-01-15T10:00:00.000Z',
      state: { invoiceId: 'APPR', doneStepIds: ['courtesy'], awaitingApprovalStepId: 'agency', outcome: 'paused' },
    });
    expect((await sweep(schedulerEvent)).resumed).toEqual(['APPR']);
    const output = JSON.parse(sfn.commandCalls(SendTaskSuccessCommand)[0].args[0].input.output!);
    expect(output.approvedStepIds ?? []).not.toContain('agency');
    expect(output.awaitingApprovalStepId).toBeUndefined();
  });

  it('a promise still holding is not resumed', async () => {
    table.put(
      invoiceItem(
        invoice('HOLD', 'A', '2026-01-10', {
          pause: { reason: 'promise', since: '2026-01-15T10:00:00.000Z', until: '2026-02-01' },
        }),
      ),
    );
    table.put({
      pk: 'INVOICE#HOLD',
      sk: 'PAUSE',
      invoiceId: 'HOLD',
      taskToken: 'tok',
      storedAt: '2026-01-15T10:00:00.000Z',
      state: { invoiceId: 'HOLD', doneStepIds: [] },
    });
    expect((await sweep(schedulerEvent)).resumed).toEqual([]);
  });

  it('e-mails finance the daily digest: what went out, what escalates tomorrow, what needs a person', async () => {
    table.put(
      invoiceItem(
        invoice('DISPUTED', 'A', '2026-01-10', { pause: { reason: 'dispute', since: '2026-01-15T10:00:00.000Z' } }),
      ),
    );
    table.put({
      pk: 'MESSAGE#m1',
      sk: 'MESSAGE',
      gsi2pk: 'MESSAGES#2026-02-01',
      gsi2sk: '2026-02-01T07:35:00.000Z#m1',
      messageId: 'm1',
      kind: 'reminder',
      level: 'reminder_2',
      customerId: 'A',
      invoiceIds: ['X-1', 'X-2'],
      to: [],
      sentAt: '2026-02-01T07:35:00.000Z',
    });
    await sweep(schedulerEvent);
    const mail = ses.commandCalls(SendEmailCommand)[0].args[0].input;
    expect(mail.Destination?.ToAddresses).toEqual(['finance@encaisse.example.fr']);
    const text = mail.Content?.Simple?.Body?.Text?.Data ?? '';
    expect(mail.Content?.Simple?.Subject?.Data).toContain('1 envoi');
    expect(text).toContain('X-1');
    expect(text).toContain('DISPUTED');
  });
});

describe('a digest only when there is something to say', () => {
  it(
    'sends no digest on a day where nothing went out, nothing escalates tomorrow and nothing needs a ' + 'person',
    async () => {
      table.put(invoiceItem(invoice('LATER', 'A', '2026-03-31')));
      const report = await sweep(schedulerEvent);
      expect(report.digestMessageId).toBeUndefined();
      expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
    },
  );

  it('reports a reminder sent just after midnight in Paris (before midnight UTC) as sent yesterday', async () => {
    table.put({
      pk: 'MESSAGE#m0',
      sk: 'MESSAGE',
      gsi2pk: 'MESSAGES#2026-01-31',
      gsi2sk: '2026-01-31T23:30:00.000Z#m0',
      messageId: 'm0',
      kind: 'reminder',
      level: 'reminder_1',
      customerId: 'A',
      invoiceIds: ['NIGHT-1'],
      to: [],
      sentAt: '2026-01-31T23:30:00.000Z',
    });
    await sweep(schedulerEvent);
    expect(ses.commandCalls(SendEmailCommand)[0].args[0].input.Content?.Simple?.Body?.Text?.Data).toContain('NIGHT-1');
  });
});

describe('the digest, at most once per Paris day (a retried sweep)', () => {
  const digests = () =>
    ses.commandCalls(SendEmailCommand).filter((c) => c.args[0].input.EmailTags?.some((t) => t.Value === 'digest'));
  const intent = () => table.get(`INTENT#${digestIntentId('2026-02-02')}`, 'INTENT');
  const timedOut = () =>
    Object.assign(new Error('socket timed out after the request was sent'), { name: 'TimeoutError' });
  beforeEach(() => {
    table.put({
      pk: 'MESSAGE#m1',
      sk: 'MESSAGE',
      gsi2pk: 'MESSAGES#2026-02-01',
      gsi2sk: '2026-02-01T07:35:00.000Z#m1',
      messageId: 'm1',
      kind: 'reminder',
      level: 'reminder_1',
      customerId: 'A',
      invoiceIds: ['X-1'],
      to: [],
      sentAt: '2026-02-01T07:35:00.000Z',
    });
  });

  it('a sweep run again after its digest went out (a retried invocation) sends no second digest', async () => {
    expect((await sweep(schedulerEvent)).digestMessageId).toBe('digest-1');
    const again = await sweep({ ...schedulerEvent, scheduledTime: '2026-02-02T06:03:00Z' });
    expect(digests()).toHaveLength(1);
    expect(again.digestMessageId).toBe('digest-1'); // the day's digest, found sent
    expect(intent()).toMatchObject({ status: 'sent', messageId: 'digest-1', kind: 'digest' });
  });

  it('a digest SES refused (throttled) is sent by the retry, once', async () => {
    ses
      .on(SendEmailCommand)
      .rejectsOnce(
        Object.assign(new Error('slow down'), { name: 'TooManyRequestsException', $metadata: { httpStatusCode: 429 } }),
      )
      .resolves({ MessageId: 'digest-2' });
    await expect(sweep(schedulerEvent)).rejects.toThrow();
    expect(intent()).toMatchObject({ status: 'released' });
    expect((await sweep(schedulerEvent)).digestMessageId).toBe('digest-2');
    await sweep(schedulerEvent);
    expect(digests()).toHaveLength(2); // the refused call and the one that went out
  });

  it('a digest in doubt (SES timed out after taking it) is not sent again once SES’s event confirms it', async () => {
    ses.on(SendEmailCommand).rejectsOnce(timedOut()).resolves({ MessageId: 'never' });
    await expect(sweep(schedulerEvent)).rejects.toThrow();
    await expect(sweep(schedulerEvent)).rejects.toMatchObject({ name: 'SendUnconfirmed' }); // waits for SES
    await sesEvents({
      source: 'aws.ses',
      'detail-type': 'Email Sent',
      detail: {
        eventType: 'Send',
        mail: {
          messageId: 'digest-accepted',
          timestamp: '2026-02-02T06:00:01.000Z',
          destination: ['finance@encaisse.example.fr'],
          tags: { intent: [digestIntentId('2026-02-02')], kind: ['digest'] },
        },
        send: {},
      },
    });
    expect((await sweep(schedulerEvent)).digestMessageId).toBe('digest-accepted');
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
  });

  it('a digest still in doubt after 180 s becomes a "maybe sent" task for finance, not a second digest', async () => {
    setWallClock(fixedClock('2026-02-02T06:00:00.000Z'));
    try {
      ses.on(SendEmailCommand).rejectsOnce(timedOut()).resolves({ MessageId: 'alert-1' });
      await expect(sweep(schedulerEvent)).rejects.toThrow();
      setWallClock(fixedClock('2026-02-02T06:01:00.000Z')); // Lambda's first retry, a minute later
      await expect(sweep(schedulerEvent)).rejects.toMatchObject({ name: 'SendUnconfirmed' });
      setWallClock(fixedClock('2026-02-02T06:03:00.000Z')); // its second, 180 s after the attempt
      expect((await sweep(schedulerEvent)).digestMessageId).toBeUndefined();
      expect(digests()).toHaveLength(1);
      const calls = ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input);
      expect(calls).toHaveLength(2);
      expect(calls[1].Content?.Simple?.Subject?.Data).toContain('synthèse quotidienne des relances');
      expect(intent()).toMatchObject({ status: 'maybe_sent' });
      await sweep(schedulerEvent);
      expect(ses.commandCalls(SendEmailCommand)).toHaveLength(2); // and nothing more on a later run
    } finally {
      setWallClock(systemClock);
    }
  });
});

describe('the digest warns finance of missing late-payment rates', () => {
  const august = { ...schedulerEvent, scheduledTime: '2026-08-03T06:00:00Z' };
  const digestText = () => ses.commandCalls(SendEmailCommand)[0].args[0].input.Content?.Simple?.Body?.Text?.Data ?? '';
  beforeEach(() => setClock(fixedClock('2026-08-03T06:00:00.000Z')));

  it('lists under "needs a person" the half-year without rates in which an owed invoice is late', async () => {
    table.put(invoiceItem(invoice('LATE-MAY', 'A', '2026-05-10')));
    table.put(invoiceItem(invoice('LATE-JUL', 'A', '2026-07-15')));
    const report = await sweep(august);
    expect(report.missingRates).toEqual([{ half: '2026-H2', ecbMro: true, legalRate: true, lateInvoices: 2 }]);
    expect(digestText()).toContain(
      'taux de pénalités manquants pour 2026-H2 (taux BCE au 1er juillet, taux d’intérêt légal) : 2 factures en retard',
    );
  });

  it('says nothing once finance has added the figures of the half-year', async () => {
    table.put(invoiceItem(invoice('LATE-MAY', 'A', '2026-05-10')));
    table.put({
      pk: 'RATES',
      sk: 'OVERRIDE',
      type: 'rates',
      ecbMro: [],
      ecbMroKnownThrough: '2026-07-01',
      legalRate: [{ half: '2026-H2', otherCasesBp: 250, privateCreditorBp: 650 }],
      source: 'arrêté du test',
      version: 0,
    });
    const report = await sweep(august);
    expect(report.missingRates).toEqual([]);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0); // and nothing else to say: no digest at all
  });

  it('says nothing while no owed invoice is late', async () => {
    table.put(invoiceItem(invoice('NOT-DUE', 'A', '2026-09-30')));
    table.put(invoiceItem(invoice('PAID-LATE', 'A', '2026-03-01', { status: 'paid', openCents: 0 })));
    expect((await sweep(august)).missingRates).toEqual([]);
  });
});

describe('pausing a workflow', () => {
  it('stores the task token with the paused state', async () => {
    table.put(
      invoiceItem(invoice('P', 'A', '2026-01-10', { pause: { reason: 'dispute', since: '2026-01-15T10:00:00.000Z' } })),
    );
    await pause({ taskToken: 'tok-p', state: { invoiceId: 'P', doneStepIds: [], outcome: 'paused' } });
    expect(table.get('INVOICE#P', 'PAUSE')).toMatchObject({
      taskToken: 'tok-p',
      state: { invoiceId: 'P', outcome: 'paused' },
    });
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  });
  it('tags the pause with the workflow generation that paused', async () => {
    table.put(
      invoiceItem(
        invoice('P2', 'A', '2026-01-10', { pause: { reason: 'dispute', since: '2026-01-15T10:00:00.000Z' } }),
      ),
    );
    table.put({
      pk: 'INVOICE#P2',
      sk: 'WORKFLOW',
      invoiceId: 'P2',
      generation: 3,
      running: true,
      executionArn: 'arn:x',
      startedAt: '2026-01-07T06:00:00.000Z',
    });
    await pause({ taskToken: 'tok-p2', state: { invoiceId: 'P2', doneStepIds: [], outcome: 'paused' } });
    expect(table.get('INVOICE#P2', 'PAUSE')).toMatchObject({ taskToken: 'tok-p2', generation: 3 });
  });
  it('resumes at once when the pause was lifted before the token was stored', async () => {
    table.put(invoiceItem(invoice('Q', 'A', '2026-01-10')));
    await pause({ taskToken: 'tok-q', state: { invoiceId: 'Q', doneStepIds: [], outcome: 'paused' } });
    expect(sfn.commandCalls(SendTaskSuccessCommand)[0].args[0].input.taskToken).toBe('tok-q');
    expect(table.get('INVOICE#Q', 'PAUSE')).toBeUndefined();
  });
});

describe('policies', () => {
  it('serves the built-in policies when none is stored', async () => {
    expect((await listPolicies()).map((p) => p.policyId)).toEqual(['b2c', 'key_account', 'standard']);
    expect(await getPolicy('standard')).toEqual(builtInPolicies.find((p) => p.policyId === 'standard'));
  });
  it('an edit stores a new version; the old one stays readable for running workflows', async () => {
    const v2 = await savePolicy({ ...builtInPolicies[0], name: 'Standard (édité)' }, 1);
    expect(v2.version).toBe(2);
    const v3 = await savePolicy({ ...v2, gatherSeconds: 600 }, 2);
    expect(v3.version).toBe(3);
    expect((await getPolicy('standard'))?.version).toBe(3);
    expect((await getPolicy('standard', 2))?.name).toBe('Standard (édité)');
    expect((await getPolicy('standard', 1))?.name).toBe('Standard');
    expect((await listPolicies()).filter((p) => p.policyId === 'standard').map((p) => p.version)).toEqual([3]);
  });
  it('an edit based on an old version is refused (409)', async () => {
    await savePolicy({ ...builtInPolicies[0] }, 1);
    await expect(savePolicy({ ...builtInPolicies[0] }, 1)).rejects.toBeInstanceOf(PolicyVersionConflictError);
  });
  it('a new policy starts at version 1', async () => {
    const p = await savePolicy({
      policyId: 'custom',
      name: 'Custom',
      steps: [
        { stepId: 'r1', offsetDays: 5, dayKind: 'calendar', channel: 'email', level: 'reminder_1', template: 't' },
      ],
    });
    expect(p).toMatchObject({
      version: 1,
      gatherSeconds: 300,
      sendWindow: { time: '08:30', timeZone: 'Europe/Paris' },
    });
  });
});
