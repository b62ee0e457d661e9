import { type CfnResource, Duration, RemovalPolicy, TimeZone } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import type { Alerts } from '../alerts/alerts';
import { FailedEvents } from '../shared/failed-events';
import type { EncaisseFunction, FunctionOptions } from '../shared/function';
import { allowObjects, allowTable, allowTableItems, allowWorkflow } from '../shared/grants';
import { documentPrefixes } from '../storage/storage';

/** CloudFormation Metadata key/value marking the dunning state machine for the local stack. */
export const STATE_MACHINE_METADATA_KEY = 'encaisse:stateMachine';
export const STATE_MACHINE_METADATA_VALUE = 'dunning';

/** Exact state names of the per-invoice workflow (described in lib/README.md, "The dunning state machine"). */
export const dunningStateNames = {
  plan: 'PlanNextStep',
  decide: 'Decide',
  waitForStep: 'WaitForStep',
  runStep: 'RunStep',
  afterStep: 'AfterStep',
  gatherWindow: 'GatherWindow',
  dispatch: 'Dispatch',
  awaitResume: 'AwaitResume',
  done: 'Done',
  failed: 'Failed',
} as const;

/** Errors every Task retries (transient Lambda failures and the handlers' own transient errors), never States.ALL. */
export const retriedErrors = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'Lambda.ClientExecutionTimeoutException',
  'Throttled',
];
/** Transient faults: 2 s, x2, 6 attempts (about two minutes). */
export const faultRetry = { intervalSeconds: 2, backoffRate: 2, maxAttempts: 6 } as const;

/**
 * Waits by design: a batch another workflow is sending (DispatchInProgress) and a send in doubt waiting for the SES
 * event stream (SendUnconfirmed). Their retry window must outlast the batch claim's lease (300 s) and the doubt window
 * (180 s), so a member never fails while the claimer's lease or the doubt runs: 10 s, x2, capped at 60 s, 10 attempts.
 */
export const waitErrors = ['DispatchInProgress', 'SendUnconfirmed'];
export const waitRetry = { intervalSeconds: 10, backoffRate: 2, maxDelaySeconds: 60, maxAttempts: 10 } as const;

/** Seconds a retrier waits in all before giving up (the sum of its delays). */
export function retryWindowSeconds(r: {
  intervalSeconds: number;
  backoffRate: number;
  maxAttempts: number;
  maxDelaySeconds?: number;
}): number {
  let total = 0;
  for (let i = 0; i < r.maxAttempts; i++)
    total += Math.min(r.intervalSeconds * r.backoffRate ** i, r.maxDelaySeconds ?? Infinity);
  return total;
}

/** A paused invoice (dispute, promise, manual pause) may stay suspended up to this long. */
export const PAUSE_TIMEOUT = Duration.days(366);

export type DunningFunctionKey = 'plan' | 'step' | 'dispatch' | 'pause' | 'sweep' | 'failureAlert';
export type DunningFunctions = Record<DunningFunctionKey, EncaisseFunction>;

/** The functions of the workflow, as the stack builds them (construct id, name, sizing). */
export const dunningFunctionOptions: Record<DunningFunctionKey, FunctionOptions & { readonly id: string }> = {
  plan: {
    id: 'PlanFunction',
    name: 'dunning-plan',
    description: 'Dunning: decide the next step of an invoice from its customer policy',
  },
  step: {
    id: 'StepFunction',
    name: 'dunning-step',
    description: 'Dunning: re-check the invoice, then act or enlist in the send window',
    memorySize: 512,
    timeout: Duration.seconds(60),
  },
  dispatch: {
    id: 'DispatchFunction',
    name: 'dunning-dispatch',
    description: 'Dunning: send one grouped message per customer and window',
    memorySize: 512,
    timeout: Duration.seconds(60),
  },
  pause: {
    id: 'PauseFunction',
    name: 'dunning-pause',
    description: 'Dunning: store the task token of a paused invoice',
    timeout: Duration.seconds(15),
  },
  sweep: {
    id: 'SweepFunction',
    name: 'sweep',
    description: 'Daily sweep: start the dunning workflow of invoices entering their window',
    memorySize: 512,
    timeout: Duration.minutes(5),
    withStateMachineArn: true,
  },
  failureAlert: {
    id: 'FailureAlertFunction',
    name: 'failure-alert',
    description: 'Alert finance by e-mail when a dunning workflow fails',
    withStateMachineArn: true,
  },
};

