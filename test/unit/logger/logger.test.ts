import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger, redact, rootLogger } from '../../../functions/adapters/logger';
import { captureOutput } from '../../handler/support/output';

const output = captureOutput();
afterAll(() => output.stop());
beforeEach(() => {
  rootLogger.setLogLevel('DEBUG');
  rootLogger.resetKeys();
  output.clear();
});

const context = {
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  functionName: 'encaisse-ingest',
  memoryLimitInMB: '1024',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-3:123456789012:function:encaisse-ingest',
  functionVersion: '$LATEST',
} as never;
const IBAN = 'FR7630006000011234567890189';

describe('logger: the lines Powertools Logger writes, personal data masked', () => {
  it('writes the same keys and values as Powertools’ own formatter for the same invocation', () => {
    process.env._X_AMZN_TRACE_ID = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';
    const reference = new PowertoolsLogger({ serviceName: 'encaisse' });
    try {
      const error = new RangeError('no rate for 2026-H2', { cause: new Error('table empty') });
      for (const logger of [reference, rootLogger]) {
        logger.addContext(context);
        logger.setCorrelationId('msg-1');
        logger.info('statement processed', { key: 'inbox/releve.cfo', matched: 3 });
        logger.error('statement failed', { error });
      }
    } finally {
      delete process.env._X_AMZN_TRACE_ID;
    }
    const [theirs, theirError, ours, ourError] = output.logs().map(({ timestamp, ...rest }) => {
      expect(timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      return rest;
    });
    expect(ours).toEqual(theirs);
    expect(ourError).toEqual(theirError);
    expect(ourError.error).toMatchObject({
      name: 'RangeError',
      message: 'no rate for 2026-H2',
      cause: { message: 'table empty' },
    });
    expect(Object.keys(ours)).toEqual(
      expect.arrayContaining([
        'level',
        'message',
        'service',
        'cold_start',
        'function_name',
        'function_memory_size',
        'function_request_id',
        'xray_trace_id',
        'correlation_id',
      ]),
    );
    expect(ours).toMatchObject({
      level: 'INFO',
      service: 'encaisse',
      function_request_id: context['awsRequestId' as never],
      correlation_id: 'msg-1',
    });
  });

  it('keeps an error’s name, location, message, stack and its causes, as Powertools does, all redacted', () => {
    const cause = new Error(`refused for ${IBAN}`);
    const error = Object.assign(new Error('could not notify compta@dupont.example', { cause }), {
      name: 'NotifyError',
      code: 'X1',
    });
    createLogger('ingest').error('notify failed', { error });
    const [line] = output.logs();
    expect(line).toMatchObject({
      level: 'ERROR',
      component: 'ingest',
      error: { name: 'NotifyError', code: 'X1', message: 'could not notify ***@dupont.example' },
    });
    expect(line.error.location).toMatch(/:\d+$/);
    expect(line.error.stack).toMatch(/^NotifyError: could not notify \*\*\*@dupont\.example\n\s+at /);
    expect(line.error.cause).toMatchObject({ name: 'Error', message: 'refused for FR**…0189' });
    expect(line.error.cause.stack).toContain('refused for FR**…0189');
    expect(JSON.stringify(line)).not.toMatch(/compta@|30006000011234567890189/);
  });

  it('masks IBANs and e-mail addresses anywhere in the line: message, nested data, arrays', () => {
    createLogger('api').warn(`payer ${IBAN}`, {
      contacts: [{ email: 'jean.dupont@client.fr' }],
      note: `IBAN ${IBAN.replace(/(.{4})/g, '$1 ')}`,
    });
    const [line] = output.logs();
    expect(line.message).toBe('payer FR**…0189');
    expect(line.contacts).toEqual([{ email: '***@client.fr' }]);
    expect(line.note).toBe('IBAN FR**…0189');
  });

  it('drops a circular reference instead of failing, and keeps an object met twice', () => {
    const shared = { id: 'F-1' };
    const loop: Record<string, unknown> = { shared, again: shared };
    loop.self = loop;
    createLogger('x').info('loop', { loop });
    expect(output.logs()[0].loop).toEqual({ shared: { id: 'F-1' }, again: { id: 'F-1' } });
  });

  it('redact keeps the country and the last four characters of an IBAN, the domain of an address', () => {
    expect(redact(`${IBAN} / a.b@c.fr`)).toBe('FR**…0189 / ***@c.fr');
  });
});
