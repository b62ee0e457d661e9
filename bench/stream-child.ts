// Streams one file from disk through the ingest's reading path (readStatementStream: checksum per chunk, decoder,
// format reader, the ingest's checks) in a fresh process, and prints its figures as JSON: its peak RSS is its own.
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { DEFAULT_STATEMENT_MAX_ENTRIES } from '../functions/adapters/config';
import { readStatementStream } from '../functions/core/ingest/read';

const [file, maxEntriesArg] = process.argv.slice(2);
const maxEntries = maxEntriesArg === 'none' ? Infinity : Number(maxEntriesArg ?? DEFAULT_STATEMENT_MAX_ENTRIES);
const hash = createHash('sha256');
const open = async function* () {
  // 64 KiB chunks, the size S3's HTTP body arrives in
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 16 })) {
    hash.update(chunk as Buffer);
    yield chunk as Buffer;
  }
};
const cpu0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
const read = await readStatementStream(open, basename(file), { maxBytes: Infinity, maxEntries });
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const cpu = process.cpuUsage(cpu0);
const checksum = hash.digest('hex');
(globalThis as { gc?: () => void }).gc?.();
const statements = read.parsed?.statements ?? [];
process.stdout.write(
  JSON.stringify({
    bytes: statSync(file).size,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    entries: statements.reduce((n, s) => n + s.entries.length, 0),
    maxEntries: String(maxEntries),
    problem: read.problem ? `${read.problem.code}: ${read.problem.message.slice(0, 120)}` : undefined,
    checksum: checksum.slice(0, 8),
    // what the parsed statements still hold once the reading is over (the entries kept for the matcher)
    retainedHeapMb: process.memoryUsage().heapUsed / 2 ** 20,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  }),
);
