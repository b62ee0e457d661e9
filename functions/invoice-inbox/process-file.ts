import { createHash } from 'node:crypto';
import { clock } from '../adapters/clock';
import type { Logger } from '../adapters/logger';
import { deleteStatementFile, putJson, readStatementFile, storeStatementFile } from '../adapters/statement-files';
import { fileNameOf } from '../core/ingest/files';
import { type EInvoiceImportReport, importEInvoice } from '../use-cases/einvoice-import';
import { invoiceInboxPrefixes } from './prefixes';

export interface InboxReport extends EInvoiceImportReport {
  fileName: string;
  sha256: string;
  receivedKey: string;
  storedKey: string;
  at: string;
}

export interface InboxNotifier {
  invoiceRejected(report: InboxReport): Promise<void>;
}

/** An e-invoice file is small (a Factur-X of a few hundred kB); anything far bigger is refused unread. */
export const MAX_INVOICE_FILE_BYTES = 20 * 1024 * 1024;

/**
 * One file of invoices/inbox/: read, imported (customer and open invoice), then moved under its checksum to
 * invoices/processed/<sha256>/<name> or invoices/rejected/<sha256>/<name> with report.json beside it; finance hears of
 * a rejection. A second delivery of the same event finds the file gone and does nothing. The copy is written, and
 * finance told, before the inbox file is deleted, so a crash in between leaves the file to be handled again (the
 * import is idempotent; finance may hear of a rejection twice, never not at all).
 */
export async function processInvoiceFile(
  bucket: string,
  key: string,
  notify: InboxNotifier,
  log: Logger,
): Promise<InboxReport | undefined> {
  const bytes = await readStatementFile(bucket, key);
  if (!bytes) {
    log.info('invoice file already handled', { key });
    return undefined;
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const fileName = fileNameOf(key);
  const result: EInvoiceImportReport =
    bytes.length > MAX_INVOICE_FILE_BYTES
      ? { outcome: 'rejected', code: 'too_large', reason: `file larger than ${MAX_INVOICE_FILE_BYTES} bytes` }
      : await importEInvoice(bytes, 'invoice-inbox');
  const folder = result.outcome === 'rejected' ? invoiceInboxPrefixes.rejected : invoiceInboxPrefixes.processed;
  const storedKey = `${folder}${sha256}/${fileName}`;
  const report: InboxReport = {
    ...result,
    fileName,
    sha256,
    receivedKey: key,
    storedKey,
    at: clock().now().toISOString(),
  };
  await storeStatementFile(bucket, storedKey, bytes); // keyed by content: an existing copy is the same file
  await putJson(bucket, `${folder}${sha256}/report.json`, report);
  // Finance is told before the inbox file goes: a refused send leaves the file, and the redelivery tells again (at
  // least once; told after the delete, a failed send was lost with the only trace of the refused invoice).
  if (report.outcome === 'rejected') await notify.invoiceRejected(report);
  await deleteStatementFile(bucket, key);
  log.info('invoice file handled', {
    key,
    storedKey,
    outcome: report.outcome,
    invoiceId: report.invoiceId,
    reason: report.reason,
  });
  return report;
}
