import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp, demoContext } from '../../lib/app';
import { acknowledge } from '../../lib/shared/nag';
import { acknowledgeAcceptedWildcards } from '../../lib/shared/wildcards';

// One synthesis of the real app with the AwsSolutions pack plugged into CDK validations (no bundling).
const outdir = mkdtempSync(path.join(tmpdir(), 'encaisse-nag-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));
const { app } = buildApp({ ...demoContext }, { bundle: false, outdir });
let synthError: unknown;
try {
  app.synth();
} catch (err) {
  synthError = err;
}

interface Report {
  pluginReports: { pluginName?: string; violations?: { ruleName: string; severity: string }[] }[];
}

function acknowledgements(root: App | Stack): { path: string; id: string; reason: string }[] {
  return root.node
    .findAll()
    .flatMap((c) =>
      c.node.metadata
        .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((m) =>
          Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({ path: c.node.path, id, reason })),
        ),
    );
}

describe('cdk-nag AwsSolutions on the encaisse app', () => {
  it('synthesizes with the AwsSolutions checks and no unacknowledged finding, error or warning', () => {
    const remaining = new AwsSolutionsChecks()
      .validateScope(app)
      .violations.map(
        (v) => `${v.severity} ${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
      );
    expect(remaining).toEqual([]);
    expect(synthError).toBeUndefined();
    const report = JSON.parse(readFileSync(path.join(outdir, 'validation-report.json'), 'utf8')) as Report;
    expect(report.pluginReports.flatMap((r) => r.violations ?? [])).toEqual([]);
  });

  it('every acknowledgement names an AwsSolutions rule and gives a specific written reason', () => {
    const acks = acknowledgements(app);
    expect(acks.length).toBeGreaterThan(0);
    for (const a of acks) {
      expect(a.id, a.path).toMatch(/^(Annotation::)?AwsSolutions-[A-Z]+\d+(\[.+\])?$/);
      expect(a.reason.trim().length, `${a.id} at ${a.path}`).toBeGreaterThanOrEqual(40);
      expect(a.reason).not.toMatch(/^(n\/a|todo|suppressed|ok)\b/i);
    }
  });

  it('acknowledges no whole rule on the stack: exceptions sit on the construct they concern', () => {
    const stackPath = app.node.children.find((c) => c instanceof Stack)!.node.path;
    expect(acknowledgements(app).filter((a) => a.path === stackPath || a.path === '')).toEqual([]);
  });
});

describe('the cdk-nag gate itself', () => {
  it('an unhardened bucket fails synthesis, naming the rule (so the clean run above means something)', () => {
    const control = new App({ outdir: mkdtempSync(path.join(tmpdir(), 'encaisse-nag-control-')) });
    new s3.Bucket(new Stack(control, 'Control'), 'Naked');
    Validations.of(control).addPlugins(new AwsSolutionsChecks(control));
    expect(() => control.synth()).toThrow(/AwsSolutions-S1/);
    const rules = new AwsSolutionsChecks().validateScope(control).violations.map((v) => v.ruleName);
    expect(rules).toEqual(expect.arrayContaining(['AwsSolutions-S1', 'AwsSolutions-S10']));
    rmSync(control.outdir, { recursive: true, force: true });
  });

  it('only the reasoned IAM wildcards are acknowledged: X-Ray on * passes, s3:* on * is still reported', () => {
    const control = new App();
    const stack = new Stack(control, 'Wildcards');
    const principal = new iam.ServicePrincipal('lambda.amazonaws.com');
    const tracing = new iam.Role(stack, 'Tracing', { assumedBy: principal });
    tracing.addToPolicy(new iam.PolicyStatement({ actions: ['xray:PutTraceSegments'], resources: ['*'] }));
    const greedy = new iam.Role(stack, 'Greedy', { assumedBy: principal });
    greedy.addToPolicy(new iam.PolicyStatement({ actions: ['xray:PutTraceSegments'], resources: ['*'] }));
    greedy.addToPolicy(new iam.PolicyStatement({ actions: ['s3:*'], resources: ['*'] }));
    const acked = acknowledgeAcceptedWildcards(stack);
    expect(acked.map((a) => a.path)).toEqual(['Wildcards/Tracing/DefaultPolicy/Resource']);
    const found = new AwsSolutionsChecks()
      .validateScope(control)
      .violations.filter((v) => v.ruleName.startsWith('AwsSolutions-IAM5'));
    expect(found.map((v) => [v.ruleName, v.violatingResources.map((r) => r.constructPath)]).sort()).toEqual([
      ['AwsSolutions-IAM5[Action::s3:*]', ['Wildcards/Greedy/DefaultPolicy/Resource']],
      ['AwsSolutions-IAM5[Resource::*]', ['Wildcards/Greedy/DefaultPolicy/Resource']],
    ]);
  });

  it('an acknowledgement without a real reason is refused at build time', () => {
    const stack = new Stack(new App(), 'Lazy');
    expect(() => acknowledge(stack, 'AwsSolutions-S1', 'ok')).toThrow(/needs a specific reason/);
  });
});
