import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { setClock } from '../../../functions/adapters/clock';
import { applyManualMatch, undoMatch } from '../../../functions/adapters/db/allocations';
import { putCustomer } from '../../../functions/adapters/db/customers';
import { saveInvoice } from '../../../functions/adapters/db/invoices';
import { writeStatementFile } from '../../../functions/core/statements';
import { FakeAws, ingestWithinGrants } from './support/fake-aws';
import { customer, entry, invoice, sqsEvent, statement } from './support/scenario';

/**
 * A person acting in the console while an ingest runs: the person's write lands between the ingest's read of a
 * transaction and its own write. Each case: what money would be misplaced, and that it is not.
 */
const handler = await ingestWithinGrants();

setClock({ now: () => new Date('2026-11-26T08:00:00Z') });
const quiet = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
afterAll(() => quiet.mockRestore());

let fake: FakeAws;
afterEach(() => fake.restore());

async function book(invoices: [string, number][]) {
  fake = new FakeAws();
  await putCustomer(customer);
  for (const [id, cents] of invoices)
    await saveInvoice(undefined, invoice(id, cents), {
      at: '2026-11-01T00:00:00.000Z',
      kind: 'imported',
      actor: 'test',
      detail: {},
    });
}

/** `person` acts, to completion, right before the ingest's first read of a transaction for which `when` holds. */
function meanwhile(when: (item: Record<string, unknown> | undefined) => boolean, person: () => Promise<unknown>) {
  const f = fake as unknown as {
    ddb: { on: (c: typeof GetCommand) => { callsFake: (fn: (input: never) => unknown) => void } };
    call: (service: string, op: string, fn: () => unknown) => unknown;
  };
  let armed = true;
  f.ddb.on(GetCommand).callsFake(async (input: { Key: { pk: string; sk: string } }) => {
    const key = `${input.Key.pk}|${input.Key.sk}`;
    if (armed && input.Key.sk === 'TXN' && when(fake.items.get(key))) {
      armed = false;
      await person();
    }
    return f.call('dynamodb', 'GetItem', () => ({ Item: structuredClone(fake.items.get(key)) }));
  });
}

async function ingest(name: string, ...entries: Parameters<typeof entry>[]) {
  fake.putObject(`inbox/${name}`, writeStatementFile('cfonb120', [statement(entries.map((e) => entry(...e)))]));
  expect((await handler(sqsEvent(`inbox/${name}`), {} as never)).batchItemFailures).toEqual([]);
}
const transactions = () => [...fake.items.values()].filter((i) => i.sk === 'TXN');
const transaction = (cents: number) => transactions().find((t) => t.amountCents === cents)!;
const invoiceOf = (id: string) => fake.item(`INVOICE#${id}`, 'INVOICE');
const DUPONT = 'VIR SEPA ATELIERS DUPONT';

describe('a returned payment (impayé) and a person at the same moment', () => {
  it('finance undoes the payment while its return is ingested: it is still given back, never letterable', async () => {
    await book([['F2026-0101', 500_00]]);
    await ingest('paid.cfo', [0, '2026-11-20', 500_00, DUPONT, ['FACTURE F2026-0101'], { bankReference: 'REF001' }]);
    const paid = transaction(500_00);
    expect(paid.status).toBe('matched');
    meanwhile(
      (t) => t?.transactionId === paid.transactionId,
      () => undoMatch(String(paid.transactionId), 'user:finance'),
    );
    await ingest('returned.cfo', [
      0,
      '2026-11-24',
      -500_00,
      `REJET ${DUPONT}`,
      ['MOTIF AC04 FACTURE F2026-0101'],
      { bankReference: 'REF009' },
    ]);
    expect(fake.item(`TXN#${paid.transactionId}`, 'TXN')?.status).toBe('reversed');
    await expect(
      applyManualMatch(String(paid.transactionId), [{ invoiceId: 'F2026-0101', amountCents: 500_00 }], 'user:finance'),
    ).rejects.toThrow(/returned by the bank/);
    expect(invoiceOf('F2026-0101')).toMatchObject({ status: 'open', openCents: 500_00 });
    // and finance's mail about the file says so, rather than leave the payment to be looked for
    expect(fake.sent.at(-1)?.text).toContain(
      'paiement d’origine non lettré, rien n’a été rouvert : il est marqué rendu par la banque et ne pourra plus ' +
        'être lettré',
    );
  });

  it('finance letters an unlettered credit its return gives back: the lettering is undone with it', async () => {
    await book([['F2026-0103', 77_00]]);
    const payer = { counterpartyName: 'SARL INCONNUE' };
    await ingest('credit.cfo', [
      0,
      '2026-11-20',
      77_00,
      'VIR SEPA INCONNU',
      ['CADEAU'],
      { bankReference: 'R2', ...payer },
    ]);
    const credit = transaction(77_00);
    expect(['suggested', 'unmatched']).toContain(credit.status);
    meanwhile(
      (t) => t?.transactionId === credit.transactionId,
      () => applyManualMatch(String(credit.transactionId), [{ invoiceId: 'F2026-0103', amountCents: 77_00 }], 'user:x'),
    );
    await ingest('back.cfo', [
      0,
      '2026-11-24',
      -77_00,
      'REJET VIR SEPA INCONNU',
      ['AC04'],
      { bankReference: 'R3', ...payer },
    ]);
    expect(fake.item(`TXN#${credit.transactionId}`, 'TXN')?.status).toBe('reversed');
    expect(invoiceOf('F2026-0103')).toMatchObject({ status: 'open', openCents: 77_00 });
  });
});

describe('a match decided on an open amount that grew before it was written', () => {
  const partly: Parameters<typeof entry> = [
    0,
    '2026-11-19',
    300_00,
    DUPONT,
    ['FACTURE F2026-0101'],
    { bankReference: 'R1' },
  ];

  it('a fee write-off that would no longer settle the invoice is refused: the payment waits for review', async () => {
    await book([['F2026-0101', 500_00]]);
    await ingest('partial.cfo', partly);
    const first = transaction(300_00);
    meanwhile(
      (t) => t?.amountCents === 195_00,
      () => undoMatch(String(first.transactionId), 'user:finance'),
    );
    await ingest('rest.cfo', [0, '2026-11-24', 195_00, DUPONT, ['SOLDE FACTURE F2026-0101'], { bankReference: 'R4' }]);
    expect(transaction(195_00).status).toBe('suggested');
    expect(invoiceOf('F2026-0101')).toMatchObject({ status: 'open', openCents: 500_00 });
    expect([...fake.items.values()].filter((i) => i.kind === 'write_off')).toEqual([]);
  });

  it('an overpayment credit while the invoice would still owe is refused: the payment waits for review', async () => {
    await book([['F2026-0101', 500_00]]);
    await ingest('partial.cfo', partly);
    const first = transaction(300_00);
    meanwhile(
      (t) => t?.amountCents === 210_00,
      () => undoMatch(String(first.transactionId), 'user:finance'),
    );
    await ingest('over.cfo', [0, '2026-11-24', 210_00, DUPONT, ['SOLDE FACTURE F2026-0101'], { bankReference: 'R5' }]);
    expect(transaction(210_00).status).toBe('suggested');
    expect([...fake.items.values()].filter((i) => String(i.sk).startsWith('CREDIT#'))).toEqual([]);
    expect(invoiceOf('F2026-0101')).toMatchObject({ openCents: 500_00 });
  });
});
