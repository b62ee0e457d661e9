export * from './errors';
export * from './model';
export * from './read';
export * from './to-import';
export { extractInvoiceXml, INVOICE_ATTACHMENT_NAMES } from './factur-x';
