import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../bin/local/stack';
import type { Statement, StatementEntry } from '../../functions/core/model';
import { writeStatementFile } from '../../functions/core/statements';
import { contactOf, customer, invoice, shortPolicyInput } from '../handler/dunning/fixtures';
import { dunningTemplate } from './support/templates';

/**
 * A reopened invoice gets its dunning back, on the local stack (synthesized state machine, real handlers, DynamoDB
 * Local, s3rver, SES store, the admin API over HTTP): paid by a bank statement -> its workflow is stopped -> finance
 * undoes the match -> a NEW execution (generation 2) runs and the reminders go out. Time runs 86400x from Monday
 * 2 February 2026, 05:30 Paris.
 */
const START = new Date('2026-02-02T04:30:00.000Z');
const INVOICE = 'F2026-0777';
const CUSTOMER = 'REOPEN';

let stack: LocalStack;
type Workflows = typeof import('../../functions/adapters/workflows') &
  typeof import('../../functions/adapters/db/workflow-markers');
let wf: Workflows;
let kinds: (id: string) => Promise<string[]>;

const account = {
  iban: 'FR7630003012340001234567890',
  bankCode: '30003',
  branchCode: '01234',
  accountNumber: '00012345678',
};
function statement(entries: StatementEntry[]): Statement {
  const total = entries.reduce((s, e) => s + e.amountCents, 0);
  return {
    format: 'cfonb120',
    account,
    currency: 'EUR',
    periodStart: '2026-02-02',
    periodEnd: '2026-02-02',
    openingBalanceCents: 1_000_00,
    closingBalanceCents: 1_000_00 + total,
    entries,
    balanceCheck: { status: 'ok' },
  };
}
const payment: StatementEntry = {
  index: 0,
  bookingDate: '2026-02-02',
  valueDate: '2026-02-02',
  amountCents: 120_000,
  currency: 'EUR',
  bankCodes: [],
  label: `VIR SEPA CLIENT ${CUSTOMER}`,
  remittance: { unstructured: [`FACTURE ${INVOICE}`], structured: [] },
  reversal: false,
  raw: [],
};

async function api(method: string, path: string): Promise<{ status: number; json: any }> {
  const res = await fetch(`${stack.urls.api}${path}`, {
    method,
    headers: { authorization: `Bearer ${stack.env.LOCAL_API_TOKEN}`, 'content-type': 'application/json' },
    body: method === 'GET' ? undefined : '{}',
  });
  return { status: res.status, json: await res.json() };
}

