import { describe, expect, it } from 'vitest';
import {
  type Booking,
  defaultBooksAccounts,
  ExportOrderError,
  firstBusinessDayOfMonth,
  type LetteredReceipt,
  planPeriodExport,
  receiptBooking,
  receiptBookings,
  renderBooks,
  writeOffBooking,
} from '../../../functions/core/books';
import { fecColumns, parseFec } from '../../../functions/core/imports';

const accounts = defaultBooksAccounts;
const journal = { code: accounts.journalCode, label: accounts.journalLabel };
const names = new Map([
  ['CDUPONT', 'Boulangerie Dupont'],
  ['CMARTIN', 'Garage Martin'],
]);
const receipt = (
  r: Partial<LetteredReceipt> & Pick<LetteredReceipt, 'transactionId' | 'bookingDate' | 'allocations'>,
) => receiptBooking(r, accounts, names);

const dupontPaid = receipt({
  transactionId: 't1',
  bookingDate: '2026-11-05',
  bankReference: 'VIR123',
  allocations: [{ invoiceId: 'FA001', customerId: 'CDUPONT', amountCents: 119_500, writeOffCents: 500 }],
});
const martinPart = receipt({
  transactionId: 't2',
  bookingDate: '2026-11-20',
  allocations: [{ invoiceId: 'FA002', customerId: 'CMARTIN', amountCents: 10_000, writeOffCents: 0 }],
  credit: undefined,
});
const martinOver = receipt({
  transactionId: 't3',
  bookingDate: '2026-11-28',
  allocations: [{ invoiceId: 'FA003', customerId: 'CMARTIN', amountCents: 5_000, writeOffCents: 0 }],
  credit: { customerId: 'CMARTIN', amountCents: 700 },
});
/** What the invoices of these receipts amount to (FA002, 360,00, is only paid in part). */
const invoiceAmounts = new Map([
  ['FA001', 120_000],
  ['FA002', 36_000],
  ['FA003', 5_000],
  ['FA005', 4_200],
]);
const november = (current: Booking[], today = '2026-12-01') =>
  planPeriodExport({ period: '2026-11', today, journalCode: 'BQ', current, previous: [], invoiceAmounts });

function rows(file: string) {
  return file
    .replace(/\r\n$/, '')
    .split('\r\n')
    .slice(1)
    .map((l) => Object.fromEntries(l.split('\t').map((v, i) => [fecColumns[i], v])));
}
const cents = (s: string) => Number(s.replace(',', ''));

