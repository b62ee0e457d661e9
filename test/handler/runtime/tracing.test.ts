import { afterEach, describe, expect, it, vi } from 'vitest';

/** The AWS clients' middleware names: X-Ray's instrumentation is one of them when tracing is on. */
async function middlewareOfClients(env: Record<string, string>): Promise<string[][]> {
  vi.resetModules();
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    const clients = await import('../../../functions/adapters/aws-clients');
    return [clients.dynamo(), clients.s3(), clients.ses(), clients.sfn()].map((c) => c.middlewareStack.identify());
  } finally {
    process.env = saved;
  }
}

describe('tracing of AWS SDK calls (Powertools Tracer on the one client factory)', () => {
  afterEach(() => vi.resetModules());

  it('captures every client in Lambda', async () => {
    const stacks = await middlewareOfClients({ AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x', AWS_REGION: 'eu-west-3' });
    for (const stack of stacks) expect(stack.join(' ')).toMatch(/XRay/i);
  });

  it('leaves the clients alone outside Lambda and when POWERTOOLS_TRACE_ENABLED=false', async () => {
    for (const stack of await middlewareOfClients({ AWS_REGION: 'eu-west-3' }))
      expect(stack.join(' ')).not.toMatch(/XRay/i);
    const off = await middlewareOfClients({
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
      POWERTOOLS_TRACE_ENABLED: 'false',
    });
    for (const stack of off) expect(stack.join(' ')).not.toMatch(/XRay/i);
  });
});
