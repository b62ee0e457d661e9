/**
 * House style: no line of TypeScript longer than 120 characters (Biome formats code to that width but cannot break a
 * long string or comment). Lists every longer line and exits 1. A line holding a URL is let through.
 * Usage: tsx scripts/line-length.ts [root...]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const MAX_LINE = 120;
const ROOTS = ['bench', 'bin', 'functions', 'lib', 'scripts', 'test', 'web', 'vitest.config.ts'];
const SKIP_DIRS = new Set(['node_modules', 'dist', 'cdk.out', '.local', 'coverage', 'fixtures']);
/** Generated from the API's schemas by `npm run web:api`. */
const GENERATED = new Set(['web/src/api/schema.d.ts']);

function* sources(path: string): Generator<string> {
  if (/\.(ts|tsx|mts)$/.test(path)) {
    yield path;
    return;
  }
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(path, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    if (e.isDirectory() && !SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) yield* sources(join(path, e.name));
    else if (e.isFile() && /\.(ts|tsx|mts)$/.test(e.name)) yield join(path, e.name);
  }
}

/** The lines of `text` longer than `max` characters (code points), as [line number, length]. */
function longLines(text: string, max = MAX_LINE): [number, number][] {
  const out: [number, number][] = [];
  text.split('\n').forEach((line, i) => {
    const length = [...line].length;
    if (length > max && !/https?:\/\//.test(line)) out.push([i + 1, length]);
  });
  return out;
}

function main(roots: string[]): number {
  let count = 0;
  for (const root of roots)
    for (const file of sources(root)) {
      const name = relative('.', file).split('\\').join('/');
      if (GENERATED.has(name)) continue;
      for (const [line, length] of longLines(readFileSync(file, 'utf8'))) {
        console.error(`${name}:${line}: ${length} characters (at most ${MAX_LINE})`);
        count++;
      }
    }
  if (count > 0) console.error(`${count} line(s) longer than ${MAX_LINE} characters: split the string or comment.`);
  return count > 0 ? 1 : 0;
}

const args = process.argv.slice(2);
process.exitCode = main(args.length ? args : ROOTS);
