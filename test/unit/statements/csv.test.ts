import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { amountOf } from '../../../functions/core/statements/csv-cells';
import { csvAmount, csvRecords } from '../../../functions/core/statements/csv-fields';
import {
  type CsvRecord,
  cellAt,
  cellsOf,
  csvRecordSplitter,
  rawOf,
} from '../../../functions/core/statements/csv-records';
import { parseStatementFile } from '../../../functions/core/statements/index';
import { collapse } from '../../../functions/core/statements/text';
import { parseError } from './errors';
import { bytes, fixture } from './helpers';

describe('French bank CSV exports, detected from their content', () => {
  it('latin-1, preamble lines, Débit/Crédit euros columns, a label spanning two lines in quotes', () => {
    const parsed = parseStatementFile(fixture('csv-ca-latin1.csv'));
    expect(parsed.format).toBe('csv');
    const [st] = parsed.statements;
    expect(st.account.iban).toBe('FR7618206000501234567890114');
    expect(st.entries.map((e) => [e.bookingDate, e.amountCents])).toEqual([
      ['2024-01-05', 120_000],
      ['2024-01-12', -34_218],
      ['2024-01-19', -750],
    ]);
    expect(st.entries[0].label).toBe('VIREMENT EN VOTRE FAVEUR BOULANGERIE MARTIN FACT 2023-118');
    expect(st.balanceCheck.status).toBe('not-applicable');
  });

  it('UTF-8 with BOM, comma separated, signed Montant with a decimal comma in quotes, value dates, Devise', () => {
    const [st] = parseStatementFile(fixture('csv-bom-montant-comma.csv')).statements;
    expect(st.entries.map((e) => e.amountCents)).toEqual([153_000, -6_235, 153_000]);
    expect(st.entries[1].valueDate).toBe('2024-02-05');
    expect(st.entries[0].label).toBe('VIR SEPA CLIENT DUBOIS FA-88');
    expect(st.currency).toBe('EUR');
  });

  it('tab separated with a Solde column, newest first: balances read back and checked', () => {
    const [st] = parseStatementFile(fixture('csv-tab-solde-desc.tsv')).statements;
    expect(st.openingBalanceCents).toBe(200_000);
    expect(st.closingBalanceCents).toBe(145_000);
    expect(st.balanceCheck).toEqual({ status: 'ok' });
    expect(st.entries[0].bookingDate).toBe('2024-03-10');
  });

  it('reports a running balance that does not add up (a missing row) as a mismatch', () => {
    const text =
      'Date;Libellé;Montant;Solde\n01/03/2024;A;100,00;1100,00\n02/03/2024;B;-50,00;1050,00\n04/03/2024;D;10,00;' +
      '1000,00\n';
    const [st] = parseStatementFile(bytes(text)).statements;
    expect(st.balanceCheck).toMatchObject({ status: 'mismatch', differenceCents: -6_000 });
  });

  it('says a file without a Solde column has no balance column, not that its balance column repeats a figure', () => {
    const [st] = parseStatementFile(bytes('Date;Libelle;Montant\n02/01/2024;A;10,00\n03/01/2024;B;-5,00\n')).statements;
    expect(st.balanceCheck).toEqual({ status: 'not-applicable', reason: 'no Solde (balance) column' });
  });

  it('reads every row when an unquoted label holds a double quote (ECRAN 24" SAMSUNG): it is a plain character', () => {
    const text =
      'Date;Libelle;Montant\r\n' +
      '02/01/2024;ECRAN 24" SAMSUNG;-199,00\r\n' +
      '03/01/2024;VIR ACME F-2024-0001;1500,00\r\n' +
      '04/01/2024;ECRAN 27" DELL;-250,00\r\n' +
      '05/01/2024;VIR BETA F-2024-0002;300,00\r\n';
    const [st] = parseStatementFile(bytes(text)).statements;
    expect(st.entries.map((e) => [e.bookingDate, e.amountCents, e.label])).toEqual([
      ['2024-01-02', -19_900, 'ECRAN 24" SAMSUNG'],
      ['2024-01-03', 150_000, 'VIR ACME F-2024-0001'],
      ['2024-01-04', -25_000, 'ECRAN 27" DELL'],
      ['2024-01-05', 30_000, 'VIR BETA F-2024-0002'],
    ]);
  });

  it('a Boursorama-style export: camelCase English headers, quoted cells, account number and balance columns', () => {
    const text = [
      'dateOp;dateVal;label;category;categoryParent;supplierFound;amount;accountNum;accountLabel;accountbalance',
      '2024-03-01;2024-03-02;"VIR SEPA DURAND";"Virements ' +
        'reçus";"Revenus";"durand";1250,00;00040123456;"BoursoBank";3250,00',
      '2024-03-03;2024-03-03;"CARTE 02/03 ' +
        'SNCF";"Transports";"Transports";"sncf";-89,50;00040123456;"BoursoBank";3160,50',
    ].join('\n');
    const [st] = parseStatementFile(bytes(text)).statements;
    expect(st.account.accountNumber).toBe('00040123456');
    expect(st.entries.map((e) => [e.bookingDate, e.valueDate, e.amountCents])).toEqual([
      ['2024-03-01', '2024-03-02', 125_000],
      ['2024-03-03', '2024-03-03', -8_950],
    ]);
    expect([st.openingBalanceCents, st.closingBalanceCents, st.balanceCheck.status]).toEqual([200_000, 316_050, 'ok']);
  });

  it('a Société Générale-style export: long French headers with apostrophes', () => {
    const text =
      "Date de l'opération;Libellé;Détail de l'écriture;Montant de l'opération;Devise\n15/01/2024;VIR RECU;DE: " +
      'MARTIN MOTIF: FA-2024-12;1 000,00;EUR\n';
    const [st] = parseStatementFile(bytes(text)).statements;
    expect(st.entries[0]).toMatchObject({
      amountCents: 100_000,
      label: 'VIR RECU',
      remittance: { unstructured: ['DE: MARTIN MOTIF: FA-2024-12'] },
    });
  });

  it('reads a file with no header through an explicit column mapping', () => {
    const parsed = parseStatementFile(fixture('csv-no-header.csv'), {
      csvMapping: {
        delimiter: '|',
        headerRow: -1,
        decimalSeparator: '.',
        currency: 'EUR',
        account: { iban: 'FR7630003012340001234567854' },
        columns: { bookingDate: 0, amount: 1, label: 2, bankReference: 3 },
      },
    });
    const [st] = parsed.statements;
    expect(st.account.iban).toBe('FR7630003012340001234567854');
    expect(st.entries.map((e) => [e.bookingDate, e.amountCents, e.label, e.bankReference])).toEqual([
      ['2024-04-01', 10_000, 'VIR CLIENT A', 'REF-A1'],
      ['2024-04-02', -2_050, 'FRAIS', 'REF-A2'],
    ]);
  });

  it('maps columns by header name, accents and case aside', () => {
    const text = 'Jour;Quoi;Combien\n13/01/2024;Vente;12,00\n';
    const [st] = parseStatementFile(bytes(text), {
      csvMapping: { columns: { bookingDate: 'jour', label: 'QUOI', amount: 'combien' } },
    }).statements;
    expect(st.entries[0]).toMatchObject({ bookingDate: '2024-01-13', label: 'Vente', amountCents: 1_200 });
  });

  it('without a recognizable header asks for a mapping; a bad amount or date names its line', () => {
    expect(parseError(fixture('csv-no-header.csv'), { format: 'csv' }).code).toBe('unknown_format');
    const badAmount = parseError(bytes('Date;Libellé;Montant\n13/01/2024;A;12,00\n14/01/2024;B;douze\n'));
    expect([badAmount.code, badAmount.line]).toEqual(['invalid_amount', 3]);
    const badDate = parseError(bytes('Date;Libellé;Montant\n31/02/2024;A;12,00\n'));
    expect([badDate.code, badDate.line]).toEqual(['invalid_date', 2]);
    const mapping = parseError(bytes('a;b;c\n'), {
      csvMapping: { columns: { bookingDate: 'date', amount: 'montant' } },
    });
    expect(mapping.code).toBe('missing_field');
  });
});

