import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type DunningLevel, type Invoice, type InvoiceStatus, levelsBelow } from '../../core/model';
import { dynamo } from '../aws-clients';
import { type InvoiceEvent, invoiceEventPut } from './events';
import { invoiceFromItem, invoiceItem } from './items';
import { keys } from './keys';
import { decodeCursor, encodeCursor, type Page, queryAll, tableName } from './table';

/** Another writer changed the invoice since it was read (optimistic concurrency on `version`). */
export class VersionConflictError extends Error {
  constructor(
    readonly invoiceId: string,
    readonly expectedVersion: number,
  ) {
    super(`invoice ${invoiceId} changed since version ${expectedVersion}`);
    this.name = 'VersionConflictError';
  }
}

export async function getInvoice(invoiceId: string, consistent = true): Promise<Invoice | undefined> {
  const res = await dynamo().send(
    new GetCommand({ TableName: tableName(), Key: keys.invoice(invoiceId), ConsistentRead: consistent }),
  );
  return res.Item ? invoiceFromItem(res.Item) : undefined;
}

/**
 * The Put of a new invoice version, conditional on the version it replaces (or on absence for version 0).
 * Callers put it in a transaction together with the event that explains the change.
 */
export function invoicePut(next: Invoice, previousVersion: number | undefined) {
  const isNew = previousVersion === undefined;
  return {
    Put: {
      TableName: tableName(),
      Item: invoiceItem(next),
      ConditionExpression: isNew ? 'attribute_not_exists(pk)' : '#v = :v',
      ...(isNew
        ? {}
        : { ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': previousVersion } }),
    },
  };
}

/**
 * Writes a changed invoice and its history event atomically. `change` returns the new invoice from the current one;
 * the write succeeds only if nobody changed the invoice in between.
 */
export async function saveInvoice(
  current: Invoice | undefined,
  next: Omit<Invoice, 'version'>,
  event: Omit<InvoiceEvent, 'invoiceId'>,
): Promise<Invoice> {
  const saved: Invoice = { ...next, version: current ? current.version + 1 : 0 };
  try {
    await dynamo().send(
      new TransactWriteCommand({
        TransactItems: [invoicePut(saved, current?.version), invoiceEventPut({ ...event, invoiceId: saved.invoiceId })],
      }),
    );
  } catch (err) {
    if (
      err instanceof TransactionCanceledException &&
      err.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed'
    ) {
      throw new VersionConflictError(saved.invoiceId, current?.version ?? -1);
    }
    throw err;
  }
  return saved;
}

/** DynamoDB takes 100 items in a transaction: an invoice and its event are two. */
export const MAX_INVOICES_PER_TRANSACTION = 50;

/**
 * Writes several changed invoices, each with its history event, in one transaction: all of them or none. A
 * conflict on any of them (another writer changed it since it was read) throws VersionConflictError naming it, and
 * nothing is written. More than 50 invoices are written 50 at a time (each group all or nothing).
 */
export async function saveInvoices(
  changes: readonly { current: Invoice; next: Omit<Invoice, 'version'>; event: Omit<InvoiceEvent, 'invoiceId'> }[],
): Promise<Invoice[]> {
  const saved: Invoice[] = [];
  for (let at = 0; at < changes.length; at += MAX_INVOICES_PER_TRANSACTION) {
    const group = changes.slice(at, at + MAX_INVOICES_PER_TRANSACTION);
    const versions = group.map(({ current, next }) => ({ ...next, version: current.version + 1 }));
    try {
      await dynamo().send(
        new TransactWriteCommand({
          TransactItems: group.flatMap(({ current, event }, k) => [
            invoicePut(versions[k], current.version),
            invoiceEventPut({ ...event, invoiceId: versions[k].invoiceId }),
          ]),
        }),
      );
    } catch (err) {
      const failed = err instanceof TransactionCanceledException ? conflictIndex(err) : -1;
      if (failed >= 0) throw new VersionConflictError(group[failed].current.invoiceId, group[failed].current.version);
      throw err;
    }
    saved.push(...versions);
  }
  return saved;
}

/** The invoice (its position in the group) whose condition failed; -1 when none did. */
function conflictIndex(err: TransactionCanceledException): number {
  const item = (err.CancellationReasons ?? []).findIndex((r) => r?.Code === 'ConditionalCheckFailed');
  return item < 0 ? -1 : Math.floor(item / 2);
}

/**
 * Creates new invoices, each with the history event that explains it, in one transaction (at most 50 invoices:
 * DynamoDB takes 100 items). False when the transaction was cancelled (one of them exists already, or a conflict):
 * nothing was written, the caller decides row by row.
 */
export async function createInvoices(
  created: readonly { invoice: Invoice; event: Omit<InvoiceEvent, 'invoiceId'> }[],
): Promise<boolean> {
  const items = created.flatMap(({ invoice, event }) => [
    invoicePut(invoice, undefined),
    invoiceEventPut({ ...event, invoiceId: invoice.invoiceId }),
  ]);
  try {
    await dynamo().send(new TransactWriteCommand({ TransactItems: items }));
    return true;
  } catch (err) {
    if (err instanceof TransactionCanceledException || (err as Error).name === 'TransactionCanceledException')
      return false;
    throw err;
  }
}

/**
 * The update that raises an invoice's dunning level to `level` with a new version (a writer holding an older read then
 * conflicts instead of putting the old level back), conditional on the stored level being absent or lower: the level
 * never goes down. Fails its condition when the level is already as high, or the invoice is not there.
 */
export function dunningLevelRaise(invoiceId: string, level: DunningLevel) {
  const below = levelsBelow(level);
  const names = below.map((_, i) => `:below${i}`);
  return {
    Update: {
      TableName: tableName(),
      Key: keys.invoice(invoiceId),
      UpdateExpression: 'SET #l = :level ADD #v :one',
      ConditionExpression:
        `attribute_exists(pk) AND ` +
        `(attribute_not_exists(#l)${names.length ? ` OR #l IN (${names.join(', ')})` : ''})`,
      ExpressionAttributeNames: { '#l': 'dunningLevel', '#v': 'version' },
      ExpressionAttributeValues: {
        ':level': level,
        ':one': 1,
        ...Object.fromEntries(below.map((l, i) => [names[i], l])),
      },
    },
  };
}

/**
 * Raises the invoice's dunning level on its own (a send confirmed after the fact); false when it was already as high.
 */
export async function raiseDunningLevel(invoiceId: string, level: DunningLevel): Promise<boolean> {
  try {
    await dynamo().send(new UpdateCommand(dunningLevelRaise(invoiceId, level).Update));
    return true;
  } catch (err) {
    if ((err as Error).name === 'ConditionalCheckFailedException') return false;
    throw err;
  }
}

export async function listInvoicesByStatus(
  status: InvoiceStatus,
  options: { dueBefore?: string; limit?: number; cursor?: string } = {},
): Promise<Page<Invoice>> {
  const res = await dynamo().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: 'gsi2',
      KeyConditionExpression: options.dueBefore ? 'gsi2pk = :pk AND gsi2sk < :before' : 'gsi2pk = :pk',
      ExpressionAttributeValues: {
        ':pk': `INVSTATUS#${status}`,
        ...(options.dueBefore ? { ':before': `${options.dueBefore}#\uffff` } : {}),
      },
      Limit: options.limit,
      ExclusiveStartKey: decodeCursor(options.cursor),
    }),
  );
  return { items: (res.Items ?? []).map(invoiceFromItem), nextCursor: encodeCursor(res.LastEvaluatedKey) };
}

