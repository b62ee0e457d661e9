import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { setClock } from '../../../functions/adapters/clock';
import { FakeAws, ingestWithinGrants } from './support/fake-aws';
import { sha256, sqsEvent } from './support/scenario';

// Whatever a reader or formatter throws (here a plain Error, as an amount formatter did on 2^53 cents), the file is
// rejected with its report; the parsers' own caps may change, this must hold regardless.
vi.mock('../../../functions/core/statements', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../functions/core/statements')>();
  const choke = (options: { fileName?: string }) => {
    if (options.fileName === 'boom.cfo') throw new Error('amount is not integer cents: 90071992547409930');
    if (options.fileName === 'range.cfo') throw new RangeError('Invalid array length');
  };
  return {
    ...real,
    parseStatementFile: (bytes: Uint8Array, options: { fileName?: string }) => {
      choke(options);
      return real.parseStatementFile(bytes, options);
    },
    // the ingest reads a stream: the reader throws before it read a byte, the file must still get its checksum
    parseStatementStream: async (
      open: import('../../../functions/core/statements').OpenBytes,
      options: { fileName?: string },
    ) => {
      choke(options);
      return real.parseStatementStream(open, options);
    },
  };
});

const handler = await ingestWithinGrants();
setClock({ now: () => new Date('2026-11-22T08:00:00Z') });
const quiet = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
afterAll(() => quiet.mockRestore());

let fake: FakeAws;
afterEach(() => fake.restore());

describe('a file the readers choke on', () => {
  for (const [name, message] of [
    ['boom.cfo', /could not be read: amount is not integer cents/],
    ['range.cfo', /could not be read: RangeError: Invalid array length/],
  ] as const) {
    it(
      `${name}: any error while reading becomes a rejection with its report, finance told, never a statement left ` +
        `processing`,
      async () => {
        fake = new FakeAws();
        const body =
          '0430003    EUR2 00012345678  201126  VIR                              ' +
          '0000000000000000000000000000000000000000000000';
        fake.putObject(`inbox/${name}`, body);
        expect((await handler(sqsEvent(`inbox/${name}`), {} as never)).batchItemFailures).toEqual([]);
        const record = fake.item(`STATEMENT#${sha256(body)}`, 'STATEMENT');
        expect(record).toMatchObject({
          status: 'rejected',
          error: { code: 'unreadable', message: expect.stringMatching(message) },
        });
        expect(fake.text(`rejected/${sha256(body)}/${name}`)).toBe(body);
        expect(JSON.parse(fake.text(`rejected/${sha256(body)}/${name}.error.json`)!).error.code).toBe('unreadable');
        expect([...fake.objects.keys()].filter((k) => k.startsWith('inbox/'))).toEqual([]);
        expect(fake.sent.map((m) => m.subject)).toEqual([expect.stringContaining(`relevé bancaire rejeté – ${name}`)]);
      },
    );
  }
});
