import { describe, expect, it } from 'vitest';
import { invoiceStatusNames } from '../../functions/core/messages/format';
import { messages } from './i18n';

describe('an invoice status in the console', () => {
  it('is named with the words of the e-mails, the API and the import report', () => {
    expect(messages.fr.status).toEqual(invoiceStatusNames.fr);
    expect(messages.en.status).toEqual(invoiceStatusNames.en);
  });
});
