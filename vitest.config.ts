import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Integration tests start real local servers (DynamoDB Local, s3rver, SES); keep the load on a 2-core machine sane.
    maxWorkers: 2,
  },
});
