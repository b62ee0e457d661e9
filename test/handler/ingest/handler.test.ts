import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setClock } from '../../../functions/adapters/clock';
import { CLAIM_LEASE_MS, reprocessStatement } from '../../../functions/adapters/db/statements';
import { writeStatementFile } from '../../../functions/core/statements';
import { FakeAws, ingestWithinGrants } from './support/fake-aws';
import { BUCKET, entry, sha256, sqsEvent, statement } from './support/scenario';

const handler = await ingestWithinGrants();

let now = Date.parse('2026-11-22T08:00:00Z');
setClock({ now: () => new Date(now) });
const quiet = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
afterAll(() => quiet.mockRestore());

const cfonb = writeStatementFile('cfonb120', [
  statement([entry(0, '2026-11-20', 500_00, 'VIR SEPA CLIENT', ['F2026-9'])]),
]);
const other = writeStatementFile('cfonb120', [statement([entry(0, '2026-11-21', 12_00, 'VIR SEPA AUTRE', ['X'])])]);

let fake: FakeAws;
beforeEach(() => {
  fake = new FakeAws();
});
afterEach(() => fake.restore());

const deliver = (key: string) => handler(sqsEvent(key), {} as never);
const statements = () => [...fake.items.values()].filter((i) => i.sk === 'STATEMENT');
const keys = (prefix: string) => [...fake.objects.keys()].filter((k) => k.startsWith(prefix)).sort();

describe('ingest handler: deliveries and retries', () => {
  it('hands a message back to SQS when S3 is throttling, so the statement is retried rather than lost', async () => {
    fake.putObject('inbox/releve.cfo', cfonb);
    fake.fault = { at: 0, mode: 'throttling' };
    expect((await deliver('inbox/releve.cfo')).batchItemFailures).toEqual([{ itemIdentifier: 'm-1' }]);
    expect(statements()).toEqual([]);
    expect(keys('inbox/')).toEqual(['inbox/releve.cfo']);
  });

  it(
    'a run that dies mid-ingest leaves the statement `processing`; the redelivery after the lease takes it over ' +
      'and finishes it',
    async () => {
      fake.putObject('inbox/releve.cfo', cfonb);
      const firstTransactionWrite = 4; // head, get, claim, the look-up of an earlier refusal unread, then a put
      fake.fault = { at: firstTransactionWrite, mode: 'server_error' };
      expect((await deliver('inbox/releve.cfo')).batchItemFailures).toHaveLength(1);
      expect(fake.calls[firstTransactionWrite].command).toBe('PutItem');
      expect(statements().map((s) => s.status)).toEqual(['processing']);
      // an immediate redelivery (another consumer) must not run the file twice at once
      expect((await deliver('inbox/releve.cfo')).batchItemFailures).toHaveLength(1);
      now += CLAIM_LEASE_MS + 1;
      expect((await deliver('inbox/releve.cfo')).batchItemFailures).toEqual([]);
      expect(statements().map((s) => s.status)).toEqual(['processed']);
      expect(keys('inbox/')).toEqual([]);
    },
  );

  it('ignores the S3 test event and objects outside the inbox', async () => {
    const res = await handler(
      {
        Records: [
          { messageId: 't', body: JSON.stringify({ Event: 's3:TestEvent' }) },
          sqsEvent('processed/x.cfo').Records[0],
        ],
      },
      {} as never,
    );
    expect(res.batchItemFailures).toEqual([]);
    expect(fake.calls).toEqual([]);
  });

  it('decodes the URL-encoded key S3 sends before reading the file', async () => {
    fake.putObject('inbox/relevé novembre+1.cfo', cfonb);
    expect((await deliver('inbox/relevé novembre+1.cfo')).batchItemFailures).toEqual([]);
    expect(keys('processed/')).toEqual([
      `processed/${sha256(cfonb)}/relevé novembre+1.cfo`,
      `processed/${sha256(cfonb)}/relevé novembre+1.cfo.summary.json`,
    ]);
  });

  it('refuses an event that is not an SQS batch, naming what is wrong', async () => {
    await expect(handler({ nope: true }, {} as never)).rejects.toThrow(/Records/);
    expect(fake.calls).toEqual([]);
  });
});

