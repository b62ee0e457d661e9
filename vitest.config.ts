import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'web/**/*.test.ts', 'web/**/*.test.tsx'],
    // Console component tests pick their DOM per file (// @vitest-environment happy-dom).
    globalSetup: ['test/integration/support/global-setup.ts'],
    testTimeout: 30_000,
    // Starting a local stack (DynamoDB Local's JVM above all) can take a minute on a loaded 2-core machine.
    hookTimeout: 240_000,
    pool: 'forks',
    // Integration tests start real local servers (DynamoDB Local, s3rver, SES); keep the load on a 2-core machine sane.
    maxWorkers: 2,
  },
});
