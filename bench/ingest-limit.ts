// npm run bench:limit: the peak RSS of parsing a statement file of the ingest's size limit, per format, for realistic
// entries, for the smallest entries the writers make, and for CSV the shortest rows a bank could send (the most entries
// per byte: the worst case for memory).
// Each parse runs in its own child process (bench/parse-child.ts) so its peak RSS (getrusage maxRSS) is its own.
// BENCH_LIMIT_BYTES (default: the ingest's default limit), BENCH_FORMATS=cfonb120,csv to narrow it.
// Then the streamed read the ingest does (bench/stream-child.ts): a file of BENCH_STREAM_BYTES (default 200 MB) per
// format, read from disk in 64 KiB chunks through readStatementStream, in a process capped by
// --max-old-space-size=BENCH_HEAP_MB (default 400: what a 512 MB function leaves the heap). BENCH_PARTS=stream (or
// limit) runs one of the two tables; BENCH_MAX_ENTRIES (default: the ingest's statementMaxEntries default, or 'none')
// is the entry limit of the streamed read.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_STATEMENT_MAX_BYTES, DEFAULT_STATEMENT_MAX_ENTRIES } from '../functions/adapters/config';
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

const PARTS = process.env.BENCH_PARTS?.split(',') ?? ['limit', 'stream'];
const STREAM_BYTES = Number(process.env.BENCH_STREAM_BYTES ?? 200e6);
const HEAP_MB = Number(process.env.BENCH_HEAP_MB ?? 400);
const MAX_ENTRIES = process.env.BENCH_MAX_ENTRIES ?? String(DEFAULT_STATEMENT_MAX_ENTRIES);
const streamChild = fileURLToPath(new URL('./stream-child.ts', import.meta.url));

/**
 * The part of a written file that may be repeated and still make one valid file of several statements: the whole
 * file (CFONB, MT940), the Stmt elements (camt), the STMTTRNRS elements (OFX), the rows after the header (CSV, without
 * its running balance).
 */
function repeatable(format: WritableFormat, text: string): { head: string; unit: string; tail: string } {
  const cut = (open: string, close: string) => {
    const from = text.indexOf(open);
    const to = text.lastIndexOf(close) + close.length;
    return { head: text.slice(0, from), unit: text.slice(from, to), tail: text.slice(to) };
  };
  if (format === 'camt053') return cut('<Stmt>', '</Stmt>');
  if (format === 'ofx') return cut('<STMTTRNRS>', '</STMTTRNRS>');
  if (format === 'csv') {
    // without its running Solde (the last column), rows repeated are still a statement
    const rows = text.replace(/;[^;\n]*$/gm, '');
    const eol = rows.indexOf('\n') + 1;
    return { head: rows.slice(0, eol), unit: rows.slice(eol), tail: '' };
  }
  return { head: '', unit: text, tail: '' };
}

/**
 * Each statement closed at its opening balance by one more entry: repeated, its balances still add up (CSV's running
 * Solde too).
 */
function balanced(statements: Statement[]): Statement[] {
  let index = 0;
  return statements.map((st) => {
    const sum = st.entries.reduce((a, e) => a + e.amountCents, 0);
    const entries =
      sum === 0 ? st.entries : [...st.entries, { ...st.entries[st.entries.length - 1], amountCents: -sum }];
    return {
      ...st,
      entries: entries.map((e) => ({ ...e, index: index++ })),
      closingBalanceCents: st.openingBalanceCents,
    };
  });
}

/** A realistic file of about `bytes` (never above), written to disk piece by piece: a corpus statement repeated. */
function bigFileOf(format: WritableFormat, bytes: number): string {
  const { head, unit, tail } = repeatable(format, writeStatementFile(format, balanced(corpus(5000, 42))));
  const path = join(dir, `${format}-stream`);
  const fd = openSync(path, 'w');
  writeSync(fd, head);
  const times = Math.floor((bytes - Buffer.byteLength(head) - Buffer.byteLength(tail)) / Buffer.byteLength(unit));
  for (let i = 0; i < times; i++) writeSync(fd, unit);
  writeSync(fd, tail);
  closeSync(fd);
  return path;
}

function streamTable(): void {
  console.log(
    `\nstreamed: ${STREAM_BYTES / 1e6} MB per format, --max-old-space-size=${HEAP_MB}, entry limit ${MAX_ENTRIES}; ` +
      `load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}\n`,
  );
  console.log('| format | file MB | entries | outcome | CPU s | wall s | heap kept after, MB | peak RSS MB |');
  console.log('|---|---:|---:|---|---:|---:|---:|---:|');
  for (const format of FORMATS) {
    const path = bigFileOf(format, STREAM_BYTES);
    const run = spawnSync(
      process.execPath,
      [`--max-old-space-size=${HEAP_MB}`, '--expose-gc', '--import', 'tsx', streamChild, path, MAX_ENTRIES],
      { encoding: 'utf8', maxBuffer: 1 << 20 },
    );
    rmSync(path);
    if (run.status !== 0) {
      const why = /heap out of memory|Reached heap limit/.test(run.stderr)
        ? 'out of heap'
        : run.stderr.split('\n').slice(0, 2).join(' ');
      console.log(`| ${format} | ${(STREAM_BYTES / 1e6).toFixed(0)} | | failed: ${why} | | | | |`);
      continue;
    }
    const r = JSON.parse(run.stdout) as {
      bytes: number;
      cpuSeconds: number;
      seconds: number;
      entries: number;
      problem?: string;
      retainedHeapMb: number;
      peakRssMb: number;
    };
    console.log(
      `| ${format} | ${(r.bytes / 1e6).toFixed(1)} | ${r.entries} | ${r.problem ?? 'read'} | ` +
        `${r.cpuSeconds.toFixed(1)} | ${r.seconds.toFixed(1)} | ${r.retainedHeapMb.toFixed(0)} | ` +
        `${r.peakRssMb.toFixed(0)} |`,
    );
  }
}

console.log(
  `limit ${LIMIT} bytes; load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} on ${cpus().length} CPUs\n`,
);
try {
  if (PARTS.includes('limit')) limitTable();
  if (PARTS.includes('stream')) streamTable();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

function limitTable(): void {
  console.log('| format | entries | file MB | count | CPU s | peak RSS MB |');
  console.log('|---|---|---:|---:|---:|---:|');
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
}
