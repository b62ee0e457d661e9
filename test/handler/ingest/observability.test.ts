import { StopExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setClock } from '../../../functions/adapters/clock';
import { putCustomer } from '../../../functions/adapters/db/customers';
import { saveInvoice } from '../../../functions/adapters/db/invoices';
import { rootLogger } from '../../../functions/adapters/logger';
import { writeStatementFile } from '../../../functions/core/statements';
import { captureOutput } from '../support/output';
import { FakeAws, ingestWithinGrants } from './support/fake-aws';
import { customer, entry, invoice, sqsEvent, statement } from './support/scenario';

const handler = await ingestWithinGrants();

setClock({ now: () => new Date('2026-11-22T08:00:00Z') });
const output = captureOutput();
rootLogger.setLogLevel('INFO');
afterAll(() => output.stop());

let fake: FakeAws;
beforeEach(async () => {
  fake = new FakeAws();
  await putCustomer(customer);
  await saveInvoice(undefined, invoice('F2026-0101', 500_00), {
    at: '2026-11-01T00:00:00.000Z',
    kind: 'imported',
    actor: 'test',
    detail: {},
  });
  output.clear();
});
afterEach(() => fake.restore());

const paying = writeStatementFile('cfonb120', [
  statement([
    entry(0, '2026-11-20', 500_00, 'VIR SEPA ATELIERS DUPONT', ['F2026-0101']),
    entry(1, '2026-11-20', 42_00, 'VIR SEPA INCONNU', ['???']),
  ]),
]);

describe('ingest: what an operator sees of a statement', () => {
  it(
    'counts the statement, its transactions by outcome and its auto-match rate in the Encaisse ' + 'namespace',
    async () => {
      fake.putObject('inbox/releve.cfo', paying);
      expect((await handler(sqsEvent('inbox/releve.cfo'), {} as never)).batchItemFailures).toEqual([]);
      expect(output.metric('StatementsIngested')).toEqual([
        { namespace: 'Encaisse', dimensions: ['service'], unit: 'Count', value: 1, service: 'encaisse' },
      ]);
      expect(output.metric('TransactionsMatched')[0].value).toBe(1);
      expect(output.metric('TransactionsUnmatched')[0].value).toBe(1);
      expect(output.metric('TransactionsSuggested')[0].value).toBe(0);
      expect(output.metric('AutoMatchRate')).toEqual([
        { namespace: 'Encaisse', dimensions: ['service'], unit: 'Percent', value: 50, service: 'encaisse' },
      ]);
      expect(output.metric('StatementsRejected')).toEqual([]);
    },
  );

  it('counts a rejected statement, and no auto-match rate for it', async () => {
    fake.putObject('inbox/releve.cfo', 'not a statement at all');
    await handler(sqsEvent('inbox/releve.cfo'), {} as never);
    expect(output.metric('StatementsRejected').map((m) => m.value)).toEqual([1]);
    expect(output.metric('AutoMatchRate')).toEqual([]);
  });

  it(
    'gives the statement the SQS message id as correlation id: on every log line and on the workflow it ' + 'stops',
    async () => {
      fake.putObject('inbox/releve.cfo', paying);
      await handler(sqsEvent('inbox/releve.cfo', 'msg-7f3a'), {
        awsRequestId: 'req-1',
        functionName: 'ingest',
      } as never);
      const logs = output.logs();
      expect(logs.length).toBeGreaterThan(0);
      expect(logs.every((l) => l.correlation_id === 'msg-7f3a' && l.function_request_id === 'req-1')).toBe(true);
      const stops = (
        fake as unknown as { sfn: { commandCalls(c: unknown): { args: [{ input: { cause?: string } }] }[] } }
      ).sfn.commandCalls(StopExecutionCommand);
      expect(stops).toHaveLength(1);
      expect(stops[0].args[0].input.cause).toContain('correlation id msg-7f3a');
    },
  );
});
