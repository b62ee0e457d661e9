import type { AwsStub } from 'aws-sdk-client-mock';
import { afterEach, expect } from 'vitest';
import { cachedTemplate } from '../../../bin/local/template-cache';
import { s3 } from '../../../functions/adapters/aws-clients';
import type { FunctionName } from '../../../lib/function-names';

/**
 * What a handler touches in DynamoDB and S3 while a test drives it, checked against the grants the synthesized stack
 * gives that function: its role's statements as CloudFormation has them, leading-key and prefix conditions included.
 * The local stack has no IAM, so a key outside a function's grants (shared code writing a history line, a send intent,
 * a "maybe sent" task...) would fail in AWS only: these tests catch it before.
 *
 *   const access = recordAccess(ddb, s3Mock);   // before driving the handler
 *   ...drive it, fault paths included...
 *   expect(await access.outsideGrantsOf('failure-alert')).toEqual([]);
 *
 * or, in a file that drives several functions, each handler wrapped (its invocations checked, see withinGrants):
 *
 *   const dispatch = withinGrants('dunning-dispatch', dispatchHandler, ddb, s3);
 *
 * Sent commands are read from the aws-sdk-client-mock stubs; presigned URLs (which S3 honours only if the signer may
 * read the object) from a middleware on the functions' S3 client, which the presigner runs without sending.
 */

/** One IAM authorization the request needs. */
interface Need {
  action: string;
  /** 'table' (the function's TABLE_NAME), 'table/index/<name>', or '<bucket>/<key>' with the test's names. */
  resource: { table: string; index?: string } | { bucket: string; key?: string };
  leadingKeys?: string[];
  prefix?: string;
  /** How the request reads in a failure message. */
  what: string;
}

interface Sent {
  command: string;
  input: any;
  presigned?: boolean;
}

const presigned: Sent[] = [];
const RECORDER = 'encaisseAccessRecorder';

function watchPresigner(): void {
  const client = s3();
  if (client.middlewareStack.identify().some((m) => m.startsWith(RECORDER))) return;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      presigned.push({ command: String(context.commandName), input: args.input, presigned: true });
      return next(args);
    },
    { step: 'initialize', name: RECORDER },
  );
}

export interface AccessRecord {
  /** Each request made since recordAccess, as IAM sees it. */
  needs(): Need[];
  /** The requests the function's grants in the synthesized stack would refuse, in words (empty: all allowed). */
  outsideGrantsOf(name: FunctionName): Promise<string[]>;
}

export function recordAccess(...stubs: AwsStub<any, any, any>[]): AccessRecord {
  watchPresigner();
  const starts = stubs.map((s) => s.calls().length);
  const presignStart = presigned.length;
  const sent = (): Sent[] => [
    ...stubs.flatMap((stub, i) =>
      stub
        .calls()
        .slice(stub.calls().length < starts[i] ? 0 : starts[i])
        .map((c) => {
          const command = c.args[0] as { constructor: { name: string }; input: unknown };
          return { command: command.constructor.name, input: command.input };
        }),
    ),
    ...presigned.slice(presignStart),
  ];
  const needs = () => sent().flatMap(needsOf);
  return {
    needs,
    async outsideGrantsOf(name) {
      const grants = await grantsOf(name);
      return [...new Set(needs().flatMap((n) => grants.refusal(n) ?? []))];
    },
  };
}

interface Invocation {
  name: FunctionName;
  /** The functions whose invocations ran at the same time (their requests cannot be told apart). */
  overlapped: Set<FunctionName>;
}
const running = new Set<Invocation>();
const refused: string[] = [];
let hooked = false;

/**
 * `handler`, each of its invocations checked against `name`'s grants when it ends. A request made while invocations of
 * other functions ran too passes if any of them may make it. The refusals fail the test (an afterEach of the file).
 */
export function withinGrants<H extends (...args: any[]) => Promise<any>>(
  name: FunctionName,
  handler: H,
  /** The mocked clients, or where to find them at each invocation (a fake that mocks anew for each test). */
  ...stubs: AwsStub<any, any, any>[] | [() => AwsStub<any, any, any>[]]
): H {
  if (!hooked) {
    hooked = true;
    afterEach(() => {
      expect(refused.splice(0)).toEqual([]);
    });
  }
  return (async (...args: unknown[]) => {
    const me: Invocation = { name, overlapped: new Set() };
    for (const other of running) {
      other.overlapped.add(name);
      me.overlapped.add(other.name);
    }
    running.add(me);
    const access = recordAccess(...(typeof stubs[0] === 'function' ? stubs[0]() : (stubs as AwsStub<any, any, any>[])));
    try {
      return await handler(...args);
    } finally {
      running.delete(me);
      const grants = await Promise.all([name, ...me.overlapped].map(grantsOf));
      for (const need of access.needs()) {
        const why = grants.map((g) => g.refusal(need));
        if (why.every(Boolean)) refused.push(`${name}: ${why[0]}`);
      }
    }
  }) as H;
}

