import net from 'node:net';

export class PortInUseError extends Error {
  constructor(
    readonly service: string,
    readonly port: number,
  ) {
    super(`port ${port} for ${service} is already in use: stop what uses it, or choose another port`);
    this.name = 'PortInUseError';
  }
}

/**
 * A free port, picked at random below the OS's ephemeral range (Linux: 32768-60999) so that another process asking the
 * OS for a port (listen(0)) cannot be handed the same one while a slow server (DynamoDB Local's JVM) starts on it.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    try {
      await assertPortFree('probe', port, host);
      await assertPortFree('probe', port, '0.0.0.0');
      return port;
    } catch {
      /* taken: try another */
    }
  }
  return osFreePort(host);
}

/** A port the OS considers free right now (bound then released). */
export function osFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves when `port` can be bound; rejects with PortInUseError naming the service otherwise. */
export function assertPortFree(service: string, port: number, host = '127.0.0.1'): Promise<void> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' || err.code === 'EACCES' ? new PortInUseError(service, port) : err),
    );
    srv.listen(port, host, () => srv.close(() => resolve()));
  });
}

/** The given port (checked free) or a free one. */
export async function pickPort(service: string, wanted: number | undefined): Promise<number> {
  if (wanted === undefined || wanted === 0) return freePort();
  await assertPortFree(service, wanted);
  return wanted;
}

/** Listen on host:port, turning EADDRINUSE into a PortInUseError. */
export function listen(server: net.Server, service: string, port: number, host = '127.0.0.1'): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      reject(err.code === 'EADDRINUSE' ? new PortInUseError(service, port) : err);
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
