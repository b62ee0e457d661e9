import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readStatement, readStatementStream } from '../../../functions/core/ingest/read';
import {
  type OpenBytes,
  parseCsv,
  parseStatementFile,
  parseStatementStream,
  StatementParseError,
} from '../../../functions/core/statements/index';
import { bytes } from './helpers';

function chunked(b: Uint8Array, sizes: number[]): OpenBytes {
  return async function* () {
    for (let at = 0, i = 0; at < b.length; i++) {
      const size = sizes[i % sizes.length];
      yield b.slice(at, at + size);
      at += size;
    }
  };
}

async function outcome(run: () => Promise<unknown> | unknown): Promise<unknown> {
  try {
    return { parsed: await run() };
  } catch (e) {
    if (e instanceof StatementParseError) return { error: e.toJSON() };
    throw e;
  }
}

const sizes = fc.array(fc.integer({ min: 1, max: 120 }), { minLength: 1, maxLength: 6 });

/** Month-first rows (a US export): the first date that says so comes last, after rows that also read day first. */
const usRows = [
  'Date;Value date;Label;Amount;Balance',
  '01/02/2024;01/03/2024;"VIR ""ACME""\r\nINC";10.00;110.00',
  '01/05/2024;01/13/2024;PRLV EDF;-4.50;105.50',
  '',
  '02/01/2024;;CB SHOP;-0.50;105.00',
  'Total;;;;',
  '12/15/2024;12/16/2024;VIR;1.00;106.00',
].join('\r\n');

describe('a CSV export read as a stream, record by record', () => {
  it('reads month-first dates known only from the last row, quoted line breaks and CRLF cut anywhere', async () => {
    const whole = parseStatementFile(bytes(usRows));
    expect(whole.statements[0].entries.map((e) => [e.bookingDate, e.valueDate])).toEqual([
      ['2024-01-02', '2024-01-03'],
      ['2024-01-05', '2024-01-13'],
      ['2024-02-01', undefined],
      ['2024-12-15', '2024-12-16'],
    ]);
    expect(whole.statements[0]).toMatchObject({ openingBalanceCents: 10_000, closingBalanceCents: 10_600 });
    await fc.assert(
      fc.asyncProperty(sizes, async (chunks) => {
        const { omittedEntries, ...streamed } = await parseStatementStream(chunked(bytes(usRows), chunks));
        expect(omittedEntries).toBe(0);
        expect(streamed).toEqual(whole);
      }),
      { numRuns: 100 },
    );
  });

  it('throws the first error of the date order the whole file has, wherever it is cut', async () => {
    // day first (31/01 says so): the 02/30 of the second row is the error; month first, it would be the 31/01
    const file = 'Date;Libellé;Montant\n01/02/2024;A;1\n02/30/2024;B;2\nabc;C;x\n31/01/2024;D;3\n';
    const expected = await outcome(() => parseCsv(file));
    expect(expected).toMatchObject({ error: { code: 'invalid_date', line: 3 } });
    await fc.assert(
      fc.asyncProperty(sizes, async (chunks) => {
        expect(await outcome(() => parseStatementStream(chunked(bytes(file), chunks)))).toEqual({
          error: (expected as { error: unknown }).error,
        });
      }),
      { numRuns: 50 },
    );
  });

  it('follows a running balance newest first and splits accounts, as when the file is read whole', async () => {
    const rows = [
      'Compte;Date;Libellé;Débit;Crédit;Solde',
      'FR7630003012340001234567854;03/01/2024;C;;5,00;120,00',
      'FR7630004000031234567890143;03/01/2024;X;1,00;;9,00',
      'FR7630003012340001234567854;02/01/2024;B;10,00;;115,00',
      'FR7630003012340001234567854;01/01/2024;A;;25,00;125,00',
    ].join('\n');
    const whole = parseStatementFile(bytes(rows));
    expect(whole.statements.map((s) => [s.openingBalanceCents, s.closingBalanceCents, s.periodStart])).toEqual([
      [10_000, 12_000, '2024-01-01'],
      [1_000, 900, '2024-01-03'],
    ]);
    await fc.assert(
      fc.asyncProperty(sizes, async (chunks) => {
        const { omittedEntries: _, ...streamed } = await parseStatementStream(chunked(bytes(rows), chunks));
        expect(streamed).toEqual(whole);
      }),
      { numRuns: 50 },
    );
  });

  it('past the entry limit, counts rows without keeping them, and the file is refused as when read whole', async () => {
    const rows = Array.from(
      { length: 60 },
      (_, i) => `${i % 2 ? 'A1' : 'B2'};0${(i % 9) + 1}/01/2024;VIR ${i};-${i},50`,
    );
    const file = bytes(`Compte;Date;Libellé;Montant\n${rows.join('\n')}\n`);
    const limits = { maxBytes: Infinity, maxEntries: 25 };
    await fc.assert(
      fc.asyncProperty(sizes, async (chunks) => {
        const got = await readStatementStream(chunked(file, chunks), 'f.csv', limits);
        expect(got).toEqual(readStatement(file, 'f.csv', limits));
        expect(got.problem).toMatchObject({ code: 'too_many_entries', message: expect.stringContaining('holds 60') });
      }),
      { numRuns: 20 },
    );
    const capped = await parseStatementStream(chunked(file, [100]), { maxEntries: 25 });
    expect(capped.omittedEntries).toBe(35);
    expect(capped.statements.map((s) => s.entries.length)).toEqual([13, 12]);
    expect(capped.statements[0].entries.at(-1)?.index).toBe(24);
  });

  it('counts the amounts of the rows not kept in the 2^53 check of the file', async () => {
    const rows = Array.from({ length: 1000 }, () => '13/01/2024;VIR;99999999999,00').join('\n');
    const file = bytes(`Date;Libellé;Montant\n${rows}\n`);
    const limits = { maxBytes: Infinity, maxEntries: 10 };
    const got = await readStatementStream(chunked(file, [4096]), 'f.csv', limits);
    expect(got).toEqual(readStatement(file, 'f.csv', limits));
    expect(got.problem).toMatchObject({ code: 'invalid_amount' });
  });

  it('reads a line longer than many chunks, and a header found past the first chunks', async () => {
    const preamble = Array.from({ length: 20 }, (_, i) => `Ligne ${i};${'x'.repeat(300)}`).join('\n');
    const file = `${preamble}\nDate;Libellé;Montant\n02/01/2024;${'L'.repeat(70_000)};1,00\n`;
    const whole = parseStatementFile(bytes(file));
    expect(whole.statements[0].entries[0].label).toHaveLength(70_000);
    const { omittedEntries: _, ...streamed } = await parseStatementStream(chunked(bytes(file), [1000]));
    expect(streamed).toEqual(whole);
  });

  it('reads a preamble line of 300,000 cells before a mapped header', () => {
    const file = `${';'.repeat(300_000)}\nDate;Libellé;Montant\n02/01/2024;VIR;1,00\n`;
    const mapping = { headerRow: 1, columns: { bookingDate: 'Date', label: 'Libellé', amount: 'Montant' } };
    expect(parseCsv(file, mapping)[0].entries.map((e) => e.amountCents)).toEqual([100]);
  });
});
