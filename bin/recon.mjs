#!/usr/bin/env node
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isMainThread } from 'node:worker_threads';

// Launcher for `npx recon`: runs the TypeScript CLI as one file bundled by esbuild (rebuilt when one of its sources
// changed), so that each run, and its statement worker, loads one module instead of compiling some sixty through tsx's
// loader hooks (about a tenth of the CPU of a 50,000-transaction run, issue 13). Only Node's own modules are imported
// up front: esbuild is loaded when the bundle must be built (the first run after a change of the sources).

/**
 * V8's young generation capped at 16 MB per semi-space. On a machine with much memory V8 sizes it up to 64 MB, in the
 * main thread and again in the statement worker: on the 50,000-transaction book of issue 13 that was about 100 MB of
 * peak RSS (613-664 MB against 506-567) for no time gained, and the quarter-size run took 13 % more CPU.
 * The flag must be there when the process starts (v8.setFlagsFromString comes too late): the launcher runs itself
 * again with it, once, at the cost of one Node start-up (about 0.1 s of CPU).
 */
const YOUNG_GENERATION = '--max-semi-space-size=16';
/**
 * glibc's malloc asked to back its large blocks with transparent huge pages (where the kernel allows them on request,
 * as on most distributions; older glibc and other C libraries ignore the setting). Every 4 KB page a process touches
 * for the first time is a page fault, and in a virtual machine a costly one (about 14 us of CPU each on this project's
 * 2-core VM); the file buffers and the statement handed over by the worker are malloc'd. On the 50,000-transaction book
 * of issue 13: some 30,000 faults fewer and about 0.3 s less wall time (5.6-5.9 s -> 5.3-5.5 s, 4 interleaved pairs).
 */
const HUGE_MALLOC = 'glibc.malloc.hugetlb=1';
const tunables = process.env.GLIBC_TUNABLES;
if (isMainThread && !process.execArgv.some((a) => a.startsWith('--max-semi-space-size'))) {
  const run = spawnSync(
    process.execPath,
    [...process.execArgv, YOUNG_GENERATION, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    {
      stdio: 'inherit',
      env: tunables?.includes('glibc.malloc.hugetlb')
        ? process.env
        : { ...process.env, GLIBC_TUNABLES: tunables ? `${tunables}:${HUGE_MALLOC}` : HUGE_MALLOC },
    },
  );
  if (run.error) throw run.error;
  if (run.signal) process.kill(process.pid, run.signal);
  process.exit(run.status ?? 1);
}

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const out = join(root, 'node_modules', '.cache', 'recon', 'recon.mjs');
const inputsOf = `${out}.inputs.json`;

/** The bundle exists and none of its sources, nor this launcher (which says how it is built), is newer. */
function fresh() {
  if (!existsSync(out) || !existsSync(inputsOf)) return false;
  const built = statSync(out).mtimeMs;
  try {
    if (statSync(fileURLToPath(import.meta.url)).mtimeMs > built) return false;
    return JSON.parse(readFileSync(inputsOf, 'utf8')).every((f) => statSync(join(root, f)).mtimeMs <= built);
  } catch {
    return false;
  }
}

/**
 * zod is bundled in with the sources (about 1 MB in all): loaded from node_modules, its hundred-odd modules cost each
 * thread about 0.13 s of CPU to resolve and link, the main thread and the statement worker alike (quarter-size book of
 * issue 13, 6 runs interleaved with the old launcher: 3.38 -> 3.26 s of CPU; the full book 9.7 -> 9.1 s in 3).
 */
async function build() {
  const { buildSync } = await import('esbuild');
  const result = buildSync({
    entryPoints: [join(here, 'recon.ts')],
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    metafile: true,
    write: false,
    outfile: out,
    logLevel: 'silent',
  });
  mkdirSync(dirname(out), { recursive: true });
  // written aside then renamed: a run starting meanwhile reads the old bundle or the new one, never half of one
  const tmp = `${out}.${process.pid}.tmp`;
  writeFileSync(tmp, result.outputFiles[0].contents);
  writeFileSync(`${inputsOf}.${process.pid}.tmp`, JSON.stringify(Object.keys(result.metafile.inputs)));
  renameSync(`${inputsOf}.${process.pid}.tmp`, inputsOf);
  renameSync(tmp, out);
}

let bundled = true;
try {
  if (!fresh()) await build();
} catch {
  bundled = false; // no esbuild binary or a read-only install: run the sources through tsx as before
}
// what the statement worker starts: the bundle itself (no second look at the sources), else this launcher
process.env.RECON_LAUNCHER = bundled ? out : fileURLToPath(import.meta.url);
if (bundled) {
  await import(pathToFileURL(out).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./recon.ts');
}
