// npm run bench: parse throughput (MB/s) and peak memory per format on generated 1, 10 and 50 MB files.
// Each parse runs in its own child process so its peak RSS (getrusage maxRSS) is its own. Beside each parse: the CPU
// time to read the same bytes from the (cached) file and scan them once, measured in the same child: the floor; and
// the CPU of the same parse once the code is warm (its third run in that child).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WRITABLE_FORMATS, type WritableFormat, writeStatementFile } from '../functions/core/statements/index';
import { corpus } from './parse-corpus';

const SIZES_MB = (process.env.BENCH_SIZES ?? '1,10,50').split(',').map(Number);
const FORMATS = (process.env.BENCH_FORMATS?.split(',') as WritableFormat[] | undefined) ?? [...WRITABLE_FORMATS];
const child = fileURLToPath(new URL('./parse-child.ts', import.meta.url));
/** Issue 13's parsing targets, CPU MB/s. */
const TARGET_MBS: Record<WritableFormat, number> = { cfonb120: 150, mt940: 80, csv: 80, ofx: 80, camt053: 60 };
const dir = mkdtempSync(join(tmpdir(), 'encaisse-bench-'));

function fileOf(format: WritableFormat, mb: number): { path: string; bytes: number } {
  const sample = Buffer.byteLength(writeStatementFile(format, corpus(500, 7)));
  const perEntry = sample / 500;
  const count = Math.max(1, Math.round((mb * 2 ** 20) / perEntry));
  const text = writeStatementFile(format, corpus(count, 42));
  const path = join(dir, `${format}-${mb}mb`);
  writeFileSync(path, text);
  return { path, bytes: Buffer.byteLength(text) };
}

const rows: string[] = [];
const header =
  `| format | file MB | entries | wall s | MB/s (wall) | CPU s | MB/s (CPU) | MB/s (CPU, warm) | µs CPU per entry | ` +
  `read+scan CPU s | read+scan MB/s | target MB/s (CPU) | peak RSS MB | RSS before parse MB |`;
console.log(
  `load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} on ${cpus().length} CPUs (CPU-time figures are the steadier ones on a busy machine)\n`,
);
console.log(header);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
try {
  for (const format of FORMATS) {
    for (const mb of SIZES_MB) {
      const file = fileOf(format, mb);
      const run = spawnSync(process.execPath, ['--import', 'tsx', child, file.path], {
        encoding: 'utf8',
        maxBuffer: 1 << 20,
      });
      rmSync(file.path);
      if (run.status !== 0) {
        console.log(`| ${format} | ${mb} | failed: ${run.stderr.split('\n').slice(0, 3).join(' ')} |`);
        continue;
      }
      const r = JSON.parse(run.stdout) as {
        bytes: number;
        seconds: number;
        cpuSeconds: number;
        entries: number;
        rssBeforeMb: number;
        peakRssMb: number;
        mismatches: number;
        floorCpuSeconds: number;
        warmCpuSeconds: number;
      };
      const mbs = r.bytes / 2 ** 20;
      const row =
        `| ${format} | ${mbs.toFixed(1)} | ${r.entries} | ${r.seconds.toFixed(2)} | ` +
        `${(mbs / r.seconds).toFixed(1)} | ${r.cpuSeconds.toFixed(2)} | ${(mbs / r.cpuSeconds).toFixed(1)} | ` +
        `${(mbs / r.warmCpuSeconds).toFixed(1)} | ${((r.cpuSeconds * 1e6) / r.entries).toFixed(1)} | ` +
        `${r.floorCpuSeconds.toFixed(3)} | ${(mbs / r.floorCpuSeconds).toFixed(0)} | ${TARGET_MBS[format]} | ` +
        `${r.peakRssMb.toFixed(0)} | ${r.rssBeforeMb.toFixed(0)} |`;
      rows.push(row);
      console.log(row);
      if (r.mismatches)
        console.log(`  (${r.mismatches} statements with a balance mismatch: the generated files should have none)`);
    }
  }
  // A 20 MB file under a heap cap like a 512 MB Lambda's: does it fit, and with what peak?
  if (process.env.BENCH_LAMBDA !== '0') {
    console.log('\n20 MB files with --max-old-space-size=400 (a 512 MB Lambda leaves about that much heap):\n');
    console.log('| format | file MB | fits | wall s | peak RSS MB |');
    console.log('|---|---:|---|---:|---:|');
    for (const format of FORMATS) {
      const file = fileOf(format, 20);
      const run = spawnSync(process.execPath, ['--max-old-space-size=400', '--import', 'tsx', child, file.path], {
        encoding: 'utf8',
        maxBuffer: 1 << 20,
      });
      rmSync(file.path);
      if (run.status !== 0) {
        console.log(
          `| ${format} | ${(file.bytes / 2 ** 20).toFixed(1)} | NO ` +
            `(${/heap out of memory/i.test(run.stderr) ? 'heap out of memory' : `exit ${run.status}`}) | | |`,
        );
        continue;
      }
      const r = JSON.parse(run.stdout) as { bytes: number; seconds: number; peakRssMb: number };
      console.log(
        `| ${format} | ${(r.bytes / 2 ** 20).toFixed(1)} | ${r.peakRssMb < 512 ? 'yes' : 'no'} | ` +
          `${r.seconds.toFixed(2)} | ${r.peakRssMb.toFixed(0)} |`,
      );
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(
  `\nNode ${process.version}, ${process.platform}/${process.arch}; peak RSS is the child's getrusage maxRSS: Node + ` +
    `tsx (~80 MB idle) + the file bytes + the parsed model.`,
);
