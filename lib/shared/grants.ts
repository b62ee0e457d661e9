import { Arn, ArnFormat, Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { EncaisseFunction } from './function';

/**
 * Explicit, narrow grants (no `Action::*` wildcards): the CDK `grantReadWrite*` helpers add actions such as
 * `s3:GetObject*`, `s3:Abort*` or `dynamodb:Scan` that no function here needs.
 */

const TABLE_READ = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'];
const TABLE_WRITE = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

export function allowTable(f: EncaisseFunction, table: dynamodb.ITable, access: 'read' | 'readWrite'): void {
  f.role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: access === 'read' ? TABLE_READ : [...TABLE_READ, ...TABLE_WRITE],
      resources: [table.tableArn, `${table.tableArn}/index/*`],
    }),
  );
}

export type TableItemAction = 'dynamodb:GetItem' | 'dynamodb:PutItem' | 'dynamodb:UpdateItem' | 'dynamodb:DeleteItem';

/**
 * Item-level table access narrower than allowTable: the listed actions on the table only (no index), limited to items
 * whose partition key starts with one of `partitionKeyPrefixes` (IAM condition dynamodb:LeadingKeys). A write inside
 * TransactWriteItems is authorized by the same per-item actions (there is no separate IAM action for it).
 */
export function allowTableItems(
  f: EncaisseFunction,
  table: dynamodb.ITable,
  actions: TableItemAction[],
  partitionKeyPrefixes: string[],
): void {
  f.role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions,
      resources: [table.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': partitionKeyPrefixes.map((p) => `${p}*`) } },
    }),
  );
}

export interface ObjectAccess {
  /** key prefixes (ending in '/') the function may read */
  readonly read?: string[];
  /** key prefixes it may write */
  readonly write?: string[];
  /** key prefixes it may delete from (moving a file = copy + delete) */
  readonly delete?: string[];
  /** key prefixes it may list */
  readonly list?: string[];
}

export function allowObjects(f: EncaisseFunction, bucket: s3.IBucket, access: ObjectAccess): void {
  const objects = (prefixes: string[]) => prefixes.map((p) => bucket.arnForObjects(`${p}*`));
  if (access.read?.length) {
    f.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: objects(access.read) }),
    );
  }
  if (access.write?.length) {
    f.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: objects(access.write) }),
    );
  }
  if (access.delete?.length) {
    f.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['s3:DeleteObject'], resources: objects(access.delete) }),
    );
  }
  if (access.list?.length) {
    f.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': access.list.map((p) => `${p}*`) } },
      }),
    );
  }
}

export type WorkflowAction = 'start' | 'stop' | 'describe' | 'respond';

export interface WorkflowGrantOptions {
  /**
   * Put the statements in a policy of their own (attached to the function's role) instead of the role's default
   * policy. Needed for a function the state machine itself invokes: the function depends on its role's default
   * policy, the machine's definition refers to the function, so a default-policy statement naming the machine
   * would make a circular dependency. A separate policy depends on the machine and the role, and nothing on it.
   */
  readonly separatePolicy?: boolean;
}

/**
 * Step Functions permissions on the dunning state machine: start on the machine, stop/describe on its
 * executions, and task-token responses (SendTaskSuccess/SendTaskFailure) which IAM scopes to the machine.
 */
export function allowWorkflow(
  f: EncaisseFunction,
  stateMachine: sfn.IStateMachine,
  actions: WorkflowAction[],
  options: WorkflowGrantOptions = {},
): void {
  const executions = executionArnPattern(stateMachine);
  const byResource: Record<WorkflowAction, { actions: string[]; resources: string[] }> = {
    start: { actions: ['states:StartExecution'], resources: [stateMachine.stateMachineArn] },
    stop: { actions: ['states:StopExecution'], resources: [executions] },
    describe: { actions: ['states:DescribeExecution'], resources: [executions] },
    respond: {
      actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'],
      resources: [stateMachine.stateMachineArn],
    },
  };
  const statements = actions.map((a) => new iam.PolicyStatement(byResource[a]));
  if (options.separatePolicy) {
    new iam.Policy(f, 'WorkflowPolicy', { roles: [f.role], statements });
    return;
  }
  for (const st of statements) f.role.addToPrincipalPolicy(st);
}

/** arn:aws:states:<region>:<account>:execution:<machine name>:* */
export function executionArnPattern(stateMachine: sfn.IStateMachine): string {
  const stack = Stack.of(stateMachine);
  const machineName = Arn.split(stateMachine.stateMachineArn, ArnFormat.COLON_RESOURCE_NAME).resourceName;
  return stack.formatArn({
    service: 'states',
    resource: 'execution',
    resourceName: `${machineName}:*`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

/** ses:SendEmail from the sender identity (address and its domain) with the encaisse configuration set only. */
export function allowSendEmail(f: EncaisseFunction, senderEmail: string, configurationSetName: string): void {
  const stack = Stack.of(f);
  const domain = senderEmail.split('@')[1];
  f.role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['ses:SendEmail', 'ses:SendRawEmail'],
      resources: [
        stack.formatArn({ service: 'ses', resource: 'identity', resourceName: senderEmail }),
        stack.formatArn({ service: 'ses', resource: 'identity', resourceName: domain }),
        stack.formatArn({ service: 'ses', resource: 'configuration-set', resourceName: configurationSetName }),
      ],
    }),
  );
}
