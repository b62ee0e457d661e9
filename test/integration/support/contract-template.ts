import { App, type CfnResource, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { CfnTemplate } from '../../../bin/local/sfn/definition';

/**
 * A small stack holding the dunning state machine exactly as lib/README.md describes it (state names,
 * payloadResponseOnly tasks, token task, waits, Metadata for the local stack), built with CDK constructs and
 * synthesized
 * in-process. Used by the local-stack tests so they do not depend on the whole app (lib/app.ts) being synthesizable.
 */
export function contractTemplate(): CfnTemplate {
  const app = new App();
  const stack = new Stack(app, 'ContractStack');
  const fn = (id: string, name: string) => {
    const f = new lambda.Function(stack, id, {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async (e) => e;'),
    });
    (f.node.defaultChild as CfnResource).addMetadata('encaisse:entry', `functions/${name}/handler.ts`);
    return f;
  };
  const failed = new sfn.Fail(stack, 'Failed');
  const done = new sfn.Succeed(stack, 'Done');
  const guard = (t: tasks.LambdaInvoke) => {
    t.addRetry({
      errors: ['Lambda.ServiceException', 'Throttled', 'DispatchInProgress'],
      interval: Duration.seconds(2),
      backoffRate: 2,
      maxAttempts: 6,
    });
    t.addCatch(failed, { errors: ['States.ALL'], resultPath: '$.error' });
    return t;
  };
  const invoke = (id: string, f: lambda.IFunction) =>
    guard(
      new tasks.LambdaInvoke(stack, id, {
        lambdaFunction: f,
        payloadResponseOnly: true,
        retryOnServiceExceptions: false,
      }),
    );
  const plan = invoke('PlanNextStep', fn('PlanFn', 'dunning-plan'));
  const runStep = invoke('RunStep', fn('StepFn', 'dunning-step'));
  const dispatch = invoke('Dispatch', fn('DispatchFn', 'dunning-dispatch'));
  const awaitResume = guard(
    new tasks.LambdaInvoke(stack, 'AwaitResume', {
      lambdaFunction: fn('PauseFn', 'dunning-pause'),
      integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: sfn.TaskInput.fromObject({ taskToken: sfn.JsonPath.taskToken, state: sfn.JsonPath.entirePayload }),
      taskTimeout: sfn.Timeout.duration(Duration.days(366)),
      retryOnServiceExceptions: false,
    }),
  );
  const waitForStep = new sfn.Wait(stack, 'WaitForStep', { time: sfn.WaitTime.timestampPath('$.plan.at') });
  const gather = new sfn.Wait(stack, 'GatherWindow', { time: sfn.WaitTime.secondsPath('$.gatherSeconds') });
  const decide = new sfn.Choice(stack, 'Decide')
    .when(sfn.Condition.stringEquals('$.plan.action', 'end'), done)
    .otherwise(waitForStep);
  const afterStep = new sfn.Choice(stack, 'AfterStep')
    .when(sfn.Condition.stringEquals('$.outcome', 'stopped'), done)
    .when(sfn.Condition.stringEquals('$.outcome', 'paused'), awaitResume)
    .when(sfn.Condition.stringEquals('$.outcome', 'enlisted'), gather)
    .otherwise(plan);
  plan.next(decide);
  waitForStep.next(runStep);
  runStep.next(afterStep);
  gather.next(dispatch);
  dispatch.next(plan);
  awaitResume.next(plan);
  const machine = new sfn.StateMachine(stack, 'Dunning', {
    definitionBody: sfn.DefinitionBody.fromChainable(plan),
    stateMachineType: sfn.StateMachineType.STANDARD,
  });
  (machine.node.defaultChild as CfnResource).addMetadata('encaisse:stateMachine', 'dunning');
  return app.synth().getStackArtifact(stack.artifactId).template as CfnTemplate;
}
