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
import type { DunningState } from '../../../functions/core/dunning/state';
import { describeEvent } from '../../../functions/core/messages';
import { handler as dispatch } from '../../../functions/dunning-dispatch/handler';
import { handler as plan } from '../../../functions/dunning-plan/handler';
import { FakeTable } from './fake-table';
import { customer, invoice } from './fixtures';

const ses = mockClient(SESv2Client);
const s3 = mockClient(S3Client);
const ddb = mockClient(DynamoDBDocumentClient);
/** The reminder of the issue: planned for 03/12 08:30 Paris (07:30 UTC). */
const W = '2026-12-03T07:30:00.000Z';
let table: FakeTable;

async function reminderPlannedFor(enlistedAt: string): Promise<DunningState> {
  table.put(customerItem(customer('A')));
  table.put(invoiceItem(invoice('INV-1', 'A', '2026-11-01')));
  await enlist({
    customerId: 'A',
    windowAt: W,
    kind: 'reminder',
    member: { invoiceId: 'INV-1', stepId: 'reminder-1', level: 'reminder_1', channel: 'email', enlistedAt },
  });
  return {
    invoiceId: 'INV-1',
    doneStepIds: [],
    policyId: 'standard',
    policyVersion: 1,
    plan: { action: 'wait', at: W, stepId: 'reminder-1' },
    outcome: 'enlisted',
    dispatchKey: dispatchKeyOf('A', W, 'reminder'),
  };
}

const sentEvent = () =>
  [...table.items.values()].find((i) => i.pk === 'INVOICE#INV-1' && i.kind === 'reminder_sent') as unknown as {
    kind: string;
    at: string;
    detail: Record<string, unknown>;
  };

beforeEach(() => {
  ses.reset();
  s3.reset();
  ddb.reset();
  table = new FakeTable().install(ddb);
  s3.on(PutObjectCommand).resolves({});
  let n = 0;
  ses.on(SendEmailCommand).callsFake(async () => ({ MessageId: `ses-${++n}` }));
});

describe('a step goes out in its planned window, or its history says why not', () => {
  it('a send in its window records the planned time and no lateness', async () => {
    setClock(fixedClock('2026-12-03T07:36:00.000Z'));
    await dispatch(await reminderPlannedFor('2026-12-03T07:30:02.000Z'));
    expect(sentEvent().detail).toMatchObject({ plannedAt: W });
    expect(sentEvent().detail.late).toBeUndefined();
    expect(describeEvent(sentEvent(), 'fr')).toBe('Relance envoyée – 1re relance, par e-mail');
  });

  it('a send the next evening with no known cause says so in words: « retard non expliqué »', async () => {
    setClock(fixedClock('2026-12-04T18:19:00.000Z'));
    await dispatch(await reminderPlannedFor('2026-12-03T07:30:02.000Z'));
    expect(sentEvent().detail).toMatchObject({
      plannedAt: W,
      late: { minutes: 2089, reasons: ['unexplained'] },
    });
    expect(describeEvent(sentEvent(), 'fr')).toBe(
      'Relance envoyée – 1re relance, par e-mail – envoi en retard : prévu le 03/12/2026 à 08:30, fait le ' +
        '04/12/2026 à 19:19 (heure de Paris), 1 j 10 h 49 min après l’heure prévue ; retard non expliqué',
    );
    expect(describeEvent(sentEvent(), 'en')).toBe(
      'Reminder sent – 1st reminder, by e-mail – sent late: planned for 3 Dec 2026 at 08:30, sent on 4 Dec 2026 at ' +
        '19:19 (Paris time), 1 d 10 h 49 min after the planned time; delay not explained',
    );
  });

  it('a step that itself ran after its window is named as the cause, with when it ran', async () => {
    setClock(fixedClock('2026-12-04T18:19:00.000Z'));
    await dispatch(await reminderPlannedFor('2026-12-04T18:10:00.000Z'));
    expect(sentEvent().detail.late).toEqual({
      minutes: 2089,
      reasons: ['step_ran_late'],
      stepRanAt: '2026-12-04T18:10:00.000Z',
    });
    expect(describeEvent(sentEvent(), 'fr')).toContain('l’étape n’a été traitée que le 04/12/2026 à 19:10');
  });

  it('an e-mail service that refused the first attempt (throttled) is named as the cause', async () => {
    let n = 0;
    ses.on(SendEmailCommand).callsFake(async () => {
      if (++n === 1)
        throw Object.assign(new Error('Maximum sending rate exceeded'), { name: 'TooManyRequestsException' });
      return { MessageId: `ses-${n}` };
    });
    const state = await reminderPlannedFor('2026-12-03T07:30:02.000Z');
    setClock(fixedClock('2026-12-03T07:36:00.000Z'));
    await expect(dispatch(state)).rejects.toBeTruthy();
    setClock(fixedClock('2026-12-03T13:00:00.000Z'));
    await dispatch(state);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(2);
    expect(sentEvent().detail.late).toEqual({ minutes: 330, reasons: ['send_retried'], attempts: 2 });
    expect(describeEvent(sentEvent(), 'fr')).toContain(
      'le service d’envoi a refusé la première tentative (limite d’envoi ou erreur), l’envoi a été retenté',
    );
  });
});

describe('a step planned again at another time', () => {
  it('after a pause, the history says when it was planned before, when now, and why', async () => {
    table.put(customerItem(customer('A')));
    table.put(invoiceItem(invoice('INV-1', 'A', '2026-11-23')));
    const lastActionAt = '2026-11-20T07:30:00.000Z';
    setClock(fixedClock('2026-11-25T10:00:00.000Z'));
    const first = await plan({ invoiceId: 'INV-1', doneStepIds: ['courtesy'], lastActionAt });
    expect(first.plan).toMatchObject({ stepId: 'reminder-1', at: '2026-11-30T07:30:00.000Z' });
    // Paused during the wait (a dispute, since withdrawn), resumed on 3 Dec: the same step, at the next window.
    setClock(fixedClock('2026-12-03T10:00:00.000Z'));
    await plan({ ...first, outcome: 'paused' });
    const planned = [...table.items.values()].filter(
      (i) => i.pk === 'INVOICE#INV-1' && i.kind === 'dunning_step_planned',
    ) as unknown as { kind: string; detail: Record<string, unknown> }[];
    expect(planned.at(-1)?.detail).toMatchObject({
      stepId: 'reminder-1',
      at: '2026-12-04T07:30:00.000Z',
      previousAt: '2026-11-30T07:30:00.000Z',
      movedBecause: 'paused',
    });
    expect(describeEvent(planned.at(-1)!, 'fr')).toBe(
      'Étape de relance planifiée – 1re relance, par e-mail – replanifiée : prévue le 30/11/2026 à 08:30, ' +
        'désormais le 04/12/2026 à 08:30 (heure de Paris), après une pause des relances',
    );
  });
});