describe('ingest handler: files kept by content', () => {
  it('two different statements dropped under the same name are both kept, each under its checksum', async () => {
    fake.putObject('inbox/releve.txt', cfonb);
    await deliver('inbox/releve.txt');
    fake.putObject('inbox/releve.txt', other);
    await deliver('inbox/releve.txt');
    expect(keys('processed/').filter((k) => !k.endsWith('.json'))).toEqual(
      [`processed/${sha256(cfonb)}/releve.txt`, `processed/${sha256(other)}/releve.txt`].sort(),
    );
    expect(fake.text(`processed/${sha256(cfonb)}/releve.txt`)).toBe(cfonb);
    expect(fake.text(`processed/${sha256(other)}/releve.txt`)).toBe(other);
  });

  it('never overwrites a stored statement: the copy is a conditional put', async () => {
    fake.putObject('inbox/releve.cfo', cfonb);
    await deliver('inbox/releve.cfo');
    fake.putObject(`processed/${sha256(cfonb)}/again.cfo`, 'something else');
    fake.putObject('inbox/again.cfo', cfonb);
    await deliver('inbox/again.cfo');
    expect(fake.text(`processed/${sha256(cfonb)}/again.cfo`)).toBe('something else');
  });

  it('the same statement again under another name stores nothing twice and is kept beside the first', async () => {
    fake.putObject('inbox/releve.cfo', cfonb);
    await deliver('inbox/releve.cfo');
    fake.putObject('inbox/copie.cfo', cfonb);
    expect((await deliver('inbox/copie.cfo')).batchItemFailures).toEqual([]);
    expect([...fake.items.values()].filter((i) => i.sk === 'TXN')).toHaveLength(1);
    expect(keys(`processed/${sha256(cfonb)}/`)).toContain(`processed/${sha256(cfonb)}/copie.cfo`);
    expect(keys('inbox/')).toEqual([]);
  });

  it(
    're-processing puts back exactly the rejected file of that checksum, under inbox/<checksum>/, never another ' +
      'file of the same name',
    async () => {
      const bad = 'not a statement at all\n';
      fake.putObject('inbox/releve.txt', bad);
      await deliver('inbox/releve.txt');
      fake.putObject('inbox/releve.txt', cfonb);
      await deliver('inbox/releve.txt');
      const res = await reprocessStatement(sha256(bad), BUCKET);
      expect(res).toEqual({ inboxKey: `inbox/${sha256(bad)}/releve.txt` });
      expect(fake.text(`inbox/${sha256(bad)}/releve.txt`)).toBe(bad);
      expect(await reprocessStatement(sha256(cfonb), BUCKET)).toEqual({
        refused: 'statement is processed, only a rejected one can be re-processed',
      });
    },
  );

  it.each([
    ['', false],
    [' even when its first re-processing run died half-way', true],
  ])('a rejected file re-processed successfully leaves rejected/ for processed/%s', async (_, interrupted) => {
    const rejected = `rejected/${sha256(cfonb)}/releve.cfo`;
    fake.putObject(rejected, cfonb);
    fake.putObject(`${rejected}.error.json`, '{}');
    fake.items.set(`STATEMENT#${sha256(cfonb)}|STATEMENT`, {
      pk: `STATEMENT#${sha256(cfonb)}`,
      sk: 'STATEMENT',
      checksum: sha256(cfonb),
      sourceKey: 'inbox/releve.cfo',
      receivedAt: '2026-11-01T00:00:00.000Z',
      status: 'rejected',
      storedKey: rejected,
      reportKey: `${rejected}.error.json`,
      accounts: [],
      sizeBytes: 1,
    });
    const { inboxKey } = (await reprocessStatement(sha256(cfonb), BUCKET)) as { inboxKey: string };
    if (interrupted) {
      // its claim replaced the rejected record, then a fault: the run that takes over sees only that claim
      fake.fault = { at: fake.calls.length + 4, mode: 'server_error' };
      expect((await deliver(inboxKey)).batchItemFailures).toHaveLength(1);
      expect(statements()[0].status).toBe('processing');
      now += CLAIM_LEASE_MS + 1;
    }
    expect((await deliver(inboxKey)).batchItemFailures).toEqual([]);
    expect(keys('rejected/')).toEqual([]);
    expect(keys('processed/')).toEqual([
      `processed/${sha256(cfonb)}/releve.cfo`,
      `processed/${sha256(cfonb)}/releve.cfo.summary.json`,
    ]);
    expect(statements()[0]).toMatchObject({ status: 'processed', storedKey: `processed/${sha256(cfonb)}/releve.cfo` });
  });
});

