export * from './errors';
export { extractInvoiceXml, INVOICE_ATTACHMENT_NAMES } from './factur-x';
export * from './model';
export * from './read';
export * from './to-import';
