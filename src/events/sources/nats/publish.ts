// Publishing test and demo events: the helper behind `tandem events publish`, and what the
// integration tests use to feed sources. Core publish is fire-and-forget (flushed at the end);
// JetStream publish waits for every PubAck, a window of them at a time.
import { jetstream, type PubAck } from '@nats-io/jetstream';
import { connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { encodePayload } from '../../payload.js';
import { connectionOptions } from './options.js';
import type { NatsAuthConfig } from './schema.js';

export interface PublishEventsOptions {
  url: string | string[];
  subject: string;
  /** The payload, or a function of the message index (0-based) giving it. */
  payload: unknown;
  /** How many messages (default 1). */
  count?: number;
  format: 'json' | 'msgpack';
  /** Extra headers (e.g. `ce-type`), on every message. */
  headers?: Record<string, string>;
  /** Publish through JetStream and wait for acks; `msgId` sets Nats-Msg-Id (the stream's dedup key). */
  jetStream?: boolean | { msgId?: (index: number) => string; window?: number };
  auth?: NatsAuthConfig;
  /** Use this connection instead of opening one (it is left open). */
  connection?: NatsConnection;
}

export interface PublishResult {
  published: number;
  /** JetStream: stream sequence of each message, in order. */
  sequences?: number[];
  /** JetStream: messages the stream dropped as duplicates of a Nats-Msg-Id. */
  duplicates?: number;
}

export async function publishEvents(options: PublishEventsOptions): Promise<PublishResult> {
  const count = options.count ?? 1;
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`publishEvents: count must be a whole number, got ${count}`);
  const nc =
    options.connection ??
    (await connect(
      connectionOptions(
        { url: undefined, urls: Array.isArray(options.url) ? options.url : [options.url], subject: options.subject, ...(options.auth ? { auth: options.auth } : {}), reconnect: { maxAttempts: 0 } },
        { name: 'tandem:publish' },
      ).options,
    ));
  const payloadAt = (index: number): unknown => (typeof options.payload === 'function' ? (options.payload as (i: number) => unknown)(index) : options.payload);
  const headersAt = (index: number, contentType: string) => {
    const h = natsHeaders();
    h.set('Content-Type', contentType);
    for (const [name, value] of Object.entries(options.headers ?? {})) h.set(name, value);
    const js = options.jetStream;
    if (typeof js === 'object' && js.msgId) h.set('Nats-Msg-Id', js.msgId(index));
    return h;
  };
  try {
    if (!options.jetStream) {
      for (let i = 0; i < count; i++) {
        const { bytes, contentType } = encodePayload(payloadAt(i), options.format);
        nc.publish(options.subject, bytes, { headers: headersAt(i, contentType) });
      }
      await nc.flush();
      return { published: count };
    }
    const js = jetstream(nc);
    const window = (typeof options.jetStream === 'object' ? options.jetStream.window : undefined) ?? 128;
    const acks: PubAck[] = [];
    for (let start = 0; start < count; start += window) {
      const batch: Promise<PubAck>[] = [];
      for (let i = start; i < Math.min(count, start + window); i++) {
        const { bytes, contentType } = encodePayload(payloadAt(i), options.format);
        batch.push(js.publish(options.subject, bytes, { headers: headersAt(i, contentType) }));
      }
      acks.push(...(await Promise.all(batch)));
    }
    return { published: count, sequences: acks.map((ack) => ack.seq), duplicates: acks.filter((ack) => ack.duplicate).length };
  } finally {
    if (!options.connection) await nc.drain().catch(() => nc.close());
  }
}
