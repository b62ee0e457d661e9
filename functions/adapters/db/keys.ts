/** Item keys of the single table (see lib/storage/table-design.ts). One place builds them all. */
export const keys = {
  customer: (id: string) => ({ pk: `CUSTOMER#${id}`, sk: 'CUSTOMER' }),
  customerList: (id: string) => ({ gsi2pk: 'CUSTOMERS', gsi2sk: id }),
  invoice: (id: string) => ({ pk: `INVOICE#${id}`, sk: 'INVOICE' }),
  invoiceByCustomer: (customerId: string, dueDate: string, invoiceId: string) => ({
    gsi1pk: `CUSTOMER#${customerId}`,
    gsi1sk: `INVOICE#${dueDate}#${invoiceId}`,
  }),
  invoiceByStatus: (status: string, dueDate: string, invoiceId: string) => ({
    gsi2pk: `INVSTATUS#${status}`,
    gsi2sk: `${dueDate}#${invoiceId}`,
  }),
  /** A payer identity (IBAN or name) finance taught for a customer; a removed one stays as a tombstone. */
  customerAlias: (customerId: string, kind: string, value: string) => ({
    pk: `CUSTOMER#${customerId}`,
    sk: `ALIAS#${kind}#${value}`,
  }),
  /** Sparse: only on a live alias, for the ingest to load them all at once. */
  liveAlias: (customerId: string, kind: string, value: string) => ({
    gsi2pk: 'ALIASES',
    gsi2sk: `${customerId}#${kind}#${value}`,
  }),
  customerCredit: (customerId: string, transactionId: string) => ({
    pk: `CUSTOMER#${customerId}`,
    sk: `CREDIT#${transactionId}`,
  }),
  allocation: (invoiceId: string, transactionId: string) => ({
    pk: `INVOICE#${invoiceId}`,
    sk: `ALLOC#${transactionId}`,
  }),
  /** The invoice's current dunning workflow generation (adapters/db/workflow-markers.ts). */
  workflow: (invoiceId: string) => ({ pk: `INVOICE#${invoiceId}`, sk: 'WORKFLOW' }),
  /** The task token of the invoice's paused dunning workflow (adapters/db/pauses.ts). */
  pause: (invoiceId: string) => ({ pk: `INVOICE#${invoiceId}`, sk: 'PAUSE' }),
  /** A payment finance is lettering to the invoice: its workflow is to be stopped (adapters/db/stop-checks.ts). */
  stopCheck: (invoiceId: string) => ({ pk: `INVOICE#${invoiceId}`, sk: 'STOPCHECK' }),
  /** Sparse: every stop check left, for the daily sweep. */
  stopCheckList: (at: string, invoiceId: string) => ({ gsi1pk: 'DUNNING#STOPCHECKS', gsi1sk: `${at}#${invoiceId}` }),
  /** Sparse: on a workflow marker whose generation failed or timed out, for the console's to-do list. */
  failedWorkflowList: (endedAt: string, invoiceId: string) => ({
    gsi1pk: 'DUNNING#FAILED',
    gsi1sk: `${endedAt}#${invoiceId}`,
  }),
  invoiceEvent: (invoiceId: string, at: string, seq: string) => ({
    pk: `INVOICE#${invoiceId}`,
    sk: `EVENT#${at}#${seq}`,
  }),
  /** Finance's write-offs by date (sparse: only on their history events), for the books export. */
  writeOffByDate: (at: string, invoiceId: string) => ({ gsi2pk: 'WRITEOFFS', gsi2sk: `${at}#${invoiceId}` }),
  transaction: (id: string) => ({ pk: `TXN#${id}`, sk: 'TXN' }),
  transactionByStatus: (status: string, bookingDate: string, id: string) => ({
    gsi2pk: `TXNSTATUS#${status}`,
    gsi2sk: `${bookingDate}#${id}`,
  }),
  statement: (checksum: string) => ({ pk: `STATEMENT#${checksum}`, sk: 'STATEMENT' }),
  statementHistory: (receivedAt: string, checksum: string) => ({
    gsi2pk: 'STATEMENTS',
    gsi2sk: `${receivedAt}#${checksum}`,
  }),
  /** Sparse: only on a statement still `processing` or with a finance alert not yet sent. */
  statementAttention: (receivedAt: string, checksum: string) => ({
    gsi1pk: 'STATEMENTS#ATTENTION',
    gsi1sk: `${receivedAt}#${checksum}`,
  }),
  /** What the files ingested so far held for one booking day of one account (count and total of its movements). */
  statementDay: (account: string, bookingDate: string) => ({ pk: `DAY#${account}#${bookingDate}`, sk: 'DAY' }),
  policyVersion: (policyId: string, version: number) => ({
    pk: `POLICY#${policyId}`,
    sk: `V#${String(version).padStart(6, '0')}`,
  }),
  dispatch: (customerId: string, windowAt: string, kind: string) => ({
    pk: `DISPATCH#${customerId}#${windowAt}#${kind}`,
    sk: 'DISPATCH',
  }),
  dispatchMember: (customerId: string, windowAt: string, kind: string, invoiceId: string) => ({
    pk: `DISPATCH#${customerId}#${windowAt}#${kind}`,
    sk: `INV#${invoiceId}`,
  }),
  send: (invoiceId: string, stepId: string) => ({ pk: `SEND#${invoiceId}#${stepId}`, sk: 'SEND' }),
  booksExport: (period: string) => ({ pk: `BOOKS#${period}`, sk: 'EXPORT' }),
  booksExportList: (period: string) => ({ gsi2pk: 'BOOKSEXPORTS', gsi2sk: period }),
  booksExportPart: (period: string, run: string, part: number) => ({
    pk: `BOOKS#${period}`,
    sk: `PART#${run}#${String(part).padStart(4, '0')}`,
  }),
} as const;
