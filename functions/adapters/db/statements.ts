import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { fileNameOf, requeueKey } from '../../core/ingest/files';
import { BankAccount, StatementFormat } from '../../core/model';
import { dynamo } from '../aws-clients';
import { copyStatementObject } from '../statement-files';
import { stripKeys } from './items';
import { keys } from './keys';
import { decodeCursor, encodeCursor, type Page, queryAll, tableName } from './table';

export const StatementStatus = z.enum(['processing', 'processed', 'rejected']);
export type StatementStatus = z.infer<typeof StatementStatus>;

/** What one ingest run leaves behind: the file, how it was read, what it held, and where it went. */
export const StatementRecord = z.object({
  checksum: z.string(),
  sourceKey: z.string(),
  /** Where the file lies now: processed/... or rejected/... */
  storedKey: z.string().optional(),
  reportKey: z.string().optional(),
  receivedAt: z.string(),
  status: StatementStatus,
  format: StatementFormat.optional(),
  accounts: z.array(BankAccount).default([]),
  periodStart: z.string().optional(),
  periodEnd: z.string().optional(),
  openingBalanceCents: z.number().int().optional(),
  closingBalanceCents: z.number().int().optional(),
  counts: z
    .object({
      entries: z.number().int(),
      newTransactions: z.number().int(),
      duplicates: z.number().int(),
      matched: z.number().int(),
      suggested: z.number().int(),
      unmatched: z.number().int(),
      ignored: z.number().int(),
      reversals: z.number().int(),
    })
    .optional(),
  error: z
    .object({
      code: z.string(),
      message: z.string(),
      line: z.number().int().optional(),
      element: z.string().optional(),
    })
    .optional(),
  sizeBytes: z.number().int().nonnegative(),
  /** Anomalies of the ingest (identity conflicts, inconsistent days, items to review...), as in its summary. */
  anomalies: z.number().int().nonnegative().optional(),
  /**
   * The finance alert of this ingest until SES has accepted it: a throttled send leaves it here, and the next ingest
   * delivery or the daily sweep sends it (sendPendingIngestAlerts).
   */
  pendingAlert: z
    .object({
      id: z.string(),
      kind: z.enum(['statement_rejected', 'statement_processed']),
      payload: z.record(z.string(), z.unknown()),
    })
    .optional(),
});
export type StatementRecord = z.infer<typeof StatementRecord>;
export type PendingAlert = NonNullable<StatementRecord['pendingAlert']>;

function statementItem(r: StatementRecord) {
  const attention =
    r.status === 'processing' || r.pendingAlert ? keys.statementAttention(r.receivedAt, r.checksum) : {};
  return {
    ...keys.statement(r.checksum),
    ...keys.statementHistory(r.receivedAt, r.checksum),
    ...attention,
    type: 'statement',
    ...r,
  };
}

export async function getStatement(checksum: string): Promise<StatementRecord | undefined> {
  const res = await dynamo().send(
    new GetCommand({ TableName: tableName(), Key: keys.statement(checksum), ConsistentRead: true }),
  );
  return res.Item ? StatementRecord.parse(stripKeys(res.Item)) : undefined;
}

export async function putStatement(record: StatementRecord): Promise<void> {
  await dynamo().send(new PutCommand({ TableName: tableName(), Item: statementItem(record) }));
}

/**
 * Removes the record of a file refused unread once the same file got its own record (read after the size limit was
 * raised): only while it is still that rejection, so nothing newer is ever removed.
 */
export async function deleteUnreadRejection(checksum: string): Promise<void> {
  try {
    await dynamo().send(
      new DeleteCommand({
        TableName: tableName(),
        Key: keys.statement(checksum),
        ConditionExpression: '#s = :rejected',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':rejected': 'rejected' },
      }),
    );
  } catch (err) {
    if (!(err instanceof ConditionalCheckFailedException)) throw err;
  }
}

/** How long an ingest run may hold a file before another delivery may take it over (above the function's timeout). */
export const CLAIM_LEASE_MS = 6 * 60_000;

