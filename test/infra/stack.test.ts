import { existsSync } from 'node:fs';
import path from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { creditor, readEnv, settings } from '../../functions/adapters/config';
import { LEASE_SECONDS } from '../../functions/adapters/db/dispatch';
import { SEND_DOUBT } from '../../functions/use-cases/dunning/send-once';
import {
  dunningStateNames,
  PAUSE_TIMEOUT,
  retriedErrors,
  retryWindowSeconds,
  waitErrors,
  waitRetry,
} from '../../lib/dunning/dunning-workflow';
import { functionNames, projectRoot } from '../../lib/shared/function';
import { createTableInput, tableDesign } from '../../lib/storage/table-design';
import {
  actionsOf,
  definitionOf,
  flat,
  functionId,
  resourcesOfType,
  roleStatements,
  synthesizeForAssertions,
} from './support';

// One synthesis for the whole file.
const { template, json } = synthesizeForAssertions();

const bucketIds = () => {
  const buckets = resourcesOfType(json, 'AWS::S3::Bucket');
  const byLogging = buckets.filter(([, b]) => b.Properties?.LoggingConfiguration);
  const find = (part: string) => byLogging.find(([id]) => id.includes(part))![0];
  return { statements: find('StatementsBucket'), documents: find('DocumentsBucket'), all: buckets.map(([id]) => id) };
};