describe('FEC export of what encaisse lettered', () => {
  it(
    'books each receipt in the bank journal: bank debited, the customer credited and lettered, bank fees and ' +
      'overpayment to their own accounts',
    () => {
      const file = renderBooks(november([dupontPaid, martinPart, martinOver]), 'fec', journal);
      const lines = rows(file);
      expect(file.split('\r\n')[0].split('\t')).toEqual([...fecColumns]);
      expect(lines.filter((l) => l.EcritureNum === 'BQ202611-00001')).toEqual([
        expect.objectContaining({
          JournalCode: 'BQ',
          CompteNum: '512000',
          Debit: '1195,00',
          Credit: '0,00',
          EcritureDate: '20261105',
          PieceRef: 'VIR123',
        }),
        expect.objectContaining({
          CompteNum: '411000',
          CompAuxNum: 'CDUPONT',
          CompAuxLib: 'Boulangerie Dupont',
          Credit: '1200,00',
          PieceRef: 'FA001',
          EcritureLet: 'FA001',
          DateLet: '20261105',
        }),
        expect.objectContaining({ CompteNum: '627000', Debit: '5,00' }),
      ]);
      expect(lines.find((l) => l.CompteNum === '419100')).toMatchObject({
        CompAuxNum: 'CMARTIN',
        Credit: '7,00',
        EcritureNum: 'BQ202611-00003',
      });
      for (const num of new Set(lines.map((l) => l.EcritureNum))) {
        const entry = lines.filter((l) => l.EcritureNum === num);
        expect(entry.reduce((s, l) => s + cents(l.Debit), 0)).toBe(entry.reduce((s, l) => s + cents(l.Credit), 0));
      }
      expect(lines.every((l) => Object.keys(l).length === 18)).toBe(true);
    },
  );

  it('gives the same bytes when the same month is exported again, whatever the order of its inputs', () => {
    const a = renderBooks(november([dupontPaid, martinPart, martinOver]), 'fec', journal);
    const b = renderBooks(november([martinOver, dupontPaid, martinPart]), 'fec', journal);
    expect(b).toBe(a);
  });

  it('reverses in the next month an allocation undone after its export, leaving the exported month as it was', () => {
    const nov = november([dupontPaid, martinPart]);
    const before = renderBooks(nov, 'fec', journal);
    const dec = planPeriodExport({
      period: '2026-12',
      today: '2027-01-04',
      journalCode: 'BQ',
      current: [dupontPaid],
      previous: [nov],
    });
    expect(renderBooks(nov, 'fec', journal)).toBe(before);
    expect(dec.entries).toEqual([
      { num: 'BQ202612-00001', date: '2026-12-01', action: 'reverse', booking: martinPart },
    ]);
    const reversal = rows(renderBooks(dec, 'fec', journal));
    expect(reversal.map((l) => [l.CompteNum, l.Debit, l.Credit, l.EcritureLet])).toEqual([
      ['512000', '0,00', '100,00', ''],
      ['411000', '100,00', '0,00', ''],
    ]);
    expect(reversal[1].EcritureLib).toBe('Annulation Règlement facture FA002');
  });

  it(
    'reverses and books again a receipt lettered otherwise after its export, and books a late-lettered one on the ' +
      'month’s first day',
    () => {
      const nov = november([dupontPaid]);
      const relettered = receipt({
        transactionId: 't1',
        bookingDate: '2026-11-05',
        bankReference: 'VIR123',
        allocations: [{ invoiceId: 'FA009', customerId: 'CDUPONT', amountCents: 119_500, writeOffCents: 0 }],
      });
      const late = receipt({
        transactionId: 't4',
        bookingDate: '2026-11-30',
        allocations: [{ invoiceId: 'FA004', customerId: 'CDUPONT', amountCents: 100, writeOffCents: 0 }],
      });
      const dec = planPeriodExport({
        period: '2026-12',
        today: '2027-01-04',
        journalCode: 'BQ',
        current: [relettered, late],
        previous: [nov],
      });
      expect(dec.entries.map((e) => [e.num, e.date, e.action, e.booking.sourceId])).toEqual([
        ['BQ202612-00001', '2026-12-01', 'reverse', 't1'],
        ['BQ202612-00002', '2026-12-01', 'book', 't1'],
        ['BQ202612-00003', '2026-12-01', 'book', 't4'],
      ]);
      expect(
        planPeriodExport({
          period: '2026-12',
          today: '2027-01-04',
          journalCode: 'BQ',
          current: [dupontPaid],
          previous: [nov],
        }).entries,
      ).toEqual([]);
    },
  );

  it('refuses a month earlier than one already exported, and marks the running month provisional', () => {
    const dec = planPeriodExport({
      period: '2026-12',
      today: '2027-01-04',
      journalCode: 'BQ',
      current: [],
      previous: [],
    });
    expect(() =>
      planPeriodExport({ period: '2026-11', today: '2027-01-04', journalCode: 'BQ', current: [], previous: [dec] }),
    ).toThrow(ExportOrderError);
    expect(november([], '2026-11-15').status).toBe('provisional');
    expect(november([]).status).toBe('closed');
  });

  it('books a write-off to the bad-debt account, lettered to its invoice', () => {
    const w = writeOffBooking(
      { sourceId: 'w1', invoiceId: 'FA005', customerId: 'CDUPONT', date: '2026-11-10', amountCents: 4_200 },
      accounts,
      names,
    );
    const lines = rows(renderBooks(november([w]), 'fec', journal));
    expect(lines.map((l) => [l.CompteNum, l.Debit, l.Credit, l.EcritureLet])).toEqual([
      ['654000', '42,00', '0,00', ''],
      ['411000', '0,00', '42,00', 'FA005'],
    ]);
  });

  it(
    'books the whole cash of a credit a manual match allocated in part: the bank account for all of it, the rest ' +
      'to the suspense account',
    () => {
      const part = receipt({
        transactionId: 't5',
        bookingDate: '2026-11-12',
        amountCents: 100_000,
        allocations: [{ invoiceId: 'FA004', customerId: 'CDUPONT', amountCents: 60_000, writeOffCents: 0 }],
      });
      const lines = rows(renderBooks(november([part]), 'fec', journal));
      expect(lines.map((l) => [l.CompteNum, l.CompteLib, l.Debit, l.Credit])).toEqual([
        ['512000', 'Banque', '1000,00', '0,00'],
        ['411000', 'Clients', '0,00', '600,00'],
        ['471000', 'Compte d’attente', '0,00', '400,00'],
      ]);
    },
  );

  it('leaves a foreign-currency receipt out of the books and lists it as left out', () => {
    const eur = { transactionId: 't6', bookingDate: '2026-11-13', currency: 'EUR', allocations: [] };
    const dkk = {
      transactionId: 't7',
      bookingDate: '2026-11-14',
      amountCents: 100_000,
      currency: 'DKK',
      allocations: [{ invoiceId: 'FA008', customerId: 'CMARTIN', amountCents: 60_000, writeOffCents: 0 }],
    };
    const out = receiptBookings(
      [{ ...eur, credit: { customerId: 'CMARTIN', amountCents: 700 } }, dkk],
      accounts,
      names,
    );
    expect(out.bookings.map((b) => b.sourceId)).toEqual(['t6']);
    expect(out.skipped).toEqual([
      { sourceId: 't7', date: '2026-11-14', currency: 'DKK', amountCents: 100_000, reason: 'foreign_currency' },
    ]);
  });

  it('letters no partial payment, and the payments that settle an invoice within the month on the last one', () => {
    const rest = receipt({
      transactionId: 't8',
      bookingDate: '2026-11-25',
      allocations: [{ invoiceId: 'FA002', customerId: 'CMARTIN', amountCents: 26_000, writeOffCents: 0 }],
    });
    const lettering = (exp: ReturnType<typeof november>) =>
      rows(renderBooks(exp, 'fec', journal))
        .filter((l) => l.CompteNum === '411000')
        .map((l) => [l.EcritureDate, l.Credit, l.EcritureLet, l.DateLet]);
    expect(lettering(november([martinPart]))).toEqual([['20261120', '100,00', '', '']]);
    expect(lettering(november([martinPart, rest]))).toEqual([
      ['20261120', '100,00', 'FA002', '20261125'],
      ['20261125', '260,00', 'FA002', '20261125'],
    ]);
    const dec = planPeriodExport({
      period: '2026-12',
      today: '2027-01-04',
      journalCode: 'BQ',
      current: [martinPart, { ...rest, date: '2026-12-03' }],
      previous: [november([martinPart])],
      invoiceAmounts,
    });
    expect(lettering(dec), 'the rest of an invoice paid in part in a frozen month').toEqual([
      ['20261203', '260,00', '', ''],
    ]);
  });

  it('writes the CSV variant with the same columns, ";" separated and quoted when a name holds one', () => {
    const odd = receiptBooking(
      {
        transactionId: 't9',
        bookingDate: '2026-11-02',
        allocations: [{ invoiceId: 'FA7', customerId: 'X', amountCents: 100, writeOffCents: 0 }],
      },
      accounts,
      new Map([['X', 'Dupont; Fils "SA"']]),
    );
    const csv = renderBooks(november([odd]), 'csv', journal);
    expect(csv.split('\r\n')[0]).toBe(fecColumns.join(';'));
    expect(csv).toContain(';"Dupont; Fils ""SA""";');
  });

  it('puts the monthly file on the first business day of the month (1 January and a weekend skipped)', () => {
    expect(firstBusinessDayOfMonth('2027-01-15', 'metropole')).toBe('2027-01-04');
    expect(firstBusinessDayOfMonth('2026-12-20', 'metropole')).toBe('2026-12-01');
    expect(firstBusinessDayOfMonth('2026-11-03', 'metropole')).toBe('2026-11-02');
  });

  it('in Alsace-Moselle puts it after a Good Friday that opens the month (1 April 2067, Easter Monday the 4th)', () => {
    expect(firstBusinessDayOfMonth('2067-04-20', 'alsace-moselle')).toBe('2067-04-05');
    expect(firstBusinessDayOfMonth('2067-04-20', 'metropole')).toBe('2067-04-01');
  });
});

