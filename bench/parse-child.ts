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

/** The measured parse, in a fresh process: the code cold, as a new function instance meets its first statement. */
function coldParse() {
  const rssBefore = process.memoryUsage().rss;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const parsed = parseStatementFile(bytes);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  return {
    format: parsed.format,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    entries: parsed.statements.reduce((n, s) => n + s.entries.length, 0),
    statements: parsed.statements.length,
    mismatches: parsed.statements.filter((s) => s.balanceCheck.status === 'mismatch').length,
    rssBeforeMb: rssBefore / 2 ** 20,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

/**
 * The same parse once the code is warm (the third run; the cold one and a second one dropped): what is left when V8's
 * compilers have done their work, as a function instance that stays warm between statements sees it.
 */
function warmCpuSeconds(): number {
  let cpuSeconds = 0;
  for (let run = 0; run < 2; run++) {
    const c0 = process.cpuUsage();
    parseStatementFile(bytes);
    const c = process.cpuUsage(c0);
    cpuSeconds = (c.user + c.system) / 1e6;
  }
  return cpuSeconds;
}

const cold = coldParse();
process.stdout.write(
  JSON.stringify({
    ...cold,
    bytes: bytes.length,
    floorSeconds: floor.seconds,
    floorCpuSeconds: floor.cpuSeconds,
    warmCpuSeconds: warmCpuSeconds(),
  }),
);
