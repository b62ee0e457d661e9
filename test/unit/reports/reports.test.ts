import { describe, expect, it } from 'vitest';
import type { Invoice } from '../../../functions/core/model';
import {
  agedBalance,
  agedBalanceCsv,
  bucketOf,
  cashInForecast,
  dso,
  mondayOf,
  payerScore,
} from '../../../functions/core/reports';

const inv = (id: string, over: Partial<Invoice>): Invoice => ({
  invoiceId: id,
  customerId: 'C1',
  amountCents: 10000,
  openCents: 10000,
  currency: 'EUR',
  issueDate: '2026-01-01',
  dueDate: '2026-01-31',
  status: 'open',
  version: 0,
  ...over,
});

describe('balance âgée (aged balance)', () => {
  it.each([
    ['2026-03-31', 'not_due'],
    ['2026-03-30', 'd1_30'],
    ['2026-03-01', 'd1_30'],
    ['2026-02-28', 'd31_60'],
    ['2026-01-30', 'd31_60'],
    ['2026-01-29', 'd61_90'],
    ['2025-12-31', 'd61_90'],
    ['2025-12-30', 'over_90'],
  ])('due %s is in bucket %s on 2026-03-31', (due, bucket) => {
    expect(bucketOf(due, '2026-03-31')).toBe(bucket);
  });

  it('sums open amounts per customer and in total, leaving out paid, written-off and other currencies', () => {
    const report = agedBalance({
      asOf: '2026-03-31',
      customerNames: new Map([
        ['C1', 'Boulangerie Dupont'],
        ['C2', 'Garage Martin'],
      ]),
      invoices: [
        inv('A', { dueDate: '2026-04-15', openCents: 5000 }),
        inv('B', { dueDate: '2026-03-15', openCents: 2500, status: 'partially_paid' }),
        inv('C', { customerId: 'C2', dueDate: '2025-11-30', openCents: 90000, status: 'in_collection' }),
        inv('D', { dueDate: '2026-01-15', openCents: 0, status: 'paid' }),
        inv('E', { dueDate: '2026-01-15', openCents: 700, status: 'written_off' }),
        inv('F', { dueDate: '2026-01-15', currency: 'USD' }),
        inv('G', { issueDate: '2026-04-02', dueDate: '2026-05-02' }),
      ],
    });
    expect(report.customers).toEqual([
      {
        customerId: 'C2',
        customerName: 'Garage Martin',
        invoiceCount: 1,
        buckets: { not_due: 0, d1_30: 0, d31_60: 0, d61_90: 0, over_90: 90000 },
        totalCents: 90000,
        disputedCents: 0,
      },
      {
        customerId: 'C1',
        customerName: 'Boulangerie Dupont',
        invoiceCount: 2,
        buckets: { not_due: 5000, d1_30: 2500, d31_60: 0, d61_90: 0, over_90: 0 },
        totalCents: 7500,
        disputedCents: 0,
      },
    ]);
    expect(report.total).toEqual({
      invoiceCount: 3,
      buckets: { not_due: 5000, d1_30: 2500, d31_60: 0, d61_90: 0, over_90: 90000 },
      totalCents: 97500,
      disputedCents: 0,
    });
  });

  it('names the other currencies owed, which it never sums with euros, so that finance asks for their balance', () => {
    const report = agedBalance({
      asOf: '2026-03-31',
      invoices: [
        inv('A', {}),
        inv('U', { currency: 'USD' }),
        inv('G', { currency: 'GBP', customerId: 'C2' }),
        inv('P', { currency: 'CHF', status: 'paid', openCents: 0 }),
      ],
    });
    expect(report.total.totalCents).toBe(10000);
    expect(report.otherCurrencies).toEqual(['GBP', 'USD']);
  });

  it('keeps a disputed invoice in its bucket and says how much of each line is disputed', () => {
    const dispute = { reason: 'dispute' as const, since: '2026-03-01T00:00:00.000Z' };
    const report = agedBalance({
      asOf: '2026-03-31',
      invoices: [
        inv('A', { dueDate: '2026-03-15', openCents: 2500, pause: dispute }),
        inv('B', { dueDate: '2026-01-15', openCents: 4000 }),
        inv('C', { customerId: 'C2', dueDate: '2025-11-30', openCents: 9000, status: 'in_collection', pause: dispute }),
      ],
    });
    expect(report.customers.map((c) => [c.customerId, c.totalCents, c.disputedCents])).toEqual([
      ['C2', 9000, 9000],
      ['C1', 6500, 2500],
    ]);
    expect(report.total).toMatchObject({
      buckets: { not_due: 0, d1_30: 2500, d31_60: 0, d61_90: 4000, over_90: 9000 },
      totalCents: 15500,
      disputedCents: 11500,
    });
  });

  it('opens in French Excel with French column names, the disputed share and the total row in its columns', () => {
    const report = agedBalance({
      asOf: '2026-03-31',
      customerNames: new Map([
        ['C1', 'Boulangerie Dupont'],
        ['C2', 'Garage Martin'],
      ]),
      invoices: [
        inv('A', { dueDate: '2026-04-15', openCents: 5000 }),
        inv('B', {
          dueDate: '2026-03-20',
          openCents: 2500,
          pause: { reason: 'dispute', since: '2026-03-25T08:00:00Z' },
        }),
        inv('C', { customerId: 'C2', dueDate: '2025-10-01', openCents: 90000 }),
      ],
    });
    expect(agedBalanceCsv(report)).toBe(
      '\uFEFFClient;Nom du client;Factures;Non échu;1 à 30 jours;31 à 60 jours;61 à 90 jours;Plus de 90 jours;Total;' +
        'Dont en litige;Devise;Date de la balance\r\n' +
        'C2;Garage Martin;1;0,00;0,00;0,00;0,00;900,00;900,00;0,00;EUR;2026-03-31\r\n' +
        'C1;Boulangerie Dupont;2;50,00;25,00;0,00;0,00;0,00;75,00;25,00;EUR;2026-03-31\r\n' +
        'TOTAL;;3;50,00;25,00;0,00;0,00;900,00;975,00;25,00;EUR;2026-03-31\r\n',
    );
  });

  it('writes customer ids and names that start like a formula as text, never as a formula', () => {
    const names = new Map([
      ['+33C', '=HYPERLINK("http://x.example","clic")'],
      ['C2', '@SUM(A1)'],
      ['C3', '-1+2'],
      ['C4', '\t=1+1'],
    ]);
    const csv = agedBalanceCsv(
      agedBalance({
        asOf: '2026-03-31',
        customerNames: names,
        invoices: [...names.keys()].map((c) => inv(c, { customerId: c })),
      }),
    );
    const cells = csv
      .split('\r\n')
      .slice(1, 5)
      .map((l) => l.split(';').slice(0, 2).join(';'));
    expect(cells).toEqual([
      `'+33C;"'=HYPERLINK(""http://x.example"",""clic"")"`,
      `C2;'@SUM(A1)`,
      `C3;'-1+2`,
      `C4;'\t=1+1`,
    ]);
  });

  it('quotes customer names holding a comma or a quote in the CSV', () => {
    const csv = agedBalanceCsv(
      agedBalance({ asOf: '2026-03-31', customerNames: new Map([['C1', 'Dupont, "fils"']]), invoices: [inv('A', {})] }),
    );
    expect(csv.split('\r\n')[1]).toBe('C1;"Dupont, ""fils""";1;0,00;0,00;100,00;0,00;0,00;100,00;0,00;EUR;2026-03-31');
  });
});

