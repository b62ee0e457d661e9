import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvMoney, csvText, frenchSpreadsheet, writeCsv } from '../../../functions/core/csv';
import type { Invoice } from '../../../functions/core/model';
import { agedBalance, agedBalanceCsv } from '../../../functions/core/reports';

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

/** Splits one CSV line written by writeCsv back into cells (RFC 4180 quotes). */
function cells(line: string, separator = ','): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let v = '';
      i++;
      for (;;) {
        if (line[i] === '"' && line[i + 1] === '"') {
          v += '"';
          i += 2;
        } else if (line[i] === '"') break;
        else v += line[i++];
      }
      out.push(v);
      i += 2;
    } else {
      const end = line.indexOf(separator, i);
      out.push(line.slice(i, end < 0 ? line.length : end));
      i = end < 0 ? line.length + 1 : end + 1;
    }
  }
  return out;
}

describe('CSV exports are safe to open in a spreadsheet (formula injection)', () => {
  it.each(['=HYPERLINK("http://evil.example","clic")', '+33 1 23', '-2+3', '@SUM(A1)', '\tcmd', '\rcmd'])(
    'a customer name %j comes out as text behind a quote',
    (name) => {
      const csv = agedBalanceCsv(
        agedBalance({ asOf: '2026-03-31', customerNames: new Map([['C1', name]]), invoices: [inv('A', {})] }),
      );
      const [, line] = csv.split('\r\n');
      expect(cells(line, ';')[1]).toBe(`'${name}`);
    },
  );

  it('neutralises a customer id starting with a formula character too', () => {
    const csv = agedBalanceCsv(agedBalance({ asOf: '2026-03-31', invoices: [inv('A', { customerId: '=1+1' })] }));
    expect(csv.split('\r\n')[1].startsWith("'=1+1;")).toBe(true);
  });

  it('keeps negative amounts as numbers: only text cells are neutralised', () => {
    expect(writeCsv(['a', 'b', 'c'], [[{ text: '-5' }, { money: -1250 }, { count: 3 }]])).toBe(
      "a,b,c\r\n'-5,-12.50,3\r\n",
    );
  });

  it('any text survives a write and a read back, with at most a leading quote added', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const [back] = cells(csvText(s));
        expect(back).toBe(/^[=+\-@\t\r]/.test(s) ? `'${s}` : s);
        expect(/^[=+\-@\t\r]/.test(back)).toBe(false);
      }),
    );
  });
});

describe('CSV amounts never fail an export', () => {
  it('an amount past 2^53 cents is written, not thrown (the aged balance answered 500 to everyone)', () => {
    const report = agedBalance({
      asOf: '2026-03-31',
      invoices: [
        inv('A', { amountCents: 2 ** 53 - 1, openCents: 2 ** 53 - 1 }),
        inv('B', { amountCents: 2 ** 53 - 1, openCents: 2 ** 53 - 1 }),
      ],
    });
    const csv = agedBalanceCsv(report);
    expect(csv.split('\r\n')[1]).toContain('180143985094819,82');
  });

  it.each([
    [0, '0.00'],
    [5, '0.05'],
    [-5, '-0.05'],
    [-364810, '-3648.10'],
    [1e13, '100000000000.00'],
    [Number.NaN, ''],
  ])('%s cents are written %j', (cents, text) => {
    expect(csvMoney(cents)).toBe(text);
  });
});

describe('the French spreadsheet dialect (what French Excel opens without an import wizard)', () => {
  it('separates with semicolons, writes a decimal comma, starts with a UTF-8 BOM and quotes a cell holding ;', () => {
    const csv = writeCsv(['name', 'amount'], [[{ text: 'Durand; fils' }, { money: -364810 }]], frenchSpreadsheet);
    expect(csv).toBe('\uFEFFname;amount\r\n"Durand; fils";-3648,10\r\n');
  });
});