describe('CSV records read in place, cell by cell', () => {
  const char = fc.constantFrom(
    ';',
    '"',
    ' ',
    ' ',
    '\t',
    '\u00a0',
    '\u2003',
    '\r',
    '\n',
    '\r\n',
    'a',
    'é',
    '1',
    ',',
    '-',
  );
  const text = fc.array(char, { maxLength: 60 }).map((cs) => cs.join(''));

  it('gives every record the cells, lines and text the whole-text splitter gives, in any chunks', () => {
    fc.assert(
      fc.property(text, fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 4 }), (t, sizes) => {
        const seen: Array<{ cells: string[]; collapsed: string[]; line: number; raw: string }> = [];
        const splitter = csvRecordSplitter(';', (r) => {
          const cells = [...cellsOf(r)];
          seen.push({ cells, collapsed: cells.map((_, k) => cellAt(r, k)), line: r.line, raw: rawOf(r) });
        });
        for (let at = 0, i = 0; at < t.length; at += sizes[i++ % sizes.length])
          splitter.write(t.slice(at, at + sizes[i % sizes.length]));
        splitter.end();
        const expected = csvRecords(t, ';').map((r) => ({ ...r, collapsed: r.cells.map(collapse) }));
        expect(seen).toEqual(expected);
      }),
    );
  });

  it('reads a quote inside an unquoted cell as a plain character, and one opening a cell as a quoted cell', () => {
    // cells with a quote anywhere but first (after blanks), and quoted cells holding delimiters and line breaks
    const plain = fc
      .array(fc.constantFrom('a', '1', ' ', '"', 'é', '-'), { minLength: 1, maxLength: 8 })
      .map((cs) => cs.join(''))
      .filter((c) => !/^[ \t]*"/.test(c));
    const quoted = fc
      .array(fc.constantFrom('a', ';', '""', '\n', ' '), { maxLength: 6 })
      .map((cs) => ({ written: `"${cs.join('')}"`, read: cs.join('').replaceAll('""', '"') }));
    const cell = fc.oneof(
      plain.map((c) => ({ written: c, read: c })),
      quoted,
    );
    const rows = fc.array(fc.array(cell, { minLength: 2, maxLength: 4 }), { minLength: 1, maxLength: 5 });
    fc.assert(
      fc.property(rows, fc.integer({ min: 1, max: 9 }), (rs, size) => {
        const text = rs.map((r) => r.map((c) => c.written).join(';')).join('\r\n');
        const seen: string[][] = [];
        const splitter = csvRecordSplitter(';', (r) => seen.push([...cellsOf(r)]));
        for (let at = 0; at < text.length; at += size) splitter.write(text.slice(at, at + size));
        splitter.end();
        const expected = rs.map((r) => r.map((c) => c.read));
        expect(seen).toEqual(expected);
        expect(csvRecords(text, ';').map((r) => r.cells)).toEqual(expected);
      }),
    );
  });

  it('reads the common amounts in place and every other syntax as csvAmount does', () => {
    const amount = fc.oneof(
      fc.stringMatching(/^-?\d{1,14}([.,]\d{0,3})?$/),
      fc
        .array(fc.constantFrom('1', '0', '-', '+', ',', '.', ' ', '€', '(', ')', 'x'), { maxLength: 12 })
        .map((c) => c.join('')),
    );
    fc.assert(
      fc.property(amount, fc.constantFrom(',', '.', undefined), (raw, decimal) => {
        let record: CsvRecord | undefined;
        const splitter = csvRecordSplitter(';', (r) => {
          record ??= r;
        });
        splitter.write(`x;${raw}\n`);
        const outcome = (read: () => unknown) => {
          try {
            return read();
          } catch (e) {
            return (e as Error).message;
          }
        };
        expect(outcome(() => (record ? amountOf(record, [1], decimal, 1) : undefined))).toEqual(
          outcome(() => csvAmount(collapse(raw), decimal, 1)),
        );
      }),
    );
  });
});
