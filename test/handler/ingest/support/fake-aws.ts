import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { sdkStreamMixin } from '@smithy/core/serde';
import { mockClient } from 'aws-sdk-client-mock';
import { withinGrants } from '../../support/access';
import { itemWithinSize, transactionWithinSize } from '../../support/aws-limits';
import { applyUpdate, evaluateCondition } from './expressions';

type Item = Record<string, any>;

/**
 * How an injected fault looks to the caller: refused before taking effect, or taken effect but answered with an error.
 */
export type FaultMode = 'throttling' | 'server_error' | 'timeout_after_success';
export const FAULT_MODES: FaultMode[] = ['throttling', 'server_error', 'timeout_after_success'];

function faultError(mode: FaultMode, service: string): Error {
  if (mode === 'throttling')
    return Object.assign(new Error(`${service}: rate exceeded`), {
      name: 'ThrottlingException',
      $metadata: { httpStatusCode: 400 },
      $retryable: { throttling: true },
    });
  if (mode === 'server_error')
    return Object.assign(new Error(`${service}: internal error`), {
      name: 'InternalServerError',
      $metadata: { httpStatusCode: 500 },
      $fault: 'server',
    });
  return Object.assign(new Error(`${service}: socket timed out after the request was sent`), { name: 'TimeoutError' });
}

/** One AWS call the code under test made, in order. */
export interface Call {
  service: 's3' | 'dynamodb' | 'ses' | 'sfn';
  command: string;
}

/**
 * In-memory S3 (objects of one bucket), DynamoDB (one table, its two GSIs), SES (a list of sent messages) and Step
 * Functions (executions), behind aws-sdk-client-mock, with faults injected by call position. No SDK retries happen
 * behind a mock: every fault reaches the code, which is the worst case.
 */
/**
 * The ingest handler, each invocation's items and objects checked against the ingest's grants in the synthesized stack
 * (test/handler/support/access.ts), on the stubs of the test's current FakeAws. Imported once the scenario's
 * environment is set.
 */
export async function ingestWithinGrants() {
  const { handler } = await import('../../../../functions/ingest/handler');
  return withinGrants('ingest', handler, () => current?.stubs() ?? []);
}
let current: FakeAws | undefined;

export class FakeAws {
  readonly items = new Map<string, Item>();
  readonly objects = new Map<string, { body: Uint8Array; etag: string }>();
  readonly sent: { to: string[]; subject: string; text: string }[] = [];
  readonly executions = new Map<string, { status: 'RUNNING' | 'ABORTED' }>();
  readonly calls: Call[] = [];
  /** A key whose body breaks off after its first chunk (a connection reset while S3 streams it). */
  brokenBody?: string;
  /** The fault to inject: at the call of this 0-based position (counted over every service), in this mode. */
  fault?: { at: number; mode: FaultMode };
  /** The most calls that were in flight at once (sent, not yet answered). */
  maxInFlight = 0;
  private inFlight = 0;

  private readonly ddb = mockClient(DynamoDBDocumentClient);
  private readonly s3 = mockClient(S3Client);
  private readonly ses = mockClient(SESv2Client);
  private readonly sfn = mockClient(SFNClient);
  readonly stubs = () => [this.ddb, this.s3];

  constructor() {
    current = this;
    this.installDynamo();
    this.installS3();
    this.ses.on(SendEmailCommand).callsFake((input: any) =>
      this.call('ses', 'SendEmail', () => {
        const simple = input.Content?.Simple;
        this.sent.push({
          to: input.Destination.ToAddresses,
          subject: simple?.Subject?.Data ?? '',
          text: simple?.Body?.Text?.Data ?? '',
        });
        return { MessageId: `ses-${this.sent.length}` };
      }),
    );
    this.sfn.on(StartExecutionCommand).callsFake((input: any) =>
      this.call('sfn', 'StartExecution', () => {
        const arn = `${input.stateMachineArn.replace(':stateMachine:', ':execution:')}:${input.name}`;
        if (!this.executions.has(arn)) this.executions.set(arn, { status: 'RUNNING' });
        return { executionArn: arn, startDate: new Date() };
      }),
    );
    this.sfn.on(StopExecutionCommand).callsFake((input: any) =>
      this.call('sfn', 'StopExecution', () => {
        const exec = this.executions.get(input.executionArn);
        if (!exec) throw Object.assign(new Error('no such execution'), { name: 'ExecutionDoesNotExist' });
        exec.status = 'ABORTED';
        return { stopDate: new Date() };
      }),
    );
    this.sfn.on(DescribeExecutionCommand).callsFake((input: any) =>
      this.call('sfn', 'DescribeExecution', () => {
        const exec = this.executions.get(input.executionArn);
        if (!exec) throw Object.assign(new Error('no such execution'), { name: 'ExecutionDoesNotExist' });
        return { executionArn: input.executionArn, status: exec.status };
      }),
    );
  }

