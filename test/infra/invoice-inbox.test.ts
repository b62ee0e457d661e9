import { describe, expect, it } from 'vitest';
import { readEnv, settings } from '../../functions/adapters/config';
import { demoContext } from '../../lib/app';
import { parseSettings } from '../../lib/settings';
import { flat, functionId, resourcesOfType, roleStatements, synthesizeForAssertions } from './support';

const { json } = synthesizeForAssertions();
const grants = (name: string) =>
  roleStatements(json, functionId(json, name))
    .filter(
      (s) =>
        !String(s.Action).startsWith('xray:') &&
        !String(s.Action).startsWith('logs:') &&
        !(
          Array.isArray(s.Action) &&
          s.Action.some((a) => a.startsWith('xray:') || a.startsWith('logs:') || a.startsWith('sqs:'))
        ),
    )
    .map((s) => ({
      actions: ([] as string[]).concat(s.Action).sort(),
      resources: ([] as unknown[]).concat(s.Resource).map(flat).sort(),
      ...(s.Condition ? { condition: s.Condition } : {}),
    }));

describe('e-invoice inbox: S3 invoices/inbox/ -> SQS -> invoice-inbox', () => {
  it('the statements bucket notifies a queue of its own for objects created under invoices/inbox/ only', () => {
    const [[, notif]] = resourcesOfType(json, 'Custom::S3BucketNotifications');
    const configs = notif.Properties!.NotificationConfiguration.QueueConfigurations as {
      Filter: { Key: { FilterRules: { Name: string; Value: string }[] } };
      QueueArn: unknown;
    }[];
    const prefixes = configs.map((c) => c.Filter.Key.FilterRules.find((r) => r.Name === 'prefix')?.Value).sort();
    expect(prefixes).toEqual(['inbox/', 'invoices/inbox/']);
    const inboxQueue = flat(configs.find((c) => c.Filter.Key.FilterRules[0].Value === 'invoices/inbox/')!.QueueArn);
    expect(inboxQueue).toMatch(/InvoiceInboxQueue/);
    const [[, mapping]] = resourcesOfType(json, 'AWS::Lambda::EventSourceMapping').filter(([, m]) =>
      flat(m.Properties!.FunctionName).includes(functionId(json, 'invoice-inbox')),
    );
    expect(mapping.Properties!.BatchSize).toBe(1);
    expect(mapping.Properties!.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
  });

  it(
    'its grants are written out: the table, the inbox files read and deleted, processed/ and rejected/ written, ' +
      'e-mail to finance',
    () => {
      const g = grants('invoice-inbox');
      const s3 = g.filter((s) => s.actions.some((a) => a.startsWith('s3:')));
      expect(s3.map((s) => s.actions)).toEqual([['s3:GetObject'], ['s3:PutObject'], ['s3:DeleteObject']]);
      expect(s3.map((s) => s.resources.map((r) => r.replace(/^<[^>]+>/, '')))).toEqual([
        ['/invoices/inbox/*'],
        ['/invoices/processed/*', '/invoices/rejected/*'],
        ['/invoices/inbox/*'],
      ]);
      expect(s3.every((s) => s.resources.every((r) => r.startsWith('<StorageStatementsBucket')))).toBe(true);
      const table = g.find((s) => s.actions.includes('dynamodb:PutItem'))!;
      expect(table.actions).toEqual([
        'dynamodb:BatchGetItem',
        'dynamodb:BatchWriteItem',
        'dynamodb:ConditionCheckItem',
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
      ]);
      expect(g.some((s) => s.actions.includes('ses:SendRawEmail') || s.actions.includes('ses:SendEmail'))).toBe(true);
      expect(g.flatMap((s) => s.actions).some((a) => a.startsWith('states:'))).toBe(false);
    },
  );
});

describe('monthly books export', () => {
  it('runs every day on a schedule and acts on the first business day (handler)', () => {
    const rules = resourcesOfType(json, 'AWS::Events::Rule').filter(([, r]) =>
      flat(r.Properties!.Targets).includes(functionId(json, 'books-export')),
    );
    expect(rules.map(([, r]) => r.Properties!.ScheduleExpression)).toEqual(['cron(0 5 * * ? *)']);
  });

  it('writes only the export ledger (BOOKS# items) and the books/ files of the documents bucket', () => {
    const g = grants('books-export');
    const puts = g.filter((s) => s.actions.includes('dynamodb:PutItem'));
    expect(puts).toEqual([
      expect.objectContaining({
        actions: ['dynamodb:PutItem'],
        condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['BOOKS#*'] } },
      }),
    ]);
    const s3 = g.filter((s) => s.actions.some((a) => a.startsWith('s3:')));
    expect(s3).toEqual([
      {
        actions: ['s3:PutObject'],
        resources: [expect.stringMatching(/^<StorageDocumentsBucket[^>]*\.Arn>\/books\/\*$/)],
      },
    ]);
    expect(g.flatMap((s) => s.actions).some((a) => a.startsWith('ses:') || a.startsWith('states:'))).toBe(false);
  });

  it('the API and the export get the books accounts of the settings, checked like the other settings', () => {
    for (const name of ['api', 'books-export']) {
      const env = json.Resources[functionId(json, name)].Properties!.Environment.Variables as Record<string, string>;
      expect(readEnv({ BOOKS_ACCOUNTS: settings.BOOKS_ACCOUNTS }, env).BOOKS_ACCOUNTS).toMatchObject({
        bank: '512000',
        customer: '411000',
        journalCode: 'BQ',
      });
    }
    expect(() => readEnv({ BOOKS_ACCOUNTS: settings.BOOKS_ACCOUNTS }, { BOOKS_ACCOUNTS: '{"bank":"411000"}' })).toThrow(
      /BOOKS_ACCOUNTS/,
    );
    expect(
      parseSettings({ ...demoContext, booksAccounts: '{"bank":"512100","fees":"627800"}' }).booksAccounts,
    ).toMatchObject({ bank: '512100', fees: '627800', customer: '411000' });
    expect(() => parseSettings({ ...demoContext, booksAccounts: { credit: '411900' } })).toThrow(
      /booksAccounts\.credit/,
    );
  });
});
