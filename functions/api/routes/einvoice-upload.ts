import { importEInvoice } from '../../use-cases/einvoice-import';
import type { ImportReport } from '../schemas';

/**
 * The body as the API decoded it: UTF-8 when it was valid UTF-8, else Latin-1 (functions/api/handler.ts decodeBody).
 */
function bytesOf(body: string): Buffer {
  const latin1 = Buffer.from(body, 'latin1');
  // Latin-1 was used only for bytes that are not valid UTF-8: such a string maps back to exactly those bytes.
  if (![...body].some((c) => c.charCodeAt(0) > 0xff)) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(latin1);
    } catch {
      return latin1;
    }
  }
  return Buffer.from(body, 'utf8');
}

/** An e-invoice rather than a CSV or FEC: a PDF, or XML (after an optional byte-order mark and blanks). */
export function isEInvoiceUpload(body: string): boolean {
  const head = body.slice(0, 1024);
  return head.includes('%PDF-') || /^\uFEFF?\s*</.test(head);
}

/** POST /invoices/import with an e-invoice: one row, the same report shape as a CSV or FEC import. */
export async function einvoiceImport(body: string, actor: string, paymentTermsDays: number): Promise<ImportReport> {
  const report = await importEInvoice(bytesOf(body), actor, paymentTermsDays);
  const row = {
    line: 1,
    outcome: report.outcome,
    ...(report.invoiceId ? { invoiceId: report.invoiceId } : {}),
    ...(report.reason ? { reason: report.reason } : {}),
  };
  const summary = { created: 0, updated: 0, unchanged: 0, rejected: 0, [report.outcome]: 1 };
  return { format: 'einvoice', summary, rows: [row], einvoice: report };
}
