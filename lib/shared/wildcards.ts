import { type CfnResource, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { acknowledge } from './nag';

/**
 * IAM wildcards this project accepts, each with its reason. Every policy of the stack is scanned after
 * construction: a wildcard finding (cdk-nag AwsSolutions-IAM5, id `AwsSolutions-IAM5[Resource::...]`) is
 * acknowledged on its policy only when EVERY statement producing it matches one of these rules; anything else
 * (a new `*` nobody reasoned about) still fails cdk-nag and so `cdk synth` and the tests.
 */
interface WildcardRule {
  readonly name: string;
  readonly matches: (finding: string, actions: string[]) => boolean;
  readonly reason: string;
}

const all = (actions: string[], test: (a: string) => boolean) => actions.length > 0 && actions.every(test);
const LOG_DELIVERY = new Set([
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
]);

export const acceptedWildcards: WildcardRule[] = [
  {
    name: 'x-ray',
    matches: (f, actions) => f === 'Resource::*' && all(actions, (a) => a.startsWith('xray:')),
    reason:
      'X-Ray PutTraceSegments/PutTelemetryRecords have no resource-level permissions; Resource * is the only valid ' +
      'form.',
  },
  {
    name: 'log-delivery',
    matches: (f, actions) => f === 'Resource::*' && all(actions, (a) => LOG_DELIVERY.has(a)),
    reason:
      'Step Functions vended log delivery (logs:*LogDelivery, resource policies) requires Resource *; the target ' +
      'log group is set in the state machine.',
  },
  {
    name: 'table-indexes',
    matches: (f, actions) =>
      /^Resource::<\w+\.Arn>\/index\/\*$/.test(f) && all(actions, (a) => a.startsWith('dynamodb:')),
    reason:
      'Queries on the GSIs of the single table (tableDesign gsi1, gsi2); index ARNs are only addressable as ' +
      '<table>/index/*.',
  },
  {
    name: 'object-prefix',
    matches: (f, actions) =>
      /^Resource::<\w+\.Arn>\/([a-z-]+\/)+\*$/.test(f) &&
      all(actions, (a) => ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'].includes(a)),
    reason:
      'Object access limited to one key prefix of the bucket (e.g. inbox/, invoices/inbox/); object keys (file ' +
      'names, invoice ids) are only known at run time.',
  },
  {
    name: 'executions',
    matches: (f, actions) =>
      f.includes(':execution:') && f.endsWith(':*') && all(actions, (a) => a.startsWith('states:')),
    reason:
      'Executions of the dunning state machine only (one per invoice, named at run time): stop/describe need the ' +
      'execution ARN pattern.',
  },
  {
    name: 'function-versions',
    matches: (f, actions) => /^Resource::<\w+\.Arn>:\*$/.test(f) && all(actions, (a) => a === 'lambda:InvokeFunction'),
    reason:
      'Invoke one function of this stack, any version or alias (added by CDK for Step Functions and Scheduler ' +
      'targets).',
  },
];

/** cdk-nag's flattening of CloudFormation references (`{Fn::GetAtt:[X,'Arn']}` -> `<X.Arn>`). */
export function flattenReference(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\${/g, '<').replace(/}/g, '>');
  const o = node as Record<string, unknown>;
  if (o['Fn::Join']) {
    const [delimiter, items] = o['Fn::Join'] as [string, unknown[]];
    return items.map(flattenReference).join(delimiter);
  }
  if (o['Fn::Sub']) return flattenReference(o['Fn::Sub']);
  if (o['Fn::GetAtt']) {
    const [resource, attribute] = o['Fn::GetAtt'] as [unknown, unknown];
    return `<${flattenReference(resource)}.${flattenReference(attribute)}>`;
  }
  if (o['Fn::ImportValue']) return flattenReference(o['Fn::ImportValue']);
  if (o.Ref) return `<${flattenReference(o.Ref)}>`;
  return JSON.stringify(node);
}

const list = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

interface PolicyDocument {
  Statement?: { Effect?: string; Action?: string | string[]; Resource?: unknown }[];
}

/** Wildcard findings of one policy document, with the actions of the statements that produce each. */
export function wildcardFindings(doc: PolicyDocument): Map<string, string[][]> {
  const findings = new Map<string, string[][]>();
  for (const st of doc.Statement ?? []) {
    if (st.Effect !== 'Allow') continue;
    const actions = list(st.Action);
    const add = (f: string) => findings.set(f, [...(findings.get(f) ?? []), actions]);
    for (const a of actions) if (a.includes('*')) add(`Action::${a}`);
    for (const r of list(st.Resource as unknown)) {
      const flat = flattenReference(r);
      if (flat.includes('*')) add(`Resource::${flat}`);
    }
  }
  return findings;
}

/** Acknowledges the accepted wildcard findings on every IAM policy under `scope`; returns what it acknowledged. */
export function acknowledgeAcceptedWildcards(scope: IConstruct): { path: string; id: string; rule: string }[] {
  const done: { path: string; id: string; rule: string }[] = [];
  for (const c of scope.node.findAll()) {
    if (!(c instanceof iam.CfnPolicy) && !(c instanceof iam.CfnRole)) continue;
    const stack = Stack.of(c);
    const docs: PolicyDocument[] =
      c instanceof iam.CfnPolicy
        ? [stack.resolve(c.policyDocument)]
        : list(stack.resolve(c.policies) as { policyDocument: unknown }[]).map((p) => stack.resolve(p.policyDocument));
    for (const doc of docs) {
      for (const [finding, statementActions] of wildcardFindings(doc)) {
        const rules = statementActions.map((actions) => acceptedWildcards.find((r) => r.matches(finding, actions)));
        if (rules.some((r) => r === undefined)) continue;
        const accepted = [...new Set(rules as WildcardRule[])];
        const id = `AwsSolutions-IAM5[${finding}]`;
        acknowledge(c as CfnResource, id, accepted.map((r) => r.reason).join(' '));
        done.push({ path: c.node.path, id, rule: accepted.map((r) => r.name).join('+') });
      }
    }
  }
  return done;
}
