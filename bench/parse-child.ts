// Parses one file in a fresh process and prints its figures as JSON: an honest peak memory per format and size.
import { readFileSync } from 'node:fs';
import { parseStatementFile } from '../functions/core/statements/index';

const [file] = process.argv.slice(2);
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
process.stdout.write(JSON.stringify({
  format: parsed.format,
  bytes: bytes.length,
  seconds,
  cpuSeconds,
  entries,
  statements: parsed.statements.length,
  mismatches,
  rssBeforeMb: rssBefore / 2 ** 20,
  peakRssMb: process.resourceUsage().maxRSS / 1024,
}));
