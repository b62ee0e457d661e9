import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const launcher = join(root, 'bin', 'recon.mjs');
const dir = mkdtempSync(join(tmpdir(), 'recon-errors-'));

function recon(...args: string[]) {
  const r = spawnSync(process.execPath, [launcher, ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// 115 bytes: two credits of 50,000 billion euros each, beyond the readers' bound on one amount (10^13 cents).
const huge = join(dir, 'geant.csv');
writeFileSync(
  huge,
  'Date;Libelle;Montant\n02/01/2026;VIR SEPA CLIENT A;50000000000000,00\n03/01/2026;VIR SEPA CLIENT ' +
    'B;50000000000000,00\n',
);
const invoices = join(dir, 'invoices.csv');
writeFileSync(
  invoices,
  'invoice_id,customer_id,customer_name,customer_iban,amount,currency,issue_date,due_date\nF1,C1,Client ' +
    'A,,10.00,EUR,2026-01-01,2026-01-31\n',
);

describe('recon names what is wrong with a statement it cannot read, never an "unexpected error"', () => {
  it('recon parse: amounts beyond any real booking, named with their line', () => {
    const run = recon('parse', huge);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^recon: cannot read statement ".*geant\.csv": amount beyond .*not a real booking \(line 2\)/,
    );
    expect(run.stderr).not.toMatch(/unexpected error|at \w+ \(/);
  });

  it('recon match: the same file', () => {
    const run = recon('match', '--invoices', invoices, '--statement', huge);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/cannot read statement ".*geant\.csv": amount beyond .*\(line 2\)/);
    expect(run.stderr).not.toMatch(/unexpected error/);
  });
});

describe('recon match on a large statement it cannot read (read in chunks on a worker thread)', () => {
  it('names the same fault as when the file is read whole, and never an "unexpected error"', () => {
    // over the 2 MB from which the worker reads the statement; the CSV's third line is cut off after its date
    const large = join(dir, 'grand.csv');
    const rest = '04/01/2026;VIR SEPA;1,00\n'.repeat(90_000);
    writeFileSync(large, `Date;Libelle;Montant\n02/01/2026;VIR SEPA CLIENT A;10,00\n03/01/2026;\n${rest}`);
    const whole = recon('parse', large);
    const chunked = recon('match', '--invoices', invoices, '--statement', large);
    expect(whole.code).toBe(1);
    expect(whole.stderr).toMatch(/^recon: cannot read statement ".*grand\.csv": .*line 3/);
    expect(chunked.code).toBe(1);
    expect(chunked.stderr).toBe(whole.stderr);
  });
});

describe('recon and a reader that stops reading (`recon ... | head`)', () => {
  it('ends quietly, with no error and exit code 0', () => {
    const statement = join(dir, 'long.csv');
    writeFileSync(statement, `Date;Libelle;Montant\n${'04/01/2026;VIR SEPA CLIENT A;1,00\n'.repeat(20_000)}`);
    const pipeline = `"${process.execPath}" "${launcher}" parse "${statement}" --json | head -c 100 >/dev/null`;
    const run = spawnSync('bash', ['-c', `${pipeline}; echo "\${PIPESTATUS[0]}"`], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('0');
  });
});
