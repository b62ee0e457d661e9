/**
 * Key prefixes of the e-invoice inbox in the statements bucket: files are dropped under invoices/inbox/ and leave for
 * invoices/processed/<sha256>/ or invoices/rejected/<sha256>/ with a report.json beside them. Plain data, shared by the
 * handler, the CDK construct and the local runner.
 */
export const invoiceInboxPrefixes = {
  inbox: 'invoices/inbox/',
  processed: 'invoices/processed/',
  rejected: 'invoices/rejected/',
} as const;