describe('storage: the statements and documents buckets', () => {
  for (const which of ['statements', 'documents'] as const) {
    it(`the ${which} bucket blocks public access, is encrypted, versioned, logged and kept on stack deletion`, () => {
      const id = bucketIds()[which];
      const b = json.Resources[id];
      expect(b.Properties!.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(
        b.Properties!.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm,
      ).toBe('AES256');
      expect(b.Properties!.VersioningConfiguration).toEqual({ Status: 'Enabled' });
      expect(flat(b.Properties!.LoggingConfiguration.DestinationBucketName)).toMatch(/^<StorageAccessLogsBucket/);
      expect(b.DeletionPolicy).toBe('Retain');
    });

    it(`the ${which} bucket refuses requests without TLS`, () => {
      const id = bucketIds()[which];
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: id },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 's3:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    });
  }

  it('every bucket of the stack, access logs included, blocks public access and enforces TLS', () => {
    const { all } = bucketIds();
    expect(all).toHaveLength(4); // statements, documents, access logs, finance console (lib/console)
    for (const id of all) {
      expect(json.Resources[id].Properties!.PublicAccessBlockConfiguration.BlockPublicPolicy).toBe(true);
      const policies = resourcesOfType(json, 'AWS::S3::BucketPolicy').filter(
        ([, p]) => p.Properties!.Bucket.Ref === id,
      );
      expect(JSON.stringify(policies)).toContain('aws:SecureTransport');
    }
  });

  it(
    'every statement and report, processed or rejected, current or earlier version, is kept 10 years ' + '(L123-22)',
    () => {
      const rules = json.Resources[bucketIds().statements].Properties!.LifecycleConfiguration.Rules as any[];
      for (const prefix of ['processed/', 'rejected/']) {
        const rule = rules.find((r) => r.Prefix === prefix);
        expect(rule.ExpirationInDays).toBe(3653);
        expect(rule.NoncurrentVersionExpiration.NoncurrentDays).toBe(3653);
        expect(rule.Transitions[0].StorageClass).toBe('GLACIER_IR');
      }
      expect(rules.some((r) => r.Prefix === 'inbox/' && r.ExpirationInDays)).toBe(false);
    },
  );

  it('formal notices, agency case files and invoice PDFs are kept 10 years', () => {
    const rules = json.Resources[bucketIds().documents].Properties!.LifecycleConfiguration.Rules as any[];
    for (const prefix of ['letters/', 'case-files/', 'invoices/']) {
      expect(rules.find((r) => r.Prefix === prefix)?.ExpirationInDays).toBe(3653);
    }
  });
});

describe('storage: the single table', () => {
  const [[tableId, table]] = resourcesOfType(json, 'AWS::DynamoDB::Table');

  it('is on-demand, has point-in-time recovery, is encrypted and retained on stack deletion', () => {
    expect(table.Properties!.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table.Properties!.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(table.Properties!.SSESpecification).toEqual({ SSEEnabled: true });
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
    expect(tableId).toMatch(/Table/);
  });

  it('has the keys, GSIs and TTL of tableDesign, as the local DynamoDB table does', () => {
    const local = createTableInput('x');
    expect(table.Properties!.KeySchema).toEqual(local.KeySchema);
    expect(
      [...table.Properties!.AttributeDefinitions].sort((a: any, b: any) =>
        a.AttributeName.localeCompare(b.AttributeName),
      ),
    ).toEqual([...local.AttributeDefinitions].sort((a, b) => a.AttributeName.localeCompare(b.AttributeName)));
    expect(table.Properties!.GlobalSecondaryIndexes).toEqual(local.GlobalSecondaryIndexes);
    expect(table.Properties!.GlobalSecondaryIndexes.map((g: any) => g.IndexName)).toEqual(
      tableDesign.globalSecondaryIndexes.map((g) => g.indexName),
    );
    expect(table.Properties!.TimeToLiveSpecification).toEqual({
      AttributeName: tableDesign.timeToLiveAttribute,
      Enabled: true,
    });
  });
});

describe('ingest: S3 inbox/ -> SQS -> ingest Lambda', () => {
  const queues = resourcesOfType(json, 'AWS::SQS::Queue');
  const [mainId, main] = queues.find(([, q]) => q.Properties!.RedrivePolicy)!;
  const dlqId: string = main.Properties!.RedrivePolicy.deadLetterTargetArn['Fn::GetAtt'][0];

  it('a file created under inbox/ of the statements bucket notifies the ingest queue, nothing else does', () => {
    const [[, notif]] = resourcesOfType(json, 'Custom::S3BucketNotifications');
    expect(notif.Properties!.BucketName).toEqual({ Ref: bucketIds().statements });
    // invoices/inbox/ notifies the invoice inbox's own queue (test/infra/invoice-inbox.test.ts)
    const configs = notif.Properties!.NotificationConfiguration.QueueConfigurations.filter(
      (c: any) => c.Filter.Key.FilterRules[0].Value !== 'invoices/inbox/',
    );
    expect(configs).toHaveLength(1);
    expect(configs[0].Events).toEqual(['s3:ObjectCreated:*']);
    expect(configs[0].Filter.Key.FilterRules).toEqual([{ Name: 'prefix', Value: 'inbox/' }]);
    expect(flat(configs[0].QueueArn)).toBe(`<${mainId}.Arn>`);
  });

  it(
    'the queue and its dead-letter queue are encrypted and TLS-only; a message goes to the DLQ after 3 ' + 'receives',
    () => {
      for (const [, q] of queues) expect(q.Properties!.SqsManagedSseEnabled).toBe(true);
      expect(main.Properties!.RedrivePolicy).toEqual({
        deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] },
        maxReceiveCount: 3,
      });
      for (const [id] of queues) {
        template.hasResourceProperties('AWS::SQS::QueuePolicy', {
          Queues: [{ Ref: id }],
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            ]),
          },
        });
      }
    },
  );

  it(
    'the ingest function has the memory and time to read and parse a statement file of the size limit (512 MB, 5 ' +
      'minutes)',
    () => {
      const ingest = json.Resources[functionId(json, 'ingest')];
      expect(ingest.Properties!.MemorySize).toBe(512);
      expect(ingest.Properties!.Timeout).toBe(300);
    },
  );

  it('the queue hides a message at least six times as long as the ingest function may run (AWS guidance)', () => {
    const ingest = json.Resources[functionId(json, 'ingest')];
    expect(main.Properties!.VisibilityTimeout).toBeGreaterThanOrEqual(ingest.Properties!.Timeout * 6);
    expect(main.Properties!.VisibilityTimeout).toBe(1800);
  });

  it('the ingest function takes one statement file per invocation and reports partial batch failures', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [mainId, 'Arn'] },
      FunctionName: { Ref: functionId(json, 'ingest') },
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('a message in the dead-letter queue raises an alarm to the alarm topic', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId, 'QueueName'] } }],
      Threshold: 1,
      AlarmActions: [{ Ref: Match.stringLikeRegexp('AlarmTopic') }],
    });
  });
});

