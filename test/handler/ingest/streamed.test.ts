import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setClock } from '../../../functions/adapters/clock';
import { writeStatementFile } from '../../../functions/core/statements';
import { FakeAws, ingestWithinGrants } from './support/fake-aws';
import { entry, sha256, sqsEvent, statement } from './support/scenario';

const handler = await ingestWithinGrants();
setClock({ now: () => new Date('2026-11-22T08:00:00Z') });
const quiet = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
afterAll(() => quiet.mockRestore());

let fake: FakeAws;
beforeEach(() => {
  fake = new FakeAws();
});
afterEach(() => fake.restore());

const deliver = (key: string) => handler(sqsEvent(key), {} as never);
const keys = (prefix: string) => [...fake.objects.keys()].filter((k) => k.startsWith(prefix)).sort();
const gets = () => fake.calls.filter((c) => c.command === 'GetObject').length;
const entries = (label: string) =>
  Array.from({ length: 30 }, (_, i) => entry(i, '2026-11-20', 10_00 + i, `${label} ${i}`, [`F2026-${i}`]));

// The fake S3 streams every body in chunks of 1,000 bytes: these files span many of them.
describe('ingest handler: a statement file read as S3 streams it', () => {
  it('a file of many chunks is processed once, stored under the checksum of all its bytes', async () => {
    const file = writeStatementFile('cfonb120', [statement(entries('VIR SEPA CLIENT'))]);
    fake.putObject('inbox/releve.cfo', file);
    expect((await deliver('inbox/releve.cfo')).batchItemFailures).toEqual([]);
    expect(fake.item(`STATEMENT#${sha256(file)}`, 'STATEMENT')).toMatchObject({
      status: 'processed',
      sizeBytes: Buffer.byteLength(file),
    });
    expect(fake.text(`processed/${sha256(file)}/releve.cfo`)).toBe(file);
    expect(gets()).toBe(1);
  });

  it(
    'a file cut off by a NUL byte far after a bad record is rejected as binary, its checksum over every ' + 'byte',
    async () => {
      const file = Buffer.concat([
        Buffer.from(writeStatementFile('cfonb120', [statement(entries('X'))]).slice(0, 2000)),
        Buffer.from('\n99 bad\n'),
        Buffer.alloc(5000, 0),
      ]);
      fake.putObject('inbox/binaire.cfo', file);
      expect((await deliver('inbox/binaire.cfo')).batchItemFailures).toEqual([]);
      expect(fake.item(`STATEMENT#${sha256(file)}`, 'STATEMENT')).toMatchObject({
        status: 'rejected',
        error: { code: 'encoding' },
        sizeBytes: file.length,
      });
      expect(keys('rejected/')).toEqual([
        `rejected/${sha256(file)}/binaire.cfo`,
        `rejected/${sha256(file)}/binaire.cfo.error.json`,
      ]);
    },
  );

  it(
    'a UTF-8 file with one windows-1252 byte near its end is read a second time, and its checksum is still the ' +
      "file's",
    async () => {
      const text = writeStatementFile('csv', [statement(entries('Réglé'))]);
      const last = text.lastIndexOf('Réglé');
      const file = Buffer.concat([Buffer.from(text.slice(0, last)), Buffer.from(text.slice(last), 'latin1')]);
      fake.putObject('inbox/releve.csv', file);
      expect((await deliver('inbox/releve.csv')).batchItemFailures).toEqual([]);
      expect(fake.item(`STATEMENT#${sha256(file)}`, 'STATEMENT')).toMatchObject({
        status: 'processed',
        sizeBytes: file.length,
      });
      expect(gets()).toBe(2);
    },
  );

  it(
    'a connection broken while the file streams hands the message back to SQS: the file is neither rejected nor ' +
      'moved',
    async () => {
      const file = writeStatementFile('cfonb120', [statement(entries('VIR SEPA CLIENT'))]);
      fake.putObject('inbox/releve.cfo', file);
      fake.brokenBody = 'inbox/releve.cfo';
      expect((await deliver('inbox/releve.cfo')).batchItemFailures).toEqual([{ itemIdentifier: 'm-1' }]);
      expect([...fake.items.values()].filter((i) => i.sk === 'STATEMENT')).toEqual([]);
      expect(keys('')).toEqual(['inbox/releve.cfo']);
      fake.brokenBody = undefined;
      expect((await deliver('inbox/releve.cfo')).batchItemFailures).toEqual([]);
      expect(keys('processed/')).toContain(`processed/${sha256(file)}/releve.cfo`);
    },
  );
});