export interface DunningWorkflowProps {
  readonly alerts: Alerts;
  readonly logKey: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  /** Built with `dunningFunctionOptions`. */
  readonly functions: DunningFunctions;
  readonly table: dynamodb.ITable;
  /** Formal notices (letters/), agency case files (case-files/), invoice PDFs (invoices/). */
  readonly documentsBucket: s3.IBucket;
  /** "HH:MM", Europe/Paris */
  readonly sweepTime: string;
}

/**
 * The per-invoice dunning workflow: a Standard state machine (JSONPath only, so the synthesized definition also
 * runs in aws-local-stepfunctions) looping plan -> wait -> run step -> (gather window -> dispatch | pause) -> plan,
 * the daily sweep that starts it, and the alerting on failed executions.
 */
export class DunningWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly planFunction: EncaisseFunction;
  readonly stepFunction: EncaisseFunction;
  readonly dispatchFunction: EncaisseFunction;
  readonly pauseFunction: EncaisseFunction;
  readonly sweepFunction: EncaisseFunction;
  readonly failureAlertFunction: EncaisseFunction;
  readonly logGroup: logs.LogGroup;
  readonly sweepSchedule: scheduler.Schedule;
  readonly failureRule: events.Rule;

  constructor(scope: Construct, id: string, props: DunningWorkflowProps) {
    super(scope, id);
    const built = props.functions;
    this.planFunction = built.plan;
    this.stepFunction = built.step;
    this.dispatchFunction = built.dispatch;
    this.pauseFunction = built.pause;
    this.sweepFunction = built.sweep;
    this.failureAlertFunction = built.failureAlert;

    const names = dunningStateNames;
    const failed = new sfn.Fail(this, names.failed, {
      comment: 'A task failed after its retries; finance is alerted.',
      // The caught error (resultPath $.error) becomes the execution's error and cause, so the alert can say what broke.
      errorPath: '$.error.Error',
      causePath: '$.error.Cause',
    });
    const done = new sfn.Succeed(this, names.done);
    const guard = <T extends tasks.LambdaInvoke>(task: T): T => {
      task.addRetry({
        errors: retriedErrors,
        interval: Duration.seconds(faultRetry.intervalSeconds),
        backoffRate: faultRetry.backoffRate,
        maxAttempts: faultRetry.maxAttempts,
      });
      task.addRetry({
        errors: waitErrors,
        interval: Duration.seconds(waitRetry.intervalSeconds),
        backoffRate: waitRetry.backoffRate,
        maxDelay: Duration.seconds(waitRetry.maxDelaySeconds),
        maxAttempts: waitRetry.maxAttempts,
      });
      task.addCatch(failed, { errors: ['States.ALL'], resultPath: '$.error' });
      return task;
    };
    // Each function receives the whole state object and returns the new whole state object.
    const invoke = (stateName: string, f: EncaisseFunction) =>
      guard(
        new tasks.LambdaInvoke(this, stateName, {
          lambdaFunction: f.fn,
          payloadResponseOnly: true,
          retryOnServiceExceptions: false,
        }),
      );

    const plan = invoke(names.plan, this.planFunction);
    const runStep = invoke(names.runStep, this.stepFunction);
    const dispatch = invoke(names.dispatch, this.dispatchFunction);
    const awaitResume = guard(
      new tasks.LambdaInvoke(this, names.awaitResume, {
        lambdaFunction: this.pauseFunction.fn,
        integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
        payload: sfn.TaskInput.fromObject({ taskToken: sfn.JsonPath.taskToken, state: sfn.JsonPath.entirePayload }),
        taskTimeout: sfn.Timeout.duration(PAUSE_TIMEOUT),
        retryOnServiceExceptions: false,
      }),
    );
    const waitForStep = new sfn.Wait(this, names.waitForStep, { time: sfn.WaitTime.timestampPath('$.plan.at') });
    const gatherWindow = new sfn.Wait(this, names.gatherWindow, { time: sfn.WaitTime.secondsPath('$.gatherSeconds') });
    const is = (path: string, value: string) =>
      sfn.Condition.and(sfn.Condition.isPresent(path), sfn.Condition.stringEquals(path, value));

    const decide = new sfn.Choice(this, names.decide).when(is('$.plan.action', 'end'), done).otherwise(waitForStep);
    const afterStep = new sfn.Choice(this, names.afterStep)
      .when(is('$.outcome', 'stopped'), done)
      .when(is('$.outcome', 'paused'), awaitResume)
      .when(is('$.outcome', 'enlisted'), gatherWindow)
      .otherwise(plan);

    plan.next(decide);
    waitForStep.next(runStep);
    runStep.next(afterStep);
    gatherWindow.next(dispatch);
    dispatch.next(plan);
    awaitResume.next(plan);

    this.logGroup = new logs.LogGroup(this, 'StateMachineLogs', {
      encryptionKey: props.logKey,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineType: sfn.StateMachineType.STANDARD,
      comment: 'encaisse: dunning ("relances") of one overdue invoice',
      definitionBody: sfn.DefinitionBody.fromChainable(plan),
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
    });
    (this.stateMachine.node.defaultChild as CfnResource).addMetadata(
      STATE_MACHINE_METADATA_KEY,
      STATE_MACHINE_METADATA_VALUE,
    );

    // Daily sweep: starts the workflow of invoices entering their policy window (Europe/Paris business day).
    const [hour, minute] = props.sweepTime.split(':');
    this.sweepSchedule = new scheduler.Schedule(this, 'DailySweep', {
      description: 'encaisse daily dunning sweep',
      schedule: scheduler.ScheduleExpression.cron({
        minute: String(Number(minute)),
        hour: String(Number(hour)),
        timeZone: TimeZone.EUROPE_PARIS,
      }),
      target: new schedulerTargets.LambdaInvoke(this.sweepFunction.fn, {
        input: scheduler.ScheduleTargetInput.fromObject({
          source: 'encaisse.schedule',
          kind: 'daily-sweep',
          scheduledTime: scheduler.ContextAttribute.scheduledTime,
        }),
        retryAttempts: 3,
        maxEventAge: Duration.hours(6),
      }),
    });

    // A failed or timed-out execution: an SES alert to finance (failure-alert) and a CloudWatch alarm as fallback.
    this.failureRule = new events.Rule(this, 'ExecutionFailedRule', {
      description: 'encaisse: a dunning execution failed or timed out',
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: { status: ['FAILED', 'TIMED_OUT'], stateMachineArn: [this.stateMachine.stateMachineArn] },
      },
      targets: [
        new eventTargets.LambdaFunction(this.failureAlertFunction.fn, {
          retryAttempts: 4,
          maxEventAge: Duration.hours(6),
        }),
      ],
    });

    const alerts = props.alerts;
    alerts.alarm('ExecutionsFailedAlarm', this.stateMachine.metricFailed(), 'A dunning workflow execution failed.');
    alerts.alarm(
      'ExecutionsTimedOutAlarm',
      this.stateMachine.metricTimedOut(),
      'A dunning workflow execution timed out.',
    );
    // The functions the machine invokes throw by design to make a Task retry: their failures are failed executions.
    alerts.watchFunction('DunningPlan', this.planFunction);
    alerts.watchFunction('DunningStep', this.stepFunction);
    alerts.watchFunction('DunningDispatch', this.dispatchFunction);
    alerts.watchFunction('DunningPause', this.pauseFunction);
    alerts.watchFunction(
      'Sweep',
      this.sweepFunction,
      'The daily dunning sweep failed: workflows due today may not have started (Lambda retries a failed run twice, ' +
        'within minutes; the next morning’s sweep catches up).',
    );
    new FailedEvents(this, 'SweepFailedEvents', {
      fn: this.sweepFunction,
      alerts,
      alarmId: 'SweepFailedEventsAlarm',
      description:
        'A daily sweep failed three times: its schedule event is kept in the queue (14 days). Invoke the sweep again ' +
        'with it once the cause is fixed (or let the next morning catch up), then delete it.',
    });
    new FailedEvents(this, 'FailureAlertFailedEvents', {
      fn: this.failureAlertFunction,
      alerts,
      alarmId: 'FailureAlertFailedEventsAlarm',
      description:
        'The alert of a failed dunning workflow could not be handled three times: the execution event is kept in the ' +
        'queue (14 days). Invoke failure-alert again with it (finance is told, the workflow marked ended so the ' +
        'sweep restarts it), then delete it.',
    });
    alerts.watchFunction(
      'FailureAlert',
      this.failureAlertFunction,
      'The failure-alert function itself failed: finance may not have been e-mailed about a failed workflow yet ' +
        '(Lambda retries twice, then keeps the event: FailureAlertFailedEventsAlarm).',
    );
    this.grant(props);
  }

  /** What each function of the workflow may do, from what its code calls. */
  private grant({ table, documentsBucket, alerts }: DunningWorkflowProps): void {
    const { letters, caseFiles, invoices } = documentPrefixes;
    const machine = this.stateMachine;
    // dunning-plan: reads invoice, customer and policy; records the planned step; when the steps run out, e-mails
    // finance the task to decide (through a send intent). No S3.
    allowTable(this.planFunction, table, 'readWrite');
    alerts.allowSendEmail(this.planFunction);
    // dunning-step: re-check, act (agency case file JSON + PDF, and its time-limited link: read), send, alert finance.
    allowTable(this.stepFunction, table, 'readWrite');
    allowObjects(this.stepFunction, documentsBucket, { read: [caseFiles], write: [caseFiles] });
    alerts.allowSendEmail(this.stepFunction);
    // dunning-dispatch: one grouped message per customer and window; writes the formal notice PDF (letters/) and
    // reads it back when a retry owes finance the "to post" alert; links the invoice PDF (invoices/) with a presigned
    // URL, which is only valid if the signer may read the object.
    allowTable(this.dispatchFunction, table, 'readWrite');
    allowObjects(this.dispatchFunction, documentsBucket, { read: [invoices, letters], write: [letters] });
    alerts.allowSendEmail(this.dispatchFunction);
    // dunning-pause: stores the task token on the invoice; resumes at once (SendTaskSuccess) when the pause was
    // already lifted. The machine invokes this function, hence a separate policy (see WorkflowGrantOptions).
    allowTable(this.pauseFunction, table, 'readWrite');
    allowWorkflow(this.pauseFunction, machine, ['respond'], { separatePolicy: true });
    // sweep: finds invoices entering their window, starts their workflow, resumes due promises, daily digest.
    allowTable(this.sweepFunction, table, 'readWrite');
    allowWorkflow(this.sweepFunction, machine, ['start', 'stop', 'describe', 'respond']);
    alerts.allowSendEmail(this.sweepFunction);
    // failure-alert: e-mails finance from the event alone through a send intent (INTENT#<id>: read, conditional put),
    // appends one history line to the invoice (INVOICE#<id> / EVENT#...) and marks its WORKFLOW marker ended (read,
    // then conditional put): invoice and intent items only.
    allowTableItems(
      this.failureAlertFunction,
      table,
      ['dynamodb:GetItem', 'dynamodb:PutItem'],
      ['INVOICE#', 'INTENT#'],
    );
    alerts.allowSendEmail(this.failureAlertFunction);
  }
}