describe('ingest handler: limits', () => {
  afterEach(() => {
    delete process.env.STATEMENT_MAX_BYTES;
    delete process.env.STATEMENT_MAX_ENTRIES;
  });

  it('a file over the size limit is rejected unread, with its report, and finance is told', async () => {
    process.env.STATEMENT_MAX_BYTES = '1000';
    const big = 'x'.repeat(1001);
    fake.putObject('inbox/enorme.csv', big);
    expect((await deliver('inbox/enorme.csv')).batchItemFailures).toEqual([]);
    expect(fake.calls.filter((c) => c.command === 'GetObject')).toEqual([]);
    const [record] = statements();
    expect(record).toMatchObject({ status: 'rejected', sizeBytes: 1001, error: { code: 'file_too_large' } });
    expect(record.checksum).toMatch(/^etag-[0-9a-f]{32}$/);
    expect(keys('rejected/')).toEqual([
      `rejected/${record.checksum}/enorme.csv`,
      `rejected/${record.checksum}/enorme.csv.error.json`,
    ]);
    expect(fake.text(`rejected/${record.checksum}/enorme.csv`)).toBe(big);
    expect(keys('inbox/')).toEqual([]);
    expect(fake.sent.map((m) => m.subject)).toEqual([expect.stringMatching(/relevé bancaire rejeté – enorme\.csv/)]);
    expect(fake.sent[0].text).toContain('Motif : le fichier dépasse la taille maximale acceptée');
  });

  describe('a file refused as too large, then read once the limit was raised', () => {
    const refuseTooLarge = async () => {
      process.env.STATEMENT_MAX_BYTES = String(cfonb.length - 1);
      fake.putObject('inbox/releve.cfo', cfonb);
      await deliver('inbox/releve.cfo');
      const [refused] = statements();
      expect(refused).toMatchObject({ status: 'rejected', error: { code: 'file_too_large' } });
      delete process.env.STATEMENT_MAX_BYTES; // the limit raised (the default)
      return refused.checksum as string;
    };
    const endsProcessedOnce = () => {
      expect(statements()).toHaveLength(1);
      expect(statements()[0]).toMatchObject({
        checksum: sha256(cfonb),
        status: 'processed',
        storedKey: `processed/${sha256(cfonb)}/releve.cfo`,
        reportKey: `processed/${sha256(cfonb)}/releve.cfo.summary.json`,
      });
      expect(keys('rejected/')).toEqual([]);
      expect(keys('processed/')).toEqual([
        `processed/${sha256(cfonb)}/releve.cfo`,
        `processed/${sha256(cfonb)}/releve.cfo.summary.json`,
      ]);
      expect(keys('inbox/')).toEqual([]);
    };

    it('re-processed (POST reprocess) ends with one record, processed, and nothing left in rejected/', async () => {
      const unread = await refuseTooLarge();
      const { inboxKey } = (await reprocessStatement(unread, BUCKET)) as { inboxKey: string };
      expect(inboxKey).toBe(`inbox/${unread}/releve.cfo`);
      expect((await deliver(inboxKey)).batchItemFailures).toEqual([]);
      endsProcessedOnce();
    });

    it('dropped again in the inbox ends with one record, processed, and nothing left in rejected/', async () => {
      await refuseTooLarge();
      fake.putObject('inbox/releve.cfo', cfonb);
      expect((await deliver('inbox/releve.cfo')).batchItemFailures).toEqual([]);
      endsProcessedOnce();
    });

    it('re-processed while still too large stays one rejected record, the one of the first refusal', async () => {
      const unread = await refuseTooLarge();
      process.env.STATEMENT_MAX_BYTES = String(cfonb.length - 1);
      const { inboxKey } = (await reprocessStatement(unread, BUCKET)) as { inboxKey: string };
      expect((await deliver(inboxKey)).batchItemFailures).toEqual([]);
      expect(statements().map((r) => [r.checksum, r.status])).toEqual([[unread, 'rejected']]);
      expect(keys('rejected/')).toEqual([`rejected/${unread}/releve.cfo`, `rejected/${unread}/releve.cfo.error.json`]);
    });

    it('a re-processing that fails at any call is finished by the redeliveries: one record, one place', async () => {
      const unread = await refuseTooLarge();
      const { inboxKey } = (await reprocessStatement(unread, BUCKET)) as { inboxKey: string };
      const start = fake.calls.length;
      await deliver(inboxKey);
      const calls = fake.calls.length - start;
      expect(calls).toBeGreaterThan(10);
      for (const mode of ['server_error', 'timeout_after_success'] as const)
        for (let at = 0; at < calls; at++) {
          fake.restore();
          fake = new FakeAws();
          const id = await refuseTooLarge();
          const { inboxKey: again } = (await reprocessStatement(id, BUCKET)) as { inboxKey: string };
          fake.fault = { at: fake.calls.length + at, mode };
          for (let attempt = 0; attempt < 4 && (await deliver(again)).batchItemFailures.length > 0; attempt++)
            now += CLAIM_LEASE_MS + 1;
          endsProcessedOnce();
        }
    });
  });

  it('a file with more entries than the limit is rejected, nothing stored', async () => {
    process.env.STATEMENT_MAX_ENTRIES = '2';
    const three = writeStatementFile('cfonb120', [
      statement([1, 2, 3].map((n) => entry(n, '2026-11-20', n * 100, `VIR ${n}`))),
    ]);
    fake.putObject('inbox/trois.cfo', three);
    await deliver('inbox/trois.cfo');
    expect(statements()[0]).toMatchObject({ status: 'rejected', error: { code: 'too_many_entries' } });
    expect([...fake.items.values()].filter((i) => i.sk === 'TXN')).toEqual([]);
  });

  it(
    'a 115-byte CSV whose amounts add up beyond 2^53 cents is rejected with its report, never left ' + '`processing`',
    async () => {
      const csv =
        'Date;Libelle;Montant\n02/01/2026;VIR SEPA CLIENT A;50000000000000,00\n03/01/2026;VIR SEPA CLIENT ' +
        'B;50000000000000,00\n';
      expect(csv.length).toBe(115);
      fake.putObject('inbox/geant.csv', csv);
      expect((await deliver('inbox/geant.csv')).batchItemFailures).toEqual([]);
      expect(statements()[0]).toMatchObject({ status: 'rejected', error: { code: 'invalid_amount' } });
      expect(keys('rejected/')).toHaveLength(2);
      expect(fake.sent).toHaveLength(1);
    },
  );
});

