import './env';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setClock } from '../../../functions/adapters/clock';
import { customerItem, invoiceItem } from '../../../functions/adapters/db/items';
import { fixedClock } from '../../../functions/core/dates';
import { handler as plan } from '../../../functions/dunning-plan/handler';
import { handler as sweep } from '../../../functions/sweep/handler';
import { FakeTable } from './fake-table';
import { customer, invoice } from './fixtures';

/**
 * A creditor in the Bas-Rhin, Haut-Rhin or Moselle (HOLIDAY_CALENDAR=alsace-moselle, from the `holidayCalendar`
 * setting) is closed on Good Friday and on 26 December: no reminder and no digest on those days.
 */
const ses = mockClient(SESv2Client);
const sfn = mockClient(SFNClient);
const ddb = mockClient(DynamoDBDocumentClient);
let table: FakeTable;

beforeEach(() => {
  ses.reset();
  sfn.reset();
  ddb.reset();
  table = new FakeTable().install(ddb);
  ses.on(SendEmailCommand).resolves({ MessageId: 'digest-1' });
  sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec', startDate: new Date() });
  table.put(customerItem(customer('A')));
});
afterEach(() => {
  delete process.env.HOLIDAY_CALENDAR;
});

describe('planning a reminder in Alsace-Moselle', () => {
  // Standard policy: the courtesy e-mail 3 calendar days before the due date, Monday 29 March 2027 -> Good Friday.
  const courtesyAt = async () => {
    table.put(invoiceItem(invoice('INV-1', 'A', '2027-03-29', { issueDate: '2027-02-01' })));
    setClock(fixedClock('2027-03-01T09:00:00.000Z'));
    return (await plan({ invoiceId: 'INV-1', doneStepIds: [] })).plan;
  };

  it('a courtesy e-mail due on Good Friday 2027 waits for Tuesday 30 March (Easter Monday closed too)', async () => {
    process.env.HOLIDAY_CALENDAR = 'alsace-moselle';
    expect(await courtesyAt()).toMatchObject({ stepId: 'courtesy', at: '2027-03-30T06:30:00.000Z' });
  });

  it('goes out on Good Friday itself for a creditor of the rest of France (the default calendar)', async () => {
    expect(await courtesyAt()).toMatchObject({ stepId: 'courtesy', at: '2027-03-26T07:30:00.000Z' });
  });
});

describe('the daily digest in Alsace-Moselle', () => {
  const reminderSentOnChristmasEve = () =>
    table.put({
      pk: 'MESSAGE#m24',
      sk: 'MESSAGE',
      gsi2pk: 'MESSAGES#2025-12-24',
      gsi2sk: '2025-12-24T07:35:00.000Z#m24',
      messageId: 'm24',
      kind: 'reminder',
      level: 'reminder_1',
      customerId: 'A',
      invoiceIds: ['EVE-1'],
      to: [],
      sentAt: '2025-12-24T07:35:00.000Z',
    });
  const sweepOn = (instant: string) => {
    setClock(fixedClock(instant));
    return sweep({ source: 'encaisse.schedule', kind: 'daily-sweep', scheduledTime: instant });
  };
  const digestText = () => ses.commandCalls(SendEmailCommand)[0]?.args[0].input.Content?.Simple?.Body?.Text?.Data;

  it('is not sent on Friday 26 December 2025, and Monday’s reports what went out on Wednesday', async () => {
    process.env.HOLIDAY_CALENDAR = 'alsace-moselle';
    reminderSentOnChristmasEve();
    expect((await sweepOn('2025-12-26T05:30:00.000Z')).digestMessageId).toBeUndefined();
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
    expect((await sweepOn('2025-12-29T05:30:00.000Z')).digestMessageId).toBe('digest-1');
    expect(digestText()).toContain('EVE-1');
  });

  it('goes out on Friday 26 December 2025 for a creditor of the rest of France', async () => {
    process.env.HOLIDAY_CALENDAR = 'metropole';
    reminderSentOnChristmasEve();
    expect((await sweepOn('2025-12-26T05:30:00.000Z')).digestMessageId).toBe('digest-1');
    expect(digestText()).toContain('EVE-1');
  });
});
