import { addDays } from '../functions/core/dates';
import type { Statement, StatementEntry } from '../functions/core/model/statement';
import { frenchIbanFromRib } from '../functions/core/statements/accounts';

/** Small deterministic PRNG (mulberry32), so every run benchmarks the same files. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CUSTOMERS = [
  'BOULANGERIE MARTIN',
  'GARAGE DU CENTRE',
  'Café Lumière SARL',
  'ATELIER BOIS ET FORME',
  'DURANCIA MONTGENEVRE',
  'SCI LES TILLEULS',
  'PHARMACIE DE LA GARE',
  'TRANSPORTS LEBLANC',
];
const SUPPLIERS = ['EDF', 'ORANGE', 'URSSAF', 'FREE MOBILE', 'LOYER SCI', 'AXA FRANCE'];

/** Statements of `perStatement` entries each, realistic enough to exercise every field the writers carry. */
export function corpus(entryCount: number, seed = 42, perStatement = 2000): Statement[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  const statements: Statement[] = [];
  let index = 0;
  let day = 0;
  let balance = 1_000_000;
  for (let s = 0; index < entryCount; s++) {
    const entries: StatementEntry[] = [];
    const date = addDays('2024-01-02', day++);
    for (let i = 0; i < perStatement && index < entryCount; i++) {
      const credit = r() < 0.7;
      const cents = Math.floor(r() * 500_000) + 1;
      const invoice = `FA-2024-${String(Math.floor(r() * 99999)).padStart(5, '0')}`;
      const name = credit ? pick(CUSTOMERS) : pick(SUPPLIERS);
      entries.push({
        index: index++,
        bookingDate: date,
        valueDate: addDays(date, Math.floor(r() * 3)),
        amountCents: credit ? cents : -cents,
        currency: 'EUR',
        bankCodes: [],
        bankReference: `B${String(index).padStart(12, '0')}`,
        endToEndId: r() < 0.5 ? `E2E${Math.floor(r() * 1e9)}` : undefined,
        label: `${credit ? 'VIR SEPA RECU' : 'PRLV SEPA'} ${name}`.slice(0, 27),
        counterpartyName: name,
        counterpartyIban:
          r() < 0.6 ? frenchIbanFromRib('20041', '01005', String(Math.floor(r() * 1e10)).padStart(11, '0')) : undefined,
        remittance: {
          unstructured: [credit ? `Règlement facture ${invoice} merci` : `Echeance ${invoice}`],
          structured: r() < 0.3 ? [`RF18${Math.floor(r() * 1e12)}`] : [],
        },
        reversal: false,
        raw: [],
      });
    }
    const opening = balance;
    for (const e of entries) balance += e.amountCents;
    statements.push({
      format: 'camt053',
      account: { iban: 'FR7630003012340001234567890' },
      currency: 'EUR',
      statementId: `STMT-${s + 1}`,
      periodStart: date,
      periodEnd: date,
      openingBalanceCents: opening,
      entries,
      balanceCheck: { status: 'ok' },
    });
  }
  return statements;
}
