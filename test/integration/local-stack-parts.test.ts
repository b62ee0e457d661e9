import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { httpApiEvent } from '../../bin/local/api';
import { JavaMissingError, startDynamo } from '../../bin/local/dynamodb';
import { JavaCompilerMissingError } from '../../bin/local/dynamodb-launcher';
import { HandlerRegistry } from '../../bin/local/handlers';
import { watchInbox } from '../../bin/local/inbox';
import { freePort, PortInUseError } from '../../bin/local/ports';
import { encodeS3EventKey } from '../../bin/local/s3';
import { type CfnTemplate, resolveStateMachine } from '../../bin/local/sfn/definition';
import { LocalStepFunctions } from '../../bin/local/sfn/runtime';
import { type IngestDelivery, startLocalStack } from '../../bin/local/stack';
import { scaledClock } from '../../functions/adapters/clock';
import { dunningTemplate } from './support/templates';

/** The pieces of the local runner that need no server: key encoding, the inbox folder, port and template errors. */

describe('S3 event keys are URL-encoded as real S3 sends them', () => {
  it.each([
    ['inbox/my statement.csv', 'inbox/my+statement.csv'],
    ['inbox/my+statement.csv', 'inbox/my%2Bstatement.csv'],
    ['inbox/relevé (mars).cfonb', 'inbox/relev%C3%A9+%28mars%29.cfonb'],
    ['inbox/plain-name_1.xml', 'inbox/plain-name_1.xml'],
  ])('%s -> %s, and decodes back', (key, encoded) => {
    expect(encodeS3EventKey(key)).toBe(encoded);
    expect(decodeURIComponent(encoded.replace(/\+/g, ' '))).toBe(key);
  });
});

describe('the local API gateway', () => {
  it('turns a request into an HTTP API payload 2.0 event: path, query, lower-case headers, cookies, text body', () => {
    const event = httpApiEvent({
      method: 'POST',
      url: '/invoices/F-1/promise?lang=fr&tag=a&tag=b',
      headers: { 'Content-Type': 'application/json', authorization: 'Bearer t', cookie: 'a=1; b=2' },
      body: Buffer.from('{"until":"2026-12-01"}'),
      sourceIp: '127.0.0.1',
      port: 3000,
    });
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: '$default',
      rawPath: '/invoices/F-1/promise',
      rawQueryString: 'lang=fr&tag=a&tag=b',
      queryStringParameters: { lang: 'fr', tag: 'a,b' },
      cookies: ['a=1', 'b=2'],
      headers: { 'content-type': 'application/json', authorization: 'Bearer t' },
      requestContext: { http: { method: 'POST', path: '/invoices/F-1/promise' }, stage: '$default' },
      body: '{"until":"2026-12-01"}',
      isBase64Encoded: false,
    });
    expect(event.headers.cookie).toBeUndefined();
  });

  it('a binary body (a PDF) is base64-encoded', () => {
    const bytes = Buffer.from([0x25, 0x50, 0x44, 0x46, 0xff]);
    const event = httpApiEvent({
      method: 'PUT',
      url: '/x',
      headers: { 'content-type': 'application/pdf' },
      body: bytes,
      sourceIp: '::1',
      port: 1,
    });
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body!, 'base64')).toEqual(bytes);
  });
});

describe('the inbox folder of npm start', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it(
    'puts a dropped file (and one already there at start) into S3 under its name, then moves it to ' + '.done/',
    async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'encaisse-inbox-'));
      await writeFile(path.join(dir, 'avant.cfonb'), 'already here');
      const put: { name: string; text: string }[] = [];
      const inbox = watchInbox({
        dir,
        put: async (name, bytes): Promise<IngestDelivery> => {
          put.push({ name, text: Buffer.from(bytes).toString() });
          return { key: `inbox/${name}`, eventKey: encodeS3EventKey(`inbox/${name}`) };
        },
        log: () => undefined,
      });
      await writeFile(path.join(dir, 'relevé avril.csv'), 'date;montant');
      const deadline = Date.now() + 10_000;
      while ((await readdir(path.join(dir, '.done'))).length < 2 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      await inbox.close();
      expect(put.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
        { name: 'avant.cfonb', text: 'already here' },
        { name: 'relevé avril.csv', text: 'date;montant' },
      ]);
      expect((await readdir(dir)).filter((n) => !n.startsWith('.'))).toEqual([]);
      expect((await readdir(path.join(dir, '.done'))).sort()).toEqual(['avant.cfonb', 'relevé avril.csv']);
    },
  );
});

