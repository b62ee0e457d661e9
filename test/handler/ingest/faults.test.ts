import { createHash } from 'node:crypto';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { setClock } from '../../../functions/adapters/clock';
import { putCustomer } from '../../../functions/adapters/db/customers';
import { saveInvoice } from '../../../functions/adapters/db/invoices';
import { writeStatementFile } from '../../../functions/core/statements';
import { FAULT_MODES, FakeAws, type FaultMode, ingestWithinGrants } from './support/fake-aws';
import { customer, entry, invoice, sha256, sqsEvent, statement } from './support/scenario';

const handler = await ingestWithinGrants();

/**
 * Fault injection: every AWS call of the ingest of four files (a statement, an overlapping one under the same name,
 * a corrupt one, one over the size limit) fails
 * once, at each position in turn, in each of three ways (throttled, a 500, and a timeout after the call took effect).
 * SQS redelivery is played at handler level: the same message again after the visibility timeout (the local stack
 * does not emulate SQS). Then the invariants must hold.
 */

const INCONNU = 'SARL INCONNUE';
const day1 = [
  entry(0, '2026-11-20', 500_00, 'VIR SEPA ATELIERS DUPONT', ['FACTURE F2026-0101'], { bankReference: 'REF001' }),
  entry(1, '2026-11-20', 77_00, 'VIR SEPA INCONNU', ['CADEAU'], { bankReference: 'REF002', counterpartyName: INCONNU }),
  entry(2, '2026-11-20', -45_10, 'PRLV SEPA EDF', [], { bankReference: 'NONREF' }),
];
const day2 = [
  // the bank reuses a day-1 reference, and books two identical fees
  entry(0, '2026-11-21', 300_00, 'VIR SEPA ATELIERS DUPONT', ['FACTURE F2026-0102'], { bankReference: 'REF001' }),
  entry(1, '2026-11-21', -5_00, 'FRAIS TENUE DE COMPTE', [], { bankReference: 'NONREF' }),
  entry(2, '2026-11-21', -5_00, 'FRAIS TENUE DE COMPTE', [], { bankReference: 'NONREF' }),
  // the unknown credit of day 1, never lettered, comes back: it is given back (stored reversed), never to be lettered
  entry(3, '2026-11-21', -77_00, 'REJET VIR SEPA INCONNU', ['MOTIF AC04'], {
    bankReference: 'REF003',
    counterpartyName: INCONNU,
  }),
];
const ledger = [...day1, ...day2];
const fileA = writeStatementFile('cfonb120', [statement(day1)]);
const fileB = writeStatementFile('cfonb120', [statement([...day1, ...day2])]);
const corrupt = writeStatementFile('cfonb120', [statement([entry(0, '2026-11-22', 9_99, 'VIR X', ['Y'])])]).replace(
  /^(04.{90})[0-9]{3}/m,
  '$1A#Z',
);
const tooLarge = 'garbage '.repeat(500); // over the limit set below: rejected unread (server-side copy)
process.env.STATEMENT_MAX_BYTES = '3500';
const files = [
  { name: 'releve.cfo', body: fileA, expect: 'processed' },
  { name: 'releve.cfo', body: fileB, expect: 'processed' }, // same name, other content: kept apart
  { name: 'casse.cfo', body: corrupt, expect: 'rejected' },
  { name: 'enorme fichier+1.csv', body: tooLarge, expect: 'rejected' },
] as const;

let now = Date.parse('2026-11-22T08:00:00Z');
setClock({ now: () => new Date(now) });
const quiet = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
afterAll(() => {
  quiet.mockRestore();
  delete process.env.STATEMENT_MAX_BYTES;
});

async function world(): Promise<FakeAws> {
  const fake = new FakeAws();
  await putCustomer(customer);
  for (const [id, cents] of [
    ['F2026-0101', 500_00],
    ['F2026-0102', 300_00],
    ['F2026-0103', 77_01],
  ] as const) {
    await saveInvoice(undefined, invoice(id, cents), {
      at: '2026-11-01T00:00:00.000Z',
      kind: 'imported',
      actor: 'test',
      detail: {},
    });
  }
  fake.calls.length = 0;
  return fake;
}

/**
 * Drops each file and delivers its message until the handler reports no failure (SQS redelivery after the visibility
 * timeout).
 */
async function ingestAll(fake: FakeAws): Promise<number> {
  let deliveries = 0;
  for (const file of files) {
    fake.putObject(`inbox/${file.name}`, file.body);
    for (let attempt = 1; ; attempt++) {
      deliveries++;
      const res = await handler(sqsEvent(`inbox/${file.name}`), {} as never);
      if (res.batchItemFailures.length === 0) break;
      if (attempt === 5) throw new Error(`${file.name}: still failing after ${attempt} deliveries`);
      now += 31 * 60_000; // the queue's visibility timeout (30 min) is past the claim's lease (6 min)
    }
  }
  return deliveries;
}

