import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../bin/local/stack';
import { putCustomer } from '../../functions/adapters/db/customers';
import { getInvoice, saveInvoice } from '../../functions/adapters/db/invoices';
import { listTransactions } from '../../functions/adapters/db/transactions';
import type { Statement, StatementEntry } from '../../functions/core/model';
import { writeStatementFile } from '../../functions/core/statements';

/**
 * Issue 17, a matcher that learns from finance, on the local stack: a payment from a payer the engine does not know
 * is only offered; once finance accepts it, the next payment from that payer is lettered automatically; once finance
 * removes the alias, it is offered again.
 */
let stack: LocalStack;

const account = {
  iban: 'FR7630003012340001234567890',
  bankCode: '30003',
  branchCode: '01234',
  accountNumber: '00012345678',
};
const factor = { counterpartyName: 'AFFACTURAGE DU MASSIF', counterpartyIban: 'FR7611808009101234567890147' };

function entry(date: string, amountCents: number): StatementEntry {
  return {
    index: 0,
    bookingDate: date,
    valueDate: date,
    amountCents,
    currency: 'EUR',
    bankCodes: [],
    label: 'VIR SEPA AFFACTURAGE DU MASSIF',
    ...factor,
    remittance: { unstructured: ['REGLEMENT'], structured: [] },
    reversal: false,
    raw: [],
  };
}

function statement(date: string, amountCents: number): Statement {
  return {
    format: 'cfonb120',
    account,
    currency: 'EUR',
    periodStart: date,
    periodEnd: date,
    openingBalanceCents: 5_000_00,
    closingBalanceCents: 5_000_00 + amountCents,
    entries: [entry(date, amountCents)],
    balanceCheck: { status: 'ok' },
  };
}

async function invoice(id: string, amountCents: number) {
  await saveInvoice(
    undefined,
    {
      invoiceId: id,
      customerId: 'C-LOZERE',
      amountCents,
      openCents: amountCents,
      currency: 'EUR',
      issueDate: '2026-10-01',
      dueDate: '2026-10-31',
      status: 'open',
    },
    { at: '2026-10-01T00:00:00.000Z', kind: 'imported', actor: 'test', detail: {} },
  );
}

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(`${stack.urls.api}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${stack.env.LOCAL_API_TOKEN}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, json: (await res.json()) as { learnedAliases: { kind: string }[]; items: unknown[] } };
}

async function transactionOf(amountCents: number) {
  for (const status of ['matched', 'suggested', 'unmatched'] as const) {
    const found = (await listTransactions({ status })).items.find((t) => t.amountCents === amountCents);
    if (found) return found;
  }
  throw new Error(`no transaction of ${amountCents} cents`);
}

beforeAll(async () => {
  stack = await startLocalStack({ quiet: true });
  await putCustomer({
    customerId: 'C-LOZERE',
    name: 'Fromagerie de Lozère SAS',
    isBusiness: true,
    segment: 'standard',
    language: 'fr',
    timeZone: 'Europe/Paris',
    contacts: [{ email: 'compta@lozere.example', role: 'billing' }],
    ibans: ['FR7630006000011234567890189'],
    paymentTermsDays: 30,
    blockWhenOverLimit: false,
    reminderGrouping: 'per_customer',
    postalAddress: [],
    version: 0,
  });
  await invoice('LZ-0001', 1_234_56);
  await invoice('LZ-0002', 987_65);
  await invoice('LZ-0003', 456_78);
});

afterAll(async () => {
  await stack?.stop();
});

describe('a payer finance taught', () => {
  it('is lettered automatically from the next statement on, and no longer once finance removed it', async () => {
    expect(
      (await stack.putStatement('releve-1.cfo', writeStatementFile('cfonb120', [statement('2026-11-10', 1_234_56)])))
        .error,
    ).toBeUndefined();
    const first = await transactionOf(1_234_56);
    expect(first.status).toBe('suggested');
    expect(first.match?.suggestions[0].allocations).toEqual([{ invoiceId: 'LZ-0001', amountCents: 1_234_56 }]);
    const accepted = await api('POST', `/transactions/${encodeURIComponent(first.transactionId)}/accept`, {
      suggestionIndex: 0,
    });
    expect(accepted.status).toBe(200);
    expect(accepted.json.learnedAliases.map((a: { kind: string }) => a.kind)).toEqual(['iban', 'name']);

    expect(
      (await stack.putStatement('releve-2.cfo', writeStatementFile('cfonb120', [statement('2026-11-17', 987_65)])))
        .error,
    ).toBeUndefined();
    const second = await transactionOf(987_65);
    expect(second.status).toBe('matched');
    expect(second.applied).toMatchObject([{ invoiceId: 'LZ-0002', amountCents: 987_65 }]);
    expect((await getInvoice('LZ-0002'))?.status).toBe('paid');

    const aliases = (await api('GET', '/customers/C-LOZERE/aliases')).json.items as {
      aliasId: string;
      fromTransactionId: string;
    }[];
    expect(aliases.map((a) => a.fromTransactionId)).toEqual([first.transactionId, first.transactionId]);
    for (const a of aliases) expect((await api('DELETE', `/customers/C-LOZERE/aliases/${a.aliasId}`)).status).toBe(200);

    expect(
      (await stack.putStatement('releve-3.cfo', writeStatementFile('cfonb120', [statement('2026-11-24', 456_78)])))
        .error,
    ).toBeUndefined();
    const third = await transactionOf(456_78);
    expect(third.status).not.toBe('matched');
    expect((await getInvoice('LZ-0003'))?.status).toBe('open');
    const after = (await api('GET', '/customers/C-LOZERE/aliases')).json.items as { removedBy?: string }[];
    expect(after.map((a) => a.removedBy)).toEqual(['user:local-finance', 'user:local-finance']);
  });
});
