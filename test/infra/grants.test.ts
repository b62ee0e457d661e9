import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type FunctionName, functionNames, projectRoot } from '../../lib/shared/function';
import { flat, functionId, resourcesOfType, roleStatements, shippedCode, synthesizeForAssertions } from './support';

const { json } = synthesizeForAssertions();

/**
 * A reference as the reader knows it: logical ids without their hash suffix (`<StorageTable1A2B3C4D.Arn>` ->
 * `<StorageTable.Arn>`).
 */
const readable = (s: string) =>
  s.replace(/<([A-Za-z0-9]+?)[0-9A-F]{8}(\.|>)/g, '<$1$2').replace(/"Ref":"([A-Za-z0-9]+?)[0-9A-F]{8}"/g, '"Ref":"$1"');

/**
 * Every Allow statement of a function's role, one line per action: `action resource[, resource] [condition]`, sorted.
 */
function grantsOf(name: string): string[] {
  return roleStatements(json, functionId(json, name))
    .flatMap((s) => {
      const resources = ([] as unknown[])
        .concat(s.Resource)
        .map((r) => readable(flat(r)))
        .sort()
        .join(', ');
      const condition = s.Condition ? ` if ${readable(JSON.stringify(s.Condition))}` : '';
      return ([] as string[]).concat(s.Action).map((a) => `${a} ${resources}${condition}`);
    })
    .sort();
}

describe('grants, function by function (the whole permission model, pinned)', () => {
  it('every function of the stack is pinned here', () => {
    expect(
      resourcesOfType(json, 'AWS::Lambda::Function').filter(([, f]) => f.Metadata?.['encaisse:entry']),
    ).toHaveLength(functionNames.length);
  });

  it.each(functionNames)('%s is granted exactly what its code calls', (name) => {
    expect(grantsOf(name)).toMatchSnapshot();
  });
});

/** The IAM actions each AWS SDK command our code sends needs. */
const actionsOfCommand: Record<string, string[]> = {
  SendEmailCommand: ['ses:SendEmail'],
  StartExecutionCommand: ['states:StartExecution'],
  StopExecutionCommand: ['states:StopExecution'],
  DescribeExecutionCommand: ['states:DescribeExecution'],
  SendTaskSuccessCommand: ['states:SendTaskSuccess'],
  GetObjectCommand: ['s3:GetObject'],
  HeadObjectCommand: ['s3:GetObject'],
  PutObjectCommand: ['s3:PutObject'],
  CopyObjectCommand: ['s3:GetObject', 's3:PutObject'],
  DeleteObjectCommand: ['s3:DeleteObject'],
  GetSecretValueCommand: ['secretsmanager:GetSecretValue'],
  GetCommand: ['dynamodb:GetItem'],
  BatchGetCommand: ['dynamodb:BatchGetItem'],
  PutCommand: ['dynamodb:PutItem'],
  UpdateCommand: ['dynamodb:UpdateItem'],
  DeleteCommand: ['dynamodb:DeleteItem'],
  QueryCommand: ['dynamodb:Query'],
  // a transaction needs each of its items' own actions (Put, Update, Delete, ConditionCheck): not read from here
  TransactWriteCommand: [],
};

/**
 * The AWS SDK commands a function's code can send: its handler bundled as it ships (esbuild drops what nothing calls),
 * the commands it constructs read from the bundle. A function reaching a module only for a type or an error class
 * (the runtime imports the mailer's) does not count as calling it.
 */
function commandsOf(name: FunctionName): string[] {
  return [...new Set([...shippedCode(name).matchAll(/\bnew (\w+Command)\(/g)].map((m) => m[1]))].sort();
}

describe('grants follow the code', () => {
  it.each(functionNames)('%s may make every AWS call its shipped code makes', (name) => {
    const granted = new Set(grantsOf(name).map((g) => g.split(' ')[0]));
    const commands = commandsOf(name);
    expect(commands.length).toBeGreaterThan(0);
    const missing = commands.flatMap((c) => {
      const actions = actionsOfCommand[c];
      if (!actions) return [`${c}: not in actionsOfCommand`];
      return actions.filter((a) => !granted.has(a)).map((a) => `${c} needs ${a}`);
    });
    expect(missing).toEqual([]);
  });
});

describe('who grants', () => {
  it(
    'the stack only wires: each construct grants the functions it is handed, so no grant is written in the ' + 'stack',
    () => {
      const stack = readFileSync(path.join(projectRoot, 'lib/encaisse-stack.ts'), 'utf8');
      expect(stack).not.toMatch(
        /\ballow(Table|TableItems|Objects|Workflow|SendEmail)\(|addToPrincipalPolicy|\.grant\w*\(/,
      );
    },
  );
});
