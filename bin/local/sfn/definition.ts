import { type LambdaName, lambdaNameOfEntry } from '../handlers';

/**
 * Finds the dunning state machine in a synthesized CloudFormation template and resolves it into plain ASL:
 * the resource with Metadata {"encaisse:stateMachine": "dunning"}, its DefinitionString (Fn::Join of strings,
 * Ref and Fn::GetAtt of Lambda functions) resolved with local ARNs, and each Task state bound to the Lambda it
 * names (the function resource's Metadata {"encaisse:entry": "functions/<name>/handler.ts"}).
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AslState = Record<string, any> & { Type: string };
export interface AslDefinition {
  StartAt: string;
  States: Record<string, AslState>;
  TimeoutSeconds?: number;
  [k: string]: unknown;
}

export type TaskBindingKind =
  /**
   * Resource is the function ARN (LambdaInvoke payloadResponseOnly): the handler gets the state input, returns the
   * result.
   */
  | 'function'
  /** arn:aws:states:::lambda:invoke: the override gets {FunctionName, Payload}, returns {Payload, StatusCode...}. */
  | 'invoke'
  /** arn:aws:states:::lambda:invoke.waitForTaskToken: the result is what SendTaskSuccess sends. */
  | 'token';

export interface TaskBinding {
  state: string;
  lambda: LambdaName;
  kind: TaskBindingKind;
}

export interface ResolvedStateMachine {
  logicalId: string;
  definition: AslDefinition;
  tasks: TaskBinding[];
}

interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}
export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
}

export const localAccount = '000000000000';

export function localFunctionArn(region: string, logicalId: string): string {
  return `arn:aws:lambda:${region}:${localAccount}:function:${logicalId}`;
}

function resolveIntrinsics(value: unknown, template: CfnTemplate, region: string): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveIntrinsics(v, template, region));
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 1) {
    const [k] = keys;
    const v = obj[k];
    if (k === 'Fn::Join') {
      const [sep, parts] = v as [string, unknown[]];
      return (resolveIntrinsics(parts, template, region) as unknown[]).join(sep);
    }
    if (k === 'Ref') return resolveRef(String(v), template, region);
    if (k === 'Fn::GetAtt') {
      const [id, attr] = (typeof v === 'string' ? v.split('.') : v) as [string, string];
      const res = template.Resources[id];
      if (res?.Type === 'AWS::Lambda::Function' && attr === 'Arn') return localFunctionArn(region, id);
      return `local-${id}-${attr}`;
    }
    if (k === 'Fn::Sub') {
      const str = typeof v === 'string' ? v : (v as [string])[0];
      return str.replace(/\$\{([^}]+)\}/g, (_m, name: string) =>
        name.includes('.')
          ? String(resolveIntrinsics({ 'Fn::GetAtt': name }, template, region))
          : String(resolveRef(name, template, region)),
      );
    }
  }
  return Object.fromEntries(keys.map((k) => [k, resolveIntrinsics(obj[k], template, region)]));
}

function resolveRef(name: string, template: CfnTemplate, region: string): string {
  switch (name) {
    case 'AWS::Partition':
      return 'aws';
    case 'AWS::Region':
      return region;
    case 'AWS::AccountId':
      return localAccount;
    case 'AWS::URLSuffix':
      return 'amazonaws.com';
    default:
      return template.Resources[name] ? name : `local-${name}`;
  }
}

function functionLogicalIdOf(ref: string, template: CfnTemplate): string | undefined {
  // A function ARN (possibly qualified ':$LATEST' or an alias), or a bare function name (= logical id locally).
  const m = /^arn:aws:lambda:[^:]*:[^:]*:function:([^:]+)(?::.*)?$/.exec(ref);
  const id = m ? m[1] : ref;
  return template.Resources[id]?.Type === 'AWS::Lambda::Function' ? id : undefined;
}

export function resolveStateMachine(template: CfnTemplate, region: string, marker = 'dunning'): ResolvedStateMachine {
  const entries = Object.entries(template.Resources ?? {});
  const found = entries.find(
    ([, r]) => r.Type === 'AWS::StepFunctions::StateMachine' && r.Metadata?.['encaisse:stateMachine'] === marker,
  );
  if (!found) {
    throw new Error(
      `no AWS::StepFunctions::StateMachine with Metadata {"encaisse:stateMachine": "${marker}"} in the synthesized ` +
        `template`,
    );
  }
  const [logicalId, resource] = found;
  const props = resource.Properties ?? {};
  const raw = props.DefinitionString ?? props.Definition;
  const resolved = resolveIntrinsics(raw, template, region);
  const definition = (typeof resolved === 'string' ? JSON.parse(resolved) : resolved) as AslDefinition;

  const tasks: TaskBinding[] = [];
  for (const [state, def] of Object.entries(definition.States)) {
    if (def.Type === 'Map' || def.Type === 'Parallel') {
      throw new Error(
        `state ${state}: ${def.Type} states are not bound by the local stack (the dunning contract has none)`,
      );
    }
    if (def.Type !== 'Task') continue;
    const resourceArn = String(def.Resource);
    let kind: TaskBindingKind;
    let ref: string;
    if (resourceArn.startsWith('arn:aws:states:::lambda:invoke')) {
      kind = resourceArn.endsWith('.waitForTaskToken') ? 'token' : 'invoke';
      ref = String(def.Parameters?.FunctionName ?? '');
    } else if (resourceArn.startsWith('arn:aws:lambda:')) {
      kind = 'function';
      ref = resourceArn;
    } else {
      throw new Error(`state ${state}: resource ${resourceArn} has no local binding`);
    }
    const fnId = functionLogicalIdOf(ref, template);
    const entry = fnId ? template.Resources[fnId].Metadata?.['encaisse:entry'] : undefined;
    const lambda = typeof entry === 'string' ? lambdaNameOfEntry(entry) : undefined;
    if (!lambda) {
      throw new Error(
        `state ${state}: function ${ref} has no Metadata {"encaisse:entry": "functions/<name>/handler.ts"} naming a ` +
          `known Lambda`,
      );
    }
    tasks.push({ state, lambda, kind });
  }
  return { logicalId, definition, tasks };
}

/**
 * The input an EventBridge Scheduler schedule of the template sends to `lambda` (Target.Input, placeholders such as
 * <aws.scheduler.scheduled-time> left in), or undefined when the template has no such schedule.
 */
export function scheduleInputFor(template: CfnTemplate, region: string, lambda: LambdaName): string | undefined {
  for (const [, res] of Object.entries(template.Resources ?? {})) {
    if (res.Type !== 'AWS::Scheduler::Schedule') continue;
    const target = resolveIntrinsics(res.Properties?.Target, template, region) as
      | { Arn?: string; Input?: string }
      | undefined;
    const fnId = target?.Arn ? functionLogicalIdOf(target.Arn, template) : undefined;
    const entry = fnId ? template.Resources[fnId].Metadata?.['encaisse:entry'] : undefined;
    if (typeof entry === 'string' && lambdaNameOfEntry(entry) === lambda) return target?.Input ?? '{}';
  }
  return undefined;
}
