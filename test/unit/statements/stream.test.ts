import { readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays } from '../../../functions/core/dates';
import { readStatement, readStatementStream } from '../../../functions/core/ingest/read';
import type { Statement, StatementFormat } from '../../../functions/core/model/statement';
import {
  decodeStatementBytes,
  type OpenBytes,
  parseCfonb120,
  parseStatementFile,
  parseStatementStream,
  StatementParseError,
  WRITABLE_FORMATS,
  writeStatementFile,
} from '../../../functions/core/statements/index';
import { bytes, fixture, latin1 } from './helpers';

/** The bytes in chunks whose sizes cycle through `sizes`; counts how often the file is opened. */
function chunked(b: Uint8Array, sizes: number[]): OpenBytes & { opened: number } {
  const open = Object.assign(
    async function* () {
      open.opened++;
      for (let at = 0, i = 0; at < b.length; i++) {
        const size = sizes[i % sizes.length];
        yield b.slice(at, at + size);
        at += size;
      }
    },
    { opened: 0 },
  );
  return open;
}

type Outcome = { parsed: unknown } | { error: unknown };

function whole(b: Uint8Array, format?: StatementFormat): Outcome {
  try {
    return { parsed: parseStatementFile(b, { format }) };
  } catch (e) {
    if (e instanceof StatementParseError) return { error: e.toJSON() };
    throw e;
  }
}

async function streamed(open: OpenBytes, format?: StatementFormat): Promise<Outcome> {
  try {
    const { omittedEntries, ...parsed } = await parseStatementStream(open, { format });
    expect(omittedEntries).toBe(0);
    return { parsed };
  } catch (e) {
    if (e instanceof StatementParseError) return { error: e.toJSON() };
    throw e;
  }
}

const sizes = fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 8 });

function statementsOf(n: number, label: string): Statement[] {
  const entries = Array.from({ length: n }, (_, index) => ({
    index,
    bookingDate: addDays('2026-01-02', index % 20),
    amountCents: (index % 7) * 1234 - 3000,
    currency: 'EUR',
    bankCodes: [],
    label: `${label} ${index}`,
    counterpartyName: 'SARL Dupont & Fils',
    remittance: { unstructured: [`FACTURE FA-2026-${String(index).padStart(5, '0')}`], structured: [] },
    reversal: false,
    raw: [],
  }));
  const closing = entries.reduce((a, e) => a + e.amountCents, 1000);
  return [
    {
      format: 'camt053',
      account: { iban: 'FR7630003012340001234567854' },
      currency: 'EUR',
      statementId: 'S1',
      openingBalanceCents: 1000,
      closingBalanceCents: closing,
      entries,
      balanceCheck: { status: 'ok' },
    },
  ];
}

