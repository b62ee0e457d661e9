import type { Customer } from '../model';
import type { ParsedImport } from './types';

/**
 * What finance should look at on an imported row, though nothing is refused for it: an IBAN that already belongs to
 * another customer (stored, or earlier in the same file: a copy-paste slip would send that customer's payments to the
 * wrong account), and a customer without any e-mail contact (its reminders will go to a person as call tasks). The
 * missing contact is said once per customer, on its first row. Returns the warnings by line.
 */
export function importWarnings(parsed: ParsedImport, stored: readonly Customer[]): Map<number, string[]> {
  const owners = new Map<string, Set<string>>();
  const own = (iban: string, customerId: string) => owners.set(iban, (owners.get(iban) ?? new Set()).add(customerId));
  for (const c of stored) for (const iban of c.ibans) own(iban, c.customerId);
  const contacts = new Map(stored.map((c) => [c.customerId, c.contacts.length]));
  const told = new Set<string>();
  const out = new Map<number, string[]>();
  for (const row of parsed.rows) {
    if (!row.ok) continue;
    const { customerId, customerIban } = row.record;
    const warnings: string[] = [];
    if (customerIban) {
      const others = [...(owners.get(customerIban) ?? [])].filter((id) => id !== customerId);
      if (others.length) warnings.push(`customer_iban: already the IBAN of customer ${others.sort().join(', ')}`);
      own(customerIban, customerId);
    }
    if (!told.has(customerId) && !contacts.get(customerId)) {
      told.add(customerId);
      warnings.push(`customer ${customerId}: no e-mail contact, its reminders will be call tasks`);
    }
    if (warnings.length) out.set(row.line, warnings);
  }
  return out;
}
