import './env';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { setClock } from '../../../functions/adapters/clock';
import { customerItem } from '../../../functions/adapters/db/items';
import { currentDunning, listFailedWorkflows, writeMarker } from '../../../functions/adapters/db/workflow-markers';
import { buildMime, sendEmail } from '../../../functions/adapters/mailer';
import { fixedClock } from '../../../functions/core/dates';
import { Customer } from '../../../functions/core/model';
import { handler as failureAlert } from '../../../functions/failure-alert/handler';
import { handler as sesEvents } from '../../../functions/ses-events/handler';
import { FakeTable } from './fake-table';
import { workflowMarker } from './fixtures';

const ses = mockClient(SESv2Client);
const ddb = mockClient(DynamoDBDocumentClient);
let table: FakeTable;

beforeEach(() => {
  ses.reset();
  ddb.reset();
  table = new FakeTable().install(ddb);
  ses.on(SendEmailCommand).resolves({ MessageId: 'alert-1' });
  setClock(fixedClock('2026-02-03T09:00:00.000Z'));
  table.put({
    pk: 'MESSAGE#0102018d-ses-msg',
    sk: 'MESSAGE',
    messageId: '0102018d-ses-msg',
    kind: 'reminder',
    customerId: 'A',
    invoiceIds: ['F-1', 'F-2'],
    to: ['compta@a.example.fr'],
    sentAt: '2026-02-02T07:35:00.000Z',
  });
});
const historyOf = (id: string) =>
  [...table.items.values()].filter((i) => i.pk === `INVOICE#${id}` && String(i.sk).startsWith('EVENT#'));

/** Recorded shape of an SES configuration-set event delivered by EventBridge (detail-type "Email Bounced"). */
const bouncedViaEventBridge = {
  version: '0',
  id: '3c6a8f8b-1d1e-4a5e-bd1a-5c4d0f1b2a3e',
  'detail-type': 'Email Bounced',
  source: 'aws.ses',
  account: '123456789012',
  time: '2026-02-02T07:35:04Z',
  region: 'eu-west-3',
  resources: ['arn:aws:ses:eu-west-3:123456789012:configuration-set/encaisse'],
  detail: {
    eventType: 'Bounce',
    bounce: {
      feedbackId: '0102018d-feedback',
      bounceType: 'Permanent',
      bounceSubType: 'General',
      bouncedRecipients: [
        {
          emailAddress: 'compta@a.example.fr',
          action: 'failed',
          status: '5.1.1',
          diagnosticCode: 'smtp; 550 5.1.1 user unknown',
        },
      ],
      timestamp: '2026-02-02T07:35:03.000Z',
      reportingMTA: 'dns; a8-1.smtp-out.amazonses.com',
    },
    mail: {
      timestamp: '2026-02-02T07:35:00.000Z',
      source: 'relances@encaisse.example.fr',
      sendingAccountId: '123456789012',
      messageId: '0102018d-ses-msg',
      destination: ['compta@a.example.fr'],
      headersTruncated: false,
      tags: { 'ses:configuration-set': ['encaisse'], kind: ['reminder'] },
    },
  },
};

/** Recorded shape of the same kind of event through an SNS topic (delivery). */
const deliveredViaSns = {
  Records: [
    {
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      EventSubscriptionArn: 'arn:aws:sns:eu-west-3:123456789012:ses-events:1',
      Sns: {
        Type: 'Notification',
        MessageId: 'sns-1',
        TopicArn: 'arn:aws:sns:eu-west-3:123456789012:ses-events',
        Subject: null,
        Message: JSON.stringify({
          eventType: 'Delivery',
          mail: {
            timestamp: '2026-02-02T07:35:00.000Z',
            messageId: '0102018d-ses-msg',
            destination: ['compta@a.example.fr'],
          },
          delivery: {
            timestamp: '2026-02-02T07:35:02.000Z',
            processingTimeMillis: 1500,
            recipients: ['compta@a.example.fr'],
            smtpResponse: '250 ok',
          },
        }),
        Timestamp: '2026-02-02T07:35:02.500Z',
      },
    },
  ],
};

