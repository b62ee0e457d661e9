import './env';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setClock, setWallClock } from '../../../functions/adapters/clock';
import { fixedClock, systemClock } from '../../../functions/core/dates';
import { handler as failureAlert } from '../../../functions/failure-alert/handler';
import { type AccessRecord, recordAccess } from '../support/access';
import { FakeTable } from './fake-table';
import { workflowMarker } from './fixtures';

/**
 * failure-alert may only get and put invoice and send-intent items (its role's leading keys: INVOICE#, INTENT#): every
 * path of the shared code it runs (send intents, their doubts and "maybe sent" tasks, history lines, the workflow
 * marker) keeps to them.
 */
const ses = mockClient(SESv2Client);
const ddb = mockClient(DynamoDBDocumentClient);
let table: FakeTable;
let access: AccessRecord;
const arn = 'arn:aws:states:eu-west-3:123456789012:execution:dunning:inv-F-1';
const failed = (input = '{"invoiceId":"F-1","doneStepIds":[]}') => ({
  'detail-type': 'Step Functions Execution Status Change',
  time: '2026-02-03T08:00:00Z',
  detail: { executionArn: arn, status: 'FAILED', input, error: 'UnknownRateError', cause: 'no ECB rate' },
});
const timeout = () => Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });

beforeEach(() => {
  ses.reset();
  ddb.reset();
  table = new FakeTable().install(ddb);
  ses.on(SendEmailCommand).resolves({ MessageId: 'alert-1' });
  setClock(fixedClock('2026-02-03T09:00:00.000Z'));
  setWallClock(fixedClock('2026-02-03T09:00:00.000Z'));
  table.put(workflowMarker('F-1', { executionArn: arn }));
  access = recordAccess(ddb);
});

afterEach(async () => {
  setWallClock(systemClock);
  expect(await access.outsideGrantsOf('failure-alert')).toEqual([]);
});

describe('failure-alert keeps within its role', () => {
  it('the alert through its send intent, the history line and the marker ended', async () => {
    expect(await failureAlert(failed())).toMatchObject({ alerted: true, messageId: 'alert-1' });
    expect(table.get('INVOICE#F-1', 'WORKFLOW')).toMatchObject({ running: false });
    const what = access.needs().map((n) => n.what);
    expect(what).toContain('dynamodb:PutItem INVOICE#F-1 / WORKFLOW');
    expect(what.some((w) => w.startsWith('dynamodb:PutItem INTENT#'))).toBe(true);
  });

  it('an execution whose input names no invoice: the alert alone', async () => {
    expect(await failureAlert(failed('not json'))).toMatchObject({ alerted: true });
  });

  it('a marker it could not write, then the retry that settles the sent intent', async () => {
    let refused = false;
    table.fault = (name, input) => {
      if (refused || name !== 'Put' || input.Item?.sk !== 'WORKFLOW') return undefined;
      refused = true;
      return Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' });
    };
    await expect(failureAlert(failed())).rejects.toThrow();
    expect(await failureAlert(failed())).toMatchObject({ alerted: true });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
  });

  it('an alert SES may have sent: the retries wait, then finance gets the "maybe sent" task', async () => {
    ses.on(SendEmailCommand).rejectsOnce(timeout()).resolves({ MessageId: 'task-1' });
    await expect(failureAlert(failed())).rejects.toThrow();
    await expect(failureAlert(failed())).rejects.toThrow(/in doubt/);
    setWallClock(fixedClock('2026-02-03T09:03:00.000Z'));
    expect(await failureAlert(failed())).toMatchObject({ alerted: true, messageId: '' });
    expect([...table.items.values()].find((i) => i.type === 'send_intent')).toMatchObject({ status: 'maybe_sent' });
  });

  it('an alert SES refused: the intent released, sent again on the retry', async () => {
    ses
      .on(SendEmailCommand)
      .rejectsOnce(Object.assign(new Error('no'), { name: 'MessageRejected' }))
      .resolves({ MessageId: 'alert-1' });
    await expect(failureAlert(failed())).rejects.toThrow();
    expect(await failureAlert(failed())).toMatchObject({ alerted: true, messageId: 'alert-1' });
  });
});
