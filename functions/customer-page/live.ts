/** The live dependencies of the customer page: the adapters, and the dunning's own policy and penalty code. */
import { clock } from '../adapters/clock';
import { creditor, holidayCalendar } from '../adapters/config';
import { answerState, claimAnswer, settleAnswer } from '../adapters/db/answers';
import { paymentsOf } from '../adapters/db/api-reads';
import { getCustomer } from '../adapters/db/customers';
import { getInvoice, saveInvoices } from '../adapters/db/invoices';
import { getLink, getShortLink } from '../adapters/db/links';
import { listPolicies } from '../adapters/db/policies';
import { loadRateTable } from '../adapters/db/rates';
import { queryAll } from '../adapters/db/table';
import { presignedLink, putDocument } from '../adapters/documents';
import { alertFinance } from '../adapters/finance-alerts';
import { linkKeys } from '../adapters/link-keys';
import { createLogger } from '../adapters/logger';
import { policyForCustomer } from '../core/dunning/policy';
import { type Invoice, isOwed } from '../core/model';
import type { PageDeps } from './deps';

/** How long the invoice PDF link on the page stays valid: the page is reloaded for a new one. */
const PDF_LINK_SECONDS = 15 * 60;

async function owedInvoices(customerId: string): Promise<Invoice[]> {
  const items = await queryAll({
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :inv)',
    ExpressionAttributeValues: { ':pk': `CUSTOMER#${customerId}`, ':inv': 'INVOICE#' },
    ProjectionExpression: 'invoiceId, #s, openCents',
    ExpressionAttributeNames: { '#s': 'status' },
  });
  const ids = items
    .filter((i) => isOwed({ status: i.status as Invoice['status'], openCents: Number(i.openCents) }))
    .map((i) => String(i.invoiceId));
  // Strongly consistent reads: the index may lag, and an action needs the current version.
  const invoices = await Promise.all(ids.map((id) => getInvoice(id)));
  return invoices.filter((i): i is Invoice => i !== undefined && i.customerId === customerId && isOwed(i));
}

export function liveDeps(): PageDeps {
  return {
    now: () => clock().now(),
    linkKeys: () => linkKeys(),
    getLink,
    getShortLink,
    getCustomer,
    owedInvoices,
    policyFor: async (customer) => policyForCustomer(customer, await listPolicies()),
    rates: () => loadRateTable(),
    paymentsOf,
    pdfLink: (key) => presignedLink(key, PDF_LINK_SECONDS),
    creditor: () => {
      const c = creditor();
      // The accounting contact of the creditor's legal identity: a person who answers, not the sending address.
      const contact = c.legal.accounting;
      return { name: c.name, iban: c.iban, bic: c.bic, email: contact.email, phone: contact.phone };
    },
    holidayCalendar: () => holidayCalendar(),
    saveInvoices: (changes) => saveInvoices(changes),
    putDocument: async (key, bytes, contentType) => {
      await putDocument(key, bytes, contentType);
    },
    claimAnswer,
    answerState,
    settleAnswer,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    alertFinance: async (alert) => {
      await alertFinance(alert);
    },
    reportFault: (message, detail) => log.error(message, detail),
  };
}

const log = createLogger('customer-page');
