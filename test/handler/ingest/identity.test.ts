import fc from 'fast-check';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setClock } from '../../../functions/adapters/clock';
import type { StatementEntry } from '../../../functions/core/model';
import { writeStatementFile } from '../../../functions/core/statements';
import { storeTransactions } from '../../../functions/ingest/store-transactions';
import { FakeAws, ingestWithinGrants } from './support/fake-aws';
import { entry, sqsEvent, statement } from './support/scenario';

const handler = await ingestWithinGrants();

setClock({ now: () => new Date('2026-11-22T08:00:00Z') });
const quiet = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
afterAll(() => quiet.mockRestore());

let fake: FakeAws;
beforeEach(() => {
  fake = new FakeAws();
});
afterEach(() => fake.restore());

const txns = () => [...fake.items.values()].filter((i) => i.sk === 'TXN');
async function ingest(name: string, entries: StatementEntry[]) {
  fake.putObject(`inbox/${name}`, writeStatementFile('cfonb120', [statement(entries)]));
  const res = await handler(sqsEvent(`inbox/${name}`), {} as never);
  expect(res.batchItemFailures).toEqual([]);
}

describe("storing a statement's movements", () => {
  it('sends at most 16 conditional puts at once, and reports the movements in the order of the file', async () => {
    const entries = Array.from({ length: 40 }, (_, i) =>
      entry(i, '2026-11-02', -(i + 1) * 100, `PRLV SEPA FOURNISSEUR ${i}`, [], { bankReference: `BR${i}` }),
    );
    const { entries: stored } = await storeTransactions(
      { format: 'cfonb120', statements: [statement(entries)] },
      'file-40',
      '2026-11-22T08:00:00Z',
    );
    expect(fake.maxInFlight).toBe(16);
    expect(stored.map((s) => s.entry.amountCents)).toEqual(entries.map((e) => e.amountCents));
    expect(txns()).toHaveLength(40);
  });
});

describe('an entry whose texts exceed what one stored item holds', () => {
  it(
    'a CSV line with a 600,000-character label is stored with its texts cut, the file processed, and finance told ' +
      'what was left out',
    async () => {
      const huge = `VIR SEPA DUPONT FA-2026-0042 ${'X'.repeat(600_000)}`;
      const entries = [
        entry(0, '2026-11-02', 120_00, huge, [], { bankReference: 'BR1' }),
        entry(1, '2026-11-02', -15_00, 'FRAIS BANCAIRES', [], { bankReference: 'BR2' }),
      ];
      fake.putObject('inbox/long.csv', writeStatementFile('csv', [statement(entries)]));
      const res = await handler(sqsEvent('inbox/long.csv'), {} as never);
      expect(res.batchItemFailures).toEqual([]);
      const stored = txns().find((t) => t.bankReference === 'BR1')!;
      expect(stored.label.startsWith('VIR SEPA DUPONT FA-2026-0042 XXX')).toBe(true);
      expect(stored.label.endsWith(' […]')).toBe(true);
      expect(stored.label.length).toBeLessThan(2_100);
      expect(stored.raw.at(-1)).toMatch(/^\[… \d+ caractères de plus dans le fichier du relevé\]$/);
      expect(Buffer.byteLength(JSON.stringify(stored))).toBeLessThan(100_000);
      expect(txns()).toHaveLength(2);
      const alert = fake.sent.map((m) => m.text).join('\n');
      expect(alert).toMatch(/Textes trop longs pour être enregistrés : opération du 02\/11\/2026, 120,00/);
      expect(alert).toContain('caractères laissés de côté (le fichier du relevé les garde)');
    },
  );
});