describe('DSO (délai moyen de recouvrement)', () => {
  it('is receivables over sales of the period times its days', () => {
    const report = dso({
      asOf: '2026-03-31',
      periodDays: 90,
      invoices: [
        inv('A', { issueDate: '2026-02-01', amountCents: 30000, openCents: 30000 }),
        inv('B', { issueDate: '2026-03-01', amountCents: 60000, openCents: 0, status: 'paid' }),
        inv('C', { issueDate: '2025-10-01', amountCents: 15000, openCents: 15000 }),
      ],
    });
    expect(report).toEqual({
      asOf: '2026-03-31',
      currency: 'EUR',
      periodDays: 90,
      receivablesCents: 45000,
      salesCents: 90000,
      dsoDays: 45,
    });
  });

  it('does not count as sales what a credit note cancelled: a credited invoice sold only what was paid of it', () => {
    const report = dso({
      asOf: '2026-03-31',
      periodDays: 90,
      invoices: [
        inv('A', { issueDate: '2026-02-01', amountCents: 30000, openCents: 30000 }),
        inv('X', { issueDate: '2026-02-10', amountCents: 50000, openCents: 0, status: 'credited' }),
        inv('Y', {
          issueDate: '2026-03-01',
          amountCents: 40000,
          openCents: 0,
          status: 'credited',
          receivedCents: 10000,
        }),
      ],
    });
    // receivables 300,00 over sales 300,00 + 100,00 for 90 days: 67.5 days (not 300 / 1200 x 90 = 22.5)
    expect(report).toMatchObject({ receivablesCents: 30000, salesCents: 40000, dsoDays: 67.5 });
  });

  it('is null, not infinite, when nothing was invoiced in the period', () => {
    expect(dso({ asOf: '2026-03-31', invoices: [inv('C', { issueDate: '2025-01-01' })] }).dsoDays).toBeNull();
  });
});

