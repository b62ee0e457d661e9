import { z } from 'zod';
import { clock } from '../adapters/clock';
import { createCustomer, getCustomer, replaceCustomer } from '../adapters/db/customers';
import { getInvoice, saveInvoice, VersionConflictError } from '../adapters/db/invoices';
import {
  type BuyerCustomer,
  buyerNamesAgree,
  type EInvoice,
  type EInvoiceError,
  importRecordOf,
  readEInvoice,
} from '../core/einvoices';
import { planImport } from '../core/imports';
import { Customer } from '../core/model';

/** What became of one e-invoice file: the invoice created, updated, unchanged, or the file rejected with its reason. */
export const EInvoiceImportReport = z.object({
  outcome: z.enum(['created', 'updated', 'unchanged', 'rejected']),
  reason: z.string().optional(),
  /** Why the file is not an invoice, when rejected before it was read (see EInvoiceErrorCode). */
  code: z.string().optional(),
  syntax: z.enum(['CII', 'UBL']).optional(),
  profile: z.string().optional(),
  container: z.string().optional(),
  invoiceId: z.string().optional(),
  customerId: z.string().optional(),
  amountDueCents: z.number().int().optional(),
  currency: z.string().optional(),
  dueDate: z.string().optional(),
});
export type EInvoiceImportReport = z.infer<typeof EInvoiceImportReport>;

/** Creates the buyer as a customer, or fills in the postal address of a known one that has none. */
async function upsertBuyer(buyer: BuyerCustomer): Promise<void> {
  const current = await getCustomer(buyer.customerId);
  if (!current) {
    const created = Customer.parse({
      customerId: buyer.customerId,
      name: buyer.name,
      postalAddress: buyer.postalAddress,
    });
    await createCustomer(created); // false when created meanwhile: theirs stands
  } else if (current.postalAddress.length === 0 && buyer.postalAddress.length > 0) {
    // undefined when edited meanwhile: the person's edit wins
    await replaceCustomer({ ...current, postalAddress: buyer.postalAddress }, current.version);
  }
}

function describe(
  inv: EInvoice,
): Pick<
  EInvoiceImportReport,
  'syntax' | 'profile' | 'container' | 'invoiceId' | 'amountDueCents' | 'currency' | 'dueDate'
> {
  return {
    syntax: inv.syntax,
    profile: inv.profile,
    container: inv.container.kind === 'factur-x' ? `factur-x (${inv.container.attachment})` : 'xml',
    invoiceId: inv.invoiceNumber,
    amountDueCents: inv.amountDueCents,
    currency: inv.currency,
    ...(inv.dueDate ? { dueDate: inv.dueDate } : {}),
  };
}

/**
 * One e-invoice file (Factur-X PDF, CII or UBL XML) into the receivables: the buyer becomes (or stays) the customer,
 * the
 * invoice is created or updated like a CSV/FEC import row (idempotent on the invoice number), with an 'imported'
 * history
 * event naming the source. A file that is not a valid invoice is reported with its reason and changes nothing.
 */
export async function importEInvoice(
  bytes: Uint8Array,
  actor: string,
  defaultTermsDays = 30,
): Promise<EInvoiceImportReport> {
  let inv: EInvoice;
  try {
    inv = await readEInvoice(bytes);
  } catch (err) {
    const e = err as EInvoiceError;
    return { outcome: 'rejected', code: e.code, reason: e.message };
  }
  const first = importRecordOf(inv, defaultTermsDays);
  if (!first.ok) return { outcome: 'rejected', reason: first.reason, ...describe(inv) };
  const known = await getCustomer(first.customer.customerId);
  // A customer keyed by the same id under another name is another party until a person says otherwise.
  if (known && !buyerNamesAgree(known.name, first.customer.name)) {
    return {
      outcome: 'rejected',
      code: 'buyer_mismatch',
      reason:
        `the buyer "${first.customer.name}" has the id of customer ${known.customerId}, "${known.name}": ` +
        `not attached to a customer of another name`,
      ...describe(inv),
      customerId: known.customerId,
    };
  }
  // Without a due date on the invoice, the known customer's payment terms apply.
  const read = known && !inv.dueDate ? importRecordOf(inv, known.paymentTermsDays) : first;
  if (!read.ok) return { outcome: 'rejected', reason: read.reason, ...describe(inv) };
  let buyerSaved = false;
  for (let attempt = 1; ; attempt++) {
    const stored = await getInvoice(read.record.invoiceId);
    const [planned] = planImport(
      { format: 'csv', rows: [{ line: 1, ok: true, record: read.record }] },
      new Map(stored ? [[stored.invoiceId, stored]] : []),
    );
    const report = {
      ...describe(inv),
      customerId: read.record.customerId,
      outcome: planned.outcome,
      ...(planned.reason ? { reason: planned.reason } : {}),
    };
    if ((planned.outcome !== 'created' && planned.outcome !== 'updated') || !planned.next) return report;
    // The customer only once the invoice is to be saved: a rejected or unchanged import creates none.
    if (!buyerSaved) await upsertBuyer(read.customer);
    buyerSaved = true;
    try {
      const detail = {
        source: 'einvoice',
        syntax: inv.syntax,
        profile: inv.profile,
        ...(stored
          ? { previous: { amountCents: stored.amountCents, issueDate: stored.issueDate, dueDate: stored.dueDate } }
          : {}),
      };
      await saveInvoice(stored, planned.next, {
        at: clock().now().toISOString(),
        kind: planned.outcome === 'created' ? 'imported' : 'import_updated',
        actor,
        detail,
      });
      return report;
    } catch (err) {
      // a payment or another import got there first: decide again
      if (!(err instanceof VersionConflictError) || attempt >= 3) throw err;
    }
  }
}
