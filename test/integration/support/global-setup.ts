import { cachedTemplate } from '../../../bin/local/template-cache';

/**
 * Runs once before the test files: synthesizes the CDK app (no bundling) into the template cache, so the
 * integration files that start a local stack in parallel read it instead of each synthesizing it again.
 */
export default async function warmTemplateCache(): Promise<void> {
  await cachedTemplate();
}
