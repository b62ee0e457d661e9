import http from 'node:http';
import { listen } from '../ports';
import { type LocalStepFunctions, SfnApiError } from './runtime';

/**
 * A small Step Functions endpoint speaking the AWS JSON 1.0 protocol (POST /, X-Amz-Target: AWSStepFunctions.<Op>),
 * so handlers use the real @aws-sdk/client-sfn against the local runtime. Timestamps are epoch seconds.
 */
export async function startSfnEndpoint(runtime: LocalStepFunctions, port: number) {
  const toWire = (value: unknown): unknown => {
    if (value instanceof Date) return value.getTime() / 1000;
    if (Array.isArray(value)) return value.map(toWire);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value)
          .filter(([k, v]) => v !== undefined && k !== 'history')
          .map(([k, v]) => [k, toWire(v)]),
      );
    }
    return value;
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const operations: Record<string, (req: any) => unknown> = {
    StartExecution: (r) => runtime.startExecution(r),
    StopExecution: (r) => runtime.stopExecution(r),
    DescribeExecution: (r) => runtime.describeExecution(r),
    ListExecutions: (r) => runtime.listExecutions(r),
    SendTaskSuccess: (r) => runtime.sendTaskSuccess(r),
    SendTaskFailure: (r) => runtime.sendTaskFailure(r),
    SendTaskHeartbeat: (r) => runtime.sendTaskHeartbeat(r),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const reply = (status: number, body: unknown, errorType?: string) => {
        const headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.0' };
        if (errorType) headers['x-amzn-errortype'] = errorType;
        res.writeHead(status, headers);
        res.end(JSON.stringify(body));
      };
      const target = String(req.headers['x-amz-target'] ?? '');
      const op = target.startsWith('AWSStepFunctions.') ? target.slice('AWSStepFunctions.'.length) : '';
      const fn = operations[op];
      if (req.method !== 'POST' || !fn) {
        reply(
          400,
          { __type: 'UnknownOperationException', message: `local Step Functions: unsupported operation '${target}'` },
          'UnknownOperationException',
        );
        return;
      }
      try {
        const text = Buffer.concat(chunks).toString('utf8');
        reply(200, toWire(fn(text ? JSON.parse(text) : {})));
      } catch (err) {
        if (err instanceof SfnApiError) reply(400, { __type: err.type, message: err.message }, err.type);
        else reply(500, { __type: 'InternalFailure', message: (err as Error).message }, 'InternalFailure');
      }
    });
  });
  await listen(server, 'Step Functions (local endpoint)', port);
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