describe('dunning: the per-invoice state machine', () => {
  const machines = resourcesOfType(json, 'AWS::StepFunctions::StateMachine');
  const [smId, sm] = machines[0];
  const asl = definitionOf(json, smId);
  const states = asl.States as Record<string, any>;
  const N = dunningStateNames;

  it(
    'is one Standard state machine, marked for the local stack, traced and logging ALL to an encrypted log ' + 'group',
    () => {
      expect(machines).toHaveLength(1);
      expect(sm.Metadata?.['encaisse:stateMachine']).toBe('dunning');
      expect(sm.Properties!.StateMachineType).toBe('STANDARD');
      expect(sm.Properties!.TracingConfiguration).toEqual({ Enabled: true });
      expect(sm.Properties!.LoggingConfiguration.Level).toBe('ALL');
      const logGroupId =
        sm.Properties!.LoggingConfiguration.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn['Fn::GetAtt'][0];
      expect(json.Resources[logGroupId].Properties!.KmsKeyId).toBeDefined();
    },
  );

  it('has exactly the states of the workflow contract and starts by planning the next step', () => {
    expect(Object.keys(states).sort()).toEqual(Object.values(N).sort());
    expect(asl.StartAt).toBe(N.plan);
    expect(asl.QueryLanguage ?? 'JSONPath').toBe('JSONPath');
    expect(JSON.stringify(asl)).not.toContain('Assign');
  });

  it(
    'loops as the contract says: plan -> decide -> wait -> run step -> after step -> (gather -> dispatch | pause | ' +
      'plan | done)',
    () => {
      expect(states[N.plan].Next).toBe(N.decide);
      expect(
        states[N.decide].Choices.map((c: any) => [c.And.find((x: any) => x.StringEquals).StringEquals, c.Next]),
      ).toEqual([['end', N.done]]);
      expect(states[N.decide].Choices[0].And[0].Variable).toBe('$.plan.action');
      expect(states[N.decide].Default).toBe(N.waitForStep);
      expect(states[N.waitForStep]).toMatchObject({ Type: 'Wait', TimestampPath: '$.plan.at', Next: N.runStep });
      expect(states[N.runStep].Next).toBe(N.afterStep);
      expect(states[N.afterStep].Choices.map((c: any) => [c.And[1].Variable, c.And[1].StringEquals, c.Next])).toEqual([
        ['$.outcome', 'stopped', N.done],
        ['$.outcome', 'paused', N.awaitResume],
        ['$.outcome', 'enlisted', N.gatherWindow],
      ]);
      expect(states[N.afterStep].Default).toBe(N.plan);
      expect(states[N.gatherWindow]).toMatchObject({ Type: 'Wait', SecondsPath: '$.gatherSeconds', Next: N.dispatch });
      expect(states[N.dispatch].Next).toBe(N.plan);
      expect(states[N.awaitResume].Next).toBe(N.plan);
      expect(states[N.done].Type).toBe('Succeed');
      expect(states[N.failed].Type).toBe('Fail');
    },
  );

  it(
    'each Lambda task passes the whole state to its function and takes the whole result back (function ARN as ' +
      'Resource)',
    () => {
      const bound: [string, string][] = [
        [N.plan, 'dunning-plan'],
        [N.runStep, 'dunning-step'],
        [N.dispatch, 'dunning-dispatch'],
      ];
      for (const [state, fn] of bound) {
        expect(states[state].Type).toBe('Task');
        expect(states[state].Resource).toBe(`<${functionId(json, fn)}.Arn>`);
        expect(states[state].Parameters).toBeUndefined();
        expect(states[state].OutputPath).toBeUndefined();
        expect(states[state].ResultPath).toBeUndefined();
      }
    },
  );

  it(
    'a paused invoice waits for its task token up to 366 days, the pause function receiving the token and the ' +
      'state',
    () => {
      const s = states[N.awaitResume];
      expect(s.Resource).toBe('arn:<AWS::Partition>:states:::lambda:invoke.waitForTaskToken');
      expect(s.Parameters).toEqual({
        FunctionName: `<${functionId(json, 'dunning-pause')}.Arn>`,
        Payload: { 'taskToken.$': '$$.Task.Token', 'state.$': '$' },
      });
      expect(s.TimeoutSeconds).toBe(PAUSE_TIMEOUT.toSeconds());
      expect(s.TimeoutSeconds).toBe(366 * 86_400);
    },
  );

  it(
    'every task retries transient errors with backoff (2 s, x2, 6 attempts) and waits (10 s, x2, at most 60 s, 10 ' +
      'attempts), never States.ALL, and fails to Failed keeping the state',
    () => {
      const tasks = Object.entries(states).filter(([, s]) => s.Type === 'Task');
      expect(tasks.map(([n]) => n).sort()).toEqual([N.awaitResume, N.dispatch, N.plan, N.runStep].sort());
      for (const [, s] of tasks) {
        expect(s.Retry).toEqual([
          { ErrorEquals: retriedErrors, IntervalSeconds: 2, BackoffRate: 2, MaxAttempts: 6 },
          {
            ErrorEquals: ['DispatchInProgress', 'SendUnconfirmed'],
            IntervalSeconds: 10,
            BackoffRate: 2,
            MaxDelaySeconds: 60,
            MaxAttempts: 10,
          },
        ]);
        expect(s.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: N.failed }]);
      }
      expect(retriedErrors).toEqual([
        'Lambda.ServiceException',
        'Lambda.AWSLambdaException',
        'Lambda.SdkClientException',
        'Lambda.TooManyRequestsException',
        'Lambda.ClientExecutionTimeoutException',
        'Throttled',
      ]);
      expect(waitErrors).toEqual(['DispatchInProgress', 'SendUnconfirmed']);
    },
  );

  it(
    'a workflow waiting for a batch being sent retries longer than the claim’s lease and the send-doubt ' + 'window',
    () => {
      expect(retryWindowSeconds(waitRetry)).toBe(490);
      expect(retryWindowSeconds(waitRetry)).toBeGreaterThan(LEASE_SECONDS);
      expect(retryWindowSeconds(waitRetry)).toBeGreaterThan(SEND_DOUBT.confirmSeconds);
    },
  );

  it('a failed or timed-out execution reaches the failure-alert function and raises an alarm', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.states'],
        'detail-type': ['Step Functions Execution Status Change'],
        detail: { status: ['FAILED', 'TIMED_OUT'], stateMachineArn: [{ Ref: smId }] },
      },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [functionId(json, 'failure-alert'), 'Arn'] } })],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ExecutionsFailed',
      Namespace: 'AWS/States',
      Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: smId } }],
      AlarmActions: [{ Ref: Match.stringLikeRegexp('AlarmTopic') }],
    });
  });

  it('the daily sweep runs every morning, Paris time, and is told its scheduled time', () => {
    const [[, schedule]] = resourcesOfType(json, 'AWS::Scheduler::Schedule');
    expect(schedule.Properties!.ScheduleExpression).toBe('cron(30 6 * * ? *)');
    expect(schedule.Properties!.ScheduleExpressionTimezone).toBe('Europe/Paris');
    expect(schedule.Properties!.Target.Arn).toEqual({ 'Fn::GetAtt': [functionId(json, 'sweep'), 'Arn'] });
    expect(JSON.parse(schedule.Properties!.Target.Input)).toEqual({
      source: 'encaisse.schedule',
      kind: 'daily-sweep',
      scheduledTime: '<aws.scheduler.scheduled-time>',
    });
  });
});

