// npm run bench:limit: the peak RSS of parsing a statement file of the ingest's size limit, per format, for realistic
// entries, for the smallest entries the writers make, and for CSV the shortest rows a bank could send (the most entries
// per byte: the worst case for memory).
// Each parse runs in its own child process (bench/parse-child.ts) so its peak RSS (getrusage maxRSS) is its own.
// BENCH_LIMIT_BYTES (default: the ingest's default limit), BENCH_FORMATS=cfonb120,csv to narrow it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_STATEMENT_MAX_BYTES } from '../functions/adapters/config';
import { addDays } from '../functions/core/dates';
import type { Statement } from '../functions/core/model/statement';
import { WRITABLE_FORMATS, type WritableFormat, writeStatementFile } from '../functions/core/statements/index';
import { corpus } from './parse-corpus';

const LIMIT = Number(process.env.BENCH_LIMIT_BYTES ?? DEFAULT_STATEMENT_MAX_BYTES);
const FORMATS = (process.env.BENCH_FORMATS?.split(',') as WritableFormat[] | undefined) ?? [...WRITABLE_FORMATS];
const child = fileURLToPath(new URL('./parse-child.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'encaisse-limit-'));

/** Entries as short as a bank could write them: one-letter label, no remittance, a one-cent amount. */
function minimal(count: number): Statement[] {
  const perStatement = 5000;
  const statements: Statement[] = [];
  for (let s = 0, index = 0; index < count; s++) {
    const n = Math.min(perStatement, count - index);
    const date = addDays('2024-01-02', s);
    const entries = Array.from({ length: n }, () => ({
      index: index++,
      bookingDate: date,
      amountCents: 1,
      currency: 'EUR',
      bankCodes: [],
      label: 'X',
      remittance: { unstructured: [], structured: [] },
      reversal: false,
      raw: [],
    }));
    statements.push({
      format: 'cfonb120',
      account: {
        iban: 'FR7630003012340001234567854',
        bankCode: '30003',
        branchCode: '01234',
        accountNumber: '00012345678',
      },
      currency: 'EUR',
      periodStart: date,
      periodEnd: date,
      openingBalanceCents: 0,
      closingBalanceCents: n,
      entries,
      balanceCheck: { status: 'ok' },
    });
  }
  return statements;
}

type Shape = 'realistic' | 'minimal' | 'shortest';

/** The shortest CSV a bank could send: date, one-letter label, amount; about 18 bytes a row. */
function shortestCsv(): string {
  const row = '02/01/2026;X;0,01\n';
  const header = 'Date;Libelle;Montant\n';
  return header + row.repeat(Math.floor((LIMIT - header.length) / row.length));
}

/** A file of the format as close to the limit as the entry size allows (never above). */
function fileOf(format: WritableFormat, shape: Shape): { path: string; bytes: number } {
  if (shape === 'shortest') {
    const path = join(dir, 'csv-shortest');
    writeFileSync(path, shortestCsv());
    return { path, bytes: LIMIT };
  }
  const make = (n: number) => writeStatementFile(format, shape === 'realistic' ? corpus(n, 42) : minimal(n));
  const perEntry = Buffer.byteLength(make(1000)) / 1000;
  let count = Math.floor(LIMIT / perEntry);
  let text = make(count);
  while (Buffer.byteLength(text) > LIMIT) text = make((count = Math.floor(count * 0.98)));
  const path = join(dir, `${format}-${shape}`);
  writeFileSync(path, text);
  return { path, bytes: Buffer.byteLength(text) };
}

console.log(
  `limit ${LIMIT} bytes; load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} on ${cpus().length} CPUs\n`,
);
console.log('| format | entries | file MB | count | CPU s | peak RSS MB |');
console.log('|---|---|---:|---:|---:|---:|');
try {
  for (const format of FORMATS) {
    for (const shape of (format === 'csv'
      ? ['realistic', 'minimal', 'shortest']
      : ['realistic', 'minimal']) as Shape[]) {
      const file = fileOf(format, shape);
      const run = spawnSync(process.execPath, ['--import', 'tsx', child, file.path], {
        encoding: 'utf8',
        maxBuffer: 1 << 20,
      });
      rmSync(file.path);
      if (run.status !== 0) {
        console.log(
          `| ${format} | ${shape} | ${(file.bytes / 1e6).toFixed(1)} | failed: ` +
            `${run.stderr.split('\n').slice(0, 2).join(' ')} | | |`,
        );
        continue;
      }
      const r = JSON.parse(run.stdout) as { bytes: number; cpuSeconds: number; entries: number; peakRssMb: number };
      console.log(
        `| ${format} | ${shape} | ${(r.bytes / 1e6).toFixed(1)} | ${r.entries} | ${r.cpuSeconds.toFixed(1)} | ` +
          `${r.peakRssMb.toFixed(0)} |`,
      );
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