function checkInvariants(fake: FakeAws) {
  const items = [...fake.items.values()];
  // every movement stored once
  const txns = items.filter((i) => i.sk === 'TXN');
  expect(txns.map((t) => `${t.bookingDate} ${t.amountCents}`).sort()).toEqual(
    ledger.map((e) => `${e.bookingDate} ${e.amountCents}`).sort(),
  );
  // every allocation made once and on the right invoice
  const allocations = items
    .filter((i) => String(i.sk).startsWith('ALLOC#'))
    .map(
      (a) => `${a.invoiceId} ${a.amountCents} ${txns.find((t) => t.transactionId === a.transactionId)?.bookingDate}`,
    );
  expect(allocations.sort()).toEqual(['F2026-0101 50000 2026-11-20', 'F2026-0102 30000 2026-11-21']);
  expect(fake.item('INVOICE#F2026-0101', 'INVOICE')).toMatchObject({ status: 'paid', openCents: 0 });
  expect(fake.item('INVOICE#F2026-0102', 'INVOICE')).toMatchObject({ status: 'paid', openCents: 0 });
  expect(fake.item('INVOICE#F2026-0103', 'INVOICE')).toMatchObject({ status: 'open', openCents: 77_01 });
  // the credit of day 1 returned on day 2, never lettered: stored reversed, naming its return; finance told
  const credit = txns.find((t) => t.amountCents === 77_00);
  const back = txns.find((t) => t.amountCents === -77_00);
  expect(credit).toMatchObject({ status: 'reversed', match: { returnedBy: back?.transactionId } });
  expect(back?.match).toMatchObject({ givesBack: credit?.transactionId });
  expect(fake.sent.some((m) => /non lettrée, est marquée rendue par la banque/.test(m.text))).toBe(true);
  // every file in exactly one of processed/ or rejected/, with its report; the inbox empty
  expect([...fake.objects.keys()].filter((k) => k.startsWith('inbox/'))).toEqual([]);
  for (const file of files) {
    const sum = file.body === tooLarge ? `etag-${createHash('md5').update(tooLarge).digest('hex')}` : sha256(file.body);
    const where = (['processed', 'rejected'] as const).filter((f) => fake.objects.has(`${f}/${sum}/${file.name}`));
    expect(where).toEqual([file.expect]);
    expect(
      fake.objects.has(
        `${file.expect}/${sum}/${file.name}${file.expect === 'processed' ? '.summary.json' : '.error.json'}`,
      ),
    ).toBe(true);
  }
  // no statement left processing, no finance alert left unsent; finance told of every file (at least once)
  const statements = items.filter((i) => i.sk === 'STATEMENT');
  expect(statements.map((s) => s.status).sort()).toEqual(['processed', 'processed', 'rejected', 'rejected']);
  expect(statements.filter((s) => s.pendingAlert || s.gsi1pk)).toEqual([]);
  expect(fake.sent.some((m) => /relevé bancaire rejeté – casse\.cfo/.test(m.subject))).toBe(true);
  expect(fake.sent.some((m) => /relevé bancaire rejeté – enorme fichier\+1\.csv/.test(m.subject))).toBe(true);
  expect(fake.sent.filter((m) => /releve\.cfo/.test(m.subject)).length).toBeGreaterThanOrEqual(2);
}

let fake: FakeAws | undefined;
beforeEach(() => {
  fake?.restore();
  fake = undefined;
});

describe('the ingest under injected AWS faults', async () => {
  const reference = await world();
  await ingestAll(reference);
  const callCount = reference.calls.length;
  const callNames = reference.calls.map((c) => `${c.service}:${c.command}`);
  reference.restore();

  it('without any fault, four files take one delivery each and every invariant holds', async () => {
    fake = await world();
    expect(await ingestAll(fake)).toBe(4);
    checkInvariants(fake);
    expect(new Set(callNames)).toEqual(
      new Set([
        's3:HeadObject',
        's3:GetObject',
        's3:PutObject',
        's3:CopyObject',
        's3:DeleteObject',
        'dynamodb:PutItem',
        'dynamodb:GetItem',
        'dynamodb:Query',
        'dynamodb:TransactWriteItems',
        'dynamodb:UpdateItem',
        'ses:SendEmail',
        'sfn:StopExecution',
      ]),
    );
  });

  for (const mode of FAULT_MODES) {
    it(`a call that fails once (${mode}) at any of the ${callCount} positions is repaired by the ` +
      `redelivery`, async () => {
      const broken: string[] = [];
      for (let at = 0; at < callCount; at++) {
        fake?.restore();
        fake = await world();
        fake.fault = { at, mode: mode as FaultMode };
        try {
          await ingestAll(fake);
          checkInvariants(fake);
        } catch (err) {
          broken.push(`#${at} ${callNames[at]}: ${(err as Error).message.split('\n')[0]}`);
        }
      }
      expect(broken).toEqual([]);
    }, 300_000);
  }

  it(
    'finance hears of a rejected file again if SES accepted the alert but the answer was lost (at least ' + 'once)',
    async () => {
      fake = await world();
      const sesCalls = callNames.map((n, i) => [n, i] as const).filter(([n]) => n === 'ses:SendEmail');
      fake.fault = { at: sesCalls[2][1], mode: 'timeout_after_success' }; // the third file's alert
      await ingestAll(fake);
      expect(fake.sent.filter((m) => /casse\.cfo/.test(m.subject))).toHaveLength(2);
      expect(fake.objects.has(`rejected/${sha256(corrupt)}/casse.cfo`)).toBe(true);
    },
  );
});
