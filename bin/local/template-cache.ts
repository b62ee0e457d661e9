import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { projectRoot } from './handlers';
import type { CfnTemplate } from './sfn/definition';

/**
 * Synthesizes the CDK app in-process with lib/app.ts's buildApp (no bundling, no cdk-nag: only the state machine
 * is read) and the demo settings (lib/app.ts demoContext) under `context`; returns the stack's template.
 */
export async function synthesizeTemplate(context: Record<string, unknown> = {}): Promise<CfnTemplate> {
  const file = path.join(projectRoot, 'lib', 'app.ts');
  type BuildApp = (
    ctx?: Record<string, unknown>,
    o?: { bundle?: boolean; nag?: boolean },
  ) => { app: unknown; stack: unknown };
  let mod: { buildApp?: BuildApp; demoContext?: Record<string, unknown> };
  try {
    mod = await import(pathToFileURL(file).href);
  } catch (err) {
    throw new Error(`cannot load the CDK app from lib/app.ts (buildApp): ${(err as Error).message}`);
  }
  if (typeof mod.buildApp !== 'function') throw new Error('lib/app.ts exports no buildApp(context, {bundle}) function');
  const { app, stack } = mod.buildApp({ ...mod.demoContext, ...context }, { bundle: false, nag: false }) as {
    app: { synth(): { getStackArtifact(id: string): { template: CfnTemplate } } };
    stack: { artifactId: string };
  };
  return app.synth().getStackArtifact(stack.artifactId).template;
}

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
 * synthesizing takes seconds, and every integration test file and `npm start` needs it. A change in lib/
 * re-synthesizes.
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
      if (old.startsWith('template-') && old.endsWith('.json') && path.join(dir, old) !== file)
        await rm(path.join(dir, old), { force: true });
    }
    return template;
  }
}
