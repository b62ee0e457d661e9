import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ListExecutionsCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  TaskDoesNotExist,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../bin/local/stack';
import { tableDesign } from '../../lib/storage/table-design';
import { dunningTemplate } from './support/templates';

/**
 * Each local stand-in of the AWS stack, exercised through the real AWS SDK v3 clients: S3 -> SQS -> ingest,
 * DynamoDB Local's table, the synthesized dunning state machine (time-scaled waits, task tokens, stop),
 * SES's store and the admin API's gateway. The Lambda bindings are replaced by tiny test functions, except `api`
 * (the real handler, imported from functions/api/handler.ts as npm start does).
 */

type State = {
  invoiceId: string;
  doneStepIds: string[];
  plan?: { action: string; at?: string; stepId?: string };
  outcome?: string;
  [k: string]: unknown;
};
const DAY_MS = 86_400_000;

const calls: { fn: string; invoiceId?: string; realAt: number; policyAt: Date; event: unknown }[] = [];
const tokens = new Map<string, string>();
let stack: LocalStack;

function record(fn: string, event: unknown) {
  const invoiceId =
    (event as State | undefined)?.invoiceId ?? (event as { state?: State } | undefined)?.state?.invoiceId;
  calls.push({ fn, invoiceId, realAt: Date.now(), policyAt: stack.clock.now(), event });
}
const callsOf = (invoiceId: string) => calls.filter((c) => c.invoiceId === invoiceId);

// Scenarios by invoice id: 'two-days' waits 2 policy days then ends, 'paused' pauses until resumed,
// 'far' waits 100 policy days, 'boom' fails at planning.
const plan = async (s: State): Promise<State> => {
  record('plan', s);
  if (s.invoiceId.startsWith('boom')) throw new Error('plan exploded');
  if (s.doneStepIds.length > 0) return { ...s, plan: { action: 'end' }, outcome: undefined };
  const days = s.invoiceId.startsWith('two-days') ? 2 : s.invoiceId.startsWith('far') ? 100 : 0;
  return {
    ...s,
    plan: {
      action: 'wait',
      at: new Date(stack.clock.now().getTime() + days * DAY_MS).toISOString(),
      stepId: 'relance-1',
    },
  };
};
const step = async (s: State): Promise<State> => {
  record('step', s);
  if (s.invoiceId.startsWith('paused')) return { ...s, outcome: 'paused' };
  return { ...s, doneStepIds: [...s.doneStepIds, s.plan!.stepId!], outcome: 'acted' };
};
const pause = async (e: { taskToken: string; state: State }) => {
  record('pause', e);
  tokens.set(e.state.invoiceId, e.taskToken);
  return { stored: true };
};

let sfn: SFNClient;
async function runToEnd(invoiceId: string, timeoutMs = 15_000) {
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({
      stateMachineArn: stack.env.STATE_MACHINE_ARN,
      name: `inv-${invoiceId}`,
      input: JSON.stringify({ invoiceId, doneStepIds: [] }),
    }),
  );
  return stack.waitFor(async () => {
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    return d.status !== 'RUNNING' ? d : undefined;
  }, timeoutMs);
}

beforeAll(async () => {
  stack = await startLocalStack({
    quiet: true,
    startAt: new Date('2031-03-03T08:00:00Z'), // policy time far from real time: a mix-up shows
    template: dunningTemplate,
    handlers: {
      ingest: async (event) => {
        record('ingest', event);
        return { batchItemFailures: [] };
      },
      'dunning-plan': plan,
      'dunning-step': step,
      'dunning-pause': pause,
      'dunning-dispatch': async (s: State) => {
        record('dispatch', s);
        return { ...s, outcome: 'sent' };
      },
      'failure-alert': async (event) => {
        record('failure-alert', event);
      },
    },
  });
  sfn = new SFNClient({ endpoint: stack.env.LOCAL_SFN_ENDPOINT });
});

afterAll(async () => {
  sfn?.destroy();
  await stack?.stop();
});

