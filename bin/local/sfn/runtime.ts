import { randomUUID } from 'node:crypto';
import { StateMachine } from 'aws-local-stepfunctions';
import type { HandlerRegistry, LambdaName } from '../handlers';
import type { AslDefinition, AslState, ResolvedStateMachine, TaskBinding } from './definition';
import { localAccount } from './definition';

/** An error of the Step Functions API (its `type` is the JSON protocol's __type, e.g. ExecutionAlreadyExists). */
export class SfnApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  /** States entered so far, in order (local extra, for tests and logs). */
  history: string[];
}

interface PendingToken {
  executionArn: string;
  state: string;
  resolve: (output: unknown) => void;
  reject: (err: Error) => void;
}

interface Execution extends ExecutionRecord {
  abort: () => void;
  done: Promise<void>;
  lastOutput: unknown;
  tokens: Set<string>;
  /**
   * The policy instant the last timestamp Wait awaited: the next task starts no sooner (the clock may have been held).
   */
  waitUntil?: Date;
  /** Holds policy time from a task's error to the next task (a Retry's real backoff is no policy day). */
  retryHold?: () => void;
}

/** Placeholder the context object gives $$.Task.Token; the token binding replaces it with a fresh token. */
const TOKEN_SENTINEL = '__encaisse-local-task-token__';
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface RuntimeOptions {
  machine: ResolvedStateMachine;
  stateMachineArn: string;
  region: string;
  handlers: HandlerRegistry;
  /** policy seconds per real second */
  factor: number;
  /**
   * Least real time a Seconds/SecondsPath wait lasts (default 1000 ms). The dunning machine's gather window (a few
   * policy minutes, for the other invoices of a customer's send window to enlist) would otherwise shrink to a few
   * milliseconds, shorter than the other executions take to reach it.
   */
  minSecondsWaitMs?: number;
  /** policy-time clock: toRealDelayMs(at) is the real delay until policy instant `at` */
  clock: { now(): Date; toRealDelayMs(at: Date): number; hold?: () => () => void };
  log: (line: string) => void;
}

/**
 * Runs executions of the resolved state machine with aws-local-stepfunctions: Task states bound to local handlers,
 * Wait states scaled to policy time (a fresh waitTimeOverrides Proxy per execution), task tokens emulated,
 * and the Step Functions API semantics (name uniqueness, stop, describe, list, SendTask*).
 */
export class LocalStepFunctions {
  private readonly executions = new Map<string, Execution>();
  private readonly tokens = new Map<string, PendingToken>();
  /** Tokens no longer waiting, and the error SendTask* then gets (TaskTimedOut or TaskDoesNotExist). */
  private readonly closedTokens = new Map<string, string>();
  private readonly machine: StateMachine;
  private readonly definition: AslDefinition;
  private readonly bindings: Map<string, TaskBinding>;
  readonly stateMachineName: string;

  constructor(private readonly opts: RuntimeOptions) {
    this.stateMachineName = opts.stateMachineArn.split(':').pop()!;
    this.definition = this.localDefinition(opts.machine.definition);
    this.bindings = new Map(opts.machine.tasks.map((t) => [t.state, t]));
    this.machine = new StateMachine(this.definition as never, {
      validationOptions: { checkArn: true, checkPaths: true },
    });
  }

  /**
   * Timeouts are policy time too: a token task waits up to 366 policy days (366 s real at the default factor) and
   * Node's timers overflow beyond ~24.8 days. Lambda task timeouts stay real (they bound real work). Waits are not
   * rewritten: they are scaled at run time through waitTimeOverrides.
   */
  private localDefinition(def: AslDefinition): AslDefinition {
    const copy = structuredClone(def);
    const scale = (s: number) =>
      Math.max(1, Math.min(Math.ceil(s / this.opts.factor), Math.floor(MAX_TIMER_MS / 1000)));
    if (copy.TimeoutSeconds !== undefined) copy.TimeoutSeconds = scale(copy.TimeoutSeconds);
    for (const state of Object.values(copy.States)) {
      if (state.Type !== 'Task' || state.TimeoutSeconds === undefined) continue;
      const isToken = String(state.Resource).endsWith('.waitForTaskToken');
      state.TimeoutSeconds = isToken
        ? scale(state.TimeoutSeconds)
        : Math.min(state.TimeoutSeconds, Math.floor(MAX_TIMER_MS / 1000));
    }
    return copy;
  }

