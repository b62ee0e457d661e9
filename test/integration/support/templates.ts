import { existsSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../../bin/local/handlers';
import type { CfnTemplate } from '../../../bin/local/sfn/definition';
import { cachedTemplate } from '../../../bin/local/template-cache';
import { contractTemplate } from './contract-template';

/**
 * The template the integration tests run: the real CDK app (lib/app.ts buildApp, synthesized in-process without
 * bundling, cached in .local/cache/ by a hash of lib/) when it exists, else the contract stack of
 * ./contract-template.ts. A broken app fails, it is not hidden.
 */
export async function dunningTemplate(): Promise<CfnTemplate> {
  if (existsSync(path.join(projectRoot, 'lib', 'app.ts'))) return cachedTemplate();
  return contractTemplate();
}