describe('round trip through the project’s own FEC import', () => {
  const sale = (piece: string, aux: string, name: string, ttc: string) =>
    [
      'VT',
      'Ventes',
      piece,
      '20261001',
      '411000',
      'Clients',
      aux,
      name,
      piece,
      '20261001',
      `Facture ${piece}`,
      ttc,
      '0,00',
      '',
      '',
      '20261001',
      '',
      '',
    ].join('\t');
  const revenue = (piece: string, ht: string) =>
    [
      'VT',
      'Ventes',
      piece,
      '20261001',
      '706000',
      'Prestations',
      '',
      '',
      piece,
      '20261001',
      `Facture ${piece}`,
      '0,00',
      ht,
      '',
      '',
      '20261001',
      '',
      '',
    ].join('\t');
  const invoicesFec = `${[
    fecColumns.join('\t'),
    sale('FA001', 'CDUPONT', 'Boulangerie Dupont', '1200,00'),
    revenue('FA001', '1200,00'),
    sale('FA002', 'CMARTIN', 'Garage Martin', '360,00'),
    revenue('FA002', '360,00'),
    sale('FA003', 'CMARTIN', 'Garage Martin', '50,00'),
    revenue('FA003', '50,00'),
  ].join('\r\n')}\r\n`;

  it('sees the invoices the export lettered as closed and what is left of a partial payment as open', () => {
    const exported = renderBooks(november([dupontPaid, martinPart, martinOver]), 'fec', journal);
    const books = invoicesFec + exported.split('\r\n').slice(1).join('\r\n');
    const open = parseFec(books).rows.flatMap((r) => (r.ok ? [[r.record.invoiceId, r.record.amountCents]] : []));
    expect(open).toEqual([['FA002', 26_000]]);
    expect(parseFec(invoicesFec).rows.filter((r) => r.ok)).toHaveLength(3);
  });

  it('sees an invoice open again once the next export reverses its receipt', () => {
    const nov = november([dupontPaid]);
    const dec = planPeriodExport({
      period: '2026-12',
      today: '2027-01-04',
      journalCode: 'BQ',
      current: [],
      previous: [nov],
    });
    const body = (f: string) => f.split('\r\n').slice(1).join('\r\n');
    const books = invoicesFec + body(renderBooks(nov, 'fec', journal)) + body(renderBooks(dec, 'fec', journal));
    const open = parseFec(books).rows.flatMap((r) => (r.ok ? [r.record.invoiceId] : []));
    expect(open).toEqual(['FA001', 'FA002', 'FA003']);
  });
});