describe('start-up errors are clear', () => {
  it('a port already taken names the service and the port, and nothing is left started', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as net.AddressInfo).port;
    const before = process.env.TABLE_NAME;
    try {
      const err = await startLocalStack({ quiet: true, ports: { api: port }, template: { Resources: {} } }).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(PortInUseError);
      expect((err as Error).message).toBe(
        `port ${port} for admin API is already in use: stop what uses it, or choose another port`,
      );
      expect(process.env.TABLE_NAME).toBe(before);
    } finally {
      blocker.close();
    }
  });

  it('DynamoDB Local refuses a port another process listens on (all interfaces) before starting its JVM', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '0.0.0.0', () => r()));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const err = await startDynamo({
        port,
        tableName: 'encaisse-test',
        region: 'eu-west-3',
        credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PortInUseError);
    } finally {
      blocker.close();
    }
  });

  it('without Java on the PATH, DynamoDB Local fails with a message saying Java 17 is needed', async () => {
    const savedPath = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      const err = await startDynamo({
        port: await freePort(),
        tableName: 'encaisse-test',
        region: 'eu-west-3',
        credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(JavaMissingError);
      expect((err as Error).message).toMatch(/Java 17/);
    } finally {
      process.env.PATH = savedPath;
    }
  });

  it(
    'a Java without the compiler module (needed to bind DynamoDB Local to 127.0.0.1) is named with what to ' +
      'install',
    async () => {
      const saved = process.env.JDK_JAVA_OPTIONS;
      process.env.JDK_JAVA_OPTIONS = '--limit-modules java.base,java.logging'; // read by the java launcher
      const launcherCacheDir = await mkdtemp(path.join(os.tmpdir(), 'encaisse-launcher-')); // nothing compiled yet
      try {
        const err = await startDynamo({
          port: await freePort(),
          tableName: 'encaisse-test',
          region: 'eu-west-3',
          credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
          launcherCacheDir,
        }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(JavaCompilerMissingError);
        expect((err as Error).message).toMatch(/jdk\.compiler module this Java lacks: install a JDK 17/);
      } finally {
        if (saved === undefined) delete process.env.JDK_JAVA_OPTIONS;
        else process.env.JDK_JAVA_OPTIONS = saved;
        await rm(launcherCacheDir, { recursive: true, force: true });
      }
    },
  );

  it('a template without the dunning state machine says which Metadata it looks for', () => {
    expect(() => resolveStateMachine({ Resources: {} }, 'eu-west-3')).toThrow(
      'Metadata {"encaisse:stateMachine": "dunning"}',
    );
  });

  it('a Task whose function lacks the encaisse:entry Metadata is named', () => {
    const template: CfnTemplate = {
      Resources: {
        Fn: { Type: 'AWS::Lambda::Function', Properties: {} },
        Machine: {
          Type: 'AWS::StepFunctions::StateMachine',
          Metadata: { 'encaisse:stateMachine': 'dunning' },
          Properties: {
            DefinitionString: {
              'Fn::Join': [
                '',
                [
                  '{"StartAt":"PlanNextStep","States":{"PlanNextStep":{"Type":"Task","Resource":"',
                  { 'Fn::GetAtt': ['Fn', 'Arn'] },
                  '","End":true}}}',
                ],
              ],
            },
          },
        },
      },
    };
    expect(() => resolveStateMachine(template, 'eu-west-3')).toThrow(
      /state PlanNextStep: function .*Fn has no Metadata/,
    );
  });
});

/**
 * The local addresses listening on a TCP port, read from the kernel's socket tables (/proc/net/tcp and tcp6), so the
 * check sees what each server really bound, whatever it reports about itself.
 */
async function listeningAddresses(port: number): Promise<string[]> {
  const out: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const table = await readFile(file, 'utf8').catch(() => '');
    for (const line of table.split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state !== '0A' || !local) continue; // 0A = LISTEN
      const [hex, portHex] = local.split(':');
      if (parseInt(portHex, 16) !== port) continue;
      out.push(hex.length === 8 ? ipv4(hex) : ipv6(hex));
    }
  }
  return out;
}
/** /proc/net/tcp writes an IPv4 address as one little-endian 32-bit word in hex. */
const ipv4 = (hex: string) => [6, 4, 2, 0].map((i) => parseInt(hex.slice(i, i + 2), 16)).join('.');
/** ... and an IPv6 address as four such words. */
function ipv6(hex: string): string {
  const bytes = [0, 8, 16, 24].flatMap((w) => [6, 4, 2, 0].map((i) => hex.slice(w + i, w + i + 2)));
  const groups = Array.from({ length: 8 }, (_, g) => parseInt(bytes[2 * g] + bytes[2 * g + 1], 16).toString(16));
  const text = groups.join(':');
  if (text === '0:0:0:0:0:ffff:7f00:1') return '::ffff:127.0.0.1';
  if (text === '0:0:0:0:0:0:0:0') return '::';
  if (text === '0:0:0:0:0:0:0:1') return '::1';
  return text;
}
const loopback = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

