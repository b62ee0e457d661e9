// Parses one file in a fresh process and prints its figures as JSON: an honest peak memory per format and size.
import { readFileSync } from 'node:fs';
import { parseStatementFile } from '../functions/core/statements/index';

const [file] = process.argv.slice(2);

/** The floor: read the same bytes from the (cached) file and look at each of them once. */
function readAndScan(): { seconds: number; cpuSeconds: number; lines: number } {
  const c0 = process.cpuUsage();
  const t = process.hrtime.bigint();
  const b = readFileSync(file);
  let lines = 0;
  for (let i = 0; i < b.length; i++) if (b[i] === 10) lines++;
  const c = process.cpuUsage(c0);
  return { seconds: Number(process.hrtime.bigint() - t) / 1e9, cpuSeconds: (c.user + c.system) / 1e6, lines };
}
readAndScan(); // warm the page cache and the loop
const floor = readAndScan();
const bytes = readFileSync(file);
const rssBefore = process.memoryUsage().rss;
const cpu0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
const parsed = parseStatementFile(bytes);
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const cpu = process.cpuUsage(cpu0);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const entries = parsed.statements.reduce((n, s) => n + s.entries.length, 0);
const mismatches = parsed.statements.filter((s) => s.balanceCheck.status === 'mismatch').length;
process.stdout.write(
  JSON.stringify({
    format: parsed.format,
    bytes: bytes.length,
    seconds,
    cpuSeconds,
    entries,
    statements: parsed.statements.length,
    mismatches,
    floorSeconds: floor.seconds,
    floorCpuSeconds: floor.cpuSeconds,
    rssBeforeMb: rssBefore / 2 ** 20,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  }),
);
