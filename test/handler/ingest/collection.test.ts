import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setClock } from '../../../functions/adapters/clock';
import { putCustomer } from '../../../functions/adapters/db/customers';
import { saveInvoice } from '../../../functions/adapters/db/invoices';
import { writeStatementFile } from '../../../functions/core/statements';
import { FakeAws, ingestWithinGrants } from './support/fake-aws';
import { customer, entry, invoice, sqsEvent, statement } from './support/scenario';

const handler = await ingestWithinGrants();

setClock({ now: () => new Date('2026-11-22T08:00:00Z') });
const quiet = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
afterAll(() => quiet.mockRestore());

let fake: FakeAws;
beforeEach(() => {
  fake = new FakeAws();
});
afterEach(() => fake.restore());

describe('ingest: a payment for an invoice handed to the collection agency', () => {
  it(
    'is lettered to that invoice (so its case can be withdrawn), never left unmatched or put on another ' + 'invoice',
    async () => {
      await putCustomer(customer);
      const imported = { at: '2026-11-01T00:00:00.000Z', kind: 'imported', actor: 'test', detail: {} } as const;
      await saveInvoice(undefined, { ...invoice('F2026-0200', 1_234_56), status: 'in_collection' as const }, imported);
      await saveInvoice(undefined, invoice('F2026-0201', 1_234_63), imported);
      const file = writeStatementFile('cfonb120', [
        statement([entry(0, '2026-11-20', 1_234_56, 'VIR SEPA ATELIERS DUPONT', ['FACTURE F2026-0200'])]),
      ]);
      fake.putObject('inbox/releve.cfo', file);

      expect((await handler(sqsEvent('inbox/releve.cfo'), {} as never)).batchItemFailures).toEqual([]);

      const allocations = [...fake.items.values()].filter((i) => String(i.sk).startsWith('ALLOC#'));
      expect(allocations.map((a) => [a.invoiceId, a.amountCents])).toEqual([['F2026-0200', 1_234_56]]);
      expect(fake.item('INVOICE#F2026-0200', 'INVOICE')).toMatchObject({ status: 'paid', openCents: 0 });
      expect(fake.item('INVOICE#F2026-0201', 'INVOICE')).toMatchObject({ status: 'open', openCents: 1_234_63 });
    },
  );
});
