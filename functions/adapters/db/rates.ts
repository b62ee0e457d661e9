import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import {
  defaultRateTable,
  mergeRateTables,
  provenanceFromFlag,
  RateProvenance,
  RateTable,
} from '../../core/dunning/rates';
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
  /**
   * Per half-year and rate (ECB, legal): published or an assumption, and where it was read. A half-year finance adds
   * without an entry here is a published figure read where `source` says.
   */
  provenance: z.array(RateProvenance).default([]),
  version: z.number().int().nonnegative().default(0),
  updatedAt: z.string().optional(),
  updatedBy: z.string().optional(),
});
export type RateOverride = z.infer<typeof RateOverride>;

/** Before per-half-year provenance, one `assumption` flag marked every half-year finance had added. */
const StoredRateOverride = RateOverride.extend({ assumption: z.boolean().optional() });

/**
 * Finance's additions as stored; one saved with the former single flag reads as one entry per half-year it then
 * covered, each meaning what the flag meant (an override saved before keeps meaning what it meant).
 */
export function readRateOverride(item: Record<string, unknown>): RateOverride {
  const { assumption, ...rest } = StoredRateOverride.parse(item); // pk, sk and type are not fields: dropped
  if (assumption === undefined) return rest;
  return { ...rest, provenance: provenanceFromFlag(defaultRateTable, rest, { assumption }, rest.provenance) };
}

export async function getRateOverride(): Promise<RateOverride | undefined> {
  const res = await dynamo().send(new GetCommand({ TableName: tableName(), Key: KEY, ConsistentRead: true }));
  return res.Item ? readRateOverride(res.Item) : undefined;
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