describe('SES events update the history of the invoices of the message', () => {
  it('a delivery (via SNS) is recorded on every invoice of the grouped message', async () => {
    expect(await sesEvents(deliveredViaSns)).toEqual({ recorded: 2 });
    for (const id of ['F-1', 'F-2']) expect(historyOf(id).map((e) => e.kind)).toEqual(['email_delivery']);
  });

  it('a hard bounce (via EventBridge) is recorded, flags the contact and alerts finance', async () => {
    table.put(customerItem(Customer.parse({ customerId: 'A', name: 'Boulangerie A' })));
    await sesEvents(bouncedViaEventBridge);
    expect(historyOf('F-1')[0]).toMatchObject({
      kind: 'email_bounce',
      detail: { bounceType: 'Permanent', recipients: ['compta@a.example.fr'] },
    });
    expect(table.get('CUSTOMER#A', 'BOUNCE#compta@a.example.fr')).toMatchObject({ kind: 'hard_bounce' });
    const alert = ses.commandCalls(SendEmailCommand)[0].args[0].input;
    expect(alert.Destination?.ToAddresses).toEqual(['finance@encaisse.example.fr']);
    // in French, the customer named, what to do first
    expect(alert.Content?.Simple?.Subject?.Data).toBe(
      '[encaisse] À corriger : adresse e-mail d’un client bloquée – Boulangerie A : compta@a.example.fr',
    );
    expect(alert.Content?.Simple?.Body?.Text?.Data).toContain('Client : Boulangerie A (A)');
  });

  it(
    'a hard bounce of a message whose record is not written (yet) is told by its send intent: recorded, contact ' +
      'flagged, finance alerted',
    async () => {
      table.put(customerItem(Customer.parse({ customerId: 'A', name: 'Boulangerie A' })));
      const early = structuredClone(bouncedViaEventBridge);
      early.detail.mail.messageId = '0102018d-not-recorded';
      const intentId = 'a'.repeat(32);
      Object.assign(early.detail.mail.tags, { intent: [intentId] });
      table.put({
        pk: `INTENT#${intentId}`,
        sk: 'INTENT',
        intentId,
        kind: 'reminder',
        customerId: 'A',
        invoiceIds: ['F-3'],
        stepIds: { 'F-3': 'reminder-1' },
        details: {},
        eventKind: 'reminder_sent',
        to: ['compta@a.example.fr'],
        status: 'sending',
        attempt: 1,
        since: '2026-02-02T07:35:00.000Z',
      });
      expect(await sesEvents(early)).toEqual({ recorded: 1 });
      expect(historyOf('F-3')[0]).toMatchObject({ kind: 'email_bounce' });
      expect(table.get('CUSTOMER#A', 'BOUNCE#compta@a.example.fr')).toMatchObject({ kind: 'hard_bounce' });
      expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
    },
  );

  it('a soft bounce is recorded but flags nothing', async () => {
    const soft = structuredClone(bouncedViaEventBridge);
    soft.detail.bounce.bounceType = 'Transient';
    await sesEvents(soft);
    expect(historyOf('F-2')).toHaveLength(1);
    expect(table.get('CUSTOMER#A', 'BOUNCE#compta@a.example.fr')).toBeUndefined();
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it('an event about a message that concerns no invoice is ignored', async () => {
    const other = structuredClone(bouncedViaEventBridge);
    other.detail.mail.messageId = 'unknown';
    expect(await sesEvents(other)).toEqual({ recorded: 0 });
  });

  it('an event that is not an SES event is rejected', async () => {
    await expect(sesEvents({ hello: 'world' })).rejects.toThrow();
  });
});

describe('a failed dunning execution', () => {
  const failed = {
    version: '0',
    id: 'e1',
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    account: '123456789012',
    time: '2026-02-03T08:00:00Z',
    region: 'eu-west-3',
    resources: ['arn:aws:states:eu-west-3:123456789012:execution:dunning:inv-F-1'],
    detail: {
      executionArn: 'arn:aws:states:eu-west-3:123456789012:execution:dunning:inv-F-1',
      stateMachineArn: 'arn:aws:states:eu-west-3:123456789012:stateMachine:dunning',
      name: 'inv-F-1',
      status: 'FAILED',
      startDate: 1769932800000,
      stopDate: 1770105600000,
      input: '{"invoiceId":"F-1","doneStepIds":[]}',
      output: null,
      error: 'UnknownRateError',
      cause: 'no ECB rate for 2026-H2',
    },
  };
  it('e-mails finance naming the invoice and the error, and records it in the history', async () => {
    expect(await failureAlert(failed)).toMatchObject({ alerted: true });
    const mail = ses.commandCalls(SendEmailCommand)[0].args[0].input;
    expect(mail.Destination?.ToAddresses).toEqual(['finance@encaisse.example.fr']);
    expect(mail.Content?.Simple?.Subject?.Data).toBe(
      '[encaisse] À vérifier : relances arrêtées par une erreur – facture F-1',
    );
    expect(mail.Content?.Simple?.Body?.Text?.Data).toContain('Cause : un taux de pénalités de retard manque');
    expect(mail.Content?.Simple?.Body?.Text?.Data).toContain(
      'Référence technique : UnknownRateError · arn:aws:states:eu-west-3:123456789012:execution:dunning:inv-F-1',
    );
    expect(historyOf('F-1')[0]).toMatchObject({ kind: 'dunning_failed', detail: { error: 'UnknownRateError' } });
  });
  it(
    'a marker it could not mark ended fails the invocation, whose retry marks it without a second alert or ' +
      'history line (left running, the sweep would never restart it)',
    async () => {
      table.put(
        workflowMarker('F-1', { executionArn: failed.detail.executionArn, startedAt: '2026-02-01T06:00:00.000Z' }),
      );
      let refused = false;
      table.fault = (name, input) => {
        if (refused || name !== 'Put' || input.Item?.sk !== 'WORKFLOW') return undefined;
        refused = true;
        return Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' });
      };
      await expect(failureAlert(failed)).rejects.toThrow();
      expect(await failureAlert(failed)).toMatchObject({ alerted: true });
      expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
      expect(historyOf('F-1').filter((e) => e.kind === 'dunning_failed')).toHaveLength(1);
      expect(table.get('INVOICE#F-1', 'WORKFLOW')).toMatchObject({ running: false, endStatus: 'FAILED' });
    },
  );
  it(
    'leaves the failed generation on the index the console reads, and the next generation takes it off ' +
      '(no read of every invoice)',
    async () => {
      table.put(
        workflowMarker('F-1', { executionArn: failed.detail.executionArn, startedAt: '2026-02-01T06:00:00.000Z' }),
      );
      await failureAlert(failed);
      expect(await listFailedWorkflows()).toMatchObject([
        { invoiceId: 'F-1', running: false, endStatus: 'FAILED', endReason: 'UnknownRateError' },
      ]);
      const ended = (await currentDunning('F-1'))!;
      const { legacy: _l, ...rest } = ended;
      await writeMarker({ ...rest, generation: 2, running: true, endStatus: undefined, endedAt: undefined }, ended);
      expect(await listFailedWorkflows()).toEqual([]);
    },
  );
  it('ignores other statuses', async () => {
    expect(await failureAlert({ ...failed, detail: { ...failed.detail, status: 'SUCCEEDED' } })).toEqual({
      alerted: false,
    });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });
});

describe('the mailer', () => {
  it('sends a PDF as a raw MIME attachment, through the configuration set', async () => {
    await sendEmail({
      to: ['a@b.fr'],
      subject: 'Mise en demeure – facture F-1',
      text: 'Bonjour',
      html: '<p>Bonjour</p>',
      attachments: [
        { filename: 'MED-F-1.pdf', contentType: 'application/pdf', content: new TextEncoder().encode('%PDF-1.7 test') },
      ],
    });
    const input = ses.commandCalls(SendEmailCommand)[0].args[0].input;
    expect(input.ConfigurationSetName).toBe('encaisse-test');
    const raw = Buffer.from(input.Content!.Raw!.Data!).toString('utf8');
    expect(raw).toContain('Content-Disposition: attachment; filename="MED-F-1.pdf"');
    expect(raw).toContain(Buffer.from('%PDF-1.7 test').toString('base64'));
    expect(raw).toContain('Subject: =?UTF-8?B?');
  });
  it('throttling becomes the retried error Throttled; a rejected message is thrown as it is', async () => {
    ses
      .on(SendEmailCommand)
      .rejectsOnce(Object.assign(new Error('slow down'), { name: 'TooManyRequestsException' }))
      .rejectsOnce(
        Object.assign(new Error('bad address'), { name: 'MessageRejected', $metadata: { httpStatusCode: 400 } }),
      );
    await expect(sendEmail({ to: ['a@b.fr'], subject: 's', text: 't', html: 'h' })).rejects.toMatchObject({
      name: 'Throttled',
    });
    await expect(sendEmail({ to: ['a@b.fr'], subject: 's', text: 't', html: 'h' })).rejects.toMatchObject({
      name: 'MessageRejected',
    });
  });
  it('MIME lines stay within 78 characters', () => {
    const raw = Buffer.from(
      buildMime('x@y.fr', {
        to: ['a@b.fr'],
        subject: 's',
        text: 'é'.repeat(500),
        html: 'h',
        attachments: [{ filename: 'f.pdf', contentType: 'application/pdf', content: new Uint8Array(2000) }],
      }),
    ).toString('utf8');
    expect(raw.split('\r\n').every((l) => l.length <= 78 || l.startsWith('Content-Type'))).toBe(true);
  });
});
