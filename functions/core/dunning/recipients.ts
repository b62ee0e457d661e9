import type { Customer } from '../model';

/**
 * Who receives a customer's reminders: its billing and accounts-payable contacts (else its primary contact, else
 * any contact), minus the addresses that hard-bounced or complained
 * (`bouncedEmails`, as adapters/db/sends listBouncedContacts reads them). Formal notices add the legal contacts.
 * An empty list means the next e-mail step goes to a person (a call task) instead.
 */
export function reminderRecipients(
  customer: Customer,
  bouncedEmails: readonly string[],
  options: { legal?: boolean } = {},
): string[] {
  const bounced = new Set(bouncedEmails.map((email) => email.toLowerCase()));
  const usable = customer.contacts.filter((c) => !bounced.has(c.email.toLowerCase()));
  const roles = options.legal ? ['billing', 'accounts_payable', 'legal'] : ['billing', 'accounts_payable'];
  let chosen = usable.filter((c) => roles.includes(c.role));
  if (chosen.length === 0) chosen = usable.filter((c) => c.role === 'primary');
  if (chosen.length === 0) chosen = usable;
  return [...new Set(chosen.map((c) => c.email))];
}

/**
 * The person an e-mail greets by name: the contact behind its one address, when that contact has a name
 * (« Bonjour Claire Dubois, »). Several addresses, or an unnamed one, greet the company.
 */
export function namedRecipient(customer: Customer, to: readonly string[]): string | undefined {
  if (to.length !== 1) return undefined;
  const email = to[0].toLowerCase();
  return customer.contacts.find((c) => c.email.toLowerCase() === email && c.name?.trim())?.name?.trim();
}