// --- what each command needs ---------------------------------------------------------------------------------------

const ITEM_ACTIONS: Record<string, string> = {
  GetCommand: 'dynamodb:GetItem',
  PutCommand: 'dynamodb:PutItem',
  UpdateCommand: 'dynamodb:UpdateItem',
  DeleteCommand: 'dynamodb:DeleteItem',
};
const TRANSACT_ACTIONS: Record<string, string> = {
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  ConditionCheck: 'dynamodb:ConditionCheckItem',
  Get: 'dynamodb:GetItem',
};
const pkOf = (x: any): string => String((x?.Item ?? x?.Key)?.pk);

function needsOf({ command, input, presigned: signed }: Sent): Need[] {
  const item = (action: string, x: any): Need => ({
    action,
    resource: { table: x.TableName },
    leadingKeys: [pkOf(x)],
    what: `${action} ${pkOf(x)}${x.Key?.sk || x.Item?.sk ? ` / ${x.Key?.sk ?? x.Item?.sk}` : ''}`,
  });
  if (ITEM_ACTIONS[command]) return [item(ITEM_ACTIONS[command], input)];
  switch (command) {
    case 'TransactWriteCommand':
    case 'TransactGetCommand':
      return (input.TransactItems as any[]).flatMap((t) =>
        Object.entries(t).map(([kind, x]) => item(TRANSACT_ACTIONS[kind] ?? `(transaction item ${kind})`, x)),
      );
    case 'BatchGetCommand':
    case 'BatchWriteCommand': {
      const action = command === 'BatchGetCommand' ? 'dynamodb:BatchGetItem' : 'dynamodb:BatchWriteItem';
      return Object.entries(input.RequestItems as Record<string, any>).map(([table, r]) => {
        const keys: any[] = Array.isArray(r) ? r.map((w) => w.PutRequest ?? w.DeleteRequest) : r.Keys;
        const leadingKeys = keys.map(pkOf);
        return { action, resource: { table }, leadingKeys, what: `${action} ${leadingKeys.join(', ')}` };
      });
    }
    case 'QueryCommand': {
      const index = input.IndexName as string | undefined;
      const leadingKey = partitionKeyValue(input, index ? `${index}pk` : 'pk');
      return [
        {
          action: 'dynamodb:Query',
          resource: { table: input.TableName, index },
          leadingKeys: [leadingKey],
          what: `Query ${index ? `${index} ` : ''}${leadingKey}`,
        },
      ];
    }
    case 'GetObjectCommand':
    case 'HeadObjectCommand': {
      const how = signed ? 'a presigned link to' : command === 'GetObjectCommand' ? 'GetObject' : 'HeadObject';
      return [object('s3:GetObject', input.Bucket, input.Key, how)];
    }
    case 'PutObjectCommand':
      return [object('s3:PutObject', input.Bucket, input.Key, 'PutObject')];
    case 'DeleteObjectCommand':
      return [object('s3:DeleteObject', input.Bucket, input.Key, 'DeleteObject')];
    case 'CopyObjectCommand': {
      const source = decodeURIComponent(String(input.CopySource).replace(/^\//, ''));
      const slash = source.indexOf('/');
      return [
        object('s3:GetObject', source.slice(0, slash), source.slice(slash + 1), 'CopyObject from'),
        object('s3:PutObject', input.Bucket, input.Key, 'CopyObject to'),
      ];
    }
    case 'ListObjectsV2Command':
      return [
        {
          action: 's3:ListBucket',
          resource: { bucket: input.Bucket },
          prefix: input.Prefix ?? '',
          what: `ListObjects ${input.Bucket} ${input.Prefix ?? ''}`,
        },
      ];
    default:
      // SES, Step Functions, Secrets Manager: their actions are checked statically (test/infra/grants.test.ts)
      if (
        /^(SendEmail|StartExecution|StopExecution|DescribeExecution|SendTask\w+|GetSecretValue)Command$/.test(command)
      )
        return [];
      return [{ action: `(not understood: ${command})`, resource: { table: '' }, what: command }];
  }
}

function object(action: string, bucket: string, key: string, how: string): Need {
  return { action, resource: { bucket, key }, what: `${how} ${bucket}/${key}` };
}

/** The value a Query's key condition gives the partition key attribute (`pk = :pk`, or `#k = :v` with names). */
function partitionKeyValue(input: any, attribute: string): string {
  const names: Record<string, string> = input.ExpressionAttributeNames ?? {};
  for (const m of String(input.KeyConditionExpression).matchAll(/([#\w]+)\s*=\s*(:\w+)/g)) {
    if ((names[m[1]] ?? m[1]) === attribute) return String(input.ExpressionAttributeValues?.[m[2]]);
  }
  return `(no ${attribute} in ${input.KeyConditionExpression})`;
}

// --- the function's grants, from the synthesized template ------------------------------------------------------------

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, string | string[]>>;
}
type Resources = Record<string, { Type: string; Properties?: any; Metadata?: any }>;

const list = <T>(x: T | T[]): T[] => (Array.isArray(x) ? x : [x]);

/** A CloudFormation value as text, references as <LogicalId> / <LogicalId.Attr>. */
function flat(v: unknown): string {
  if (typeof v === 'string') return v;
  const o = v as Record<string, any>;
  if (o?.['Fn::Join']) return (o['Fn::Join'][1] as unknown[]).map(flat).join(o['Fn::Join'][0]);
  if (o?.['Fn::GetAtt']) return `<${o['Fn::GetAtt'][0]}.${o['Fn::GetAtt'][1]}>`;
  if (o?.Ref) return `<${o.Ref}>`;
  return JSON.stringify(v);
}

/** An IAM pattern (`*`, `?`) as a regular expression. */
const glob = (pattern: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );

const cache = new Map<FunctionName, Promise<{ refusal(n: Need): string | undefined }>>();

function grantsOf(name: FunctionName) {
  let grants = cache.get(name);
  if (!grants) {
    grants = cachedTemplate().then((t) => grantsIn(t.Resources as Resources, name));
    cache.set(name, grants);
  }
  return grants;
}

function grantsIn(resources: Resources, name: FunctionName) {
  const entry = `functions/${name}/handler.ts`;
  const fn = Object.entries(resources).find(
    ([, r]) => r.Type === 'AWS::Lambda::Function' && r.Metadata?.['encaisse:entry'] === entry,
  );
  if (!fn) throw new Error(`no function ${name} in the synthesized stack`);
  const role = fn[1].Properties.Role['Fn::GetAtt'][0];
  const statements = Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((x: { Ref?: string }) => x.Ref === role))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
  if (statements.some((s) => s.Effect !== 'Allow')) throw new Error(`${name}: a Deny statement is not understood here`);
  // The test's table and bucket names, through the variables the stack gives the function, to the stack's resources.
  const arnOf = new Map<string, string>();
  for (const [variable, value] of Object.entries(fn[1].Properties.Environment?.Variables ?? {})) {
    const ref = (value as { Ref?: string }).Ref;
    const type = ref && resources[ref]?.Type;
    const testName = process.env[variable];
    if (testName && (type === 'AWS::DynamoDB::Table' || type === 'AWS::S3::Bucket'))
      arnOf.set(testName, `<${ref}.Arn>`);
  }
  const resourceOf = (n: Need): string | undefined => {
    const r = n.resource;
    if ('table' in r) {
      const arn = arnOf.get(r.table);
      return arn && (r.index ? `${arn}/index/${r.index}` : arn);
    }
    const arn = arnOf.get(r.bucket);
    return arn && (r.key === undefined ? arn : `${arn}/${r.key}`);
  };
  const contextOf = (n: Need): Record<string, string[] | undefined> => ({
    'dynamodb:LeadingKeys': n.leadingKeys,
    's3:prefix': n.prefix === undefined ? undefined : [n.prefix],
  });
  const holds = (condition: Statement['Condition'], n: Need): boolean =>
    Object.entries(condition ?? {}).every(([operator, keys]) =>
      Object.entries(keys).every(([key, allowed]) => {
        const values = contextOf(n)[key];
        const patterns = list(allowed);
        const like = (v: string) => patterns.some((p) => glob(p).test(v));
        const equal = (v: string) => patterns.includes(v);
        switch (operator) {
          case 'ForAllValues:StringLike':
            return (values ?? []).every(like);
          case 'ForAllValues:StringEquals':
            return (values ?? []).every(equal);
          case 'StringLike':
            return values?.every(like) ?? false;
          case 'StringEquals':
            return values?.every(equal) ?? false;
          default:
            throw new Error(`${name}: condition operator ${operator} is not understood here`);
        }
      }),
    );
  return {
    /** Why the function may not make this request, or undefined when a statement allows it. */
    refusal(n: Need): string | undefined {
      const resource = resourceOf(n);
      if (!resource) return `${n.what}: ${JSON.stringify(n.resource)} is none of the stack's resources for ${name}`;
      const allowed = statements.some(
        (s) =>
          list(s.Action).some((a) => glob(a).test(n.action)) &&
          list(s.Resource).some((r) => glob(flat(r)).test(resource)) &&
          holds(s.Condition, n),
      );
      return allowed ? undefined : `${n.what} (${n.action} on ${resource.replace(/<(\w+?)[0-9A-F]{8}\./, '<$1.')})`;
    },
  };
}
