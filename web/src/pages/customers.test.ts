import { describe, expect, it } from 'vitest';
import { contactsText, parseContacts } from './customers';

describe('editing a customer’s contacts as lines', () => {
  it('keeps the role of a known contact and makes a new one a billing contact', () => {
    const known = [{ email: 'paul@durand.example.fr', name: 'Paul Durand', role: 'accounts_payable' as const }];
    expect(contactsText(known)).toBe('paul@durand.example.fr, Paul Durand');
    expect(parseContacts('PAUL@durand.example.fr, Paul Durand\n\ncompta@durand.example.fr', known)).toEqual([
      { email: 'PAUL@durand.example.fr', name: 'Paul Durand', role: 'accounts_payable' },
      { email: 'compta@durand.example.fr', name: undefined, role: 'billing' },
    ]);
  });
});