describe('every local service listens on the loopback interface only', () => {
  it.skipIf(process.platform !== 'linux')(
    'DynamoDB Local, S3, SES, the Step Functions endpoint and the admin API of npm start',
    async () => {
      const stack = await startLocalStack({ quiet: true, template: dunningTemplate });
      try {
        const ports = Object.entries(stack.urls).map(([service, url]) => [service, Number(new URL(url).port)] as const);
        for (const [service, port] of ports) {
          const addresses = await listeningAddresses(port);
          expect(addresses.length, `${service} listens on ${port}`).toBeGreaterThan(0);
          expect(
            addresses.filter((a) => !loopback.has(a)),
            `${service} on port ${port}: ${addresses.join(', ')}`,
          ).toEqual([]);
        }
      } finally {
        await stack.stop();
      }
    },
    120_000,
  );

  it.skipIf(process.platform !== 'linux')('the address reader sees a server bound to every interface', async () => {
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '0.0.0.0', () => r()));
    try {
      expect(await listeningAddresses((server.address() as net.AddressInfo).port)).toEqual(['0.0.0.0']);
    } finally {
      server.close();
    }
  });
});

describe('the local Step Functions runtime (no server)', () => {
  const region = 'eu-west-3';
  const arn = `arn:aws:states:${region}:000000000000:stateMachine:test`;
  // One Lambda task without Catch, then a token task with a 2-day timeout, as CloudFormation writes them (Fn::Join).
  const template = (states: Record<string, unknown>, startAt: string): CfnTemplate => ({
    Resources: {
      PlanFn: { Type: 'AWS::Lambda::Function', Metadata: { 'encaisse:entry': 'functions/dunning-plan/handler.ts' } },
      PauseFn: { Type: 'AWS::Lambda::Function', Metadata: { 'encaisse:entry': 'functions/dunning-pause/handler.ts' } },
      Machine: {
        Type: 'AWS::StepFunctions::StateMachine',
        Metadata: { 'encaisse:stateMachine': 'dunning' },
        Properties: {
          DefinitionString: {
            'Fn::Join': [
              '',
              JSON.stringify({ StartAt: startAt, States: states })
                .split(/("@@[A-Za-z]+@@")/)
                .flatMap((part) =>
                  part.startsWith('"@@') ? ['"', { 'Fn::GetAtt': [part.slice(3, -3), 'Arn'] }, '"'] : [part],
                ),
            ],
          },
        },
      },
    },
  });
  const runtime = (
    states: Record<string, unknown>,
    startAt: string,
    handlers: ConstructorParameters<typeof HandlerRegistry>[1],
    onLog?: (l: string) => void,
  ) =>
    new LocalStepFunctions({
      machine: resolveStateMachine(template(states, startAt), region),
      stateMachineArn: arn,
      region,
      handlers: new HandlerRegistry(region, handlers),
      factor: 86_400,
      clock: scaledClock(new Date('2030-01-01T00:00:00Z'), 86_400),
      log: onLog ?? (() => undefined),
    });

  it(
    'a Lambda error without Catch fails the execution with Error = its name and Cause = the Lambda error as ' + 'JSON',
    async () => {
      const sfn = runtime({ Plan: { Type: 'Task', Resource: '@@PlanFn@@', End: true } }, 'Plan', {
        'dunning-plan': async () => {
          const e = new Error('no ECB rate for 2026-H2');
          e.name = 'UnknownRateError';
          throw e;
        },
        'failure-alert': async () => undefined,
      });
      const { executionArn } = sfn.startExecution({ stateMachineArn: arn, name: 'inv-1', input: '{"invoiceId":"1"}' });
      const done = await sfn.settled(executionArn);
      expect(done.status).toBe('FAILED');
      expect(done.error).toBe('UnknownRateError');
      expect(JSON.parse(done.cause!)).toMatchObject({
        errorType: 'UnknownRateError',
        errorMessage: 'no ECB rate for 2026-H2',
      });
    },
  );

  it(
    "a paused task's timeout runs in policy time: 2 policy days later the execution times out the task and " + 'alerts',
    async () => {
      const alerts: unknown[] = [];
      const sfn = runtime(
        {
          AwaitResume: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
            Parameters: { FunctionName: '@@PauseFn@@', Payload: { 'taskToken.$': '$$.Task.Token', 'state.$': '$' } },
            TimeoutSeconds: 2 * 86_400,
            End: true,
          },
        },
        'AwaitResume',
        { 'dunning-pause': async () => ({ stored: true }), 'failure-alert': async (e) => void alerts.push(e) },
      );
      const started = Date.now();
      const { executionArn } = sfn.startExecution({ stateMachineArn: arn, name: 'inv-2', input: '{"invoiceId":"2"}' });
      const done = await sfn.settled(executionArn);
      expect(done.status).toBe('FAILED');
      expect(done.error).toBe('States.Timeout');
      expect(Date.now() - started).toBeGreaterThan(1_500);
      expect(alerts).toHaveLength(1);
      expect(alerts[0]).toMatchObject({ detail: { status: 'FAILED', error: 'States.Timeout', name: 'inv-2' } });
    },
  );
});