  private arnOf(name: string): string {
    return `arn:aws:states:${this.opts.region}:${localAccount}:execution:${this.stateMachineName}:${name}`;
  }

  private checkMachine(arn: string | undefined): void {
    if (arn !== this.opts.stateMachineArn) {
      throw new SfnApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    }
  }

  private get(executionArn: string | undefined): Execution {
    const e = executionArn ? this.executions.get(executionArn) : undefined;
    if (!e) throw new SfnApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return e;
  }

  startExecution(req: { stateMachineArn?: string; name?: string; input?: string }): {
    executionArn: string;
    startDate: Date;
  } {
    this.checkMachine(req.stateMachineArn);
    const name = req.name ?? randomUUID();
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(name)) throw new SfnApiError('InvalidName', `Invalid Name: '${name}'`);
    const inputText = req.input ?? '{}';
    let input: unknown;
    try {
      input = JSON.parse(inputText);
    } catch {
      throw new SfnApiError('InvalidExecutionInput', 'Invalid State Machine Execution Input: not JSON');
    }
    const executionArn = this.arnOf(name);
    const existing = this.executions.get(executionArn);
    if (existing) {
      // As AWS: the same name and input while it runs is idempotent; otherwise ExecutionAlreadyExists.
      if (existing.status === 'RUNNING' && existing.input === inputText) {
        return { executionArn, startDate: existing.startDate };
      }
      throw new SfnApiError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const exec = this.launch(executionArn, name, inputText, input);
    return { executionArn, startDate: exec.startDate };
  }

  private launch(executionArn: string, name: string, inputText: string, input: unknown): Execution {
    const exec = {
      executionArn,
      stateMachineArn: this.opts.stateMachineArn,
      name,
      status: 'RUNNING',
      startDate: new Date(),
      input: inputText,
      history: [],
      lastOutput: input,
      tokens: new Set<string>(),
    } as unknown as Execution;
    this.executions.set(executionArn, exec);

    const taskResourceLocalHandlers = Object.fromEntries(
      [...this.bindings.values()].map((b) => [b.state, (taskInput: unknown) => this.runTask(exec, b, taskInput)]),
    );
    const waitTimeOverrides = new Proxy({} as Record<string, number>, {
      get: (_t, prop) => (typeof prop === 'string' ? this.realWaitMs(exec, prop) : undefined),
    });
    const run = this.machine.run(input as never, {
      overrides: { taskResourceLocalHandlers, waitTimeOverrides } as never,
      noThrowOnAbort: true,
      context: {
        Execution: { Id: executionArn, Name: name, RoleArn: `arn:aws:iam::${localAccount}:role/local` },
        StateMachine: { Id: this.opts.stateMachineArn, Name: this.stateMachineName },
        Task: { Token: TOKEN_SENTINEL },
      },
    });
    exec.abort = run.abort;
    void this.follow(exec, run.eventLogs as AsyncGenerator<{ type: string; state?: { name: string } }>);
    const releaseRetryHold = () => {
      exec.retryHold?.();
      exec.retryHold = undefined;
    };
    exec.done = run.result.finally(releaseRetryHold).then(
      (output: unknown) => {
        if (exec.status !== 'RUNNING') return;
        exec.status = 'SUCCEEDED';
        exec.output = JSON.stringify(output ?? null);
        exec.stopDate = new Date();
        this.opts.log(`execution ${name} succeeded`);
      },
      (err: Error) => {
        if (exec.status !== 'RUNNING') return;
        const inner = (err as Error & { cause?: Error }).cause ?? err;
        const timedOut = err.name === 'ExecutionTimeoutError';
        // As AWS: a Fail state without Error/Cause (or ErrorPath/CausePath) leaves the execution's error and cause
        // empty.
        const bareFail =
          inner.name === 'FailStateError' && inner.message === 'Execution failed because of a Fail state';
        exec.status = timedOut ? 'TIMED_OUT' : 'FAILED';
        exec.error = timedOut ? 'States.Timeout' : bareFail ? undefined : inner.name;
        exec.cause = timedOut || bareFail ? undefined : inner.message;
        exec.stopDate = new Date();
        const why = exec.error ? `${exec.error}: ${exec.cause ?? ''}` : 'Fail state without Error/Cause';
        this.opts.log(`execution ${name} ${exec.status.toLowerCase()} (${why})`);
        this.releaseTokens(exec, 'execution ended');
        void this.alertFailure(exec);
      },
    );
    this.opts.log(`execution ${name} started`);
    return exec;
  }

