import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeStatementFile } from '../../functions/core/statements';
import { cfonbStatement, payerEntry } from '../fixtures/statement-builders';

const root = join(__dirname, '..', '..');
const fixtures = join(root, 'test', 'fixtures', 'recon');
const launcher = join(root, 'bin', 'recon.mjs');

function recon(...args: string[]) {
  const r = spawnSync(process.execPath, [launcher, ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const truth = JSON.parse(readFileSync(join(fixtures, 'truth.json'), 'utf8')) as {
  index: number;
  category: string;
  allocations: { invoiceId: string; amountCents: number }[];
}[];

describe('recon match --json', () => {
  const run = recon(
    'match',
    '--invoices',
    join(fixtures, 'invoices.csv'),
    '--statement',
    join(fixtures, 'statement.xml'),
    '--json',
  );

  it('exits 0 and prints exactly one JSON object', () => {
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
    expect(() => JSON.parse(run.stdout)).not.toThrow();
  });

  it('has one transaction per statement entry, in file order, with the documented shape', () => {
    const { transactions } = JSON.parse(run.stdout);
    expect(transactions).toHaveLength(truth.length);
    transactions.forEach((t: Record<string, unknown>, i: number) => {
      expect(t.index).toBe(i);
      expect(typeof t.id).toBe('string');
      expect(t.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(t.amount).toMatch(/^-?\d+\.\d{2}$/);
      expect(['matched', 'suggested', 'unmatched', 'ignored']).toContain(t.status);
      expect(Array.isArray(t.allocations)).toBe(true);
      expect(Array.isArray(t.suggestions)).toBe(true);
      expect(typeof t.confidence).toBe('number');
      expect(Array.isArray(t.reasons)).toBe(true);
      if (t.status !== 'matched') expect(t.allocations).toEqual([]);
    });
  });

  it('letters the customer receipts of the fixture and signs amounts (credits positive)', () => {
    const { transactions } = JSON.parse(run.stdout);
    const debit = transactions.find((t: { amount: string }) => t.amount.startsWith('-'));
    expect(debit.status).toBe('ignored');
    const paid = truth.filter((t) => t.allocations.length > 0 && t.category !== 'ambiguous');
    for (const t of paid) {
      const got = transactions[t.index];
      expect(got.status).toBe('matched');
      expect(
        got.allocations.map((a: { invoiceId: string; amount: string }) => `${a.invoiceId}=${a.amount}`).sort(),
      ).toEqual(t.allocations.map((a) => `${a.invoiceId}=${(a.amountCents / 100).toFixed(2)}`).sort());
    }
  });
});

describe('recon match on a large statement', () => {
  it('reads it on a worker thread (ids included) and answers as for the same entries read on the main thread', () => {
    // the fixture's entries followed by a comment of 2.1 MB: over the size from which the worker reads the statement
    const xml = readFileSync(join(fixtures, 'statement.xml'), 'utf8');
    const large = join(mkdtempSync(join(tmpdir(), 'recon-large-')), 'statement.xml');
    writeFileSync(large, `${xml.trimEnd()}\n<!-- ${'x'.repeat(2_100_000)} -->\n`);
    const read = (statement: string) =>
      recon('match', '--invoices', join(fixtures, 'invoices.csv'), '--statement', statement, '--json');
    const small = read(join(fixtures, 'statement.xml'));
    const big = read(large);
    expect(big.code).toBe(0);
    expect(big.stdout).toBe(small.stdout);
  });
});

describe('recon match on every statement format', () => {
  it.each([
    ['cfonb120', 'statement.cfo'],
    ['camt053', 'statement.xml'],
    ['mt940', 'statement.sta'],
    ['ofx', 'statement.ofx'],
    ['csv', 'statement.csv'],
  ])('reads %s and gives the same decisions', (format, file) => {
    const r = recon(
      'match',
      '--invoices',
      join(fixtures, 'invoices.csv'),
      '--statement',
      join(fixtures, file),
      '--format',
      format,
      '--json',
    );
    expect(r.code).toBe(0);
    const statuses = JSON.parse(r.stdout).transactions.map((t: { status: string }) => t.status);
    expect(statuses).toHaveLength(truth.length);
    expect(statuses.filter((s: string) => s === 'matched').length).toBeGreaterThan(truth.length / 2);
  });
});

describe('recon match without --json', () => {
  it('prints a readable summary with counts and the auto-match rate', () => {
    const r = recon(
      'match',
      '--invoices',
      join(fixtures, 'invoices.csv'),
      '--statement',
      join(fixtures, 'statement.csv'),
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/matched automatically\s+\d+/);
    expect(r.stdout).toMatch(/auto-match rate/);
    expect(r.stdout).toMatch(/To review:/);
  });
});

describe('recon on input it cannot read', () => {
  const dir = mkdtempSync(join(tmpdir(), 'recon-e2e-'));

  it('names the missing file and exits non-zero', () => {
    const r = recon(
      'match',
      '--invoices',
      join(dir, 'nope.csv'),
      '--statement',
      join(fixtures, 'statement.xml'),
      '--json',
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/nope\.csv.*no such file/);
    expect(r.stdout).toBe('');
  });

  it('names the line and column of a bad invoice row', () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(
      bad,
      'invoice_id,customer_id,customer_name,customer_iban,amount,currency,issue_date,due_date\nF1,C1,Dupont ' +
        'SARL,,12.50,EUR,2024-01-10,2024-02-09\nF2,C1,Dupont SARL,,12;50,EUR,2024-01-10,2024-02-09\n',
    );
    const r = recon('match', '--invoices', bad, '--statement', join(fixtures, 'statement.xml'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/line 3, column amount/);
  });

  it('refuses a statement in no known format', () => {
    const junk = join(dir, 'junk.txt');
    writeFileSync(junk, 'hello, this is not a bank statement\n');
    const r = recon('match', '--invoices', join(fixtures, 'invoices.csv'), '--statement', junk, '--json');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/unknown statement format/);
  });

  it('explains its usage on a wrong option', () => {
    const r = recon('match', '--bogus');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/usage/);
  });
});

describe('recon parse', () => {
  it('prints the normalized statement as JSON', () => {
    const r = recon('parse', join(fixtures, 'statement.sta'), '--json');
    expect(r.code).toBe(0);
    const parsed = JSON.parse(r.stdout);
    expect(parsed.format).toBe('mt940');
    expect(parsed.statements[0].entries).toHaveLength(truth.length);
  });

  it('describes how a file was read, for a person', () => {
    const r = recon('parse', join(fixtures, 'statement.cfo'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/cfonb120/);
  });
});

describe('recon match --json on a payment returned in the same file', () => {
  it('names, on the payment left unlettered, the return that gives it back', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recon-returned-'));
    const payer = { counterpartyName: 'FERME LOZERE', counterpartyIban: 'FR7630004000031234567890143' };
    const statement = cfonbStatement('2026-11-26', [
      payerEntry(payer, 0, '2026-11-25', 500_00, 'VIR SEPA FERME LOZERE', ['PAIEMENT FACTURE']),
      payerEntry(payer, 1, '2026-11-26', -500_00, 'REJET VIR SEPA FERME LOZERE', ['MOTIF AC04']),
    ]);
    writeFileSync(join(dir, 'releve.cfo'), writeStatementFile('cfonb120', [statement]));
    writeFileSync(
      join(dir, 'invoices.csv'),
      'invoice_id,customer_id,customer_name,customer_iban,amount,currency,issue_date,due_date\n' +
        `LZ-0001,C-LOZERE,Ferme Lozère EARL,${payer.counterpartyIban},500.00,EUR,2026-10-01,2026-10-31\n` +
        `LZ-0002,C-LOZERE,Ferme Lozère EARL,${payer.counterpartyIban},500.00,EUR,2026-10-01,2026-11-15\n`,
    );
    const r = recon('match', '--invoices', join(dir, 'invoices.csv'), '--statement', join(dir, 'releve.cfo'), '--json');
    expect(r.code).toBe(0);
    const [credit, back] = JSON.parse(r.stdout).transactions;
    expect(credit).toMatchObject({ status: 'ignored', allocations: [], suggestions: [], returnedBy: back.id });
    expect(back).toMatchObject({ status: 'ignored', givesBack: credit.id });
    expect(back.returnedBy).toBeUndefined();
  });
});