export type ClaimOutcome =
  | { claim: 'claimed'; previous?: StatementRecord }
  | { claim: 'already_processed'; current?: StatementRecord }
  | { claim: 'in_progress'; current?: StatementRecord };

/**
 * Claims a file for ingestion: succeeds when the checksum is unknown, known but rejected (a fixed file re-processed),
 * or left `processing` by a run whose lease ran out (it died). A file already processed is not claimed again, and a
 * file another run is processing right now (SQS delivers at least once) is `in_progress`: retry later. A claim says
 * what it replaced (a rejected record: its file is to leave rejected/ once processed).
 */
export async function claimStatement(record: StatementRecord): Promise<ClaimOutcome> {
  try {
    const res = await dynamo().send(
      new PutCommand({
        TableName: tableName(),
        Item: statementItem(record),
        ConditionExpression: 'attribute_not_exists(pk) OR #s = :rejected OR (#s = :processing AND #r < :stale)',
        ExpressionAttributeNames: { '#s': 'status', '#r': 'receivedAt' },
        ExpressionAttributeValues: {
          ':rejected': 'rejected',
          ':processing': 'processing',
          ':stale': new Date(Date.parse(record.receivedAt) - CLAIM_LEASE_MS).toISOString(),
        },
        ReturnValues: 'ALL_OLD',
      }),
    );
    return {
      claim: 'claimed',
      previous: res?.Attributes ? StatementRecord.parse(stripKeys(res.Attributes)) : undefined,
    };
  } catch (err) {
    if (!(err instanceof ConditionalCheckFailedException)) throw err;
    const current = await getStatement(record.checksum);
    return current?.status === 'processed'
      ? { claim: 'already_processed', current }
      : { claim: 'in_progress', current };
  }
}

/** Statements still `processing` or whose finance alert is not sent yet, oldest first. */
export async function listStatementsNeedingAttention(): Promise<StatementRecord[]> {
  const items = await queryAll({
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk',
    ExpressionAttributeValues: { ':pk': 'STATEMENTS#ATTENTION' },
  });
  return items.map((i) => StatementRecord.parse(stripKeys(i)));
}

/** The alert went out: forgotten, unless a newer run replaced it meanwhile. */
export async function clearPendingAlert(checksum: string, alertId: string): Promise<void> {
  try {
    await dynamo().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.statement(checksum),
        UpdateExpression: 'REMOVE #a, gsi1pk, gsi1sk',
        ConditionExpression: '#a.#i = :id',
        ExpressionAttributeNames: { '#a': 'pendingAlert', '#i': 'id' },
        ExpressionAttributeValues: { ':id': alertId },
      }),
    );
  } catch (err) {
    if (!(err instanceof ConditionalCheckFailedException)) throw err;
  }
}

/** Ingest history, newest first. */
export async function listStatements(
  options: { limit?: number; cursor?: string } = {},
): Promise<Page<StatementRecord>> {
  const res = await dynamo().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': 'STATEMENTS' },
      ScanIndexForward: false,
      Limit: options.limit,
      ExclusiveStartKey: decodeCursor(options.cursor),
    }),
  );
  return {
    items: (res.Items ?? []).map((i) => StatementRecord.parse(stripKeys(i))),
    nextCursor: encodeCursor(res.LastEvaluatedKey),
  };
}

/**
 * Re-processing after a fix (a parser, a setting): copies exactly the stored file of that checksum back under
 * inbox/<checksum>/<name> (server-side, unread), which triggers a new ingest run. Only a rejected statement can be
 * re-processed; a processed one would change nothing (its transactions are stored once).
 */
export async function reprocessStatement(
  checksum: string,
  bucket: string,
): Promise<{ inboxKey: string } | { refused: string }> {
  const record = await getStatement(checksum);
  if (!record) return { refused: 'unknown statement' };
  if (record.status !== 'rejected' || !record.storedKey)
    return { refused: `statement is ${record.status}, only a rejected one can be re-processed` };
  const inboxKey = requeueKey(checksum, fileNameOf(record.storedKey));
  if ((await copyStatementObject(bucket, record.storedKey, inboxKey)) === 'exists')
    return { refused: 'the statement is already back in the inbox, waiting to be ingested' };
  return { inboxKey };
}
