import './env';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { setClock } from '../../../functions/adapters/clock';
import { dispatchKeyOf, enlist } from '../../../functions/adapters/db/dispatch';
import { customerItem, invoiceItem } from '../../../functions/adapters/db/items';
import { fixedClock } from '../../../functions/core/dates';
import type { DunningLevel } from '../../../functions/core/dunning/policy';
import type { DunningState } from '../../../functions/core/dunning/state';
import type { Invoice } from '../../../functions/core/model';
import { handler as dispatchHandler } from '../../../functions/dunning-dispatch/handler';
import { withinGrants } from '../support/access';
import { FakeTable } from './fake-table';
import { customer, invoice } from './fixtures';

const ses = mockClient(SESv2Client);
const s3 = mockClient(S3Client);
const ddb = mockClient(DynamoDBDocumentClient);
const dispatch = withinGrants('dunning-dispatch', dispatchHandler, ddb, s3);
/** Two send windows of the customer: the final reminder of A (1 Dec), then a newer invoice D's first reminder. */
const W1 = '2026-12-01T07:30:00.000Z';
const W2 = '2026-12-08T07:30:00.000Z';
let table: FakeTable;

const mails = () => ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input);
type Mail = ReturnType<typeof mails>[number];
const subjectOf = (m: Mail) => m.Content?.Simple?.Subject?.Data ?? rawHeader(m, 'Subject');
function rawHeader(m: Mail, name: string): string {
  const raw = Buffer.from(m.Content!.Raw!.Data!).toString('utf8');
  const line = raw.split(/\r?\n/).find((l) => l.startsWith(`${name}: `)) ?? '';
  const value = line.slice(name.length + 2);
  const encoded = /^=\?UTF-8\?B\?(.*)\?=$/i.exec(value);
  return encoded ? Buffer.from(encoded[1], 'base64').toString('utf8') : value;
}
function bodyOf(m: Mail): string {
  if (m.Content?.Simple) return m.Content.Simple.Body?.Text?.Data ?? '';
  const raw = Buffer.from(m.Content!.Raw!.Data!).toString('utf8');
  const part = raw.split(/\r?\n--/).find((p) => /Content-Type: text\/plain/i.test(p)) ?? '';
  const b64 = part.split(/\r?\n\r?\n/)[1] ?? '';
  return Buffer.from(b64.replace(/\s+/g, ''), 'base64').toString('utf8');
}

/** Enlists one invoice's step in the customer's reminder batch of `windowAt`, and the state its workflow holds. */
async function enlisted(invoiceId: string, stepId: string, level: DunningLevel, windowAt: string) {
  await enlist({
    customerId: 'A',
    windowAt,
    kind: 'reminder',
    member: { invoiceId, stepId, level, channel: 'email', enlistedAt: windowAt },
  });
  return {
    invoiceId,
    doneStepIds: [],
    policyId: 'standard',
    policyVersion: 1,
    plan: { action: 'wait', at: windowAt, stepId },
    outcome: 'enlisted',
    dispatchKey: dispatchKeyOf('A', windowAt, 'reminder'),
  } satisfies DunningState;
}

/** The customer got "Dernière relance avant mise en demeure" for INV-A on 1 Dec; INV-D falls due later. */
async function finalReminderSentForA(): Promise<void> {
  table.put(customerItem(customer('A')));
  table.put(invoiceItem(invoice('INV-A', 'A', '2026-10-15', { dunningLevel: 'reminder_2', openCents: 90_000 })));
  table.put(invoiceItem(invoice('INV-D', 'A', '2026-11-20')));
  setClock(fixedClock('2026-12-01T07:36:00.000Z'));
  await dispatch(await enlisted('INV-A', 'final-reminder', 'final_reminder', W1));
  expect(subjectOf(mails()[0])).toContain('Dernière relance avant mise en demeure : facture INV-A');
  setClock(fixedClock('2026-12-08T07:36:00.000Z'));
}

const stored = (id: string) => table.get(`INVOICE#${id}`, 'INVOICE') as unknown as Invoice;
function change(id: string, patch: Partial<Invoice>): void {
  table.put(invoiceItem({ ...stored(id), ...patch }));
}

