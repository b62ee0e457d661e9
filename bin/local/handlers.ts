import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { type FunctionName, functionNames } from '../../lib/function-names';

/** The Lambda functions of encaisse (one folder each: functions/<name>/handler.ts exporting `handler`). */
export type LambdaName = FunctionName;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type LocalHandler = (event: any, context?: any) => Promise<any>;

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function entryOf(name: LambdaName): string {
  return `functions/${name}/handler.ts`;
}

export function lambdaNameOfEntry(entry: string): LambdaName | undefined {
  const m = /^functions\/([a-z0-9-]+)\/handler\.ts$/.exec(entry.replace(/\\/g, '/').replace(/^\.\//, ''));
  return m && (functionNames as readonly string[]).includes(m[1]) ? (m[1] as LambdaName) : undefined;
}

/** A Lambda context good enough for middy and the handlers (no real deadline locally). */
export function lambdaContext(name: LambdaName, region: string) {
  const started = Date.now();
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `encaisse-${name}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:000000000000:function:encaisse-${name}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/encaisse-${name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, 900_000 - (Date.now() - started)),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/**
 * Resolves the local handler of each Lambda: an override given by a test, else `handler` exported by
 * functions/<name>/handler.ts, imported lazily (after the stack applied its environment to process.env).
 */
export class HandlerRegistry {
  private readonly loaded = new Map<LambdaName, Promise<LocalHandler>>();

  constructor(
    private readonly region: string,
    private readonly overrides: Partial<Record<LambdaName, LocalHandler>> = {},
    /** Called as a handler starts; what it returns is called as it ends (the policy clock stands still meanwhile). */
    private readonly hold?: () => () => void,
  ) {}

  private load(name: LambdaName): Promise<LocalHandler> {
    const override = this.overrides[name];
    if (override) return Promise.resolve(override);
    let p = this.loaded.get(name);
    if (!p) {
      const file = path.join(projectRoot, entryOf(name));
      p = import(pathToFileURL(file).href).then((mod: { handler?: LocalHandler }) => {
        if (typeof mod.handler !== 'function') throw new Error(`${entryOf(name)} exports no 'handler' function`);
        return mod.handler;
      });
      // A failed import (syntax error in a handler being written) is retried at the next invocation.
      p.catch(() => this.loaded.delete(name));
      this.loaded.set(name, p);
    }
    return p;
  }

  /** Invokes the handler as Lambda would (event, context); errors propagate with their name (Lambda's errorType). */
  async invoke(name: LambdaName, event: unknown): Promise<unknown> {
    // Held from before the (first) import: a cold start's module loading is a Lambda's init, not policy time (at
    // 172 800x the half second of a first import was a policy day, and the demo's first reminder went out a day late).
    const release = this.hold?.();
    try {
      const handler = await this.load(name);
      return await handler(event, lambdaContext(name, this.region));
    } finally {
      release?.();
    }
  }
}
