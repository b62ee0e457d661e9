import { afterAll, beforeAll } from 'vitest';
import { type LocalStack, type LocalStackOptions, startLocalStack } from '../../../bin/local/stack';
import { dunningTemplate } from './templates';

/**
 * Starts one local stack for the calling test file (beforeAll) and stops it (afterAll): free ports, quiet, the
 * dunning state machine synthesized from lib/app.ts. Returns a getter, usable inside tests and hooks:
 *
 *   const local = useLocalStack({ handlers: { 'dunning-step': async (s) => ({ ...s, outcome: 'acted' }) } });
 *   it('...', async () => { await local().putStatement('inbox/a.cfonb', bytes); ... });
 *
 * process.env holds local().env once started, so handlers and adapters imported lazily (inside tests or
 * `await import(...)` in beforeAll after this hook) read the local endpoints. Modules that read env at import time
 * must be imported after the stack started.
 */
export function useLocalStack(options: LocalStackOptions = {}): () => LocalStack {
  let stack: LocalStack | undefined;
  beforeAll(async () => {
    stack = await startLocalStack({ quiet: true, template: dunningTemplate, ...options });
  });
  afterAll(async () => {
    await stack?.stop();
  });
  return () => {
    if (!stack)
      throw new Error(
        'the local stack is not started (useLocalStack registers a beforeAll hook: call it at the top of the file)',
      );
    return stack;
  };
}