beforeEach(() => {
  ses.reset();
  s3.reset();
  ddb.reset();
  table = new FakeTable().install(ddb);
  s3.on(PutObjectCommand).resolves({});
  let n = 0;
  ses.on(SendEmailCommand).callsFake(async () => ({ MessageId: `ses-${++n}` }));
});

describe('the level a customer was told stays in force while its invoices are owed', () => {
  it(
    'a later message carrying only a newer invoice at its 1st reminder leads with the final reminder still in ' +
      'force, and recalls it with its date, never titled "Relance" as if things started over',
    async () => {
      await finalReminderSentForA();
      await dispatch(await enlisted('INV-D', 'reminder-1', 'reminder_1', W2));
      const second = mails()[1];
      expect(subjectOf(second)).toBe(
        'Atelier Test SARL – Dernière relance avant mise en demeure en cours : facture INV-A, et facture INV-D en ' +
          'relance',
      );
      const body = bodyOf(second);
      expect(body).toContain('Pour rappel, la facture suivante reste impayée et la démarche engagée suit son cours :');
      expect(body).toMatch(
        /– Facture INV-A : dernière relance avant mise en demeure envoyée le 01\/12\/2026, reste dû 900,00\s€/,
      );
      // The table lists the message's own invoice at its own level; only INV-D is recorded as sent.
      expect(body).toMatch(/INV-D\s+\|?\s*1re relance/);
      expect(stored('INV-D').dunningLevel).toBe('reminder_1');
      expect(stored('INV-A').dunningLevel).toBe('final_reminder');
    },
  );

  it('starts lower again once every invoice at the higher level is paid', async () => {
    await finalReminderSentForA();
    change('INV-A', { status: 'paid', openCents: 0 });
    await dispatch(await enlisted('INV-D', 'reminder-1', 'reminder_1', W2));
    expect(subjectOf(mails()[1])).toBe('Atelier Test SARL – Relance : facture INV-D impayée');
    expect(bodyOf(mails()[1])).not.toContain('Pour rappel');
  });

  it('does not press on an invoice whose dunning is suspended (a dispute): its level is not recalled', async () => {
    await finalReminderSentForA();
    change('INV-A', { pause: { reason: 'dispute', since: '2026-12-03T10:00:00.000Z' } });
    await dispatch(await enlisted('INV-D', 'reminder-1', 'reminder_1', W2));
    expect(subjectOf(mails()[1])).toBe('Atelier Test SARL – Relance : facture INV-D impayée');
  });

  it('a retried dispatch sends once and raises the levels once (the other invoice untouched)', async () => {
    await finalReminderSentForA();
    const versionA = stored('INV-A').version;
    const state = await enlisted('INV-D', 'reminder-1', 'reminder_1', W2);
    await dispatch(state);
    const versionD = stored('INV-D').version;
    await dispatch(state);
    expect(mails()).toHaveLength(2);
    expect(stored('INV-D')).toMatchObject({ dunningLevel: 'reminder_1', version: versionD });
    expect(stored('INV-A')).toMatchObject({ dunningLevel: 'final_reminder', version: versionA });
  });

  it(
    'a reminder sent in the same window as a formal notice of another invoice recalls that invoice at the formal ' +
      'notice, not at the final reminder it had before',
    async () => {
      await finalReminderSentForA();
      // INV-A's formal notice and INV-D's 1st reminder fall in the same window; the reminder batch goes first.
      await enlist({
        customerId: 'A',
        windowAt: W2,
        kind: 'formal_notice',
        member: {
          invoiceId: 'INV-A',
          stepId: 'formal-notice',
          level: 'formal_notice',
          channel: 'email',
          enlistedAt: W2,
        },
      });
      await dispatch(await enlisted('INV-D', 'reminder-1', 'reminder_1', W2));
      const subject = subjectOf(mails()[1]);
      expect(subject).toMatch(/^Atelier Test SARL – Mise en demeure en cours : facture INV-A/);
      expect(bodyOf(mails()[1])).toMatch(/– Facture INV-A : mise en demeure envoyée le 08\/12\/2026/);
      // the reminder records nothing on INV-A: its own formal notice will
      expect(stored('INV-A').dunningLevel).toBe('final_reminder');
    },
  );
});