describe('local S3: a statement dropped under inbox/ reaches the ingest handler', () => {
  it(
    'as the SQS-wrapped S3 event Lambda receives, the key URL-encoded as real S3 sends it (space -> +, + -> ' + '%2B)',
    async () => {
      const delivery = await stack.putStatement('inbox/relevé mars+avril.csv', 'date;montant\n');
      expect(delivery.error).toBeUndefined();
      const event = calls.filter((c) => c.fn === 'ingest').at(-1)!.event as {
        Records: { body: string; eventSource: string }[];
      };
      expect(event.Records).toHaveLength(1);
      expect(event.Records[0].eventSource).toBe('aws:sqs');
      const s3Event = JSON.parse(event.Records[0].body) as {
        Records: { eventName: string; s3: { bucket: { name: string }; object: { key: string } } }[];
      };
      const { s3, eventName } = s3Event.Records[0];
      expect(eventName).toBe('ObjectCreated:Put');
      expect(s3.bucket.name).toBe(stack.env.STATEMENTS_BUCKET);
      expect(s3.object.key).toBe('inbox/relev%C3%A9+mars%2Bavril.csv');
      expect(decodeURIComponent(s3.object.key.replace(/\+/g, ' '))).toBe('inbox/relevé mars+avril.csv');
    },
  );

  it('the same file name put twice at once: each put gets its own ingest delivery', async () => {
    const before = calls.filter((c) => c.fn === 'ingest').length;
    const [a, b] = await Promise.all([stack.putStatement('twice.csv', 'a'), stack.putStatement('twice.csv', 'b')]);
    expect([a.key, b.key]).toEqual(['inbox/twice.csv', 'inbox/twice.csv']);
    expect(calls.filter((c) => c.fn === 'ingest').length - before).toBe(2);
  });

  it('an object put elsewhere in the bucket (processed/) does not trigger ingest', async () => {
    const s3 = new S3Client({
      endpoint: stack.env.LOCAL_S3_ENDPOINT,
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
    const before = calls.filter((c) => c.fn === 'ingest').length;
    await s3.send(new PutObjectCommand({ Bucket: stack.env.STATEMENTS_BUCKET, Key: 'processed/old.csv', Body: 'x' }));
    await stack.putStatement('inbox/next.csv', 'x'); // a later inbox object: events are handled in order
    const keys = calls
      .filter((c) => c.fn === 'ingest')
      .slice(before)
      .map((c) => JSON.parse((c.event as { Records: { body: string }[] }).Records[0].body).Records[0].s3.object.key);
    expect(keys).toEqual(['inbox/next.csv']);
    s3.destroy();
  });
});

describe('DynamoDB Local', () => {
  it('holds the table of lib/storage/table-design.ts, with its keys and GSIs', async () => {
    const ddb = new DynamoDBClient({ endpoint: stack.env.LOCAL_DYNAMODB_ENDPOINT });
    const { Table } = await ddb.send(new DescribeTableCommand({ TableName: stack.env.TABLE_NAME }));
    ddb.destroy();
    expect(Table?.KeySchema).toEqual([
      { AttributeName: tableDesign.partitionKey, KeyType: 'HASH' },
      { AttributeName: tableDesign.sortKey, KeyType: 'RANGE' },
    ]);
    const gsis = (Table?.GlobalSecondaryIndexes ?? []).map((g) => ({
      name: g.IndexName,
      keys: g.KeySchema?.map((k) => k.AttributeName),
    }));
    expect(gsis.sort((a, b) => a.name!.localeCompare(b.name!))).toEqual(
      tableDesign.globalSecondaryIndexes.map((g) => ({ name: g.indexName, keys: [g.partitionKey, g.sortKey] })),
    );
  });
});

describe('the synthesized dunning state machine, run locally', () => {
  it('plans, waits 2 policy days (about 2 real seconds at 86400x), runs the step, re-plans and ends', async () => {
    const done = await runToEnd('two-days-1');
    expect(done.status).toBe('SUCCEEDED');
    const seen = callsOf('two-days-1');
    expect(seen.map((c) => c.fn)).toEqual(['plan', 'step', 'plan']);
    const awaited = new Date((seen[1].event as State).plan!.at!);
    // the step sees policy time after the wait
    expect(seen[1].policyAt.getTime()).toBeGreaterThanOrEqual(awaited.getTime());
    const realWait = seen[1].realAt - seen[0].realAt;
    expect(realWait).toBeGreaterThan(1_500);
    const record = await stack.stepFunctions.settled(done.executionArn!);
    expect(record.history).toEqual([
      'PlanNextStep',
      'Decide',
      'WaitForStep',
      'RunStep',
      'AfterStep',
      'PlanNextStep',
      'Decide',
      'Done',
    ]);
    expect(JSON.parse(done.output!)).toMatchObject({
      invoiceId: 'two-days-1',
      doneStepIds: ['relance-1'],
      plan: { action: 'end' },
    });
  });

  it('a paused invoice waits for its task token and resumes on SendTaskSuccess with the new state', async () => {
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: stack.env.STATE_MACHINE_ARN,
        name: 'inv-paused-1',
        input: JSON.stringify({ invoiceId: 'paused-1', doneStepIds: [] }),
      }),
    );
    const token = await stack.waitFor(() => tokens.get('paused-1'));
    expect(callsOf('paused-1').map((c) => c.fn)).toEqual(['plan', 'step', 'pause']);
    expect((callsOf('paused-1')[2].event as { state: State }).state.outcome).toBe('paused');
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('RUNNING');

    const resumed: State = { invoiceId: 'paused-1', doneStepIds: ['relance-1'] };
    await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(resumed) }));
    const final = await stack.waitFor(async () => {
      const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      return d.status !== 'RUNNING' ? d : undefined;
    });
    expect(final.status).toBe('SUCCEEDED');
    expect(callsOf('paused-1').map((c) => c.fn)).toEqual(['plan', 'step', 'pause', 'plan']);
    await expect(sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }))).rejects.toBeInstanceOf(
      TaskDoesNotExist,
    );
  });

  it('SendTaskFailure fails the paused task: the Catch leads to Failed and the execution fails', async () => {
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: stack.env.STATE_MACHINE_ARN,
        name: 'inv-paused-2',
        input: JSON.stringify({ invoiceId: 'paused-2', doneStepIds: [] }),
      }),
    );
    const token = await stack.waitFor(() => tokens.get('paused-2'));
    await sfn.send(new SendTaskFailureCommand({ taskToken: token, error: 'DisputeLost', cause: 'litige perdu' }));
    const record = await stack.stepFunctions.settled(executionArn!);
    expect(record.status).toBe('FAILED');
    expect(record.history.slice(-2)).toEqual(['AwaitResume', 'Failed']);
  });

  it('StopExecution stops an invoice waiting for its next step: the step never runs', async () => {
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: stack.env.STATE_MACHINE_ARN,
        name: 'inv-far-1',
        input: JSON.stringify({ invoiceId: 'far-1', doneStepIds: [] }),
      }),
    );
    await stack.waitFor(() => callsOf('far-1').length === 1);
    await sfn.send(new StopExecutionCommand({ executionArn, error: 'Paid', cause: 'invoice fully paid' }));
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(d.status).toBe('ABORTED');
    expect(d.stopDate).toBeInstanceOf(Date);
    const listed = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: stack.env.STATE_MACHINE_ARN, statusFilter: 'ABORTED' }),
    );
    expect(listed.executions?.map((e) => e.name)).toContain('inv-far-1');
    await new Promise((r) => setTimeout(r, 300));
    expect(callsOf('far-1').map((c) => c.fn)).toEqual(['plan']);
  });

  it(
    'a second start with the same name is a no-op while it runs with the same input, ExecutionAlreadyExists ' +
      'otherwise',
    async () => {
      const input = JSON.stringify({ invoiceId: 'far-2', doneStepIds: [] });
      const start = (i: string) =>
        sfn.send(
          new StartExecutionCommand({ stateMachineArn: stack.env.STATE_MACHINE_ARN, name: 'inv-far-2', input: i }),
        );
      const first = await start(input);
      const again = await start(input);
      expect(again.executionArn).toBe(first.executionArn);
      await expect(start(JSON.stringify({ invoiceId: 'far-2', doneStepIds: ['x'] }))).rejects.toBeInstanceOf(
        ExecutionAlreadyExists,
      );
      await sfn.send(new StopExecutionCommand({ executionArn: first.executionArn }));
      await expect(start(input)).rejects.toBeInstanceOf(ExecutionAlreadyExists);
    },
  );

  it('a failed execution is reported to failure-alert with the EventBridge event AWS sends', async () => {
    const done = await runToEnd('boom-1');
    expect(done.status).toBe('FAILED');
    const alert = await stack.waitFor(() =>
      calls.find(
        (c) => c.fn === 'failure-alert' && (c.event as { detail?: { name?: string } }).detail?.name === 'inv-boom-1',
      ),
    );
    expect(alert.event).toMatchObject({
      source: 'aws.states',
      'detail-type': 'Step Functions Execution Status Change',
      detail: {
        status: 'FAILED',
        executionArn: done.executionArn,
        name: 'inv-boom-1',
        stateMachineArn: stack.env.STATE_MACHINE_ARN,
      },
    });
  });
});

