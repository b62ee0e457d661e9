import { coverageConfigDefaults, defineConfig } from 'vitest/config';

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
    // `npm test` runs with --coverage (a subset run does not, its figures would be partial), thresholds per layer as
    // Powertools sets them in its root vitest config: the pure core highest, then the adapters, handlers and CDK app.
    coverage: {
      provider: 'v8',
      include: ['functions/**/*.ts', 'lib/**/*.ts'],
      exclude: [...coverageConfigDefaults.exclude],
      reporter: ['text-summary', 'json-summary'],
      // Just below what unit + handler + infra measured on 2026-12-06 (core 94.4/84.8/95.2/96.1 % statements/branches/
      // functions/lines, adapters 86.7/69.7/87.4/90.8, handlers 87.7/75.1/88.7/89.7, lib 97.7/84.3/99.0/99.1); the
      // integration and e2e files only add to these.
      thresholds: {
        'functions/core/**': { statements: 93, branches: 83, functions: 94, lines: 95 },
        'functions/adapters/**': { statements: 85, branches: 68, functions: 86, lines: 89 },
        // the handlers: every folder of functions/ but the core and the adapters
        'functions/!(core|adapters)/**': { statements: 86, branches: 74, functions: 87, lines: 88 },
        // the CDK app: synthesizing the stack in test/infra runs nearly all of it
        'lib/**': { statements: 96, branches: 83, functions: 98, lines: 98 },
      },
    },
  },
});