describe('ingest handler: finance alerts are never lost', () => {
  it(
    'SES throttling at the end of an ingest leaves the alert pending; the redelivery finds the file gone and sends ' +
      'it',
    async () => {
      fake.putObject('inbox/releve.cfo', cfonb);
      await deliver('inbox/releve.cfo');
      const sesAt = fake.calls.findIndex((c) => c.service === 'ses');
      fake.restore();
      fake = new FakeAws();
      fake.putObject('inbox/releve.cfo', cfonb);
      fake.fault = { at: sesAt, mode: 'throttling' };
      expect((await deliver('inbox/releve.cfo')).batchItemFailures).toHaveLength(1);
      expect(fake.sent).toEqual([]);
      expect(statements()[0]).toMatchObject({
        status: 'processed',
        pendingAlert: { kind: 'statement_processed' },
        gsi1pk: 'STATEMENTS#ATTENTION',
      });
      expect(keys('inbox/')).toEqual([]);
      expect((await deliver('inbox/releve.cfo')).batchItemFailures).toEqual([]);
      expect(fake.sent.map((m) => m.subject)).toEqual([expect.stringMatching(/releve\.cfo/)]);
      expect(statements()[0].pendingAlert).toBeUndefined();
      expect(statements()[0].gsi1pk).toBeUndefined();
    },
  );
});
