import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Arn, ArnFormat, Stack } from 'aws-cdk-lib';
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
    f.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: objects(access.read) }));
  }
  if (access.write?.length) {
    f.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: objects(access.write) }));
  }
  if (access.delete?.length) {
    f.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:DeleteObject'], resources: objects(access.delete) }));
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

/**
 * Step Functions permissions on the dunning state machine: start on the machine, stop/describe on its
 * executions, and task-token responses (SendTaskSuccess/Failure/Heartbeat) which IAM scopes to the machine.
 */
export function allowWorkflow(f: EncaisseFunction, stateMachine: sfn.IStateMachine, actions: WorkflowAction[]): void {
  const executions = executionArnPattern(stateMachine);
  const byResource: Record<WorkflowAction, { actions: string[]; resources: string[] }> = {
    start: { actions: ['states:StartExecution'], resources: [stateMachine.stateMachineArn] },
    stop: { actions: ['states:StopExecution'], resources: [executions] },
    describe: { actions: ['states:DescribeExecution'], resources: [executions] },
    respond: {
      actions: ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'],
      resources: [stateMachine.stateMachineArn],
    },
  };
  for (const a of actions) f.role.addToPrincipalPolicy(new iam.PolicyStatement(byResource[a]));
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