describe('a statement read as a stream, in chunks of any size, reads as the whole file does', () => {
  for (const format of WRITABLE_FORMATS) {
    it(`${format}: the same statements, or the same error, for whole, cut short and altered files`, async () => {
      const file = bytes(writeStatementFile(format, statementsOf(40, 'VIR SEPA RECU Société Générale')));
      await fc.assert(
        fc.asyncProperty(
          sizes,
          fc.nat(),
          fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }),
          async (chunks, cut, edits) => {
            const b = file.slice(0, cut % 3 === 0 ? file.length : cut % (file.length + 1));
            for (const [at, value] of edits) if (b.length) b[at % b.length] = value;
            expect(await streamed(chunked(b, chunks))).toEqual(whole(b));
            expect(await streamed(chunked(b, chunks), format)).toEqual(whole(b, format));
          },
        ),
        { numRuns: 60 },
      );
    });
  }

  it(
    'a CFONB file in UTF-8 (read whole as the latin-1 view of its bytes), windows-1252 or ASCII reads as its text, ' +
      'whole and in chunks',
    async () => {
      const words = fc.constantFrom('Règlement', 'Café Lumière', 'ÉDF', 'à\u00a0régler', 'Ω 𝄞 €', 'SARL', ' \u3000 ');
      const label = fc.array(words, { minLength: 1, maxLength: 4 }).map((w) => w.join(' '));
      await fc.assert(
        fc.asyncProperty(label, fc.integer({ min: 1, max: 200 }), sizes, async (text, count, chunks) => {
          const file = writeStatementFile('cfonb120', statementsOf(count, text));
          const latin = file.replace(/[\u0100-\uffff]/g, '?');
          for (const b of [bytes(file), latin1(latin), bytes(latin.replace(/[\u0080-\u00ff]/g, 'e'))]) {
            const expected = {
              parsed: { format: 'cfonb120', statements: parseCfonb120(decodeStatementBytes(b).text) },
            };
            expect(whole(b)).toEqual(expected);
            expect(await streamed(chunked(b, chunks))).toEqual(expected);
          }
        }),
        { numRuns: 40 },
      );
    },
  );

  it('every sample file of the fixtures', async () => {
    const names = readdirSync(new URL('../../fixtures/statements/', import.meta.url)).filter((n) => !n.endsWith('.md'));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...names), sizes, async (name, chunks) => {
        const b = fixture(name);
        expect(await streamed(chunked(b, chunks))).toEqual(whole(b));
      }),
      { numRuns: 120 },
    );
  });

  it('random bytes and random statement-like text', async () => {
    const unit = fc.constantFrom(
      ...'0123456789:;,.-/+?{}<>"=\n\r\t \u001a\u00e9CDNRFOXHLabcBkToCstmrStmtNtryAmt'.split(''),
    );
    const input = fc.oneof(fc.uint8Array({ maxLength: 2000 }), fc.string({ unit, maxLength: 1500 }).map(bytes));
    await fc.assert(
      fc.asyncProperty(input, sizes, async (b, chunks) => {
        expect(await streamed(chunked(b, chunks))).toEqual(whole(b));
      }),
      { numRuns: 300 },
    );
  });

  it('a UTF-8 file with a windows-1252 byte far from its start is read again once, as windows-1252', async () => {
    const text = writeStatementFile('csv', statementsOf(200, 'Réglé'));
    const last = text.lastIndexOf('Réglé');
    const b = Buffer.concat([bytes(text.slice(0, last)), latin1(text.slice(last))]);
    const open = chunked(b, [1000]);
    const got = await streamed(open);
    expect(got).toEqual(whole(b));
    expect(open.opened).toBe(2);
    expect(JSON.stringify(got)).toContain('RÃ©glÃ©');
  });

  it('a NUL byte after a parse error is reported as binary content, as when the file is read whole', async () => {
    const b = Buffer.concat([
      bytes(writeStatementFile('cfonb120', statementsOf(200, 'X'))).subarray(0, 5000),
      Buffer.from('\n99 bad record\n'),
      Buffer.alloc(70_000, 0),
    ]);
    const got = await streamed(chunked(b, [4096]));
    expect(got).toEqual(whole(b));
    expect(got).toMatchObject({ error: { code: 'encoding' } });
  });

  it(
    'past the entry limit, entries are counted but not kept, and the file is refused with the count it has, as ' +
      'when read whole',
    async () => {
      const limits = { maxBytes: Infinity, maxEntries: 25 };
      for (const format of ['cfonb120', 'camt053'] as const) {
        const file = bytes(
          writeStatementFile(format, [
            ...statementsOf(40, 'VIR'),
            { ...statementsOf(30, 'PRLV')[0], account: { iban: 'FR7630004000031234567890143' } },
          ]),
        );
        await fc.assert(
          fc.asyncProperty(sizes, async (chunks) => {
            const got = await readStatementStream(chunked(file, chunks), 'f', limits);
            expect(got).toEqual(readStatement(file, 'f', limits));
            expect(got.problem).toMatchObject({
              code: 'too_many_entries',
              message: expect.stringContaining('holds 70 entries'),
            });
          }),
          { numRuns: 20 },
        );
        const capped = await parseStatementStream(chunked(file, [500]), { maxEntries: 25 });
        expect(capped.omittedEntries).toBe(70 - 26);
        expect(capped.statements.map((s) => s.entries.length)).toEqual([25, 1]);
      }
    },
  );

  it("entries counted but not kept still count in the 2^53 check of the file's amounts", async () => {
    const [st] = statementsOf(902, 'VIR');
    const entries = st.entries.map((e, i) => ({
      ...e,
      amountCents: i % 2 === 0 ? 10_000_000_000_000 : -10_000_000_000_000,
    }));
    const file = bytes(
      writeStatementFile('camt053', [{ ...st, entries, closingBalanceCents: st.openingBalanceCents }]),
    );
    const limits = { maxBytes: Infinity, maxEntries: 10 };
    const got = await readStatementStream(chunked(file, [4096]), 'f', limits);
    expect(got).toEqual(readStatement(file, 'f', limits));
    expect(got.problem).toMatchObject({ code: 'invalid_amount' });
  });
});
