import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { defaultRateTable, mergeRateTables, RateTable } from '../../core/dunning/rates';
import { dynamo } from '../aws-clients';
import { tableName } from './table';

/**
 * Late-payment rates are data finance extends twice a year (ECB rate on 1 January / 1 July, legal interest rate by
 * arrêté). The checked figures ship in core/dunning/rates.ts; what finance adds is stored here and merged on top.
 */
const KEY = { pk: 'RATES', sk: 'OVERRIDE' } as const;

export const RateOverride = z.object({
  ecbMro: RateTable.shape.ecbMro.element.array().default([]),
  ecbMroKnownThrough: RateTable.shape.ecbMroKnownThrough,
  legalRate: RateTable.shape.legalRate,
  /** Where the figures were read (press release, arrêté, JORF reference). */
  source: z.string().min(3).max(500),
  /** True when the figures are an assumption (not yet published): letters label them as such. */
  assumption: z.boolean().default(false),
  version: z.number().int().nonnegative().default(0),
  updatedAt: z.string().optional(),
  updatedBy: z.string().optional(),
});
export type RateOverride = z.infer<typeof RateOverride>;

export async function getRateOverride(): Promise<RateOverride | undefined> {
  const res = await dynamo().send(new GetCommand({ TableName: tableName(), Key: KEY, ConsistentRead: true }));
  if (!res.Item) return undefined;
  const { pk: _pk, sk: _sk, ...rest } = res.Item;
  return RateOverride.parse(rest);
}

/** The table every penalty computation uses: the shipped figures plus finance's additions. */
export async function loadRateTable(): Promise<RateTable> {
  const override = await getRateOverride();
  return override ? mergeRateTables(defaultRateTable, override) : defaultRateTable;
}

export class RateVersionConflictError extends Error {
  constructor() {
    super('the rate table changed since it was read');
    this.name = 'RateVersionConflictError';
  }
}

/**
 * Replaces finance's additions, conditional on the version read (optimistic concurrency). Validated as a whole table.
 */
export async function saveRateOverride(
  next: Omit<RateOverride, 'version'>,
  expectedVersion: number | undefined,
  actor: string,
  at: string,
): Promise<RateOverride> {
  mergeRateTables(defaultRateTable, next); // throws on an invalid combined table
  const saved: RateOverride = { ...next, version: (expectedVersion ?? -1) + 1, updatedAt: at, updatedBy: actor };
  try {
    await dynamo().send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...KEY, type: 'rates', ...saved },
        ConditionExpression: expectedVersion === undefined ? 'attribute_not_exists(pk)' : '#v = :v',
        ...(expectedVersion === undefined
          ? {}
          : { ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': expectedVersion } }),
      }),
    );
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) throw new RateVersionConflictError();
    throw err;
  }
  return saved;
}
