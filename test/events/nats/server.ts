// Throwaway nats-server processes for tests that need a server of their own: auth turned on, or
// one the test can kill and bring back. Each listens on a free port on 127.0.0.1.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import type { TestContext } from 'node:test';
import { requireHere } from '../../helpers/skip.js';

const serverBinary = [process.env.NATS_SERVER_BIN, '/usr/sbin/nats-server', '/usr/local/bin/nats-server', '/usr/bin/nats-server'].find(
  (path): path is string => path !== undefined && existsSync(path),
);

/** Whether the test can start servers of its own: fails under CI=true without the binary, skips loudly otherwise. */
export function requireNatsServerBinary(t: TestContext): boolean {
  return requireHere(t, serverBinary ? undefined : 'no nats-server binary here', 'install nats-server (apt-get install nats-server), or set NATS_SERVER_BIN');
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface TestServer {
  url: string;
  port: number;
  /** Ends the process (SIGKILL when `kill`), resolving once it has exited. */
  stop(kill?: boolean): Promise<void>;
}

export async function spawnNatsServer(args: string[] = [], port?: number): Promise<TestServer> {
  assert.ok(serverBinary, 'a nats-server binary');
  const listen = port ?? (await freePort());
  const child = spawn(serverBinary, ['-a', '127.0.0.1', '-p', String(listen), ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => reject(new Error(`nats-server did not start: ${log}`)), 30_000);
    child.stderr.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('Server is ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`nats-server exited ${code}: ${log}`));
    });
  });
  return {
    url: `nats://127.0.0.1:${listen}`,
    port: listen,
    async stop(kill = false) {
      if (child.exitCode === null && child.signalCode === null) child.kill(kill ? 'SIGKILL' : 'SIGTERM');
      await exited;
    },
  };
}