  private async follow(
    exec: Execution,
    events: AsyncGenerator<{ type: string; state?: { name: string } }>,
  ): Promise<void> {
    try {
      for await (const ev of events) {
        if (ev.type === 'StateEntered' && ev.state) exec.history.push(ev.state.name);
      }
    } catch {
      /* the run result reports failures */
    }
  }

  /** The real delay of a Wait state, from its path read in the last state output (Wait input). */
  private realWaitMs(exec: Execution, stateName: string): number | undefined {
    const state: AslState | undefined = this.definition.States[stateName];
    if (state?.Type !== 'Wait') return undefined;
    // A Catch that leads to a Wait: the error's hold ends here, else the Wait would never see policy time pass.
    exec.retryHold?.();
    exec.retryHold = undefined;
    const { factor, clock } = this.opts;
    let ms: number | undefined;
    const minSeconds = this.opts.minSecondsWaitMs ?? 1000;
    const seconds =
      typeof state.Seconds === 'number'
        ? state.Seconds
        : typeof state.SecondsPath === 'string'
          ? Number(readPath(exec.lastOutput, state.SecondsPath))
          : undefined;
    if (seconds !== undefined && Number.isFinite(seconds)) {
      ms = Math.max(minSeconds, (seconds * 1000) / factor);
      // A short wait (the 5-minute gather window) lasts at least `minSeconds` real so the other workflows of the
      // window can enlist; at 86 400x that second would be a policy DAY and the batch would go out a day after its
      // window. With a holding clock, policy time stands still for the floor's excess instead.
      const excess = ms - (seconds * 1000) / factor;
      if (excess > 0 && clock.hold) {
        const release = clock.hold();
        setTimeout(release, ms).unref?.();
      }
    } else if (typeof state.Seconds !== 'number' && typeof state.SecondsPath !== 'string') {
      const at =
        typeof state.Timestamp === 'string' ? state.Timestamp : readPath(exec.lastOutput, String(state.TimestampPath));
      const t = typeof at === 'string' ? new Date(at) : undefined;
      if (t && !Number.isNaN(t.getTime())) {
        ms = clock.toRealDelayMs(t);
        exec.waitUntil = t;
      }
    }
    if (ms === undefined) {
      this.opts.log(`execution ${exec.name}: Wait state ${stateName} has no readable time in its input; waiting 0 s`);
      return 0;
    }
    // Rounded up (+1 ms) so the handler after the wait never sees policy time before the awaited instant.
    return Math.min(Math.max(0, Math.ceil(ms) + 1), MAX_TIMER_MS);
  }

  /**
   * A Wait's real timer is set from the clock when the Wait starts; when policy time stood still meanwhile (handlers
   * at work, see policy-clock.ts), the timer ends before the awaited instant: the task waits for the rest.
   */
  private async untilPolicyInstant(exec: Execution): Promise<void> {
    const until = exec.waitUntil;
    exec.waitUntil = undefined;
    if (!until) return;
    const { clock } = this.opts;
    while (clock.now() < until && exec.status === 'RUNNING') {
      await new Promise((resolve) =>
        setTimeout(resolve, Math.min(Math.max(1, Math.ceil(clock.toRealDelayMs(until)) + 1), 1000)),
      );
    }
  }

