import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { EncaisseFunction, ESM_REQUIRE_BANNER } from '../../lib/shared/function';

// The one test that really runs esbuild: a single real handler (dunning-plan: core + DynamoDB adapter + zod),
// bundled by EncaisseFunction exactly as in the stack, then loaded by Node as Lambda would.
const outdir = mkdtempSync(path.join(tmpdir(), 'encaisse-bundle-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));
const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
const stack = new Stack(app, 'Bundle');
const f = new EncaisseFunction(stack, 'Plan', { name: 'dunning-plan', description: 'bundling test' });
const assembly = app.synth();
const template = assembly.getStackArtifact(stack.artifactId).template as {
  Resources: Record<string, { Type: string; Metadata?: Record<string, string> }>;
};
const [fnResource] = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
const assetDir = path.join(outdir, fnResource.Metadata!['aws:asset:path']);
const bundle = path.join(assetDir, 'index.mjs');

describe('EncaisseFunction bundling (esbuild, no Docker)', () => {
  it('produces one minified ES module with its source map', () => {
    expect(existsSync(bundle)).toBe(true);
    expect(existsSync(`${bundle}.map`)).toBe(true);
    const code = readFileSync(bundle, 'utf8');
    // minified: long lines (the few line breaks left are inside template literals of dependencies)
    expect(code.length / code.split('\n').length).toBeGreaterThan(1000);
    expect(code).not.toContain('planNextStep(');
    expect(code).toMatch(/export\s*\{[^}]*\bhandler\b[^}]*\}/);
    expect(code).toContain('sourceMappingURL=index.mjs.map');
    expect(fnResource.Metadata!['encaisse:entry']).toBe(f.entry);
  });

  it('starts with the createRequire banner and carries its own AWS SDK (no runtime-provided import)', () => {
    const code = readFileSync(bundle, 'utf8');
    expect(code.startsWith(ESM_REQUIRE_BANNER)).toBe(true);
    expect(code).not.toMatch(/from\s*["']@aws-sdk\//);
    expect(statSync(bundle).size).toBeLessThan(3_000_000);
  });

  const load = (env: Record<string, string>) =>
    execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(pathToFileURL(bundle).href)}); console.log(typeof m.handler);`,
      ],
      { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );

  it('loads in Node as an ES module and exports the handler function', () => {
    const settings = { TABLE_NAME: 'encaisse', SENDER_EMAIL: 'relances@x.fr', FINANCE_EMAILS: 'finance@x.fr' };
    expect(load(settings).trim()).toBe('function');
  });

  it('refuses to start without its settings, naming the missing one (cold-start check survives bundling)', () => {
    expect(() => load({})).toThrow(/TABLE_NAME/);
  });
});
