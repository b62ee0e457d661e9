import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { projectRoot } from './handlers';
import type { CfnTemplate } from './sfn/definition';
import { synthesizeTemplate } from './stack';

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(full)));
    else if (entry.name.endsWith('.ts') || entry.name.endsWith('.json')) out.push(full);
  }
  return out.sort();
}

/**
 * The synthesized template (lib/app.ts, no bundling), cached in .local/cache/ under a hash of lib/** and cdk.json:
 * synthesizing takes seconds, and every integration test file and `npm start` needs it. A change in lib/ re-synthesizes.
 */
export async function cachedTemplate(): Promise<CfnTemplate> {
  const hash = createHash('sha256');
  for (const file of [...(await filesUnder(path.join(projectRoot, 'lib'))), path.join(projectRoot, 'cdk.json')]) {
    hash.update(path.relative(projectRoot, file));
    hash.update(await readFile(file).catch(() => Buffer.alloc(0)));
  }
  const dir = path.join(projectRoot, '.local', 'cache');
  const file = path.join(dir, `template-${hash.digest('hex').slice(0, 16)}.json`);
  try {
    return JSON.parse(await readFile(file, 'utf8')) as CfnTemplate;
  } catch {
    const template = await synthesizeTemplate();
    await mkdir(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(template));
    await rename(tmp, file); // atomic: parallel test files never read a half-written cache
    for (const old of await readdir(dir)) {
      if (old.startsWith('template-') && old.endsWith('.json') && path.join(dir, old) !== file) await rm(path.join(dir, old), { force: true });
    }
    return template;
  }
}