  private async runTask(exec: Execution, binding: TaskBinding, taskInput: unknown): Promise<unknown> {
    const { handlers } = this.opts;
    const invoke = async (name: LambdaName, event: unknown) => {
      try {
        const result = await handlers.invoke(name, JSON.parse(JSON.stringify(event ?? null)));
        return result === undefined ? null : JSON.parse(JSON.stringify(result));
      } catch (err) {
        const e = err instanceof Error ? err : new Error(String(err));
        this.opts.log(`execution ${exec.name}: ${binding.state} (${name}) threw ${e.name}: ${e.message}`);
        // Retry intervals stay real time (they bound real work): policy time waits for the retry (see policy-clock.ts).
        if (!exec.retryHold) exec.retryHold = this.opts.clock.hold?.();
        // As Lambda reports a function error to Step Functions: Error = errorType, Cause = the error as JSON.
        const reported = new Error(
          JSON.stringify({ errorType: e.name, errorMessage: e.message, trace: e.stack?.split('\n') ?? [] }),
        );
        reported.name = e.name;
        throw reported;
      }
    };
    exec.retryHold?.();
    exec.retryHold = undefined;
    await this.untilPolicyInstant(exec);
    let result: unknown;
    if (binding.kind === 'function') {
      result = await invoke(binding.lambda, taskInput);
    } else if (binding.kind === 'invoke') {
      const payload = await invoke(binding.lambda, (taskInput as { Payload?: unknown })?.Payload);
      result = { ExecutedVersion: '$LATEST', Payload: payload, StatusCode: 200 };
    } else {
      const token = `${exec.name}.${binding.state}.${randomUUID()}`;
      const resumed = new Promise<unknown>((resolve, reject) => {
        this.tokens.set(token, { executionArn: exec.executionArn, state: binding.state, resolve, reject });
      });
      exec.tokens.add(token);
      resumed.catch(() => undefined);
      // The task's own timeout (policy time, see localDefinition): afterwards SendTask* answers TaskTimedOut.
      const timeoutS = this.definition.States[binding.state]?.TimeoutSeconds;
      const timer =
        typeof timeoutS === 'number'
          ? setTimeout(
              () => {
                const p = this.tokens.get(token);
                this.tokens.delete(token);
                this.closedTokens.set(token, 'TaskTimedOut');
                const e = new Error('task timed out');
                e.name = 'States.Timeout';
                p?.reject(e);
              },
              Math.min(timeoutS * 1000, MAX_TIMER_MS),
            )
          : undefined;
      const payload = replaceValue((taskInput as { Payload?: unknown })?.Payload ?? taskInput, TOKEN_SENTINEL, token);
      try {
        await invoke(binding.lambda, payload);
        result = await resumed;
      } finally {
        clearTimeout(timer);
        this.tokens.delete(token);
        if (!this.closedTokens.has(token)) this.closedTokens.set(token, 'TaskDoesNotExist');
        exec.tokens.delete(token);
      }
    }
    exec.lastOutput = outputOfTask(this.definition.States[binding.state], exec.lastOutput, result);
    return result;
  }

  private releaseTokens(exec: Execution, why: string): void {
    for (const token of exec.tokens) {
      this.tokens.get(token)?.reject(new SfnApiError('States.Runtime', why));
      this.tokens.delete(token);
      this.closedTokens.set(token, 'TaskDoesNotExist');
    }
    exec.tokens.clear();
  }

  private async alertFailure(exec: Execution): Promise<void> {
    const event = {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Step Functions Execution Status Change',
      source: 'aws.states',
      account: localAccount,
      time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: this.opts.region,
      resources: [exec.executionArn],
      detail: {
        executionArn: exec.executionArn,
        stateMachineArn: exec.stateMachineArn,
        name: exec.name,
        status: exec.status,
        startDate: exec.startDate.getTime(),
        stopDate: exec.stopDate?.getTime() ?? null,
        input: exec.input,
        output: null,
        inputDetails: { included: true },
        outputDetails: null,
        error: exec.error ?? null,
        cause: exec.cause ?? null,
      },
    };
    try {
      await this.opts.handlers.invoke('failure-alert', event);
    } catch (err) {
      const e = err as Error;
      this.opts.log(`failure-alert threw ${e.name}: ${e.message}`);
    }
  }

  stopExecution(req: { executionArn?: string; error?: string; cause?: string }): { stopDate: Date } {
    const exec = this.get(req.executionArn);
    if (exec.status === 'RUNNING') {
      exec.status = 'ABORTED';
      exec.stopDate = new Date();
      exec.error = req.error;
      exec.cause = req.cause;
      this.releaseTokens(exec, 'execution aborted');
      exec.abort();
      this.opts.log(`execution ${exec.name} stopped`);
    }
    return { stopDate: exec.stopDate ?? new Date() };
  }

  describeExecution(req: { executionArn?: string }): ExecutionRecord {
    return publicRecord(this.get(req.executionArn));
  }

  listExecutions(req: {
    stateMachineArn?: string;
    statusFilter?: ExecutionStatus;
    maxResults?: number;
    nextToken?: string;
  }) {
    this.checkMachine(req.stateMachineArn);
    const all = [...this.executions.values()]
      .filter((e) => !req.statusFilter || e.status === req.statusFilter)
      .sort((a, b) => b.startDate.getTime() - a.startDate.getTime());
    const start = req.nextToken ? Number(req.nextToken) : 0;
    const size = req.maxResults && req.maxResults > 0 ? req.maxResults : 100;
    const page = all.slice(start, start + size);
    return {
      executions: page.map((e) => ({
        executionArn: e.executionArn,
        stateMachineArn: e.stateMachineArn,
        name: e.name,
        status: e.status,
        startDate: e.startDate,
        stopDate: e.stopDate,
      })),
      nextToken: start + size < all.length ? String(start + size) : undefined,
    };
  }