describe('functions: one NodejsFunction per handler folder', () => {
  const fns = resourcesOfType(json, 'AWS::Lambda::Function').filter(([, f]) => f.Metadata?.['encaisse:entry']);

  it('each of the nine handlers is deployed once, bound to its entry file by Metadata, and the entry exists', () => {
    const entries = fns.map(([, f]) => f.Metadata!['encaisse:entry']).sort();
    expect(entries).toEqual(functionNames.map((n) => `functions/${n}/handler.ts`).sort());
    for (const e of entries) expect(existsSync(path.join(projectRoot, e))).toBe(true);
  });

  it('run Node.js 24 on ARM64 with X-Ray tracing, source maps and their own log group', () => {
    for (const [, f] of fns) {
      expect(f.Properties!.Runtime).toBe('nodejs24.x');
      expect(f.Properties!.Architectures).toEqual(['arm64']);
      expect(f.Properties!.TracingConfig).toEqual({ Mode: 'Active' });
      expect(f.Properties!.Environment.Variables.NODE_OPTIONS).toBe('--enable-source-maps');
      const logGroupId = f.Properties!.LoggingConfig.LogGroup.Ref;
      expect(json.Resources[logGroupId].Properties!.RetentionInDays).toBe(90);
    }
  });

  it('get the shared settings, and the state machine ARN except the functions the state machine invokes', () => {
    const invokedByTheMachine = ['dunning-plan', 'dunning-step', 'dunning-dispatch', 'dunning-pause'];
    for (const name of functionNames) {
      const env = json.Resources[functionId(json, name)].Properties!.Environment.Variables;
      for (const key of [
        'TABLE_NAME',
        'STATEMENTS_BUCKET',
        'DOCUMENTS_BUCKET',
        'SENDER_EMAIL',
        'FINANCE_EMAILS',
        'AGENCY_EMAIL',
        'SES_CONFIGURATION_SET',
      ]) {
        expect(env[key], `${name} ${key}`).toBeDefined();
      }
      const driveNoWorkflow = ['invoice-inbox', 'books-export', 'customer-page'];
      expect('STATE_MACHINE_ARN' in env, name).toBe(
        !invokedByTheMachine.includes(name) && !driveNoWorkflow.includes(name),
      );
    }
    const api = json.Resources[functionId(json, 'api')].Properties!.Environment.Variables;
    expect(api.AUTH_MODE).toBe('jwt');
    expect(json.Resources[functionId(json, 'ingest')].Properties!.Environment.Variables.FINANCE_EMAILS).toBe(
      'finance@encaisse.example.fr',
    );
  });

  /** A function's environment as its code sees it (CloudFormation references stand for strings resolved at deploy). */
  const envOf = (name: string): NodeJS.ProcessEnv =>
    Object.fromEntries(
      Object.entries(
        json.Resources[functionId(json, name)].Properties!.Environment.Variables as Record<string, unknown>,
      ).map(([k, v]) => [k, typeof v === 'string' ? v : `<${flat(v)}>`]),
    );

  it(
    'each function’s environment passes the zod settings its code reads (readEnv), state machine ARN included ' +
      'where it is used',
    () => {
      const common = {
        TABLE_NAME: settings.TABLE_NAME,
        STATEMENTS_BUCKET: settings.STATEMENTS_BUCKET,
        DOCUMENTS_BUCKET: settings.DOCUMENTS_BUCKET,
        SENDER_EMAIL: settings.SENDER_EMAIL,
        FINANCE_EMAILS: settings.FINANCE_EMAILS,
        AGENCY_EMAIL: settings.AGENCY_EMAIL,
        SES_CONFIGURATION_SET: settings.SES_CONFIGURATION_SET,
      };
      for (const name of functionNames) expect(() => readEnv(common, envOf(name)), name).not.toThrow();
      // startDunning / stopDunning / DescribeExecution build on STATE_MACHINE_ARN (functions/adapters/workflows.ts).
      for (const name of ['ingest', 'sweep', 'api']) {
        expect(readEnv({ STATE_MACHINE_ARN: settings.STATE_MACHINE_ARN }, envOf(name)).STATE_MACHINE_ARN, name).toMatch(
          /StateMachine/,
        );
      }
      expect(readEnv({ STATEMENTS_BUCKET: settings.STATEMENTS_BUCKET }, envOf('api')).STATEMENTS_BUCKET).toMatch(
        /StatementsBucket/,
      );
      expect(
        readEnv({ SES_CONFIGURATION_SET: settings.SES_CONFIGURATION_SET }, envOf('ses-events')).SES_CONFIGURATION_SET,
      ).toMatch(/ConfigurationSet/);
    },
  );

  it(
    'the reminder, letter and withdrawal functions know the creditor (name, IBAN, BIC, address lines) the runtime ' +
      'requires',
    () => {
      for (const name of ['dunning-step', 'dunning-dispatch', 'sweep', 'customer-page']) {
        const env = envOf(name);
        expect(env.CREDITOR_ADDRESS, name).toBe('12 rue de la Paix|75002 Paris');
        expect(creditor(env), name).toMatchObject({
          name: 'encaisse démo SAS',
          iban: 'FR7630006000011234567890189',
          bic: 'AGRIFRPPXXX',
          address: ['12 rue de la Paix', '75002 Paris'],
          legal: {
            legalForm: 'SAS',
            shareCapitalCents: 1_000_000,
            siren: '999999998',
            siret: '99999999800019',
            vatNumber: 'FR11999999998',
          },
        });
      }
      for (const name of functionNames.filter(
        (n) => n !== 'dunning-step' && n !== 'dunning-dispatch' && n !== 'sweep' && n !== 'customer-page',
      )) {
        expect(
          Object.keys(envOf(name)).filter((k) => k.startsWith('CREDITOR_')),
          name,
        ).toEqual([]);
      }
    },
  );

  it('SES events of the configuration set reach the ses-events function through EventBridge', () => {
    const [[csId]] = resourcesOfType(json, 'AWS::SES::ConfigurationSet');
    template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      ConfigurationSetName: { Ref: csId },
      EventDestination: Match.objectLike({
        Enabled: true,
        MatchingEventTypes: Match.arrayWith(['delivery', 'bounce', 'complaint']),
        EventBridgeDestination: Match.anyValue(),
      }),
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.ses'], detail: { mail: { tags: { 'ses:configuration-set': [{ Ref: csId }] } } } },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [functionId(json, 'ses-events'), 'Arn'] } })],
    });
  });
});

