import path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { buildSync } from 'esbuild';
import { buildApp, demoContext } from '../../lib/app';
import { entryOf, type FunctionName, projectRoot } from '../../lib/shared/function';

/** Helpers over a synthesized CloudFormation template (plain JSON). */
export interface CfnResource {
  Type: string;
  Properties?: Record<string, any>;
  Metadata?: Record<string, any>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}
export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
}

/** Synthesizes the real app once (no bundling, no cdk-nag: those have their own test files). */
export function synthesizeForAssertions(context: Record<string, unknown> = {}) {
  const { app, stack } = buildApp({ ...demoContext, ...context }, { bundle: false, nag: false });
  const template = Template.fromStack(stack);
  return { app, stack, template, json: template.toJSON() as CfnTemplate };
}

export function resourcesOfType(t: CfnTemplate, type: string): [string, CfnResource][] {
  return Object.entries(t.Resources).filter(([, r]) => r.Type === type);
}

/** Logical id of the Lambda function whose Metadata binds it to functions/<name>/handler.ts. */
export function functionId(t: CfnTemplate, name: string): string {
  const found = resourcesOfType(t, 'AWS::Lambda::Function').filter(
    ([, r]) => r.Metadata?.['encaisse:entry'] === `functions/${name}/handler.ts`,
  );
  if (found.length !== 1) throw new Error(`expected one function for ${name}, found ${found.length}`);
  return found[0][0];
}

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

const list = <T>(x: T | T[]): T[] => (Array.isArray(x) ? x : [x]);

/** Every Allow statement attached to the execution role of a function (inline policies of its role). */
export function roleStatements(t: CfnTemplate, fnLogicalId: string): Statement[] {
  const roleRef = t.Resources[fnLogicalId].Properties?.Role?.['Fn::GetAtt']?.[0];
  if (!roleRef) throw new Error(`function ${fnLogicalId} has no role reference`);
  return resourcesOfType(t, 'AWS::IAM::Policy')
    .filter(([, p]) => (p.Properties?.Roles ?? []).some((r: { Ref?: string }) => r.Ref === roleRef))
    .flatMap(([, p]) => p.Properties!.PolicyDocument.Statement as Statement[])
    .filter((s) => s.Effect === 'Allow');
}

export function actionsOf(statements: Statement[]): string[] {
  return statements.flatMap((s) => list(s.Action));
}

/** A CloudFormation value rendered as a string, references as <LogicalId> / <LogicalId.Attr>. */
export function flat(v: unknown): string {
  if (typeof v === 'string') return v;
  const o = v as Record<string, any>;
  if (o?.['Fn::Join']) return (o['Fn::Join'][1] as unknown[]).map(flat).join(o['Fn::Join'][0]);
  if (o?.['Fn::GetAtt']) return `<${o['Fn::GetAtt'][0]}.${o['Fn::GetAtt'][1]}>`;
  if (o?.Ref) return `<${o.Ref}>`;
  return JSON.stringify(v);
}

/** The state machine definition (Amazon States Language), references replaced by <LogicalId.Attr>. */
export function definitionOf(t: CfnTemplate, smLogicalId: string): any {
  return JSON.parse(flat(t.Resources[smLogicalId].Properties!.DefinitionString));
}

const shipped = new Map<FunctionName, string>();

/**
 * A function's handler bundled as it ships (esbuild keeps only what the handler reaches; names kept readable, the
 * dependencies left out): what its code can do in AWS, read from the text. Bundled once per test file.
 */
export function shippedCode(name: FunctionName): string {
  let code = shipped.get(name);
  if (code === undefined) {
    const { outputFiles } = buildSync({
      entryPoints: [path.join(projectRoot, entryOf(name))],
      bundle: true,
      platform: 'node',
      format: 'esm',
      write: false,
      logLevel: 'silent',
      external: ['@aws-sdk/*', '@aws-lambda-powertools/*', '@middy/*', 'zod', 'pdf-lib', 'qrcode', 'saxes'],
    });
    code = outputFiles[0].text;
    shipped.set(name, code);
  }
  return code;
}
