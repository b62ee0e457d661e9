/**
 * What the customer page's use cases need from the world, as plain functions: the handler passes the live ones
 * (`liveDeps`), the tests pass their own. Nothing here decides anything.
 */

import type { InvoiceEvent } from '../adapters/db/events';
import type { CustomerLinkRecord, ShortLinkRecord } from '../adapters/db/links';
import type { HolidayCalendar } from '../core/calendar/holidays';
import type { Policy } from '../core/dunning/policy';
import type { RateTable } from '../core/dunning/rates';
import type { FinanceAlertInput } from '../core/messages/finance';
import type { Customer, Invoice } from '../core/model';

export interface Creditor {
  name: string;
  iban: string;
  bic?: string;
  email?: string;
  phone?: string;
}

export interface InvoiceChange {
  current: Invoice;
  next: Omit<Invoice, 'version'>;
  event: Omit<InvoiceEvent, 'invoiceId'>;
}

export interface PageDeps {
  now(): Date;
  /** Signing key first, then the previous one (rotation). */
  linkKeys(): Promise<string[]>;
  getLink(customerId: string, linkId: string): Promise<CustomerLinkRecord | undefined>;
  /** The link a short code names (letters print /c/s/<code>). */
  getShortLink(code: string): Promise<ShortLinkRecord | undefined>;
  getCustomer(customerId: string): Promise<Customer | undefined>;
  /** The customer's invoices still owed (open or partially paid), oldest due first. */
  owedInvoices(customerId: string): Promise<Invoice[]>;
  policyFor(customer: Customer): Promise<Policy>;
  /** The late-payment rates the letters use (for the penalties shown from the formal notice on). */
  rates(): Promise<RateTable>;
  /** The cash allocated to an invoice, by booking date (penalties run on each amount until it was paid). */
  paymentsOf(invoiceId: string): Promise<{ on: string; cents: number }[]>;
  pdfLink(pdfKey: string): Promise<string>;
  creditor(): Creditor;
  /** The creditor's public holidays (deployment setting), which the business days of a wait skip. */
  holidayCalendar(): HolidayCalendar;
  /**
   * The invoices an answer changes, each with its event, in one transaction: all saved or none (each conditional on
   * the invoice's version; a conflict on any throws and nothing is saved).
   */
  saveInvoices(changes: InvoiceChange[]): Promise<Invoice[]>;
  putDocument(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  /**
   * The record of one posted form (its link, action and nonce): `claimAnswer` is true for the one post that may record
   * it, `answerState` tells a second post where the first is, `settleAnswer` marks it done or releases it.
   */
  claimAnswer(key: string, at: Date): Promise<boolean>;
  answerState(key: string): Promise<'pending' | 'done' | undefined>;
  settleAnswer(key: string, done: boolean, at: Date): Promise<void>;
  /** Waits (a second post waiting for the first one's outcome). */
  sleep(ms: number): Promise<void>;
  alertFinance(alert: FinanceAlertInput): Promise<void>;
  /** A fault the customer was shown a page for (logged at error level, with the alarms' log queries). */
  reportFault(message: string, detail: Record<string, unknown>): void;
}