describe('admin API', () => {
  const routes = resourcesOfType(json, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties!);

  it('every route but GET /health and the customer page (lib/customer-page) goes through the JWT authorizer', () => {
    expect(routes.map((r) => r.RouteKey).sort()).toEqual([
      'ANY /',
      'ANY /{proxy+}',
      'GET /c/s/{code}',
      'GET /c/{token}',
      'GET /health',
      'POST /c/{token}/{action}',
    ]);
    for (const r of routes) {
      if (['GET /health', 'GET /c/{token}', 'POST /c/{token}/{action}', 'GET /c/s/{code}'].includes(r.RouteKey))
        expect(r.AuthorizationType).toBe('NONE');
      else {
        expect(r.AuthorizationType, r.RouteKey).toBe('JWT');
        expect(r.AuthorizerId).toBeDefined();
      }
    }
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', { AuthorizerType: 'JWT' });
  });

  it('the stage writes JSON access logs and throttles', () => {
    const [[, stage]] = resourcesOfType(json, 'AWS::ApiGatewayV2::Stage');
    expect(stage.Properties!.StageName).toBe('$default');
    expect(stage.Properties!.DefaultRouteSettings).toEqual({ ThrottlingBurstLimit: 100, ThrottlingRateLimit: 50 });
    expect(JSON.parse(stage.Properties!.AccessLogSettings.Format).requestId).toBe('$context.requestId');
  });

  it('the user pool requires MFA, a strong password and threat protection, and has no self sign-up', () => {
    const [[, pool]] = resourcesOfType(json, 'AWS::Cognito::UserPool');
    expect(pool.Properties!.MfaConfiguration).toBe('ON');
    expect(pool.Properties!.Policies.PasswordPolicy.MinimumLength).toBeGreaterThanOrEqual(12);
    expect(pool.Properties!.UserPoolAddOns).toEqual({ AdvancedSecurityMode: 'ENFORCED' });
    expect(pool.Properties!.AdminCreateUserConfig.AllowAdminCreateUserOnly).toBe(true);
    const groups = resourcesOfType(json, 'AWS::Cognito::UserPoolGroup')
      .map(([, g]) => g.Properties!.GroupName)
      .sort();
    expect(groups).toEqual(['finance', 'read-only']);
  });
});

