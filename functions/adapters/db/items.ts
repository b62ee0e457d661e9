import { Customer, Invoice } from '../../core/model';
import { keys } from './keys';

/**
 * How domain records are stored as items: keys and index attributes are derived here and only here,
 * so every adapter (ingest, matching, dunning, API) reads and writes the same shape.
 */
export function invoiceItem(invoice: Invoice) {
  return {
    ...keys.invoice(invoice.invoiceId),
    ...keys.invoiceByCustomer(invoice.customerId, invoice.dueDate, invoice.invoiceId),
    ...keys.invoiceByStatus(invoice.status, invoice.dueDate, invoice.invoiceId),
    type: 'invoice',
    ...invoice,
  };
}

export function invoiceFromItem(item: Record<string, unknown>): Invoice {
  return Invoice.parse(stripKeys(item));
}

export function customerItem(customer: Customer) {
  return {
    ...keys.customer(customer.customerId),
    ...keys.customerList(customer.customerId),
    type: 'customer',
    ...customer,
  };
}

export function customerFromItem(item: Record<string, unknown>): Customer {
  return Customer.parse(stripKeys(item));
}

const keyAttributes = new Set(['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'type', 'expiresAt']);
export function stripKeys(item: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).filter(([k]) => !keyAttributes.has(k)));
}