  private pending(token: string | undefined): PendingToken {
    if (!token || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[0-9a-f-]{36}$/.test(token)) {
      throw new SfnApiError('InvalidToken', 'Invalid Token: not a task token of this local stack');
    }
    const p = this.tokens.get(token);
    if (!p) {
      const closed = this.closedTokens.get(token) ?? 'TaskDoesNotExist';
      throw new SfnApiError(closed, closed === 'TaskTimedOut' ? 'Task Timed Out' : 'Task Does Not Exist');
    }
    return p;
  }

  sendTaskSuccess(req: { taskToken?: string; output?: string }): Record<string, never> {
    const p = this.pending(req.taskToken);
    let output: unknown;
    try {
      output = JSON.parse(req.output ?? '');
    } catch {
      throw new SfnApiError('InvalidOutput', 'Invalid Output: not JSON');
    }
    this.tokens.delete(req.taskToken!);
    p.resolve(output);
    return {};
  }

  sendTaskFailure(req: { taskToken?: string; error?: string; cause?: string }): Record<string, never> {
    const p = this.pending(req.taskToken);
    this.tokens.delete(req.taskToken!);
    const err = new Error(req.cause ?? '');
    err.name = req.error ?? 'States.TaskFailed';
    p.reject(err);
    return {};
  }

  sendTaskHeartbeat(req: { taskToken?: string }): Record<string, never> {
    this.pending(req.taskToken);
    return {};
  }

  /** All executions (local extra). */
  list(): ExecutionRecord[] {
    return [...this.executions.values()].map(publicRecord);
  }

  /** Resolves when the execution is no longer RUNNING (local extra). */
  async settled(executionArn: string): Promise<ExecutionRecord> {
    const exec = this.get(executionArn);
    await exec.done;
    return publicRecord(exec);
  }

  /** Aborts every running execution (stack shutdown): no timer left behind. */
  async stopAll(): Promise<void> {
    for (const exec of this.executions.values()) {
      if (exec.status === 'RUNNING') {
        exec.status = 'ABORTED';
        exec.stopDate = new Date();
        this.releaseTokens(exec, 'local stack stopped');
        exec.abort();
      }
    }
  }
}

function publicRecord(e: Execution): ExecutionRecord {
  const { executionArn, stateMachineArn, name, status, startDate, stopDate, input, output, error, cause, history } = e;
  return {
    executionArn,
    stateMachineArn,
    name,
    status,
    startDate,
    stopDate,
    input,
    output,
    error,
    cause,
    history: [...history],
  };
}

function replaceValue(value: unknown, from: string, to: string): unknown {
  if (value === from) return to;
  if (Array.isArray(value)) return value.map((v) => replaceValue(v, from, to));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceValue(v, from, to)]));
  }
  return value;
}

/** Reads a simple JSONPath ($, $.a.b, $['a'].b[0]) from a value; undefined when absent. */
export function readPath(value: unknown, path: string): unknown {
  if (!path.startsWith('$')) return undefined;
  const parts = path
    .slice(1)
    .replace(/\[(\d+)\]/g, '.$1')
    .replace(/\['([^']+)'\]/g, '.$1')
    .split('.')
    .filter(Boolean);
  let cur: unknown = value;
  for (const p of parts) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

/** The state output of a Task (ResultPath / OutputPath applied), used as the input of the next Wait. */
function outputOfTask(state: AslState | undefined, input: unknown, result: unknown): unknown {
  let out: unknown = result;
  const rp = state?.ResultPath;
  if (rp === null) out = input;
  else if (typeof rp === 'string' && rp !== '$') {
    const copy = input && typeof input === 'object' ? structuredClone(input) : {};
    const parts = rp.slice(2).split('.');
    let cur = copy as Record<string, unknown>;
    for (const p of parts.slice(0, -1)) cur = (cur[p] ??= {}) as Record<string, unknown>;
    cur[parts[parts.length - 1]] = result;
    out = copy;
  }
  if (typeof state?.OutputPath === 'string' && state.OutputPath !== '$') out = readPath(out, state.OutputPath);
  return out;
}
