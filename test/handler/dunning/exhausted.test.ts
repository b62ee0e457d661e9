import './env';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { setClock } from '../../../functions/adapters/clock';
import { customerItem, invoiceFromItem, invoiceItem } from '../../../functions/adapters/db/items';
import { fixedClock } from '../../../functions/core/dates';
import { handler as plan } from '../../../functions/dunning-plan/handler';
import { FakeTable } from './fake-table';
import { customer, invoice } from './fixtures';

const ses = mockClient(SESv2Client);
const ddb = mockClient(DynamoDBDocumentClient);
let table: FakeTable;
const events = (kind: string) =>
  [...table.items.values()].filter(
    (i) => i.pk === 'INVOICE#SMALL' && String(i.sk).startsWith('EVENT#') && i.kind === kind,
  );
const mails = () => ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input);
/** The standard policy after its formal notice: only the agency step is left, and it needs 150 € open. */
const afterNotice = {
  invoiceId: 'SMALL',
  doneStepIds: ['courtesy', 'reminder-1', 'reminder-2', 'final-reminder', 'formal-notice'],
  policyId: 'standard',
  policyVersion: 1,
};

beforeEach(() => {
  ses.reset();
  ddb.reset();
  table = new FakeTable().install(ddb);
  ses.on(SendEmailCommand).resolves({ MessageId: 'task-1' });
  setClock(fixedClock('2026-04-20T07:30:00.000Z'));
  table.put(customerItem(customer('A')));
});

describe('an owed invoice whose dunning runs out of steps', () => {
  it(
    'a 96 € invoice past its formal notice ends with a task to finance, recorded in its history and shown on the ' +
      'invoice',
    async () => {
      table.put(invoiceItem(invoice('SMALL', 'A', '2026-01-20', { amountCents: 96_00, openCents: 96_00 })));
      const out = await plan(afterNotice);
      expect(out.plan).toMatchObject({ action: 'end', reason: 'no_more_steps' });
      expect(mails()).toHaveLength(1);
      expect(mails()[0].Destination?.ToAddresses).toEqual(['finance@encaisse.example.fr']);
      const subject = mails()[0].Content?.Simple?.Subject?.Data ?? '';
      expect(subject).toMatch(/^\[encaisse\] À traiter : relances terminées, facture toujours due – Client A – /);
      expect(subject).toMatch(/– facture SMALL : 96,00\s€ toujours dus$/);
      const text = mails()[0].Content?.Simple?.Body?.Text?.Data ?? '';
      expect(text).toContain('injonction de payer');
      expect(text).toContain('passer la créance en perte');
      expect(text).toContain('Étape non faite : Recouvrement');
      expect(events('dunning_exhausted')).toHaveLength(1);
      const saved = invoiceFromItem(table.get('INVOICE#SMALL', 'INVOICE')!);
      expect(saved.decisionNeeded).toEqual({
        since: '2026-04-20T07:30:00.000Z',
        reason: 'no_more_steps',
        options: ['write_off', 'injonction_de_payer', 'manual_follow_up'],
      });
    },
  );

  it('a retried plan sends no second task', async () => {
    table.put(invoiceItem(invoice('SMALL', 'A', '2026-01-20', { amountCents: 96_00, openCents: 96_00 })));
    await plan(afterNotice);
    await plan(afterNotice);
    expect(mails()).toHaveLength(1);
    expect(events('dunning_exhausted')).toHaveLength(1);
  });

  it('a plan retried after the task went out but before the invoice was marked sends no second task', async () => {
    table.put(invoiceItem(invoice('SMALL', 'A', '2026-01-20', { amountCents: 96_00, openCents: 96_00 })));
    let refused = false;
    table.fault = (name, input) => {
      // the write that marks the invoice as waiting for a decision
      if (name !== 'TransactWrite' || refused || !JSON.stringify(input).includes('decisionNeeded')) return;
      refused = true;
      return Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    };
    await expect(plan(afterNotice)).rejects.toThrow('Rate exceeded');
    expect(mails()).toHaveLength(1);
    expect(invoiceFromItem(table.get('INVOICE#SMALL', 'INVOICE')!).decisionNeeded).toBeUndefined();
    await plan(afterNotice);
    expect(mails()).toHaveLength(1);
    expect(events('dunning_exhausted')).toHaveLength(1);
    expect(events('dunning_exhausted')[0].detail).toMatchObject({ messageId: 'task-1' });
    expect(invoiceFromItem(table.get('INVOICE#SMALL', 'INVOICE')!).decisionNeeded).toBeDefined();
  });

  it('a paid invoice ends without a task', async () => {
    table.put(invoiceItem(invoice('SMALL', 'A', '2026-01-20', { amountCents: 96_00, openCents: 0, status: 'paid' })));
    expect((await plan(afterNotice)).plan).toMatchObject({ action: 'end', reason: 'paid' });
    expect(mails()).toHaveLength(0);
  });
});