export async function listInvoicesOfCustomer(
  customerId: string,
  options: { limit?: number; cursor?: string } = {},
): Promise<Page<Invoice>> {
  const res = await dynamo().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :inv)',
      ExpressionAttributeValues: { ':pk': `CUSTOMER#${customerId}`, ':inv': 'INVOICE#' },
      Limit: options.limit,
      ExclusiveStartKey: decodeCursor(options.cursor),
    }),
  );
  return { items: (res.Items ?? []).map(invoiceFromItem), nextCursor: encodeCursor(res.LastEvaluatedKey) };
}

/** Every invoice of the given statuses (all pages of the status index), optionally due on or after a date. */
export async function listAllInvoices(statuses: readonly InvoiceStatus[], dueFrom?: string): Promise<Invoice[]> {
  const lists = await Promise.all(
    statuses.map((status) =>
      queryAll({
        IndexName: 'gsi2',
        KeyConditionExpression: dueFrom ? 'gsi2pk = :pk AND gsi2sk >= :from' : 'gsi2pk = :pk',
        ExpressionAttributeValues: { ':pk': `INVSTATUS#${status}`, ...(dueFrom ? { ':from': dueFrom } : {}) },
      }),
    ),
  );
  return lists.flat().map(invoiceFromItem);
}

/** Every invoice still owed (open or partially paid). */
export function listOwedInvoices(): Promise<Invoice[]> {
  return listAllInvoices(['open', 'partially_paid']);
}

/**
 * Every invoice a payment may still settle: those owed, and those handed to the collection agency (a payment for one
 * of them must be lettered to it, so that its case is withdrawn, never left unmatched or put on another invoice).
 */
export function listPayableInvoices(): Promise<Invoice[]> {
  return listAllInvoices(['open', 'partially_paid', 'in_collection']);
}
