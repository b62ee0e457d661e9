import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays } from '../../../functions/core/dates';
import {
  ParsedStatementFile,
  type Statement,
  type StatementEntry,
  type StatementFormat,
} from '../../../functions/core/model/statement';
import { frenchIbanFromRib } from '../../../functions/core/statements/accounts';
import {
  parseStatementFile,
  StatementParseError,
  WRITABLE_FORMATS,
  type WritableFormat,
  writeStatementFile,
} from '../../../functions/core/statements/index';
import { bytes } from './helpers';

const FORMATS: StatementFormat[] = ['cfonb120', 'camt053', 'camt054', 'mt940', 'ofx', 'csv'];

/**
 * Parses and says how it ended: a valid ParsedStatementFile or a typed parse error. Anything else fails the property.
 */
function outcome(input: Uint8Array, format?: StatementFormat): 'parsed' | 'error' {
  try {
    const parsed = parseStatementFile(input, format ? { format } : {});
    ParsedStatementFile.parse(parsed);
    return 'parsed';
  } catch (e) {
    if (e instanceof StatementParseError) return 'error';
    throw e;
  }
}

// ---------- generated statements ----------
const upperAlnum = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.split(''));
const word = fc
  .string({
    unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789éèàç./-,'.split('')),
    minLength: 1,
    maxLength: 12,
  })
  .filter((w) => !/^[-:.]/.test(w));
const words = (max: number) =>
  fc
    .array(word, { minLength: 1, maxLength: 12 })
    .map((ws) => ws.join(' ').slice(0, max).trim())
    .filter((s) => s.length > 0);