describe('transaction identity across statement files', () => {
  it('a day-3 credit reusing a day-1 bank reference is a new payment, not a duplicate', async () => {
    await ingest('j1.cfo', [entry(0, '2026-11-01', 500_00, 'VIR SEPA DUPONT', ['F1'], { bankReference: 'BR123' })]);
    await ingest('j3.cfo', [entry(0, '2026-11-03', 500_00, 'VIR SEPA DUPONT', ['F2'], { bankReference: 'BR123' })]);
    expect(
      txns()
        .map((t) => t.bookingDate)
        .sort(),
    ).toEqual(['2026-11-01', '2026-11-03']);
  });

  it('NONREF on every line: each movement is stored, two identical ones on one day twice', async () => {
    const nonref = (d: string, cents: number, label: string) =>
      entry(0, d, cents, label, [], { bankReference: 'NONREF' });
    await ingest('nonref.cfo', [
      nonref('2026-11-01', -5_00, 'FRAIS'),
      nonref('2026-11-01', -5_00, 'FRAIS'),
      nonref('2026-11-01', 120_00, 'VIR A'),
      nonref('2026-11-02', 120_00, 'VIR A'),
    ]);
    expect(txns()).toHaveLength(4);
  });

  it('an overlapping export where a reference appears twice does not store the day-1 payment again', async () => {
    const day1 = entry(0, '2026-11-01', 500_00, 'VIR SEPA DUPONT', ['F1'], { bankReference: 'BR123' });
    await ingest('j1.cfo', [day1]);
    await ingest('j1-j3.cfo', [
      day1,
      entry(0, '2026-11-03', 500_00, 'VIR SEPA DUPONT', ['F2'], { bankReference: 'BR123' }),
    ]);
    expect(txns()).toHaveLength(2);
    const record = [...fake.items.values()].find((i) => i.sk === 'STATEMENT' && i.sourceKey === 'inbox/j1-j3.cfo');
    expect(record?.counts).toMatchObject({ entries: 2, newTransactions: 1, duplicates: 1 });
    expect(record?.anomalies).toBe(1); // the unknown day-3 credit only: no inconsistent day
  });

  it('a stored id that comes back with another amount is reported to finance, the stored one kept', async () => {
    const credit = entry(0, '2026-11-01', 500_00, 'VIR SEPA DUPONT', ['F1'], { bankReference: 'BR123' });
    await ingest('j1.cfo', [credit]);
    const [stored] = txns();
    // as if an earlier file (or an older id scheme) had stored another movement under this id
    stored.amountCents = 499_00;
    await ingest('j1-j2.cfo', [
      credit,
      entry(1, '2026-11-02', 12_00, 'VIR SEPA MARTIN', ['F9'], { bankReference: 'BR124' }),
    ]);
    expect(txns()).toHaveLength(2);
    expect(txns().find((t) => t.transactionId === stored.transactionId)?.amountCents).toBe(499_00);
    const mail = fake.sent.find((m) => m.subject.includes('j1-j2.cfo'))!;
    expect(mail.text).toMatch(
      new RegExp(
        String.raw`Opération déjà enregistrée avec d’autres valeurs : reçue le 01/11/2026, 500,00\s€ ; ` +
          String.raw`enregistrée le 01/11/2026, 499,00\s€`,
      ),
    );
  });

  it(
    'an export cut inside a day is detected: the day disagrees with the earlier file and finance is ' + 'told',
    async () => {
      const fee = (i: number) => entry(i, '2026-11-01', -5_00, 'FRAIS', [], { bankReference: 'NONREF' });
      await ingest('matin.cfo', [fee(0)]); // cut after the first of two identical fees
      await ingest('journee.cfo', [fee(0), fee(1)]);
      expect(txns()).toHaveLength(2);
      const mail = fake.sent.find((m) => m.subject.includes('journee.cfo'))!;
      expect(mail.text).toMatch(
        new RegExp(
          String.raw`Journée du 01/11/2026 \(compte .*\) différente d’un relevé reçu avant : 2 mouvements pour ` +
            String.raw`-10,00\s€ dans ce fichier, 1 mouvement pour -5,00\s€ dans le précédent`,
        ),
      );
    },
  );
});

/**
 * One account's ledger: a few days, each with movements drawn so that references repeat and identical movements occur.
 */
const ledgerArb = fc
  .array(
    fc.array(
      fc.record({
        amountCents: fc.constantFrom(-5_00, 120_00, 500_00, 500_00),
        label: fc.constantFrom('FRAIS', 'VIR SEPA DUPONT', 'PRLV EDF'),
        bankReference: fc.constantFrom(undefined, 'NONREF', 'BR1', 'BR2'),
      }),
      { minLength: 1, maxLength: 6 },
    ),
    { minLength: 1, maxLength: 6 },
  )
  .map((days) =>
    days.map((movements, d) =>
      movements.map((m, i) =>
        entry(i, `2026-11-${String(d + 1).padStart(2, '0')}`, m.amountCents, m.label, [], {
          bankReference: m.bankReference,
        }),
      ),
    ),
  );

/** Exports cut from the ledger at day boundaries: [first day, last day], overlapping, repeated, in any order. */
const exportsArb = (days: number) =>
  fc.array(
    fc.tuple(fc.nat(days - 1), fc.nat(days - 1)).map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const),
    { minLength: 1, maxLength: 6 },
  );

describe('property: overlapping exports cut from one ledger', () => {
  it('store each movement exactly once, whatever the cuts at day boundaries, repeated days, reused references and ' +
    'NONREF', async () => {
    await fc.assert(
      fc.asyncProperty(
        ledgerArb.chain((ledger) => fc.tuple(fc.constant(ledger), exportsArb(ledger.length))),
        async ([ledger, exports]) => {
          fake.restore();
          fake = new FakeAws();
          const covered = new Set<number>();
          for (const [n, [from, to]] of exports.entries()) {
            const entries = ledger.slice(from, to + 1).flat();
            const { anomalies } = await storeTransactions(
              { format: 'cfonb120', statements: [statement(entries)] },
              `file-${n}`,
              '2026-11-22T08:00:00Z',
            );
            expect(anomalies).toEqual([]); // whole days: never an inconsistent day
            for (let d = from; d <= to; d++) covered.add(d);
          }
          const expected = [...covered]
            .flatMap((d) => ledger[d])
            .map((e) => `${e.bookingDate} ${e.amountCents} ${e.label} ${e.bankReference}`)
            .sort();
          expect(
            txns()
              .map((t) => `${t.bookingDate} ${t.amountCents} ${t.label} ${t.bankReference}`)
              .sort(),
          ).toEqual(expected);
        },
      ),
      { numRuns: 100 },
    );
  }, 180_000);

  it('a file cut inside a day whose movements differ from an earlier whole export of that day is always ' +
    'reported', async () => {
    await fc.assert(
      fc.asyncProperty(
        ledgerArb.filter((l) => l[0].length > 1),
        fc.nat(),
        async (ledger, cut) => {
          fake.restore();
          fake = new FakeAws();
          await storeTransactions(
            { format: 'cfonb120', statements: [statement(ledger[0])] },
            'whole',
            '2026-11-22T08:00:00Z',
          );
          const tail = ledger[0].slice(1 + (cut % (ledger[0].length - 1)));
          const { anomalies } = await storeTransactions(
            { format: 'cfonb120', statements: [statement(tail)] },
            'cut',
            '2026-11-22T08:00:00Z',
          );
          expect(anomalies.map((a) => a.kind)).toEqual(['day_inconsistent']);
        },
      ),
      { numRuns: 60 },
    );
  }, 120_000);
});