beforeAll(async () => {
  stack = await startLocalStack({ quiet: true, template: dunningTemplate, sfnTimeFactor: 86_400, startAt: START });
  const { putCustomer } = await import('../../functions/adapters/db/customers');
  const { saveInvoice } = await import('../../functions/adapters/db/invoices');
  const { savePolicy } = await import('../../functions/adapters/db/policies');
  const { listInvoiceEvents } = await import('../../functions/adapters/db/events');
  wf = {
    ...(await import('../../functions/adapters/workflows')),
    ...(await import('../../functions/adapters/db/workflow-markers')),
  };
  kinds = async (id) => (await listInvoiceEvents(id)).map((e) => e.kind);
  await savePolicy(shortPolicyInput);
  await putCustomer(customer(CUSTOMER, { policyId: 'short' }));
  await saveInvoice(undefined, invoice(INVOICE, CUSTOMER, '2026-02-09', { issueDate: '2026-01-09' }), {
    at: START.toISOString(),
    kind: 'imported',
    actor: 'test',
    detail: {},
  });
  await putCustomer(customer('RETURN', { policyId: 'short' }));
  await saveInvoice(undefined, invoice('F2026-0888', 'RETURN', '2026-02-24', { issueDate: '2026-01-24' }), {
    at: START.toISOString(),
    kind: 'imported',
    actor: 'test',
    detail: {},
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('a reopened invoice gets its dunning back (workflow generations)', () => {
  it('paid -> workflow stopped -> payment undone -> a new execution runs and reminds', async () => {
    const first = await wf.startDunning(INVOICE, stack.clock.now());
    expect(first).toMatchObject({ started: true, generation: 1 });
    expect(first.executionArn).toMatch(/:inv-F2026-0777$/);
    await stack.waitFor(async () => (await kinds(INVOICE)).includes('dunning_step_planned'), 10_000);

    // Paid by the bank statement: the reconciliation letters it and stops the workflow.
    const delivery = await stack.putStatement(
      'releve-fevrier.cfo',
      writeStatementFile('cfonb120', [statement([payment])]),
    );
    expect(delivery.error).toBeUndefined();
    expect((await api('GET', `/invoices/${INVOICE}`)).json.invoice.status).toBe('paid');
    expect((await stack.stepFunctions.settled(first.executionArn)).status).toBe('ABORTED');
    expect(await wf.currentDunning(INVOICE)).toMatchObject({ generation: 1, running: false, endStatus: 'ABORTED' });

    // A second start while nothing changed would be a no-op... but the invoice is paid; finance undoes the match.
    const txn = (await api('GET', '/transactions?status=matched')).json.items.find(
      (t: { amountCents: number }) => t.amountCents === 120_000,
    );
    expect(txn).toBeDefined();
    const undo = await api('POST', `/transactions/${encodeURIComponent(txn.transactionId)}/undo`);
    expect(undo.status).toBe(200);
    expect(undo.json.reopenedInvoiceIds).toEqual([INVOICE]);

    const second = await wf.currentDunning(INVOICE);
    expect(second).toMatchObject({ generation: 2, running: true, previous: { generation: 1, status: 'ABORTED' } });
    expect(second!.executionName).toMatch(/^inv-F2026-0777-g2-[0-9a-f]{16}$/);
    const view = (await api('GET', `/invoices/${INVOICE}`)).json;
    expect(view.invoice.status).toBe('open');
    expect(view.workflow).toMatchObject({ executionName: second!.executionName, generation: 2 });

    // While generation 2 runs, starting again is a no-op.
    expect(await wf.startDunning(INVOICE, stack.clock.now())).toMatchObject({ started: false, generation: 2 });

    const rec = await stack.stepFunctions.settled(second!.executionArn);
    expect({ status: rec.status, error: rec.error, cause: rec.cause }).toMatchObject({ status: 'SUCCEEDED' });
    const mails = (await stack.sentEmails()).filter((e) => e.destination.to.includes(contactOf(CUSTOMER)));
    expect(mails).toHaveLength(2);
    expect((await kinds(INVOICE)).filter((k) => k === 'reminder_sent')).toHaveLength(2);
    expect(
      stack.stepFunctions
        .list()
        .filter((e) => e.name.startsWith('inv-F2026-0777'))
        .map((e) => e.status)
        .sort(),
    ).toEqual(['ABORTED', 'SUCCEEDED']);
  }, 120_000);

  it('a returned payment ("impayé") reopens the invoice and the reconciliation starts a new execution', async () => {
    const id = 'F2026-0888';
    const first = await wf.startDunning(id, stack.clock.now());
    expect(first).toMatchObject({ started: true, generation: 1 });
    await stack.waitFor(async () => (await kinds(id)).includes('dunning_step_planned'), 10_000);
    const payer = { counterpartyName: 'CLIENT RETURN', counterpartyIban: 'FR7610107001011234567890129' };
    const paid: StatementEntry = {
      ...payment,
      ...payer,
      label: 'VIR SEPA CLIENT RETURN',
      remittance: { unstructured: [`FACTURE ${id}`], structured: [] },
    };
    expect(
      (await stack.putStatement('releve-paiement.cfo', writeStatementFile('cfonb120', [statement([paid])]))).error,
    ).toBeUndefined();
    expect((await stack.stepFunctions.settled(first.executionArn)).status).toBe('ABORTED');

    const returned: StatementEntry = {
      ...paid,
      amountCents: -120_000,
      label: 'IMPAYE VIR SEPA CLIENT RETURN',
      remittance: { unstructured: [`RETOUR FACTURE ${id}`], structured: [] },
    };
    expect(
      (await stack.putStatement('releve-impaye.cfo', writeStatementFile('cfonb120', [statement([returned])]))).error,
    ).toBeUndefined();
    expect((await api('GET', `/invoices/${id}`)).json.invoice.status).toBe('open');
    const second = await wf.currentDunning(id);
    expect(second).toMatchObject({ generation: 2, running: true, previous: { generation: 1, status: 'ABORTED' } });
    const rec = await stack.stepFunctions.settled(second!.executionArn);
    expect(rec.status).toBe('SUCCEEDED');
    expect((await stack.sentEmails()).filter((e) => e.destination.to.includes(contactOf('RETURN')))).toHaveLength(2);
  }, 120_000);
});
