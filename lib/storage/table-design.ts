/**
 * The one DynamoDB table of encaisse, as plain data: the CDK storage construct builds the AWS table from it
 * and the local stack creates the DynamoDB Local table from it, so the two can never drift.
 *
 * Single-table design. Keys are built in functions/adapters/db/keys.ts, except where noted (file in brackets):
 *   pk                         sk                      what
 *   CUSTOMER#<id>              CUSTOMER                customer (gsi2: CUSTOMERS / <id>, all customers)
 *   CUSTOMER#<id>              BOUNCE#<email>          a contact address that hard-bounced or complained [db/sends.ts]
 *   CUSTOMER#<id>              CREDIT#<txnId>          an overpayment kept as the customer's credit (unapplied cash)
 *   CUSTOMER#<id>              ALIAS#<kind>#<value>    a payer IBAN or name finance taught (gsi2 while live: ALIASES /
 *   <id>#<kind>#<value>;
 *                                                        a removed one stays as a tombstone) [db/aliases.ts]
 *   INVOICE#<id>               INVOICE                 invoice (gsi1: CUSTOMER#<id> / INVOICE#<due>#<id>, a customer's
 *   invoices;
 *                                                        gsi2: INVSTATUS#<status> / <due>#<id>, by status and due date)
 *   INVOICE#<id>               ALLOC#<txnId>           allocation of a transaction to the invoice
 *   INVOICE#<id>               EVENT#<ts>#<seq>        audit/history event of the invoice (append-only)
 *                                                        (gsi2 on finance's write-offs only: WRITEOFFS / <ts>#<id>,
 *                                                        books export)
 *   INVOICE#<id>               WORKFLOW                its dunning workflow was started (execution ARN)
 *                                                        (gsi1 while its generation failed or timed out: DUNNING#FAILED
 *                                                        / <ended>#<id>, the console's to-do list)
 *   [adapters/workflows.ts]
 *   INVOICE#<id>               PAUSE                   task token + state of its paused workflow
 *   [adapters/workflows.ts]
 *   INVOICE#<id>               STOPCHECK               finance's match that may pay it, until its workflow is stopped
 *                                                        (gsi1: DUNNING#STOPCHECKS / <at>#<id>, the daily sweep)
 *   TXN#<id>                   TXN                     bank transaction (gsi2: TXNSTATUS#<status> / <booking
 *   date>#<id>, review queue)
 *   STATEMENT#<sha256>         STATEMENT               ingest record of a statement file (gsi2: STATEMENTS /
 *   <received>#<sha256>;
 *                                                        gsi1, only while `processing` or a finance alert is pending:
 *                                                        STATEMENTS#ATTENTION / <received>#<sha256>)
 *   DAY#<account>#<date>       DAY                     count and total of one booking day's movements, as first stored
 *   POLICY#<id>                V#<000001>              a version of a dunning policy (gsi2 on the latest only: POLICIES
 *   / <id>)
 *   BOOKS#<YYYY-MM>            EXPORT                  a frozen month of the books export (gsi2: BOOKSEXPORTS /
 *   <YYYY-MM>) [db/exports.ts]
 *   BOOKS#<YYYY-MM>            PART#<run>#<0001>       its entries, a few hundred per item (the run named by EXPORT)
 *   RATES                      OVERRIDE                late-payment rates finance added over the shipped figures
 *   [db/rates.ts]
 *   DISPATCH#<customer>#<window>#<kind>  DISPATCH      send-window batch of a customer (one message); <kind> may be
 *                                                        <kind>~<invoiceId> (customers dunned invoice by invoice)
 *                                                        [db/dispatch.ts]
 *   DISPATCH#<customer>#<window>#<kind>  INV#<id>      an invoice enlisted in that batch
 *   SEND#<invoice>#<step>      SEND                    idempotency record of one invoice step (message id)
 *   ANSWER#<link>#<action>#<nonce>  ANSWER           a customer's answer posted from one form (pending / done, TTL a
 *                                                        day): a second post of it is answered as the first
 *                                                        [db/answers.ts]
 *   MESSAGE#<sesMessageId>     MESSAGE                 which invoices an SES message was about, for its SES events
 *                                                        (gsi2: MESSAGES#<UTC day> / <sentAt>#<id>, the day's digest)
 *                                                        [db/sends.ts]
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
