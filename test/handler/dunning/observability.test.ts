import './env';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { setClock } from '../../../functions/adapters/clock';
import { dispatchKeyOf, enlist } from '../../../functions/adapters/db/dispatch';
import { customerItem, invoiceItem } from '../../../functions/adapters/db/items';
import { rootLogger } from '../../../functions/adapters/logger';
import { fixedClock } from '../../../functions/core/dates';
import type { DunningState } from '../../../functions/core/dunning/state';
import { handler as dispatch } from '../../../functions/dunning-dispatch/handler';
import { handler as pause } from '../../../functions/dunning-pause/handler';
import { handler as failureAlert } from '../../../functions/failure-alert/handler';
import { handler as sesEvents } from '../../../functions/ses-events/handler';
import { captureOutput } from '../support/output';
import { FakeTable } from './fake-table';
import { customer, invoice } from './fixtures';

const ses = mockClient(SESv2Client);
const sfn = mockClient(SFNClient);
const ddb = mockClient(DynamoDBDocumentClient);
const W = '2026-02-02T07:30:00.000Z';
const lambdaContext = { awsRequestId: 'req-9', functionName: 'encaisse-task', memoryLimitInMB: '512' } as never;
let table: FakeTable;
const output = captureOutput();
rootLogger.setLogLevel('INFO');
afterAll(() => output.stop());

beforeEach(() => {
  ses.reset();
  sfn.reset();
  ddb.reset();
  table = new FakeTable().install(ddb);
  ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
  sfn.on(SendTaskSuccessCommand).resolves({});
  setClock(fixedClock('2026-02-02T07:35:00.000Z'));
  output.clear();
});

const reminderState = (invoiceId: string, dispatchKey: string): DunningState => ({
  invoiceId,
  doneStepIds: ['courtesy'],
  policyId: 'standard',
  policyVersion: 1,
  plan: { action: 'wait', at: W, stepId: 'reminder-1' },
  outcome: 'enlisted',
  gatherSeconds: 300,
  dispatchKey,
  correlationId: 'stmt-msg-1',
});

describe('dunning workflows: correlation id and business metrics', () => {
  it(
    'a reminder carries the workflow’s correlation id as an SES tag and on its log lines, and counts per ' + 'level',
    async () => {
      table.put(customerItem(customer('A')));
      table.put(invoiceItem(invoice('A-1', 'A', '2026-01-20')));
      await enlist({
        customerId: 'A',
        windowAt: W,
        kind: 'reminder',
        member: { invoiceId: 'A-1', stepId: 'reminder-1', level: 'reminder_1', channel: 'email', enlistedAt: W },
      });
      const result = await dispatch(reminderState('A-1', dispatchKeyOf('A', W, 'reminder')), lambdaContext);
      expect(result).toMatchObject({ outcome: 'sent', correlationId: 'stmt-msg-1' });
      expect(ses.commandCalls(SendEmailCommand)[0].args[0].input.EmailTags).toContainEqual({
        Name: 'correlation',
        Value: 'stmt-msg-1',
      });
      expect(table.get('MESSAGE#ses-1', 'MESSAGE')).toMatchObject({ invoiceIds: ['A-1'], correlationId: 'stmt-msg-1' });
      expect(output.metric('RemindersSent')).toEqual([
        {
          namespace: 'Encaisse',
          dimensions: ['service', 'level'],
          unit: 'Count',
          value: 1,
          service: 'encaisse',
          level: 'reminder_1',
        },
        { namespace: 'Encaisse', dimensions: ['service'], unit: 'Count', value: 1, service: 'encaisse' },
      ]);
      const logs = output.logs();
      expect(logs.length).toBeGreaterThan(0);
      for (const line of logs)
        expect(line).toMatchObject({
          correlation_id: 'stmt-msg-1',
          function_request_id: 'req-9',
          function_name: 'encaisse-task',
        });
    },
  );

  it('a pause found already lifted resumes the workflow with the correlation id it carried', async () => {
    table.put(invoiceItem(invoice('A-2', 'A', '2026-01-20')));
    const state: DunningState = { invoiceId: 'A-2', doneStepIds: [], correlationId: 'api-req-5' };
    await pause({ taskToken: 'token-1', state }, lambdaContext);
    const output0 = sfn.commandCalls(SendTaskSuccessCommand)[0].args[0].input.output!;
    expect(JSON.parse(output0)).toMatchObject({ invoiceId: 'A-2', correlationId: 'api-req-5' });
  });

  it(
    'a failed workflow counts as a workflow failure; the alert is logged under the workflow’s correlation ' + 'id',
    async () => {
      ses.on(SendEmailCommand).rejects(Object.assign(new Error('SES is down'), { name: 'MessageRejected' }));
      const failed = {
        'detail-type': 'Step Functions Execution Status Change',
        detail: {
          executionArn: 'arn:aws:states:eu-west-3:123456789012:execution:dunning:inv-F-1',
          status: 'FAILED',
          input: '{"invoiceId":"F-1","doneStepIds":[],"correlationId":"stmt-msg-2"}',
          error: 'UnknownRateError',
        },
      };
      await expect(failureAlert(failed, lambdaContext)).rejects.toThrow('SES is down');
      expect(output.metric('WorkflowFailures').map((m) => m.value)).toEqual([1]);
      const failure = output.logs().find((l) => l.message === 'failed');
      expect(failure).toMatchObject({
        level: 'ERROR',
        correlation_id: 'stmt-msg-2',
        error: { name: 'MessageRejected', message: 'SES is down' },
      });
    },
  );

  it('hard bounces and complaints of any e-mail are counted, one per recipient', async () => {
    const mail = {
      messageId: 'not-about-invoices',
      destination: ['a@x.example', 'b@x.example'],
      tags: { correlation: ['stmt-msg-3'] },
    };
    await sesEvents({
      eventType: 'Bounce',
      mail,
      bounce: {
        bounceType: 'Permanent',
        bouncedRecipients: [{ emailAddress: 'a@x.example' }, { emailAddress: 'b@x.example' }],
      },
    });
    await sesEvents({
      eventType: 'Bounce',
      mail,
      bounce: { bounceType: 'Transient', bouncedRecipients: [{ emailAddress: 'a@x.example' }] },
    });
    await sesEvents({
      eventType: 'Complaint',
      mail,
      complaint: { complainedRecipients: [{ emailAddress: 'a@x.example' }] },
    });
    expect(output.metric('EmailBounces').map((m) => m.value)).toEqual([2]);
    expect(output.logs().find((l) => l.component === 'ses-events')).toMatchObject({ correlation_id: 'stmt-msg-3' });
    expect(output.metric('EmailComplaints').map((m) => m.value)).toEqual([1]);
  });
});
