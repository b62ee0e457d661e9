import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { BankAccount, MatchResult, StatementEntry } from '../../core/model';
import { dynamo } from '../aws-clients';
import { stripKeys } from './items';
import { keys } from './keys';
import { decodeCursor, encodeCursor, type Page, tableName } from './table';

/**
 * Where a bank transaction stands: `pending` right after ingest (not yet through the matcher), then the matcher's
 * verdict; `rejected` when a person refused the suggestions; `reversed` for a payment the bank returned: lettered, its
 * allocations undone by the return; or left unlettered, and given back by a return (never to be lettered).
 */
export const TransactionStatus = z.enum([
  'pending',
  'matched',
  'suggested',
  'unmatched',
  'ignored',
  'rejected',
  'reversed',
]);
export type TransactionStatus = z.infer<typeof TransactionStatus>;

export const StoredTransaction = StatementEntry.extend({
  transactionId: z.string(),
  statementChecksum: z.string(),
  account: BankAccount,
  status: TransactionStatus,
  match: MatchResult.optional(),
  /**
   * Allocations applied from this transaction, with the bank fees written off alongside, so an undo restores them
   * exactly.
   */
  applied: z
    .array(
      z.object({ invoiceId: z.string(), amountCents: z.number().int(), writeOffCents: z.number().int().default(0) }),
    )
    .default([]),
  /** An overpayment kept as the customer's credit (unapplied cash), so an undo takes it back. */
  customerCredit: z.object({ customerId: z.string(), amountCents: z.number().int().positive() }).optional(),
  version: z.number().int().nonnegative(),
  ingestedAt: z.string(),
});
export type StoredTransaction = z.infer<typeof StoredTransaction>;

export function transactionItem(t: StoredTransaction) {
  return {
    ...keys.transaction(t.transactionId),
    ...keys.transactionByStatus(t.status, t.bookingDate, t.transactionId),
    type: 'transaction',
    ...t,
  };
}

export function transactionFromItem(item: Record<string, unknown>): StoredTransaction {
  return StoredTransaction.parse(stripKeys(item));
}

/**
 * Stores the transaction unless the same bank transaction is already there (same file twice, overlapping statements).
 */
export async function insertTransactionIfNew(t: StoredTransaction): Promise<boolean> {
  try {
    await dynamo().send(
      new PutCommand({
        TableName: tableName(),
        Item: transactionItem(t),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return true;
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) return false;
    throw err;
  }
}

/** The Put of a changed transaction, conditional on the version it replaces. */
export function transactionPut(next: StoredTransaction, previousVersion: number) {
  return {
    Put: {
      TableName: tableName(),
      Item: transactionItem(next),
      ConditionExpression: '#v = :v',
      ExpressionAttributeNames: { '#v': 'version' },
      ExpressionAttributeValues: { ':v': previousVersion },
    },
  };
}

export async function getTransaction(transactionId: string): Promise<StoredTransaction | undefined> {
  const res = await dynamo().send(
    new GetCommand({ TableName: tableName(), Key: keys.transaction(transactionId), ConsistentRead: true }),
  );
  return res.Item ? transactionFromItem(res.Item) : undefined;
}

/** Transactions by status (the review queue is `suggested` + `unmatched`), oldest booking first. */
export async function listTransactions(options: {
  status: TransactionStatus;
  limit?: number;
  cursor?: string;
  from?: string;
  to?: string;
}): Promise<Page<StoredTransaction>> {
  const range = options.from || options.to;
  const res = await dynamo().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: 'gsi2',
      KeyConditionExpression: range ? 'gsi2pk = :pk AND gsi2sk BETWEEN :from AND :to' : 'gsi2pk = :pk',
      ExpressionAttributeValues: {
        ':pk': `TXNSTATUS#${options.status}`,
        ...(range ? { ':from': options.from ?? '0000', ':to': `${options.to ?? '9999'}#\uffff` } : {}),
      },
      Limit: options.limit,
      ExclusiveStartKey: decodeCursor(options.cursor),
    }),
  );
  return { items: (res.Items ?? []).map(transactionFromItem), nextCursor: encodeCursor(res.LastEvaluatedKey) };
}

/** What the files ingested so far held for one booking day of one account. */
export const StoredDay = z.object({
  account: z.string(),
  bookingDate: z.string(),
  entries: z.number().int().nonnegative(),
  totalCents: z.number().int(),
  /** The file that gave this view of the day. */
  statementChecksum: z.string(),
});
export type StoredDay = z.infer<typeof StoredDay>;

/**
 * Records a file's view of a booking day and returns the view stored before (undefined for a day never seen). The
 * view with more movements is kept: a day first seen cut short is completed by a later, whole export of it.
 */
export async function recordStatementDay(day: StoredDay): Promise<StoredDay | undefined> {
  const key = keys.statementDay(day.account, day.bookingDate);
  const put = (condition: Record<string, unknown>) =>
    dynamo().send(
      new PutCommand({ TableName: tableName(), Item: { ...key, type: 'statement_day', ...day }, ...condition }),
    );
  try {
    await put({ ConditionExpression: 'attribute_not_exists(pk)' });
    return undefined;
  } catch (err) {
    if (!(err instanceof ConditionalCheckFailedException)) throw err;
  }
  const res = await dynamo().send(new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }));
  const previous = StoredDay.parse(stripKeys(res.Item ?? {}));
  if (previous.entries < day.entries) {
    await put({
      ConditionExpression: '#n < :n',
      ExpressionAttributeNames: { '#n': 'entries' },
      ExpressionAttributeValues: { ':n': day.entries },
    }).catch((err: unknown) => {
      if (!(err instanceof ConditionalCheckFailedException)) throw err; // a fuller view was stored meanwhile
    });
  }
  return previous;
}