const ref = (min: number, max: number) => fc.string({ unit: upperAlnum, minLength: min, maxLength: max });
const digits = (n: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789'.split('')), minLength: n, maxLength: n });
const iban = fc.tuple(digits(5), digits(5), digits(11)).map(([b, g, a]) => frenchIbanFromRib(b, g, a)!);
const date = fc.integer({ min: 0, max: 60 * 365 }).map((d) => addDays('2000-01-01', d));

const entry = fc.record({
  bookingDate: date,
  valueOffset: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
  amountCents: fc.integer({ min: -999_999_999, max: 999_999_999 }),
  label: words(27),
  bankReference: fc.option(ref(1, 16), { nil: undefined }),
  endToEndId: fc.option(ref(1, 16), { nil: undefined }),
  counterpartyName: fc.option(words(40), { nil: undefined }),
  counterpartyIban: fc.option(iban, { nil: undefined }),
  unstructured: fc.uniqueArray(words(100), { maxLength: 2 }),
  structured: fc.uniqueArray(ref(3, 20), { maxLength: 2 }),
  reversal: fc.boolean(),
});

const statements = fc
  .array(
    fc.record({
      iban,
      opening: fc.integer({ min: -999_999_999, max: 999_999_999 }),
      entries: fc.array(entry, { minLength: 1, maxLength: 6 }),
    }),
    { minLength: 1, maxLength: 3 },
  )
  .filter((sts) => new Set(sts.map((s) => s.iban)).size === sts.length)
  .map((sts): Statement[] => {
    let index = 0;
    return sts.map((s, n) => {
      // A bank lists a statement's movements in booking-date order. Dates that go backwards, with a running balance
      // that fits both directions (-0,18 then 0,00 after +0,18 and -0,18), make a CSV truly ambiguous: its reader
      // then takes it for a most-recent-first export (seed 125324907 found one).
      const inOrder = [...s.entries].sort((a, b) => a.bookingDate.localeCompare(b.bookingDate));
      const entries: StatementEntry[] = inOrder.map((e) => ({
        index: index++,
        bookingDate: e.bookingDate,
        valueDate: e.valueOffset === undefined ? undefined : addDays(e.bookingDate, e.valueOffset),
        amountCents: e.amountCents,
        currency: 'EUR',
        bankCodes: [],
        bankReference: e.bankReference,
        endToEndId: e.endToEndId,
        label: e.label,
        counterpartyName: e.counterpartyName,
        counterpartyIban: e.counterpartyIban,
        remittance: { unstructured: e.unstructured, structured: e.structured },
        reversal: e.reversal,
        raw: [],
      }));
      const closing = s.opening + entries.reduce((a, e) => a + e.amountCents, 0);
      return {
        format: 'camt053',
        account: { iban: s.iban },
        currency: 'EUR',
        statementId: `S${n + 1}`,
        openingBalanceCents: s.opening,
        closingBalanceCents: closing,
        entries,
        balanceCheck: { status: 'ok' },
      };
    });
  });

const squash = (xs: string[]) => xs.join(' ').replace(/\s+/g, ' ').trim();

/** What each format is expected to carry back. */
const keeps: Record<WritableFormat, { e2e: boolean; reversal: boolean; opening: boolean }> = {
  cfonb120: { e2e: true, reversal: true, opening: true },
  camt053: { e2e: true, reversal: true, opening: true },
  mt940: { e2e: true, reversal: true, opening: true },
  ofx: { e2e: false, reversal: false, opening: false },
  csv: { e2e: true, reversal: false, opening: true },
};

describe('any bytes fed to the parser end in a parsed statement or a typed StatementParseError', () => {
  it('random bytes, format detected', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), (b) => {
        outcome(b);
      }),
      { numRuns: 300 },
    );
  });

  it('random bytes, each format forced', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.constantFrom(...FORMATS), (b, f) => {
        outcome(b, f);
      }),
      { numRuns: 400 },
    );
  });

  it('random text made of the characters statement files are made of, each format forced', () => {
    const unit = fc.constantFrom(...'0123456789:;,.-/+?{}<>"=\n\r\t CDNRFOXHLabcBkToCstmrStmtNtryAmt'.split(''));
    fc.assert(
      fc.property(
        fc.string({ unit, maxLength: 1500 }),
        fc.option(fc.constantFrom(...FORMATS), { nil: undefined }),
        (s, f) => {
          outcome(bytes(s), f);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('valid files cut short or with bytes changed', () => {
    fc.assert(
      fc.property(
        statements,
        fc.constantFrom(...WRITABLE_FORMATS),
        fc.nat(),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 5 }),
        (sts, format, cut, edits) => {
          const full = bytes(writeStatementFile(format, sts));
          const b = full.slice(0, full.length === 0 ? 0 : cut % (full.length + 1));
          for (const [at, value] of edits) if (b.length) b[at % b.length] = value;
          outcome(b);
          outcome(b, format);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('generated statements survive a write -> parse round trip', () => {
  for (const format of WRITABLE_FORMATS) {
    it(`${format}: same accounts, amounts, dates, references, counterparties and remittance`, () => {
      fc.assert(
        fc.property(statements, (sts) => {
          const parsed = parseStatementFile(bytes(writeStatementFile(format, sts)));
          expect(parsed.format).toBe(format);
          expect(parsed.statements).toHaveLength(sts.length);
          parsed.statements.forEach((got, s) => {
            const want = sts[s];
            expect(got.account.iban).toBe(want.account.iban);
            expect(got.currency).toBe('EUR');
            expect(got.closingBalanceCents).toBe(want.closingBalanceCents);
            if (keeps[format].opening) {
              expect(got.openingBalanceCents).toBe(want.openingBalanceCents);
              expect(got.balanceCheck).toEqual({ status: 'ok' });
            }
            expect(got.entries).toHaveLength(want.entries.length);
            got.entries.forEach((g, i) => {
              const w = want.entries[i];
              expect(g.index).toBe(w.index);
              expect(g.bookingDate).toBe(w.bookingDate);
              expect(g.valueDate ?? g.bookingDate).toBe(w.valueDate ?? w.bookingDate);
              expect(g.amountCents).toBe(w.amountCents);
              expect(g.label).toBe(w.label);
              expect(g.bankReference).toBe(format === 'ofx' && !w.bankReference ? g.bankReference : w.bankReference);
              if (keeps[format].e2e) expect(g.endToEndId).toBe(w.endToEndId);
              if (keeps[format].reversal) expect(g.reversal).toBe(w.reversal);
              expect(g.counterpartyName).toBe(w.counterpartyName);
              expect(g.counterpartyIban).toBe(w.counterpartyIban);
              expect(g.remittance.structured).toEqual(w.remittance.structured);
              expect(squash(g.remittance.unstructured)).toBe(squash(w.remittance.unstructured));
            });
          });
        }),
        { numRuns: 100 },
      );
    });
  }
});

describe('CSV running balance', () => {
  it(
    'a running balance that stays put across rows moving nothing is still read as a running balance (not a ' +
      'repeated figure)',
    () => {
      const entry = (index: number, amountCents: number) => ({
        index,
        bookingDate: '2000-01-01',
        amountCents,
        currency: 'EUR',
        bankCodes: [],
        label: 'A',
        remittance: { unstructured: [], structured: [] },
        reversal: false,
        raw: [],
      });
      const st = {
        format: 'camt053' as const,
        account: { iban: 'FR7600000000000000000000097' },
        currency: 'EUR',
        statementId: 'S1',
        openingBalanceCents: 0,
        closingBalanceCents: 1,
        entries: [entry(0, 1), entry(1, 0)],
        balanceCheck: { status: 'ok' as const },
      };
      const parsed = parseStatementFile(bytes(writeStatementFile('csv', [st])));
      expect(parsed.statements[0].closingBalanceCents).toBe(1);
    },
  );
});
