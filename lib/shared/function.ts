import { fileURLToPath } from 'node:url';
import { type CfnResource, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** Repository root (lib/shared/ -> ../../), so entries resolve the same from bin/, tests and the CDK CLI. */
export const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

export { type FunctionName, functionNames } from '../function-names';

import type { FunctionName } from '../function-names';

/** CloudFormation Metadata key binding a function resource to its source entry (read by the local stack). */
export const ENTRY_METADATA_KEY = 'encaisse:entry';

export const entryOf = (name: FunctionName) => `functions/${name}/handler.ts`;

/** Node.js 24 ESM bundles still meet CommonJS dependencies calling require(): give them one. */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __encaisseCreateRequire } from 'node:module'; const require = " +
  '__encaisseCreateRequire(import.meta.url);';

export interface EncaisseFunctionProps {
  readonly name: FunctionName;
  readonly description: string;
  /** @default 256 MB */
  readonly memorySize?: number;
  /** @default 30 s */
  readonly timeout?: Duration;
  readonly environment?: Record<string, string>;
  /** @default 90 days */
  readonly logRetention?: logs.RetentionDays;
  /** Cap concurrency (e.g. to protect SES sending rate); @default unreserved */
  readonly reservedConcurrentExecutions?: number;
}

/** How the stack builds a function: the props that differ from one function to the next. */
export interface FunctionOptions {
  readonly name: FunctionName;
  readonly description: string;
  readonly memorySize?: number;
  readonly timeout?: Duration;
  /** Pass STATE_MACHINE_ARN (false for the functions the state machine itself invokes: that would be circular). */
  readonly withStateMachineArn?: boolean;
  readonly environment?: Record<string, string>;
}

/**
 * A NodejsFunction with the house defaults: Node.js 24 on ARM64, esbuild bundle (ESM, minified, tree-shaken,
 * source maps), its own log group with retention, X-Ray active tracing, a dedicated role that can only write
 * to that log group (no AWS managed policy), and the `encaisse:entry` Metadata on the CfnFunction.
 * Every other permission is granted explicitly by the construct that wires the function.
 */
export class EncaisseFunction extends Construct {
  readonly name: FunctionName;
  readonly fn: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly entry: string;

  constructor(scope: Construct, id: string, props: EncaisseFunctionProps) {
    super(scope, id);
    this.name = props.name;
    this.entry = entryOf(props.name);

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `encaisse ${props.name}: execution role (least privilege, granted per use)`,
    });
    // Only the function's own log group; the log group exists before the function, so no logs:CreateLogGroup.
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );

    this.fn = new NodejsFunction(this, 'Function', {
      entry: `${projectRoot}${this.entry}`,
      handler: 'handler',
      projectRoot,
      depsLockFilePath: `${projectRoot}package-lock.json`,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      description: props.description,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(30),
      role: this.role,
      logGroup: this.logGroup,
      tracing: lambda.Tracing.ACTIVE,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        minify: true,
        sourceMap: true,
        sourceMapMode: SourceMapMode.DEFAULT,
        sourcesContent: false,
        // Bundle the SDK: the functions run the exact SDK versions the tests ran, not the runtime's copy.
        bundleAwsSDK: true,
        esbuildArgs: { '--tree-shaking': 'true' },
      },
    });
    (this.fn.node.defaultChild as CfnResource).addMetadata(ENTRY_METADATA_KEY, this.entry);
  }

  addEnvironment(key: string, value: string): void {
    this.fn.addEnvironment(key, value);
  }
}