  restore(): void {
    for (const m of [this.ddb, this.s3, this.ses, this.sfn]) m.restore();
  }

  /** Runs one call: counts it, and applies the fault planned for its position. */
  private async call<T>(service: Call['service'], command: string, effect: () => T): Promise<T> {
    this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
    try {
      await new Promise((r) => setImmediate(r));
      const position = this.calls.length;
      this.calls.push({ service, command });
      const fault = this.fault?.at === position ? this.fault.mode : undefined;
      if (fault && fault !== 'timeout_after_success') throw faultError(fault, service);
      const result = effect();
      if (fault) throw faultError(fault, service);
      return result;
    } finally {
      this.inFlight--;
    }
  }

  // --- S3 ---------------------------------------------------------------------------------------------------------

  putObject(key: string, body: Uint8Array | string): void {
    const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
    this.objects.set(key, { body: bytes, etag: createHash('md5').update(bytes).digest('hex') });
  }

  text(key: string): string | undefined {
    const o = this.objects.get(key);
    return o ? new TextDecoder().decode(o.body) : undefined;
  }

  private installS3(): void {
    const missing = () =>
      Object.assign(new Error('Not Found'), { name: 'NotFound', $metadata: { httpStatusCode: 404 } });
    const taken = () =>
      Object.assign(new Error('At least one of the pre-conditions you specified did not hold'), {
        name: 'PreconditionFailed',
        $metadata: { httpStatusCode: 412 },
      });
    this.s3.on(HeadObjectCommand).callsFake((input: any) =>
      this.call('s3', 'HeadObject', () => {
        const o = this.objects.get(input.Key);
        if (!o) throw missing();
        return { ContentLength: o.body.byteLength, ETag: `"${o.etag}"` };
      }),
    );
    this.s3.on(GetObjectCommand).callsFake((input: any) =>
      this.call('s3', 'GetObject', () => {
        const o = this.objects.get(input.Key);
        if (!o)
          throw Object.assign(new Error('The specified key does not exist.'), {
            name: 'NoSuchKey',
            $metadata: { httpStatusCode: 404 },
          });
        if (input.IfMatch && input.IfMatch.replace(/"/g, '') !== o.etag) throw taken();
        // streamed as S3 sends it, in chunks the reader must put together
        const body = o.body;
        const chunks = Array.from({ length: Math.ceil(body.byteLength / 1000) }, (_, i) =>
          Buffer.from(body.subarray(i * 1000, (i + 1) * 1000)),
        );
        const broken = input.Key === this.brokenBody;
        const stream = Readable.from(
          (function* () {
            for (const [i, chunk] of chunks.entries()) {
              if (broken && i === 1) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
              yield chunk;
            }
          })(),
        );
        return { ContentLength: body.byteLength, Body: sdkStreamMixin(stream) };
      }),
    );
    this.s3.on(PutObjectCommand).callsFake((input: any) =>
      this.call('s3', 'PutObject', () => {
        if (input.IfNoneMatch === '*' && this.objects.has(input.Key)) throw taken();
        this.putObject(input.Key, typeof input.Body === 'string' ? input.Body : new Uint8Array(input.Body));
        return {};
      }),
    );
    this.s3.on(CopyObjectCommand).callsFake((input: any) =>
      this.call('s3', 'CopyObject', () => {
        const source = input.CopySource.slice(input.CopySource.indexOf('/') + 1)
          .split('/')
          .map(decodeURIComponent)
          .join('/');
        const o = this.objects.get(source);
        if (!o)
          throw Object.assign(new Error('The specified key does not exist.'), {
            name: 'NoSuchKey',
            $metadata: { httpStatusCode: 404 },
          });
        if (input.CopySourceIfMatch && input.CopySourceIfMatch.replace(/"/g, '') !== o.etag) throw taken();
        if (input.IfNoneMatch === '*' && this.objects.has(input.Key)) throw taken();
        this.objects.set(input.Key, { ...o });
        return {};
      }),
    );
    this.s3.on(DeleteObjectCommand).callsFake((input: any) =>
      this.call('s3', 'DeleteObject', () => {
        this.objects.delete(input.Key);
        return {};
      }),
    );
  }

  // --- DynamoDB ---------------------------------------------------------------------------------------------------

  item(pk: string, sk: string): Item | undefined {
    return this.items.get(`${pk}|${sk}`);
  }

  private installDynamo(): void {
    const keyOf = (k: Item) => `${k.pk}|${k.sk}`;
    const ctx = (input: any) => ({
      names: input.ExpressionAttributeNames ?? {},
      values: input.ExpressionAttributeValues ?? {},
    });
    const holds = (input: any, existing: Item | undefined) =>
      !input.ConditionExpression || evaluateCondition(input.ConditionExpression, existing, ctx(input));
    const conditionFailed = () =>
      new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

    this.ddb
      .on(GetCommand)
      .callsFake((input: any) =>
        this.call('dynamodb', 'GetItem', () => ({ Item: structuredClone(this.items.get(keyOf(input.Key))) })),
      );
    this.ddb.on(PutCommand).callsFake((input: any) =>
      this.call('dynamodb', 'PutItem', () => {
        itemWithinSize(input.Item);
        const existing = this.items.get(keyOf(input.Item));
        if (!holds(input, existing)) throw conditionFailed();
        this.items.set(keyOf(input.Item), structuredClone(input.Item));
        return input.ReturnValues === 'ALL_OLD' ? { Attributes: structuredClone(existing) } : {};
      }),
    );
    this.ddb.on(UpdateCommand).callsFake((input: any) =>
      this.call('dynamodb', 'UpdateItem', () => {
        const existing = this.items.get(keyOf(input.Key));
        if (!holds(input, existing)) throw conditionFailed();
        this.items.set(keyOf(input.Key), applyUpdate(input.UpdateExpression, existing ?? { ...input.Key }, ctx(input)));
        return {};
      }),
    );
    this.ddb.on(DeleteCommand).callsFake((input: any) =>
      this.call('dynamodb', 'DeleteItem', () => {
        if (!holds(input, this.items.get(keyOf(input.Key)))) throw conditionFailed();
        this.items.delete(keyOf(input.Key));
        return {};
      }),
    );
    this.ddb.on(TransactWriteCommand).callsFake((input: any) =>
      this.call('dynamodb', 'TransactWriteItems', () => {
        transactionWithinSize(input.TransactItems);
        const ops = input.TransactItems.map((t: any) => {
          const [kind, op] = Object.entries(t)[0] as [string, any];
          const key = keyOf(op.Item ?? op.Key);
          return { kind, op, key, ok: holds(op, this.items.get(key)) };
        });
        if (ops.some((o: any) => !o.ok)) {
          throw new TransactionCanceledException({
            message: 'Transaction cancelled',
            $metadata: {},
            CancellationReasons: ops.map((o: any) => ({ Code: o.ok ? 'None' : 'ConditionalCheckFailed' })),
          });
        }
        for (const { kind, op, key } of ops) {
          if (kind === 'Put') this.items.set(key, structuredClone(op.Item));
          else if (kind === 'Delete') this.items.delete(key);
          else if (kind === 'Update')
            this.items.set(key, applyUpdate(op.UpdateExpression, this.items.get(key) ?? { ...op.Key }, ctx(op)));
        }
        return {};
      }),
    );
    this.ddb.on(QueryCommand).callsFake((input: any) =>
      this.call('dynamodb', 'Query', () => {
        const [pkName, skName] = input.IndexName ? [`${input.IndexName}pk`, `${input.IndexName}sk`] : ['pk', 'sk'];
        let rows = [...this.items.values()].filter(
          (i) => i[pkName] !== undefined && evaluateCondition(input.KeyConditionExpression, i, ctx(input)),
        );
        if (input.FilterExpression) rows = rows.filter((i) => evaluateCondition(input.FilterExpression, i, ctx(input)));
        rows.sort((a, b) => String(a[skName]).localeCompare(String(b[skName])));
        if (input.ScanIndexForward === false) rows.reverse();
        if (input.ExclusiveStartKey)
          rows = rows.slice(rows.findIndex((r) => keyOf(r) === keyOf(input.ExclusiveStartKey)) + 1);
        const page = input.Limit ? rows.slice(0, input.Limit) : rows;
        const last = input.Limit && rows.length > input.Limit ? page[page.length - 1] : undefined;
        return {
          Items: page.map((r) => structuredClone(r)),
          LastEvaluatedKey: last ? { pk: last.pk, sk: last.sk } : undefined,
        };
      }),
    );
  }
}
