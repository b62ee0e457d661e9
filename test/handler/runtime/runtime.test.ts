import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { captureOutput } from '../support/output';

// As in Lambda: an on-demand execution environment (Powertools reports a cold start only there).
Object.assign(process.env, { TABLE_NAME: 'encaisse-test', AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand' });
const { rootLogger } = await import('../../../functions/adapters/logger');
const { count } = await import('../../../functions/adapters/metrics');
const { lambda, s3ObjectBatch } = await import('../../../functions/runtime');
const output = captureOutput();
afterAll(() => output.stop());
beforeEach(() => {
  rootLogger.setLogLevel('INFO');
  output.clear();
});

const context = (awsRequestId: string) =>
  ({ awsRequestId, functionName: 'encaisse-test', memoryLimitInMB: '256' }) as never;
const Task = z.object({ invoiceId: z.string(), correlationId: z.string().optional() });

describe('the handler runtime', () => {
  it('refuses to build a handler whose settings are missing or malformed, naming each', () => {
    delete process.env.SENDER_EMAIL;
    process.env.FINANCE_EMAILS = 'not-an-address';
    expect(() =>
      lambda({ name: 't', settings: ['TABLE_NAME', 'SENDER_EMAIL', 'FINANCE_EMAILS'], event: Task }, async () => 1),
    ).toThrow(/SENDER_EMAIL.*FINANCE_EMAILS|FINANCE_EMAILS.*SENDER_EMAIL/);
  });

  it(
    'logs the cold start once, and each invocation under its own correlation id (the event’s, else the request ' +
      'id)',
    async () => {
      const handler = lambda(
        { name: 'task', settings: ['TABLE_NAME'], event: Task, correlationId: (t) => t.correlationId },
        async (task, log) => {
          log.info('acting', { invoiceId: task.invoiceId });
          return task.invoiceId;
        },
      );
      await handler({ invoiceId: 'F-1', correlationId: 'stmt-1' }, context('r-1'));
      await handler({ invoiceId: 'F-2' }, context('r-2'));
      const lines = output.logs().filter((l) => l.message === 'acting');
      expect(lines.map((l) => [l.invoiceId, l.correlation_id, l.function_request_id])).toEqual([
        ['F-1', 'stmt-1', 'r-1'],
        ['F-2', 'r-2', 'r-2'],
      ]);
      expect(lines.map((l) => l.cold_start)).toEqual([true, false]);
    },
  );

  it(
    'maps throttling to Throttled, logged as a retry (warn), and publishes the metrics stored before the ' + 'failure',
    async () => {
      const handler = lambda({ name: 'task', settings: ['TABLE_NAME'], event: Task }, async () => {
        count('RemindersSent');
        throw Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException' });
      });
      await expect(handler({ invoiceId: 'F-1' }, context('r-3'))).rejects.toMatchObject({ name: 'Throttled' });
      expect(output.logs().map((l) => [l.level, l.message, l.error?.name])).toEqual([
        ['WARN', 'will be retried', 'Throttled'],
      ]);
      expect(output.metric('RemindersSent').map((m) => m.value)).toEqual([1]);
    },
  );

  it('refuses an event its schema does not accept, logged as a failure', async () => {
    const handler = lambda({ name: 'task', settings: ['TABLE_NAME'], event: Task }, async () => 'never');
    await expect(handler({ nope: true }, context('r-4'))).rejects.toMatchObject({ name: 'ZodError' });
    expect(output.logs()[0]).toMatchObject({ level: 'ERROR', message: 'failed', correlation_id: 'r-4' });
  });
});

describe('the SQS runtime (S3 notifications through Powertools’ batch processor)', () => {
  const s3Body = (key: string) =>
    JSON.stringify({ Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'b' }, object: { key } } }] });
  const seen: string[] = [];
  const handler = s3ObjectBatch(
    { name: 'files', settings: ['TABLE_NAME'], prefix: 'inbox/', failure: 'file failed' },
    async (file, log) => {
      if (file.key.includes('boom')) throw new Error('S3 is down');
      log.info('file handled', { key: file.key });
      seen.push(file.key);
    },
  );
  beforeEach(() => {
    seen.length = 0;
  });

  it(
    'returns each failed message as a batch item failure, one correlation id per message, and handles the ' + 'others',
    async () => {
      const res = await handler(
        {
          Records: [
            { messageId: 'm-1', body: s3Body('inbox/a%20b.cfo') },
            { messageId: 'm-2', body: s3Body('inbox/boom.cfo') },
            { messageId: 'm-3', body: '{"not": "an S3 event"' },
            { messageId: 'm-4', body: s3Body('elsewhere/c.cfo') },
          ],
        },
        context('r-5'),
      );
      expect(res).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-2' }, { itemIdentifier: 'm-3' }] });
      expect(seen).toEqual(['inbox/a b.cfo']);
      const logs = output.logs();
      expect(logs.find((l) => l.message === 'file handled')).toMatchObject({ correlation_id: 'm-1' });
      expect(logs.filter((l) => l.message === 'file failed').map((l) => [l.correlation_id, l.error.message])).toEqual([
        ['m-2', 'S3 is down'],
        ['m-3', expect.stringContaining('not JSON')],
      ]);
    },
  );

  it('hands every message back when all fail (no exception: SQS retries each)', async () => {
    const res = await handler({ Records: [{ messageId: 'm-1', body: s3Body('inbox/boom') }] }, context('r-6'));
    expect(res).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
  });

  it('refuses an event that is not an SQS batch', async () => {
    await expect(handler({ Records: [{ body: 'x' }] }, context('r-7'))).rejects.toMatchObject({ name: 'ZodError' });
  });
});