describe('least privilege', () => {
  const statementsOf = (name: string) => roleStatements(json, functionId(json, name));

  it('no function role uses an AWS managed policy', () => {
    for (const name of functionNames) {
      const roleId = json.Resources[functionId(json, name)].Properties!.Role['Fn::GetAtt'][0];
      expect(json.Resources[roleId].Properties!.ManagedPolicyArns, name).toBeUndefined();
    }
  });

  it('no function is granted a wildcard action, and only X-Ray gets Resource *', () => {
    for (const name of functionNames) {
      for (const s of statementsOf(name)) {
        const actions = Array.isArray(s.Action) ? s.Action : [s.Action];
        for (const a of actions) expect(a.includes('*'), `${name}: ${a}`).toBe(false);
        if (s.Resource === '*')
          expect(
            actions.every((a) => a.startsWith('xray:')),
            `${name}: ${actions}`,
          ).toBe(true);
      }
    }
  });

  it('dunning-plan touches no S3 object and drives no workflow (it e-mails finance when the steps run out)', () => {
    const actions = actionsOf(statementsOf('dunning-plan'));
    expect(actions.filter((a) => a.startsWith('s3:') || a.startsWith('states:'))).toEqual([]);
    expect(actions).toContain('ses:SendEmail');
    expect(actions).toContain('dynamodb:Query');
  });

  it('only the functions that mail finance or customers may send e-mail, and only from the sender identity', () => {
    const senders = functionNames.filter((n) => actionsOf(statementsOf(n)).includes('ses:SendEmail')).sort();
    expect(senders).toEqual([
      'api', // a match that pays an invoice whose formal notice claimed penalties tells finance
      'customer-page',
      'dunning-dispatch',
      'dunning-plan', // the task to decide when the steps run out and the invoice is still owed
      'dunning-step',
      'failure-alert',
      'ingest',
      'invoice-inbox',
      'ses-events',
      'sweep',
    ]);
    for (const name of senders) {
      const ses = statementsOf(name).find((s) => actionsOf([s]).includes('ses:SendEmail'))!;
      const resources = (ses.Resource as unknown[]).map(flat);
      expect(resources, name).toContain(
        'arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/relances@encaisse.example.fr',
      );
      expect(
        resources.some((r) => /:configuration-set\/<AlertsConfigurationSet\w+>$/.test(r)),
        name,
      ).toBe(true);
      expect(
        resources.every((r) => /:(identity|configuration-set)\//.test(r)),
        name,
      ).toBe(true);
    }
  });

  it('ses-events can alert finance of a hard bounce or a complaint (SES send from the sender identity)', () => {
    expect(actionsOf(statementsOf('ses-events'))).toEqual(
      expect.arrayContaining(['ses:SendEmail', 'dynamodb:PutItem', 'dynamodb:Query']),
    );
  });

  /** Step Functions actions of a function, each with the resources it applies to. */
  const workflowGrants = (name: string) =>
    Object.fromEntries(
      statementsOf(name).flatMap((s) =>
        actionsOf([s])
          .filter((a) => a.startsWith('states:'))
          .map((a) => [a, (Array.isArray(s.Resource) ? s.Resource : [s.Resource]).map(flat)] as const),
      ),
    );

  it(
    'each function drives the dunning workflows only as its code does: start on the machine, stop/describe on its ' +
      'executions, task tokens on the machine',
    () => {
      const machine = `<${resourcesOfType(json, 'AWS::StepFunctions::StateMachine')[0][0]}>`;
      const executions = expect.stringMatching(/:states:<AWS::Region>:<AWS::AccountId>:execution:.*:\*$/);
      const tokens = { 'states:SendTaskSuccess': [machine], 'states:SendTaskFailure': [machine] };
      // startDunning describes the invoice's last execution to know whether a new generation may start.
      expect(workflowGrants('ingest')).toEqual({
        'states:StartExecution': [machine],
        'states:StopExecution': [executions],
        'states:DescribeExecution': [executions],
      });
      // the sweep stops the workflow of an invoice a failed match request paid (its stop check)
      expect(workflowGrants('sweep')).toEqual({
        'states:StartExecution': [machine],
        'states:StopExecution': [executions],
        'states:DescribeExecution': [executions],
        ...tokens,
      });
      expect(workflowGrants('dunning-pause')).toEqual(tokens);
      expect(workflowGrants('api')).toEqual({
        'states:StartExecution': [machine],
        'states:StopExecution': [executions],
        'states:DescribeExecution': [executions],
        ...tokens,
      });
      for (const name of ['dunning-plan', 'dunning-step', 'dunning-dispatch', 'ses-events', 'failure-alert']) {
        expect(workflowGrants(name), name).toEqual({});
      }
    },
  );

  it('dunning-pause answers task tokens through a policy of its own, so the template has no dependency cycle', () => {
    // Template.fromStack (support.ts) already refuses a template with a cycle; this pins why there is none.
    const pauseRole = json.Resources[functionId(json, 'dunning-pause')].Properties!.Role['Fn::GetAtt'][0];
    const policies = resourcesOfType(json, 'AWS::IAM::Policy').filter(([, p]) =>
      p.Properties!.Roles.some((r: any) => r.Ref === pauseRole),
    );
    const tokenPolicies = policies.filter(([, p]) =>
      JSON.stringify(p.Properties!.PolicyDocument).includes('states:SendTaskSuccess'),
    );
    expect(tokenPolicies).toHaveLength(1);
    const [tokenPolicyId] = tokenPolicies[0];
    const fnDependsOn = json.Resources[functionId(json, 'dunning-pause')] as { DependsOn?: string[] };
    expect(fnDependsOn.DependsOn ?? []).not.toContain(tokenPolicyId);
  });

  it(
    'ingest reads the statements bucket’s inbox/, processed/ and rejected/ (a HEAD of its own copy after a ' +
      'refused copy; and may list it, so a moved file is a 404), deletes from inbox/ and rejected/, writes only ' +
      'processed/ and rejected/; it may stop a paid invoice’s workflow',
    () => {
      const st = statementsOf('ingest');
      const objects = (action: string) =>
        st
          .filter((s) => actionsOf([s]).includes(action))
          .flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]).map(flat));
      expect(
        objects('s3:GetObject')
          .map((r) => r.replace(/^.*StatementsBucket\w*\.Arn>/, ''))
          .sort(),
      ).toEqual(['/inbox/*', '/processed/*', '/rejected/*']);
      expect(
        objects('s3:DeleteObject')
          .map((r) => r.replace(/^.*\.Arn>/, ''))
          .sort(),
      ).toEqual(['/inbox/*', '/rejected/*']);
      const list = st.filter((s) => actionsOf([s]).includes('s3:ListBucket'));
      expect(list.map((s) => [flat(s.Resource), s.Condition])).toEqual([
        [expect.stringMatching(/StatementsBucket\w*\.Arn>$/), undefined],
      ]);
      expect(
        objects('s3:PutObject')
          .map((r) => r.replace(/^.*\.Arn>/, ''))
          .sort(),
      ).toEqual(['/processed/*', '/rejected/*']);
      expect(objects('states:StopExecution')).toEqual([expect.stringContaining(':execution:')]);
    },
  );

  it(
    'failure-alert may only touch invoice items (a history line, the workflow marker) and its alert’s send intent: ' +
      'GetItem and PutItem on INVOICE# and INTENT# items, no index',
    () => {
      const [[tableId]] = resourcesOfType(json, 'AWS::DynamoDB::Table');
      const table = statementsOf('failure-alert').filter((s) => actionsOf([s]).some((a) => a.startsWith('dynamodb:')));
      expect(table).toEqual([
        {
          Effect: 'Allow',
          Action: ['dynamodb:GetItem', 'dynamodb:PutItem'],
          Resource: { 'Fn::GetAtt': [tableId, 'Arn'] },
          Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['INVOICE#*', 'INTENT#*'] } },
        },
      ]);
      expect(
        actionsOf(statementsOf('failure-alert')).filter((a) => a.startsWith('s3:') || a.startsWith('states:')),
      ).toEqual([]);
    },
  );

  const objectGrants = (name: string) =>
    Object.fromEntries(
      ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'].map((action) => [
        action,
        statementsOf(name)
          .filter((s) => actionsOf([s]).includes(action))
          .flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]).map(flat))
          .map((r) => r.replace(/^<Storage(\w+?)Bucket\w*\.Arn>/, '$1:'))
          .sort(),
      ]),
    );

  it(
    'dunning-dispatch writes formal notices to letters/ and reads them back (the "to post" alert of a retry), and ' +
      'may read (to link) the invoice PDFs under invoices/, nothing else',
    () => {
      expect(objectGrants('dunning-dispatch')).toEqual({
        's3:GetObject': ['Documents:/invoices/*', 'Documents:/letters/*'],
        's3:PutObject': ['Documents:/letters/*'],
        's3:DeleteObject': [],
      });
    },
  );

  it(
    'dunning-step writes and links agency case files under case-files/ only; plan, pause, sweep and the alert ' +
      'functions touch no object',
    () => {
      expect(objectGrants('dunning-step')).toEqual({
        's3:GetObject': ['Documents:/case-files/*'],
        's3:PutObject': ['Documents:/case-files/*'],
        's3:DeleteObject': [],
      });
      for (const name of ['dunning-plan', 'dunning-pause', 'sweep', 'ses-events', 'failure-alert']) {
        expect(
          actionsOf(statementsOf(name)).filter((a) => a.startsWith('s3:')),
          name,
        ).toEqual([]);
      }
    },
  );
});
