/**
 * Limits DynamoDB enforces in AWS that DynamoDB Local does not (it took a 101-item transaction): the in-memory tables
 * of the handler tests refuse what AWS would, with AWS's error name.
 */

/** An item over DynamoDB's 400 KB (attribute names and values, UTF-8), approximated by its JSON, a little above. */
export function itemWithinSize(item: unknown): void {
  if (Buffer.byteLength(JSON.stringify(item)) > 400 * 1024)
    throw Object.assign(new Error('Item size has exceeded the maximum allowed size'), { name: 'ValidationException' });
}

/** A TransactWriteItems of more than 100 actions. */
export function transactionWithinSize(items: readonly unknown[]): void {
  if (items.length > 100)
    throw Object.assign(new Error('Member must have length less than or equal to 100'), {
      name: 'ValidationException',
    });
}
