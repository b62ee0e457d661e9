/**
 * The one DynamoDB table of encaisse, as plain data: the CDK storage construct builds the AWS table from it
 * and the local stack creates the DynamoDB Local table from it, so the two can never drift.
 *
 * Single-table design (item keys, see functions/adapters/db/keys.ts):
 *   pk                         sk                      what
 *   CUSTOMER#<id>              CUSTOMER                customer (gsi2: all customers)
 *   INVOICE#<id>               INVOICE                 invoice (gsi1: customer's invoices, gsi2: by status and due date)
 *   INVOICE#<id>               ALLOC#<txnId>           allocation of a transaction to the invoice
 *   INVOICE#<id>               EVENT#<ts>#<seq>        audit/history event of the invoice
 *   TXN#<id>                   TXN                     bank transaction (gsi2: review queue by match status)
 *   STATEMENT#<sha256>         STATEMENT               ingest record of a statement file (gsi2: ingest history)
 *   POLICY#<id>                V#<000001>              a version of a dunning policy (gsi2: latest versions)
 *   DISPATCH#<customer>#<win>#<kind>  DISPATCH | INV#<id>   grouped reminder of a send window and its invoices
 *   SEND#<invoice>#<step>      SEND                    idempotency record of one invoice step
 */
export const tableDesign = {
  partitionKey: 'pk',
  sortKey: 'sk',
  timeToLiveAttribute: 'expiresAt',
  globalSecondaryIndexes: [
    { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  ],
} as const;

export type TableDesign = typeof tableDesign;

/** CreateTable input for DynamoDB Local (on-demand, all attributes strings). */
export function createTableInput(tableName: string) {
  const keys = new Set<string>([tableDesign.partitionKey, tableDesign.sortKey]);
  for (const g of tableDesign.globalSecondaryIndexes) {
    keys.add(g.partitionKey);
    keys.add(g.sortKey);
  }
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: [...keys].map((AttributeName) => ({ AttributeName, AttributeType: 'S' as const })),
    KeySchema: [
      { AttributeName: tableDesign.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: tableDesign.sortKey, KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: tableDesign.globalSecondaryIndexes.map((g) => ({
      IndexName: g.indexName,
      KeySchema: [
        { AttributeName: g.partitionKey, KeyType: 'HASH' as const },
        { AttributeName: g.sortKey, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: 'ALL' as const },
    })),
  };
}
