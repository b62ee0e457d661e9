import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { builtInPolicies, Policy, type PolicyInput } from '../../core/dunning/policy';
import { dynamo } from '../aws-clients';
import { keys } from './keys';
import { queryAll, tableName } from './table';

/**
 * Dunning policies ("scénarios de relance"), versioned: every save writes a NEW version item
 * (POLICY#<id> / V#<000002>) and never changes an old one, so a running workflow can keep the version it pinned.
 * The latest version of each policy carries gsi2 (gsi2pk 'POLICIES', gsi2sk <id>) for listing.
 * The built-in policies (version 1) are served as long as no version of them is stored; editing one stores version 2.
 */

export class PolicyVersionConflictError extends Error {
  constructor(
    readonly policyId: string,
    readonly expectedVersion: number | undefined,
    readonly currentVersion: number | undefined,
  ) {
    super(`policy ${policyId} is at version ${currentVersion ?? 'none'}, not ${expectedVersion ?? 'none'}`);
    this.name = 'PolicyVersionConflictError';
  }
}

const LATEST = 'POLICIES';

function builtIn(policyId: string): Policy | undefined {
  return builtInPolicies.find((p) => p.policyId === policyId);
}

function fromItem(item: Record<string, unknown>): Policy {
  return Policy.parse(item.policy);
}

async function latestStored(policyId: string): Promise<Policy | undefined> {
  const res = await dynamo().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :v)',
      ExpressionAttributeValues: { ':pk': keys.policyVersion(policyId, 0).pk, ':v': 'V#' },
      ScanIndexForward: false,
      Limit: 1,
      ConsistentRead: true,
    }),
  );
  const item = res.Items?.[0];
  return item ? fromItem(item) : undefined;
}

/** A policy: its latest version, or the given one; built-in policies when not stored. */
export async function getPolicy(policyId: string, version?: number): Promise<Policy | undefined> {
  if (version === undefined) return (await latestStored(policyId)) ?? builtIn(policyId);
  const res = await dynamo().send(
    new GetCommand({ TableName: tableName(), Key: keys.policyVersion(policyId, version), ConsistentRead: true }),
  );
  if (res.Item) return fromItem(res.Item);
  const b = builtIn(policyId);
  return b && b.version === version ? b : undefined;
}

/** The latest version of every policy: stored ones, plus the built-in ones nobody has edited. */
export async function listPolicies(): Promise<Policy[]> {
  const stored = (
    await queryAll({
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': LATEST },
    })
  ).map(fromItem);
  const ids = new Set(stored.map((p) => p.policyId));
  return [...stored, ...builtInPolicies.filter((p) => !ids.has(p.policyId))].sort((a, b) =>
    a.policyId.localeCompare(b.policyId),
  );
}

/**
 * Saves a policy as a new version (latest + 1; a new policy starts at 1, an edited built-in at 2) and returns it.
 * With `expectedVersion`, only if the latest version is still that one (optimistic concurrency, HTTP If-Match);
 * two concurrent saves never produce the same version: the second gets PolicyVersionConflictError.
 */
export async function savePolicy(
  input: Omit<PolicyInput, 'version'> & { version?: number },
  expectedVersion?: number,
): Promise<Policy> {
  const stored = await latestStored(input.policyId);
  const current = stored ?? builtIn(input.policyId);
  if (expectedVersion !== undefined && current?.version !== expectedVersion) {
    throw new PolicyVersionConflictError(input.policyId, expectedVersion, current?.version);
  }
  const saved = Policy.parse({ ...input, version: (current?.version ?? 0) + 1 });
  const put = {
    Put: {
      TableName: tableName(),
      Item: {
        ...keys.policyVersion(saved.policyId, saved.version),
        gsi2pk: LATEST,
        gsi2sk: saved.policyId,
        type: 'policy',
        policyId: saved.policyId,
        version: saved.version,
        policy: saved,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
  const demote = stored
    ? [
        {
          Update: {
            TableName: tableName(),
            Key: keys.policyVersion(stored.policyId, stored.version),
            UpdateExpression: 'REMOVE gsi2pk, gsi2sk',
            ConditionExpression: 'gsi2pk = :latest',
            ExpressionAttributeValues: { ':latest': LATEST },
          },
        },
      ]
    : [];
  try {
    await dynamo().send(new TransactWriteCommand({ TransactItems: [put, ...demote] }));
  } catch (err) {
    if (err instanceof TransactionCanceledException || (err as Error).name === 'TransactionCanceledException') {
      const reasons = (err as TransactionCanceledException).CancellationReasons ?? [];
      if (reasons.some((r) => r?.Code === 'ConditionalCheckFailed')) {
        throw new PolicyVersionConflictError(saved.policyId, expectedVersion ?? current?.version, undefined);
      }
    }
    throw err;
  }
  return saved;
}
