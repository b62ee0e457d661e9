import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setClock } from '../../../functions/adapters/clock';
import { writeStatementFile } from '../../../functions/core/statements';
import { sendPendingIngestAlerts } from '../../../functions/ingest/alerts';
import { FakeAws, ingestWithinGrants } from './support/fake-aws';
import { entry, sqsEvent, statement } from './support/scenario';

const handler = await ingestWithinGrants();
let now = Date.parse('2026-11-22T08:00:00Z');
setClock({ now: () => new Date(now) });
const quiet = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
afterAll(() => quiet.mockRestore());

let fake: FakeAws;
beforeEach(() => {
  fake = new FakeAws();
});
afterEach(() => fake.restore());

const bad = 'pas un relevé\n';
const statements = () => [...fake.items.values()].filter((i) => i.sk === 'STATEMENT');

describe('pending ingest alerts, sent by the daily sweep (sendPendingIngestAlerts)', () => {
  it('a rejection alert SES refused goes out with the sweep, once, and is then forgotten', async () => {
    fake.putObject('inbox/casse.txt', bad);
    // head, get, claim, an earlier refusal unread looked up, report, copy, record, delete, then SES
    fake.fault = { at: 8, mode: 'throttling' };
    const first = await handler(sqsEvent('inbox/casse.txt'), {} as never);
    expect(fake.calls[8]).toEqual({ service: 'ses', command: 'SendEmail' });
    expect(first.batchItemFailures).toHaveLength(1);
    expect(statements()[0]).toMatchObject({ status: 'rejected', pendingAlert: { kind: 'statement_rejected' } });

    // within the grace period the alert is its own delivery's to send: a sweep (or another ingest) racing it would
    // send it twice
    expect(await sendPendingIngestAlerts({ reportStuck: true })).toEqual({ sent: 0, stuck: 0, failed: 0 });
    expect(fake.sent).toEqual([]);
    now += 4 * 60 * 60_000; // past SQS's retries
    expect(await sendPendingIngestAlerts({ reportStuck: true })).toEqual({ sent: 1, stuck: 0, failed: 0 });
    expect(fake.sent.map((m) => m.subject)).toEqual([
      expect.stringContaining('À corriger : relevé bancaire rejeté – casse.txt'),
    ]);
    expect(await sendPendingIngestAlerts({ reportStuck: true })).toEqual({ sent: 0, stuck: 0, failed: 0 });
    // the SQS redelivery then finds nothing left to say
    expect((await handler(sqsEvent('inbox/casse.txt'), {} as never)).batchItemFailures).toEqual([]);
    expect(fake.sent).toHaveLength(1);
  });

  it(
    'a statement left processing after every retry is reported by the sweep, every day until someone ' + 'acts',
    async () => {
      fake.putObject(
        'inbox/releve.cfo',
        writeStatementFile('cfonb120', [statement([entry(0, '2026-11-20', 10_00, 'VIR X')])]),
      );
      fake.fault = { at: 4, mode: 'server_error' }; // the first transaction write, after the claim
      await handler(sqsEvent('inbox/releve.cfo'), {} as never);
      expect(statements()[0].status).toBe('processing');
      // still within its retries
      expect(await sendPendingIngestAlerts({ reportStuck: true })).toEqual({ sent: 0, stuck: 0, failed: 0 });
      now += 4 * 60 * 60_000;
      expect(await sendPendingIngestAlerts({ reportStuck: true })).toEqual({ sent: 0, stuck: 1, failed: 0 });
      // the ingest itself never reports it
      expect(await sendPendingIngestAlerts()).toEqual({ sent: 0, stuck: 0, failed: 0 });
      expect(fake.sent[0].subject).toMatch(
        /^\[encaisse\] À redéposer : relevé bancaire resté en attente – inbox\/releve\.cfo$/,
      );
      expect(fake.sent[0].text).toMatch(/rejouer son message depuis la file d’erreurs de l’import \(DLQ\)/);
    },
  );

  it('never throws: an alert SES still refuses stays pending and counts as failed', async () => {
    fake.putObject('inbox/casse.txt', bad);
    fake.fault = { at: 8, mode: 'throttling' }; // the send
    await handler(sqsEvent('inbox/casse.txt'), {} as never);
    now += 4 * 60 * 60_000;
    fake.fault = { at: fake.calls.length + 1, mode: 'throttling' }; // the query, then the send
    expect(await sendPendingIngestAlerts({ reportStuck: true })).toEqual({ sent: 0, stuck: 0, failed: 1 });
    expect(statements()[0].pendingAlert).toBeDefined();
    expect(fake.sent).toEqual([]);
  });
});