describe('the daily schedule', () => {
  it("sends the sweep the schedule's own input from the template, its scheduled time in policy time", () => {
    const event = stack.scheduledEvent() as { source?: string; kind?: string; scheduledTime?: string };
    expect(event).toMatchObject({ source: 'encaisse.schedule', kind: 'daily-sweep' });
    expect(Math.abs(new Date(event.scheduledTime!).getTime() - stack.clock.now().getTime())).toBeLessThan(DAY_MS);
    expect(event.scheduledTime!.startsWith('2031-03')).toBe(true); // policy time, not real time
  });
});

describe('local SES', () => {
  it('an e-mail sent with @aws-sdk/client-sesv2 shows up in the SES store', async () => {
    const ses = new SESv2Client({ endpoint: stack.env.LOCAL_SES_ENDPOINT });
    await ses.send(
      new SendEmailCommand({
        FromEmailAddress: stack.env.SENDER_EMAIL,
        Destination: { ToAddresses: ['compta@client.example.fr'] },
        Content: {
          Simple: { Subject: { Data: 'Relance : facture F-2024-001' }, Body: { Text: { Data: 'Bonjour,' } } },
        },
      }),
    );
    ses.destroy();
    const emails = await stack.sentEmails();
    expect(emails.map((e) => ({ subject: e.subject, to: e.destination.to }))).toContainEqual({
      subject: 'Relance : facture F-2024-001',
      to: ['compta@client.example.fr'],
    });
  });
});

describe('local admin API', () => {
  it('serves the real api handler: GET /health is open, other routes need the bearer token', async () => {
    expect((await fetch(`${stack.urls.api}/health`)).status).toBe(200);
    expect((await fetch(`${stack.urls.api}/invoices`)).status).toBe(401);
    const ok = await fetch(`${stack.urls.api}/invoices?status=open`, {
      headers: { authorization: `Bearer ${stack.env.LOCAL_API_TOKEN}` },
    });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/json/);
  });
});
