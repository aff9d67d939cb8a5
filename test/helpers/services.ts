// Real services for integration tests. A test that needs NATS calls requireNats(t) first: when the
// server is unreachable it skips loudly, except under CI=true, where unreachable is a failure
// (test/helpers/skip.ts).
// Every test names its subjects and streams with uniquePrefix(), so tests never see each other's
// messages, and deletes its streams at the end.
import { randomBytes } from 'node:crypto';
import type { TestContext } from 'node:test';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { requireHere } from './skip.js';

export function natsUrl(): string {
  return process.env.NATS_URL || 'nats://127.0.0.1:4222';
}

let probe: Promise<string | undefined> | undefined;

/** Undefined when reachable with JetStream on; otherwise why not. Probed once per process. */
function probeNats(): Promise<string | undefined> {
  probe ??= (async () => {
    let nc: NatsConnection | undefined;
    try {
      nc = await connect({ servers: natsUrl(), timeout: 10_000, reconnect: false, name: 'tandem-test-probe' });
      if (!nc.info?.jetstream) return 'the server runs without JetStream (start it with -js)';
      return undefined;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    } finally {
      await nc?.close().catch(() => undefined);
    }
  })();
  return probe;
}

/** Whether the test can go on. Fails it under CI=true when NATS is unreachable; skips it loudly otherwise. */
export async function requireNats(t: TestContext): Promise<boolean> {
  const problem = await probeNats();
  const missing = problem === undefined ? undefined : `NATS at ${natsUrl()} is unreachable (${problem})`;
  return requireHere(t, missing, 'start nats-server -js, or set NATS_URL');
}

/** A name unique to this test, valid in subjects and as a stream or consumer name: `t_<pid>_<hex>`. */
export function uniquePrefix(label = 't'): string {
  return `${label}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

/** A connection for the test's own use (publishing, inspecting streams); close it in an after hook. */
export async function natsConnection(): Promise<NatsConnection> {
  return connect({ servers: natsUrl(), timeout: 10_000, name: 'tandem-test' });
}

/** Deletes streams, ignoring ones already gone. */
export async function deleteStreams(nc: NatsConnection, ...names: string[]): Promise<void> {
  const jsm = await jetstreamManager(nc);
  for (const name of names) await jsm.streams.delete(name).catch(() => false);
}
