import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { apiTypes, schemaFile } from './api-types';

describe('the console API client types', () => {
  it(
    'match the OpenAPI document the admin API builds from its routes (run npm run web:api after a contract ' +
      'change)',
    async () => {
      const checkedIn = await readFile(schemaFile, 'utf8');
      expect(
        checkedIn === (await apiTypes()),
        'web/src/api/schema.d.ts is stale: run npm run web:api, then fix what tsc -p web reports',
      ).toBe(true);
    },
  );
});