describe('payer score', () => {
  const settled = (due: string, paid: string, id = `${due}-${paid}`) => ({
    invoiceId: id,
    dueDate: due,
    paidDate: paid,
    amountCents: 1000,
  });

  it('reports average days late, share paid on time and a worsening trend', () => {
    const score = payerScore({
      customerId: 'C1',
      settled: [
        settled('2026-01-10', '2026-01-08'),
        settled('2026-02-10', '2026-02-10'),
        settled('2026-03-10', '2026-03-12'),
        settled('2026-04-10', '2026-04-30'),
        settled('2026-05-10', '2026-06-09'),
      ],
      overdueCents: 2500,
    });
    expect(score).toEqual({
      customerId: 'C1',
      sampleSize: 5,
      averageDaysLate: 10.4,
      averageDelayDays: 10,
      onTimeShare: 0.4,
      trend: 'worsening',
      overdueCents: 2500,
    });
  });

  it('sees an improving payer', () => {
    const score = payerScore({
      customerId: 'C1',
      settled: [
        settled('2026-01-10', '2026-02-10'),
        settled('2026-02-10', '2026-03-01'),
        settled('2026-03-10', '2026-03-10'),
        settled('2026-04-10', '2026-04-09'),
      ],
    });
    expect(score.trend).toBe('improving');
  });

  it('says unknown rather than invent a score without history', () => {
    expect(payerScore({ customerId: 'C9', settled: [] })).toEqual({
      customerId: 'C9',
      sampleSize: 0,
      averageDaysLate: null,
      averageDelayDays: null,
      onTimeShare: null,
      trend: 'unknown',
      overdueCents: 0,
    });
  });
});

describe('cash-in forecast by week', () => {
  it('counts a promised invoice once, in the week of its promise and not also in that of its due date', () => {
    const promise = { reason: 'promise' as const, since: '2026-03-20T09:00:00.000Z', until: '2026-04-22' };
    const f = cashInForecast({
      asOf: '2026-03-31',
      weeks: 4,
      averageDelayDays: new Map(),
      invoices: [
        inv('P', { dueDate: '2026-04-01', openCents: 700, status: 'partially_paid', pause: promise }),
        inv('Q', { dueDate: '2026-04-01', openCents: 0, status: 'paid' }),
      ],
    });
    expect(f.weeks.map((w) => [w.weekStart, w.expectedCents, w.invoiceCount])).toEqual([
      ['2026-03-30', 0, 0],
      ['2026-04-06', 0, 0],
      ['2026-04-13', 0, 0],
      ['2026-04-20', 700, 1],
    ]);
    expect(f.laterCents).toBe(0);
  });

  it('weeks start on Monday', () => {
    expect(mondayOf('2026-03-31')).toBe('2026-03-30');
    expect(mondayOf('2026-03-29')).toBe('2026-03-23');
    expect(mondayOf('2026-03-30')).toBe('2026-03-30');
  });

  it(
    'shifts due dates by each customer observed delay, dates promises, counts the agency’s cases and keeps disputed ' +
      'and paused invoices apart',
    () => {
      const f = cashInForecast({
        asOf: '2026-03-31',
        weeks: 3,
        averageDelayDays: new Map([['SLOW', 10]]),
        invoices: [
          inv('late', { dueDate: '2026-02-15', openCents: 100 }),
          inv('due', { dueDate: '2026-04-08', openCents: 200 }),
          inv('slow', { customerId: 'SLOW', dueDate: '2026-04-04', openCents: 400 }),
          inv('promised', {
            dueDate: '2026-02-01',
            openCents: 800,
            pause: { reason: 'promise', since: '2026-03-01T00:00:00.000Z', until: '2026-04-14' },
          }),
          inv('far', { dueDate: '2026-06-30', openCents: 1600 }),
          inv('disputed', { openCents: 3200, pause: { reason: 'dispute', since: '2026-03-01T00:00:00.000Z' } }),
          inv('agency', { openCents: 6400, status: 'in_collection' }),
          inv('held', { openCents: 12800, pause: { reason: 'manual', since: '2026-03-01T00:00:00.000Z' } }),
          inv('paid', { openCents: 0, status: 'paid' }),
        ],
      });
      expect(f.weeks).toEqual([
        { weekStart: '2026-03-30', expectedCents: 6500, invoiceCount: 2 },
        { weekStart: '2026-04-06', expectedCents: 200, invoiceCount: 1 },
        { weekStart: '2026-04-13', expectedCents: 1200, invoiceCount: 2 },
      ]);
      expect(f.laterCents).toBe(1600);
      expect(f.excluded).toEqual({ disputedCents: 3200, pausedCents: 12800 });
      expect(f.inCollectionCents).toBe(6400);
    },
  );
});
